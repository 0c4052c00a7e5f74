#include "commands.h"

#include "agent.h"
#include "format.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace remedy::client {
namespace {

void printField(const char* label, const std::string& value) { std::printf("%14s: %s\n", label, value.c_str()); }

} // namespace

int status(HelperClient& helper, const GlobalOptions& global)
{
    auto description = nlohmann::json::parse(helper.manager().Describe());
    description["log_level"] = helper.logControl().LogLevel();
    // The newest change a stop of remedyd cut short, among the caller's own
    // recent history: recovery ended it when remedyd started again.
    description["last_recovery"] = nullptr;
    auto history = nlohmann::json::parse(helper.remedy().History({{"limit", sdbus::Variant(std::uint32_t(50))}}));
    for (auto it = history.rbegin(); it != history.rend(); ++it)
        if ((*it).value("state", "") == "interrupted") {
            description["last_recovery"] = *it;
            break;
        }
    if (global.json) {
        std::cout << description.dump() << '\n';
        return kSuccess;
    }
    if (global.quiet)
        return kSuccess;

    const auto& memory = description["memory"];
    const auto& swap = description["swap"];
    printField("Helper", "remedyd " + description["version"].get<std::string>());
    printField("Log level", description["log_level"].get<std::string>());
    if (const auto& recovery = description["last_recovery"]; !recovery.is_null()) {
        const auto& step = recovery["steps"].size() == 1 ? recovery["steps"][0] : nlohmann::json{{"kind", "plan"}, {"target", recovery["id"]}, {"status", "undone"}};
        printField("Recovered", step["kind"].get<std::string>() + " " + (step["target"].is_string() ? step["target"].get<std::string>() : step["target"].dump()) +
                                    ", cut short by a stop of remedyd, " + (step["status"] == "finished" ? "finished" : "rolled back") + " at " +
                                    recovery["undone"].get<std::string>() + " (remedyctl history)");
    }
    printField("Memory", humanBytes(memory["total"]) + " total, " + humanBytes(memory["available"]) + " available");
    if (swap["areas"].empty()) {
        printField("Swap", "none (nothing buffers a memory spike: the OOM killer acts at once)");
        return kSuccess;
    }
    printField("Swap", humanBytes(swap["total"]) + " total, " + humanBytes(swap["used"]) + " used");
    for (const auto& area : swap["areas"])
        std::printf("%14s  %s (%s, %s, priority %d)\n", "", area["path"].get<std::string>().c_str(),
                    area["type"].get<std::string>().c_str(), humanBytes(area["size"]).c_str(), area["priority"].get<int>());
    return kSuccess;
}

int diagnose(HelperClient& helper, const GlobalOptions& global)
{
    auto report = nlohmann::json::parse(authorized(helper, global.askPassword, {}, [&](const Options& options) { return helper.remedy().Diagnose(options); }));
    if (global.json) {
        std::cout << report.dump() << '\n';
        return kSuccess;
    }
    if (global.quiet)
        return kSuccess;

    const auto& memory = report["memory"];
    const auto& swap = report["swap"];
    printField("Memory", humanBytes(memory["total"]) + " total, " + humanBytes(memory["used"]) + " used, " +
                             humanBytes(memory["available"]) + " available");
    printField("Swap", swap["areas"].empty() ? std::string("none")
                                             : humanBytes(swap["total"]) + " total, " + humanBytes(swap["used"]) + " used");
    if (!report["pressure"].is_null()) {
        char text[96];
        std::snprintf(text, sizeof text, "%.1f %% some, %.1f %% full (stalled on memory, last 60 s)",
                      report["pressure"]["some"]["avg60"].get<double>(), report["pressure"]["full"]["avg60"].get<double>());
        printField("Pressure", text);
    }

    std::printf("\n%-20s %5s %9s %6s  %s\n", "PROGRAM", "PROCS", "RSS", "% RAM", "UNITS");
    for (const auto& program : report["processes"]) {
        std::string units;
        for (const auto& unit : program["units"])
            units += (units.empty() ? "" : ",") + unit.get<std::string>();
        std::printf("%-20s %5d %9s %6.1f  %s\n", program["program"].get<std::string>().c_str(), program["processes"].get<int>(),
                    humanBytes(program["rss"]).c_str(), program["percent"].get<double>(), units.empty() ? "-" : units.c_str());
    }

    if (!report["oom_kills"].is_null()) {
        // The newest few; --json has them all.
        const auto& kills = report["oom_kills"];
        constexpr std::size_t kShown = 5;
        std::printf("\nOOM kills in the kernel log: %zu%s\n", kills.size(),
                    kills.size() > kShown ? (", the newest " + std::to_string(kShown) + " (--json lists all)").c_str() : "");
        for (const auto& kill : std::vector<nlohmann::json>(kills.end() - static_cast<long>(std::min(kShown, kills.size())), kills.end()))
            std::printf("  %s  %-6s %s (pid %d%s) %s\n", kill["time"].get<std::string>().c_str(), kill["kind"].get<std::string>().c_str(),
                        kill["process"].get<std::string>().c_str(), kill["pid"].get<int>(),
                        kill["unit"].get<std::string>().empty() ? "" : (", " + kill["unit"].get<std::string>()).c_str(),
                        humanBytes(kill["rss"]).c_str());
    }
    if (report["units"].is_array() && !report["units"].empty()) {
        std::printf("\nServices systemd restarted or lost to the OOM killer:\n");
        for (const auto& unit : report["units"])
            std::printf("  %-32s %-10s result %-10s restarts %-4u Restart=%-11s MemoryMax=%-9s health check: %s\n",
                        unit["unit"].get<std::string>().c_str(), unit["active"].get<std::string>().c_str(),
                        unit["result"].get<std::string>().c_str(), unit["restarts"].get<unsigned>(), unit["restart"].get<std::string>().c_str(),
                        unit["memory_max"].is_null() ? "infinity" : humanBytes(unit["memory_max"]).c_str(),
                        unit["health_check"].get<bool>() ? "yes" : "no");
    }
    if (!report["findings"].empty()) {
        std::printf("\nWhat likely happened:\n");
        const auto& findings = report["findings"];
        constexpr std::size_t kFindings = 12;
        for (std::size_t i = 0; i < findings.size() && i < kFindings; ++i)
            std::printf("  - %s\n", findings[i].get<std::string>().c_str());
        if (findings.size() > kFindings)
            std::printf("  (%zu more: remedyctl --json diagnose)\n", findings.size() - kFindings);
    }
    for (const auto& withheld : report["withheld"])
        std::printf("\nWithheld: %s\n", withheld.get<std::string>().c_str());
    for (const auto& missing : report["unavailable"])
        std::printf("\nUnavailable: %s\n", missing.get<std::string>().c_str());
    return kSuccess;
}

int logLevel(HelperClient& helper, const GlobalOptions& global, const std::optional<std::string>& level)
{
    auto before = helper.logControl().LogLevel();
    if (level && *level != before) {
        authorized(helper, global.askPassword, {}, [&](const Options& options) { return helper.manager().SetLogLevel(*level, options); });
    }
    auto current = level ? helper.logControl().LogLevel() : before;
    if (global.json)
        std::cout << nlohmann::json{{"log_level", current}, {"changed", current != before}}.dump() << '\n';
    else if (!global.quiet && !level)
        std::cout << current << '\n';
    return kSuccess;
}

} // namespace remedy::client
