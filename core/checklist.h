#pragma once
// The incident report's Prevention Checklist, judged from facts: one item per
// line, pass or fail, and for each failure the exact remedyctl command that
// fixes it. What remedy cannot see (the database pool, the frontend build) is
// "not_checked" with the reason, never guessed.

#include "proc.h"
#include "service_manager.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace remedy {

struct ServiceFacts {
    std::string name;
    UnitState state;
    bool logsToFiles = false;        // LogsDirectory=, or output appended to a file
    bool logRotation = false;        // remedy's /etc/logrotate.d snippet
    bool healthCheck = false;        // its remedy-health timer is active
};

struct ChecklistFacts {
    std::uint64_t memoryTotal = 0;
    std::vector<SwapArea> swaps;
    std::uint64_t recommendedSwap = 0;
    std::uint64_t pageSize = 4096;       // /proc/swaps leaves out each area's header page
    std::set<std::string> fstabSwaps;    // swap sources in /etc/fstab
    std::vector<ServiceFacts> services;  // the one asked for, or remedy's
    bool serviceAsked = false;           // --unit given
    bool metricsTimer = false;           // remedy-metrics.timer active
    std::optional<std::size_t> oomKills; // nothing: withheld
    std::vector<std::string> withheld;
};

// Schema: {"items": [{"id", "title", "unit" (s|null), "status":
// "pass"|"fail"|"not_checked", "detail", "fix" (s|null)}],
// "summary": {"passed", "failed", "not_checked"},
// "swap": {"total", "used", "recommended"}, "units": [{"unit", "active",
// "result", "restarts"}], "oom_kills": n|null, "withheld": [s]}
nlohmann::json checklist(const ChecklistFacts& facts);

// node_exporter's textfile format: one gauge per judged item, failed items,
// OOM kills seen, restarts per unit, swap sizes.
std::string prometheusText(const nlohmann::json& report);

// "4G", "512M" or bytes: a size as remedyctl takes it back.
std::string sizeArgument(std::uint64_t bytes);

} // namespace remedy
