// remedyctl: drive remedyd, the remedy system service, without sudo.

#include "commands.h"
#include "core/log_level.h"
#include "exit_codes.h"
#include "helper_client.h"
#include "change_commands.h"
#include "service_commands.h"
#include "check_command.h"
#include "plan_commands.h"
#include "version.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>

using namespace remedy::client;

namespace {

constexpr const char* kFooter = R"(Exit status:
  0  success
  1  failure: remedyd reported an error, or the change failed
  2  usage: invalid command line or argument
  3  remedyd cannot be reached (not installed, no system bus, activation failed)
  4  not authorized: polkit refused; an administrator can grant access with
     'usermod -aG remedy USER' (see polkit/50-remedy.rules)

Changes are authorized by polkit. On a terminal, remedyctl starts pkttyagent
so polkit can ask for a password; --no-ask-password turns that off.)";

int report(const Failure& failure, const GlobalOptions& global)
{
    if (global.json)
        std::cout << nlohmann::json{{"error", failure.name}, {"message", failure.message}}.dump() << '\n';
    std::cerr << "remedyctl: " << failure.message << '\n';
    return failure.code;
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app{"remedyctl - apply and verify memory and service-resilience fixes through remedyd,\n"
                 "without sudo: every change is authorized by polkit.",
                 "remedyctl"};
    app.footer(kFooter);
    app.require_subcommand(1);
    app.fallthrough();  // global options also after the command: remedyctl status --json
    app.set_version_flag("--version", remedy::kVersion);

    GlobalOptions global;
    bool noAskPassword = false;
    app.add_flag("--json", global.json, "Print machine-readable JSON on stdout");
    app.add_flag("-q,--quiet", global.quiet, "Print nothing but errors");
    app.add_flag("--no-ask-password", noAskPassword, "Never ask for a password (no polkit agent)");
    app.add_option("-H,--host", global.host, "Operate on a remote host ([USER@]HOST, over ssh)");

    auto* status = app.add_subcommand("status", "Show the helper, memory and swap as remedyd sees them");

    auto* diagnose = app.add_subcommand("diagnose", "Memory, swap, pressure, who uses memory, OOM kills, what likely happened");

    std::optional<std::string> level;
    auto* logLevel = app.add_subcommand("log-level", "Show remedyd's log level, or set it (action org.remedy.manage)");
    logLevel->add_option("LEVEL", level, "One of: " + remedy::logLevelNames());

    std::function<int(HelperClient&, const GlobalOptions&)> run;
    addChangeCommands(app, run);
    addServiceCommands(app, run);
    addCheckCommand(app, run);
    addPlanCommands(app, run);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return kUsage;
    }
    global.askPassword = !noAskPassword;

    try {
        HelperClient helper(global.host);
        if (*status)
            return remedy::client::status(helper, global);
        if (*diagnose)
            return remedy::client::diagnose(helper, global);
        if (*logLevel)
            return remedy::client::logLevel(helper, global, level);
        if (run)
            return run(helper, global);
    } catch (const sdbus::Error& error) {
        return report(explain(error), global);
    } catch (const std::exception& error) {
        return report({kFailure, "", error.what()}, global);
    }
    return kUsage;
}
