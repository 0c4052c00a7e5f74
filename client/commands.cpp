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

Options withAuth(HelperClient& helper, const PolkitAgent& agent, Options options)
{
    if (agent.running())
        helper.allowInteractiveAuth();
    options["auth.interactive"] = sdbus::Variant(agent.running());
    return options;
}

int status(HelperClient& helper, const GlobalOptions& global)
{
    auto description = nlohmann::json::parse(helper.manager().Describe());
    description["log_level"] = helper.logControl().LogLevel();
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

int logLevel(HelperClient& helper, const GlobalOptions& global, const std::optional<std::string>& level)
{
    auto before = helper.logControl().LogLevel();
    if (level && *level != before) {
        PolkitAgent agent(global.askPassword);
        helper.manager().SetLogLevel(*level, withAuth(helper, agent));
    }
    auto current = level ? helper.logControl().LogLevel() : before;
    if (global.json)
        std::cout << nlohmann::json{{"log_level", current}, {"changed", current != before}}.dump() << '\n';
    else if (!global.quiet && !level)
        std::cout << current << '\n';
    return kSuccess;
}

} // namespace remedy::client
