#pragma once
// The incident report's "Investigation Results", generated: memory and swap,
// pressure, the memory table by program, OOM kills, and what likely
// happened — only what follows from those facts.

#include "oom.h"
#include "proc.h"
#include "processes.h"
#include "service_manager.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace remedy {

// A service systemd restarted, or whose last result was an OOM kill.
struct UnitRecord {
    std::string name;
    UnitState state;
    bool healthCheck = false;  // remedy's health check timer is active
};

struct DiagnosisFacts {
    MemInfo memory;
    std::vector<SwapArea> swaps;
    std::optional<Pressure> pressure;
    std::vector<ProgramMemory> programs;
    std::optional<std::vector<OomKill>> oomKills;  // nothing: withheld, see withheld
    std::vector<std::string> withheld;             // what the caller may not see, and why
    std::int64_t bootEpochUs = 0;                  // wall-clock time of boot, for kernel timestamps
    std::optional<std::vector<UnitRecord>> units;  // nothing: systemd could not be asked
    std::vector<std::string> unavailable;          // facts that could not be gathered, and why
};

// Schema (sizes in bytes, times ISO 8601 UTC):
//   { "memory": {total, available, used}, "swap": {total, used, areas: [...]},
//     "pressure": {some: {avg10, avg60, avg300}, full: {...}} | null,
//     "processes": [{program, processes, rss, percent, units: [...]}],
//     "oom_kills": [{time, kind: "global"|"cgroup", process, pid, uid, rss, cgroup, unit}] | null,
//     "units": [{unit, active, result, restarts, restart, memory_max, health_check}] | null,
//     "withheld": [s], "unavailable": [s], "findings": [s] }
nlohmann::json diagnose(const DiagnosisFacts& facts, std::size_t topPrograms = 15);

} // namespace remedy
