#pragma once
// Out-of-memory kills, read from the kernel log: what the incident cost an
// evening to find by hand. Both kinds: the global OOM killer ("Out of
// memory: Killed process …") and a cgroup's limit ("Memory cgroup out of
// memory: Killed process …"), each with the "oom-kill:" line before it that
// names the cgroup.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace remedy {

struct OomKill {
    std::uint64_t sinceBootUs = 0;  // the kernel's timestamp
    std::int64_t bootEpochUs = 0;   // the wall-clock start of an earlier boot it was in; 0: this boot
    bool cgroupLimit = false;       // true: a memory cgroup's limit; false: the whole machine
    std::string process;
    int pid = 0;
    std::uint32_t uid = 0;
    std::uint64_t anonRss = 0;      // bytes
    std::uint64_t fileRss = 0;
    std::uint64_t shmemRss = 0;
    std::string cgroup;             // the killed task's cgroup, when the kernel named it
    std::string unit;               // the systemd unit in that cgroup path, if any
};

// Parses /dev/kmsg records ("prio,seq,usec,flags;message"). Lines that are
// not records, truncated or malformed are skipped, never guessed at.
std::vector<OomKill> parseOomKills(std::string_view kmsg);

// "/system.slice/kontali-backend.service" -> "kontali-backend.service";
// the innermost .service or .scope component, or "" when there is none.
std::string unitOfCgroup(std::string_view cgroup);

} // namespace remedy
