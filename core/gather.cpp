#include "gather.h"

#include "checklist.h"
#include "diagnosis.h"
#include "error.h"
#include "fstab_file.h"
#include "healthcheck.h"
#include "swap_policy.h"
#include "unit_files.h"

#include <algorithm>
#include <optional>
#include <set>
#include <vector>

namespace remedy {
namespace {

// The kernel's OOM kill records, or nothing with the reason in `withheld`.
std::optional<std::vector<OomKill>> oomKills(Host& host, const std::string& refusal, std::vector<std::string>& withheld)
{
    if (!refusal.empty()) {
        withheld.push_back(refusal);
        return std::nullopt;
    }
    try {
        // Earlier boots first, from the journal: after a reboot the kill
        // that caused it is still named.
        std::vector<OomKill> kills;
        for (const auto& boot : host.earlierBootsKernelLog())
            for (auto kill : parseOomKills(boot.kernelLog)) {
                kill.bootEpochUs = boot.bootEpochUs;
                kills.push_back(std::move(kill));
            }
        for (auto& kill : parseOomKills(host.kernelLog()))
            kills.push_back(std::move(kill));
        return kills;
    } catch (const Error& error) {
        withheld.push_back(std::string("OOM kills: ") + error.what());
        return std::nullopt;
    }
}

bool healthCheckActive(ServiceManager& systemd, const std::string& unit)
{
    return systemd.state(healthcheckName(unit) + ".timer").activeState == "active";
}

// The services systemd restarted or lost to an OOM kill, and those the
// kernel log names in a kill.
std::vector<UnitRecord> unitRecords(ServiceManager& systemd, const std::optional<std::vector<OomKill>>& kills)
{
    // All services in one sweep; the full state only of the few that matter.
    std::vector<UnitRecord> records;
    for (const auto& [name, brief] : systemd.services()) {
        bool named = kills && std::any_of(kills->begin(), kills->end(), [&](const OomKill& kill) { return kill.unit == name; });
        if (brief.result != "oom-kill" && brief.nRestarts == 0 && !named)
            continue;
        records.push_back({name, systemd.state(name), healthCheckActive(systemd, name)});
    }
    return records;
}

std::set<std::string> fstabSwaps(int rootFd)
{
    std::set<std::string> sources;
    auto fstab = FstabFile(rootFd).read();  // named: entries() refers into it
    for (const auto& entry : fstab.entries())
        if (entry.isSwap())
            sources.insert(entry.source);
    return sources;
}

// /proc/swaps may show a swapfile by its path within its mount
// (swap_system.h): such an area is given its fstab path back. A path that
// names a file here is that file, not an alias.
void unaliasSwapfiles(Host& host, const std::set<std::string>& sources, std::vector<SwapArea>& swaps)
{
    for (const auto& source : sources) {
        auto withinMount = host.withinMount(source);
        for (auto& area : swaps)
            if (area.type == "file" && !withinMount.empty() && area.path == withinMount && !host.exists(area.path))
                area.path = source;
    }
}

// A partition is named by UUID= or LABEL= in fstab and by its device in
// /proc/swaps: such an entry counts for the partitions.
void countTaggedPartitions(std::set<std::string>& sources, const std::vector<SwapArea>& swaps)
{
    for (const auto& source : std::set<std::string>(sources))
        if (source.find('=') != std::string::npos)
            for (const auto& area : swaps)
                if (area.type == "partition")
                    sources.insert(area.path);
}

// The one asked for, or the services remedy installed (not its own health
// and metrics units).
std::vector<std::string> checkedServices(const ManagedDirectory& units, const std::string& unit)
{
    if (!unit.empty())
        return {unit};
    std::vector<std::string> names;
    for (const auto& name : units.managedFiles(".service"))
        if (name.rfind("remedy-", 0) != 0)
            names.push_back(name);
    return names;
}

ServiceFacts serviceFacts(ServiceManager& systemd, const ManagedDirectory& logrotate, const std::string& name)
{
    ServiceFacts service{name, systemd.state(name)};
    const auto& out = service.state.standardOutput;
    service.logsToFiles = !service.state.logsDirectory.empty() || out.rfind("file", 0) == 0 || out.rfind("append", 0) == 0 ||
                          out.rfind("truncate", 0) == 0;
    service.logRotation = logrotate.read("remedy-" + name.substr(0, name.rfind('.'))).has_value();
    service.healthCheck = healthCheckActive(systemd, name);
    return service;
}

} // namespace

std::string diagnosisReport(Host& host, ServiceManager& systemd, const std::string& withheld)
{
    DiagnosisFacts facts;
    facts.memory = parseMemInfo(host.proc("meminfo"));
    facts.swaps = parseSwaps(host.proc("swaps"));
    try {
        facts.pressure = parsePressure(host.proc("pressure/memory"));
    } catch (const Error&) {
        // A kernel without PSI: the report says null.
    }
    facts.programs = groupByProgram(host.processes());
    facts.bootEpochUs = host.bootEpochUs();
    facts.oomKills = oomKills(host, withheld, facts.withheld);
    try {
        facts.units = unitRecords(systemd, facts.oomKills);
    } catch (const std::exception& error) {
        facts.unavailable.push_back(std::string("units: systemd cannot be asked: ") + error.what());
    }
    return diagnose(facts).dump();
}

std::string checklistReport(int rootFd, Host& host, ServiceManager& systemd, const std::string& unit, const std::string& withheld)
{
    ChecklistFacts facts;
    facts.memoryTotal = parseMemInfo(host.proc("meminfo")).total;
    facts.swaps = parseSwaps(host.proc("swaps"));
    facts.recommendedSwap = recommendSwap(facts.memoryTotal).size;
    facts.pageSize = host.pageSize();
    facts.fstabSwaps = fstabSwaps(rootFd);
    unaliasSwapfiles(host, facts.fstabSwaps, facts.swaps);
    countTaggedPartitions(facts.fstabSwaps, facts.swaps);

    ManagedDirectory units(rootFd, "/etc/systemd/system");
    ManagedDirectory logrotate(rootFd, "/etc/logrotate.d");
    facts.serviceAsked = !unit.empty();
    for (const auto& name : checkedServices(units, unit))
        facts.services.push_back(serviceFacts(systemd, logrotate, name));
    facts.metricsTimer = systemd.state("remedy-metrics.timer").activeState == "active";
    // The metric counts what is in the kernel log: this boot's kills.
    if (auto kills = oomKills(host, withheld, facts.withheld))
        facts.oomKills = std::count_if(kills->begin(), kills->end(), [](const OomKill& kill) { return kill.bootEpochUs == 0; });
    return checklist(facts).dump();
}

} // namespace remedy
