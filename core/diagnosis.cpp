#include "diagnosis.h"

#include <algorithm>

#include <cstdio>
#include <cmath>
#include <ctime>

namespace remedy {
namespace {

std::string isoTime(std::int64_t epochUs)
{
    std::time_t seconds = static_cast<std::time_t>(epochUs / 1000000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

std::string gib(std::uint64_t bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
    return text;
}

std::string mib(std::uint64_t bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.0f MiB", static_cast<double>(bytes) / (1024.0 * 1024));
    return text;
}

nlohmann::json pressureJson(const std::optional<Pressure>& pressure)
{
    if (!pressure)
        return nullptr;
    return {{"some", {{"avg10", pressure->someAvg10}, {"avg60", pressure->someAvg60}, {"avg300", pressure->someAvg300}}},
            {"full", {{"avg10", pressure->fullAvg10}, {"avg60", pressure->fullAvg60}, {"avg300", pressure->fullAvg300}}}};
}

} // namespace

nlohmann::json diagnose(const DiagnosisFacts& facts, std::size_t topPrograms)
{
    std::uint64_t swapTotal = 0;
    std::uint64_t swapUsed = 0;
    auto areas = nlohmann::json::array();
    for (const auto& area : facts.swaps) {
        swapTotal += area.size;
        swapUsed += area.used;
        areas.push_back({{"path", area.path}, {"type", area.type}, {"size", area.size}, {"used", area.used}, {"priority", area.priority}});
    }

    auto processes = nlohmann::json::array();
    for (std::size_t i = 0; i < facts.programs.size() && i < topPrograms; ++i) {
        const auto& program = facts.programs[i];
        double percent = facts.memory.total ? 100.0 * static_cast<double>(program.rss) / static_cast<double>(facts.memory.total) : 0;
        processes.push_back({{"program", program.program}, {"processes", program.processes}, {"rss", program.rss},
                             {"percent", std::round(percent * 10) / 10}, {"units", program.units}});
    }

    auto findings = nlohmann::json::array();
    if (facts.swaps.empty())
        findings.push_back("No swap: " + gib(facts.memory.total) +
                           " of RAM and nothing to absorb a spike, so the OOM killer acts as soon as memory runs out");
    if (facts.pressure && facts.pressure->fullAvg60 >= 10)
        findings.push_back("Memory pressure is high: every task stalled on memory " + std::to_string(static_cast<int>(facts.pressure->fullAvg60)) +
                           " % of the last minute");

    nlohmann::json kills = nullptr;
    if (facts.oomKills) {
        kills = nlohmann::json::array();
        // A finding for each of the newest kills; all of them are in oom_kills.
        constexpr std::size_t kTold = 5;
        const auto& all = *facts.oomKills;
        if (all.size() > kTold)
            findings.push_back(std::to_string(all.size()) + " OOM kills are in the kernel log; the newest " + std::to_string(kTold) + " follow");
        for (std::size_t i = 0; i < all.size(); ++i) {
            const auto& kill = all[i];
            auto when = isoTime((kill.bootEpochUs ? kill.bootEpochUs : facts.bootEpochUs) + static_cast<std::int64_t>(kill.sinceBootUs));
            auto rss = kill.anonRss + kill.fileRss + kill.shmemRss;
            kills.push_back({{"time", when}, {"kind", kill.cgroupLimit ? "cgroup" : "global"}, {"process", kill.process},
                             {"pid", kill.pid}, {"uid", kill.uid}, {"rss", rss}, {"cgroup", kill.cgroup}, {"unit", kill.unit}});
            if (i + kTold < all.size())
                continue;
            auto who = kill.process + " (pid " + std::to_string(kill.pid) + (kill.unit.empty() ? "" : ", unit " + kill.unit) + ", " + mib(rss) + ")";
            if (kill.cgroupLimit)
                findings.push_back(when + ": " + who + " was killed for exceeding the memory limit of its cgroup " + kill.cgroup);
            else
                findings.push_back(when + ": the kernel ran out of memory and killed " + who +
                                   (facts.swaps.empty() ? "; there was no swap to fall back on" : ""));
        }
    }

    nlohmann::json units = nullptr;
    if (facts.units) {
        units = nlohmann::json::array();
        for (const auto& unit : *facts.units) {
            const auto& state = unit.state;
            units.push_back({{"unit", unit.name},
                             {"active", state.activeState},
                             {"result", state.result},
                             {"restarts", state.nRestarts},
                             {"restart", state.restart},
                             {"memory_max", state.memoryMax == UINT64_MAX ? nlohmann::json(nullptr) : nlohmann::json(state.memoryMax)},
                             {"health_check", unit.healthCheck}});
            bool killed = state.result == "oom-kill" ||
                          (facts.oomKills && std::any_of(facts.oomKills->begin(), facts.oomKills->end(),
                                                         [&](const OomKill& kill) { return kill.unit == unit.name; }));
            if (state.result == "oom-kill")
                findings.push_back(unit.name + ": systemd's last result is oom-kill" +
                                   (state.nRestarts ? "; it restarted it " + std::to_string(state.nRestarts) + " times" : ""));
            if (!killed)
                continue;
            if (state.restart == "no" || state.restart == "on-success" || state.restart == "on-watchdog")
                findings.push_back(unit.name + " has no restart policy (Restart=" + state.restart + "): after the kill it stayed down");
            if (state.memoryMax == UINT64_MAX)
                findings.push_back(unit.name + " has no memory limit (MemoryMax=infinity): it can take the whole machine");
            if (!unit.healthCheck)
                findings.push_back(unit.name + " has no health check: nothing notices when it is down or hangs");
        }
    }

    return {
        {"memory", {{"total", facts.memory.total}, {"available", facts.memory.available}, {"used", facts.memory.total - facts.memory.available}}},
        {"swap", {{"total", swapTotal}, {"used", swapUsed}, {"areas", areas}}},
        {"pressure", pressureJson(facts.pressure)},
        {"processes", processes},
        {"oom_kills", kills},
        {"units", units},
        {"withheld", facts.withheld},
        {"unavailable", facts.unavailable},
        {"findings", findings},
    };
}

} // namespace remedy
