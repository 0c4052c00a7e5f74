#pragma once
// What the diagnosis and the checklist read of the machine itself, outside
// the root directory and systemd: the kernel log, /proc, the clocks. Behind
// an interface so the unit tests can feed any machine, incident included.

#include "processes.h"

#include <cstdint>
#include <string>
#include <vector>

namespace remedy {

class Host {
public:
    virtual ~Host() = default;

    // The kernel log's records (/dev/kmsg), oldest first; throws Error when
    // it cannot be read.
    virtual std::string kernelLog() = 0;
    // The kernel's lines about OOM kills from earlier boots, as the journal
    // kept them (the ring buffer starts empty at each boot), one log per
    // boot in /dev/kmsg's format with that boot's wall-clock start. Empty
    // where there is no persistent journal.
    struct EarlierBoot {
        std::int64_t bootEpochUs = 0;
        std::string kernelLog;
    };
    virtual std::vector<EarlierBoot> earlierBootsKernelLog() { return {}; }
    // A file below /proc ("meminfo", "swaps", "pressure/memory"); throws
    // Error when there is none.
    virtual std::string proc(const std::string& name) = 0;
    virtual std::vector<ProcessMemory> processes() = 0;
    // The wall-clock time of boot (µs since the epoch): kernel log stamps
    // count from boot.
    virtual std::int64_t bootEpochUs() = 0;
    virtual std::uint64_t pageSize() = 0;

    // The path the file `path` has within its mount, as /proc/swaps may
    // show a swapfile (swap_system.h); "" when it cannot be told.
    virtual std::string withinMount(const std::string& path) = 0;
    // Whether `path` names anything in this mount namespace.
    virtual bool exists(const std::string& path) = 0;
};

// The machine remedy runs on.
class LiveHost final : public Host {
public:
    std::string kernelLog() override;
    std::vector<EarlierBoot> earlierBootsKernelLog() override;
    std::string proc(const std::string& name) override;
    std::vector<ProcessMemory> processes() override;
    std::int64_t bootEpochUs() override;
    std::uint64_t pageSize() override;
    std::string withinMount(const std::string& path) override;
    bool exists(const std::string& path) override;
};

// One LiveHost for the whole program: it holds no state.
Host& liveHost();

} // namespace remedy
