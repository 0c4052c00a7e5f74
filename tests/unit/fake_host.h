#pragma once
// The machine as the diagnosis and the checklist see it (core/host.h), given
// by the test: its kernel log, /proc files, processes and mounts.

#include "core/error.h"
#include "core/host.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace remedy::test {

class FakeHost final : public Host {
public:
    std::string kmsg;
    bool kmsgReadable = true;
    int kmsgReads = 0;
    // 8 GiB, no swap, no PSI: a file not in the map is not there.
    std::map<std::string, std::string> procFiles = {
        {"meminfo", "MemTotal:        8388608 kB\nMemAvailable:    4194304 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n"},
        {"swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"}};
    std::vector<ProcessMemory> processList;
    std::int64_t boot = 1770500000LL * 1000000;
    std::map<std::string, std::string> withinMounts;  // path -> its path within its mount
    std::set<std::string> files;                      // paths that name something here

    std::vector<EarlierBoot> earlier;  // what the journal kept of earlier boots

    std::vector<EarlierBoot> earlierBootsKernelLog() override { return earlier; }

    std::string kernelLog() override
    {
        ++kmsgReads;
        if (!kmsgReadable)
            throw Error(ErrorKind::Failed, "cannot open /dev/kmsg: Operation not permitted");
        return kmsg;
    }
    std::string proc(const std::string& name) override
    {
        auto file = procFiles.find(name);
        if (file == procFiles.end())
            throw Error(ErrorKind::Failed, "cannot open /proc/" + name + ": No such file or directory");
        return file->second;
    }
    std::vector<ProcessMemory> processes() override { return processList; }
    std::int64_t bootEpochUs() override { return boot; }
    std::uint64_t pageSize() override { return 4096; }
    std::string withinMount(const std::string& path) override
    {
        auto found = withinMounts.find(path);
        return found == withinMounts.end() ? "" : found->second;
    }
    bool exists(const std::string& path) override { return files.count(path) > 0; }
};

} // namespace remedy::test
