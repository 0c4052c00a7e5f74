#include "host.h"

#include <systemd/sd-journal.h>

#include <algorithm>
#include <map>
#include <string_view>

#include "error.h"
#include "proc.h"
#include "swap_system.h"
#include "unique_fd.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace remedy {

// Each read(2) of /dev/kmsg returns one record; EPIPE means older ones were
// overwritten while we read, and reading goes on.
std::string LiveHost::kernelLog()
{
    UniqueFd fd(open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fd)
        throw Error(ErrorKind::Failed, std::string("cannot open /dev/kmsg: ") + std::strerror(errno));
    std::string log;
    char record[8192];
    for (;;) {
        ssize_t n = read(fd.get(), record, sizeof record);
        if (n > 0) {
            log.append(record, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && (errno == EPIPE || errno == EINTR))
            continue;
        return log;  // EAGAIN: the end
    }
}

std::vector<Host::EarlierBoot> LiveHost::earlierBootsKernelLog()
{
    sd_journal* journal = nullptr;
    if (sd_journal_open(&journal, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM) < 0)
        return {};
    sd_id128_t thisBoot{};
    sd_id128_get_boot(&thisBoot);
    std::map<std::string, EarlierBoot> boots;  // by boot ID
    sd_journal_add_match(journal, "_TRANSPORT=kernel", 0);
    sd_journal_seek_tail(journal);
    // Newest first, and a bounded look back: a journal of years is not read.
    constexpr int kMostEntries = 200000;
    for (int seen = 0; seen < kMostEntries && sd_journal_previous(journal) > 0; ++seen) {
        sd_id128_t boot{};
        std::uint64_t monotonic = 0;
        std::uint64_t realtime = 0;
        if (sd_journal_get_monotonic_usec(journal, &monotonic, &boot) < 0 || sd_id128_equal(boot, thisBoot) ||
            sd_journal_get_realtime_usec(journal, &realtime) < 0)
            continue;
        const void* data = nullptr;
        std::size_t length = 0;
        if (sd_journal_get_data(journal, "MESSAGE", &data, &length) < 0)
            continue;
        std::string_view message(static_cast<const char*>(data) + 8, length - 8);  // past "MESSAGE="
        // Only what parseOomKills reads: the oom-kill line and the kill itself.
        if (message.find("oom-kill:") == std::string_view::npos && message.find("Killed process") == std::string_view::npos)
            continue;
        // journald has unescaped what the kernel escaped: a newline here
        // (a delegated cgroup's name) could forge a record of its own.
        if (message.find_first_of("\n\r") != std::string_view::npos)
            continue;
        char id[SD_ID128_STRING_MAX];
        auto& earlier = boots[sd_id128_to_string(boot, id)];
        earlier.bootEpochUs = static_cast<std::int64_t>(realtime) - static_cast<std::int64_t>(monotonic);
        // Prepended: read newest first, kept oldest first.
        earlier.kernelLog.insert(0, "6,0," + std::to_string(monotonic) + ",-;" + std::string(message) + "\n");
    }
    sd_journal_close(journal);
    std::vector<EarlierBoot> result;
    for (auto& [id, boot] : boots)
        result.push_back(std::move(boot));
    std::sort(result.begin(), result.end(), [](const EarlierBoot& a, const EarlierBoot& b) { return a.bootEpochUs < b.bootEpochUs; });
    return result;
}

std::string LiveHost::proc(const std::string& name) { return readFile("/proc/" + name); }

std::vector<ProcessMemory> LiveHost::processes() { return readProcesses(); }

std::int64_t LiveHost::bootEpochUs()
{
    timespec real{};
    timespec boot{};
    clock_gettime(CLOCK_REALTIME, &real);
    clock_gettime(CLOCK_MONOTONIC, &boot);  // /dev/kmsg stamps do not count suspend
    auto us = [](const timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1000000 + t.tv_nsec / 1000; };
    return us(real) - us(boot);
}

std::uint64_t LiveHost::pageSize() { return static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE)); }

std::string LiveHost::withinMount(const std::string& path)
{
    UniqueFd file(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    return file ? pathWithinMount(file.get()) : "";
}

bool LiveHost::exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

Host& liveHost()
{
    static LiveHost host;
    return host;
}

} // namespace remedy
