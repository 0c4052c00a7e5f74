#pragma once
// Who uses the memory: the incident report's table, by program (all uvicorn
// workers together), with the units they run in.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace remedy {

struct ProcessMemory {
    int pid = 0;
    std::string program;  // /proc/PID/comm
    std::uint64_t rss = 0;  // bytes
    std::string unit;     // systemd unit of its cgroup, or ""
};

struct ProgramMemory {
    std::string program;
    int processes = 0;
    std::uint64_t rss = 0;
    std::vector<std::string> units;  // sorted, distinct
};

// Every process under `proc` with resident memory (kernel threads have
// none); processes that exit while being read are skipped.
std::vector<ProcessMemory> readProcesses(const std::string& proc = "/proc");

// Grouped by program, largest first.
std::vector<ProgramMemory> groupByProgram(const std::vector<ProcessMemory>& processes);

// /proc/PID/statm's resident field, in bytes.
std::optional<std::uint64_t> residentBytes(std::string_view statm, std::uint64_t pageSize);

// The cgroup path from /proc/PID/cgroup: the unified ("0::") line, else the
// name=systemd one.
std::string cgroupPath(std::string_view cgroupFile);

struct Pressure {
    double someAvg10 = 0, someAvg60 = 0, someAvg300 = 0;
    double fullAvg10 = 0, fullAvg60 = 0, fullAvg300 = 0;
};

// /proc/pressure/memory; nothing when the kernel has no PSI.
std::optional<Pressure> parsePressure(std::string_view text);

} // namespace remedy
