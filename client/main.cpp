// remedyctl: drive remedyd, the remedy system service, without sudo.

#include "commands.h"
#include "core/log_level.h"
#include "dbus/errors.h"
#include "exit_codes.h"
#include "helper_client.h"
#include "change_commands.h"
#include "service_commands.h"
#include "check_command.h"
#include "plan_commands.h"
#include "version.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <memory>
#include <string_view>

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

// remedyd could not be reached: a sentence a person can act on. sd-bus'
// own words ("Failed to flush bus on opening (Transport endpoint is not
// connected)") say nothing about ssh, which is what failed with -H.
Failure unreachable(const std::string& host, Failure failure)
{
    failure.code = kUnreachable;
    if (!host.empty())
        failure.message = "cannot reach remedyd on " + host +
                          " over ssh (ssh's own message, if any, is above). Check that ssh logs in there without a prompt, "
                          "and that remedy is installed there.";
    else if (failure.message.rfind("cannot reach remedyd", 0) != 0)
        failure.message = "cannot reach remedyd (" + failure.message + "); is the system bus running?";
    return failure;
}

// --json before "--", looked for by hand: a command line CLI11 refused
// was never parsed, and its error must still be JSON.
bool asksForJson(int argc, char** argv)
{
    for (int i = 1; i < argc && std::string_view(argv[i]) != "--"; ++i)
        if (std::string_view(argv[i]) == "--json")
            return true;
    return false;
}

// The command word remedyctl does not know ("nosuch", "swap nosuch"), or
// empty. CLI11 would say only that a subcommand is required.
std::string unknownCommand(const CLI::App& app, int argc, char** argv)
{
    const CLI::App* current = &app;
    std::string path;
    for (int i = 1; i < argc; ++i) {
        std::string_view word = argv[i];
        if (word == "--")
            break;
        if (word == "-H" || word == "--host") {
            ++i;  // its value is a host, not a command
            continue;
        }
        if (word.empty() || word[0] == '-')
            continue;
        auto subcommands = const_cast<CLI::App*>(current)->get_subcommands([](CLI::App*) { return true; });
        if (subcommands.empty())
            return "";  // a command's own arguments
        auto it = std::find_if(subcommands.begin(), subcommands.end(), [&](CLI::App* sub) { return sub->get_name() == word; });
        path += (path.empty() ? "" : " ") + std::string(word);
        if (it == subcommands.end())
            return path;
        current = *it;
    }
    return "";
}

// A usage error as every other error: one line on stderr (with where to
// read more), and with --json one object on stdout.
int usage(const CLI::App& app, const CLI::ParseError& error, int argc, char** argv)
{
    auto unknown = unknownCommand(app, argc, argv);
    std::string message;
    if (!unknown.empty()) {
        auto parent = unknown.find(' ') == std::string::npos ? "" : unknown.substr(0, unknown.rfind(' ')) + " ";
        message = "unknown command '" + unknown + "'; 'remedyctl " + parent + "--help' lists the commands";
    } else {
        message = error.what();
        if (message == "A subcommand is required")  // CLI11's words for no command at all
            message = "a command is required";
        if (!message.empty())
            message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
        message += "; 'remedyctl --help' describes the commands and their options";
    }
    GlobalOptions global;
    global.json = asksForJson(argc, argv);
    return report({kUsage, remedy::errorName(remedy::ErrorKind::InvalidArgument), message}, global);
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
        return usage(app, e, argc, argv);
    }
    global.askPassword = !noAskPassword;

    std::unique_ptr<HelperClient> client;
    try {
        client = std::make_unique<HelperClient>(global.host);
    } catch (const sdbus::Error& error) {
        return report(unreachable(global.host, explain(error)), global);
    }
    auto& helper = *client;
    try {
        if (*status)
            return remedy::client::status(helper, global);
        if (*diagnose)
            return remedy::client::diagnose(helper, global);
        if (*logLevel)
            return remedy::client::logLevel(helper, global, level);
        if (run)
            return run(helper, global);
    } catch (const sdbus::Error& error) {
        auto failure = explain(error);
        return report(failure.code == kUnreachable ? unreachable(global.host, failure) : failure, global);
    } catch (const std::exception& error) {
        return report({kFailure, "", error.what()}, global);
    }
    return kUsage;
}
