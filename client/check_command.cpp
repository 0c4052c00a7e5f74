#include "check_command.h"

#include "agent.h"
#include "change_commands.h"
#include "core/checklist.h"
#include "dbus/errors.h"
#include "exit_codes.h"
#include "format.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

namespace remedy::client {
namespace {

struct CheckArguments {
    std::string unit;
    std::string format = "text";
    std::string output;
    bool installTimer = false;
    std::string textfileDir;
    bool dryRun = false;
};

// The incident report's checklist: a table with marks on a terminal (coloured
// unless NO_COLOR or TERM=dumb); the incident's own Markdown checklist
// ("- [x] …") anywhere else.
std::string text(const nlohmann::json& report, bool terminal, bool colour)
{
    auto paint = [colour](const char* code, const std::string& text) { return colour ? std::string(code) + text + "\033[0m" : text; };
    std::string out = paint("\033[1m", "Prevention checklist") + "\n";
    for (const auto& item : report["items"]) {
        auto status = item["status"].get<std::string>();
        auto title = item["title"].get<std::string>() + (item["unit"].is_null() ? "" : " (" + item["unit"].get<std::string>() + ")");
        auto detail = (status == "not_checked" ? "not checked: " : "") + item["detail"].get<std::string>();
        if (terminal) {
            auto mark = status == "pass" ? paint("\033[32m", "✓") : status == "fail" ? paint("\033[31m", "✗") : paint("\033[2m", "–");
            char line[512];
            std::snprintf(line, sizeof line, "  %s %-58s %s\n", mark.c_str(), title.c_str(), detail.c_str());
            out += line;
        } else {
            out += std::string("- [") + (status == "pass" ? "x" : status == "fail" ? " " : "-") + "] " + title + ": " + detail + "\n";
        }
        if (!item["fix"].is_null())
            out += "      fix: " + item["fix"].get<std::string>() + "\n";
    }
    const auto& summary = report["summary"];
    int judged = summary["passed"].get<int>() + summary["failed"].get<int>();
    out += std::to_string(summary["passed"].get<int>()) + " of " + std::to_string(judged) + " judged items pass; " +
           std::to_string(summary["not_checked"].get<int>()) + " not checked.\n";
    for (const auto& withheld : report["withheld"])
        out += "Withheld: " + withheld.get<std::string>() + "\n";
    return out;
}

// Replaced at once, never seen half-written (node_exporter reads it any time).
void writeAtomically(const std::string& path, const std::string& content)
{
    auto temporary = path + ".tmp." + std::to_string(getpid());
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << content;
        out.flush();
        if (!out)
            throw sdbus::Error(errorName(ErrorKind::Failed), "cannot write " + temporary);
    }
    std::filesystem::permissions(temporary, std::filesystem::perms(0644));
    std::filesystem::rename(temporary, path);
}

int runCheck(HelperClient& helper, const GlobalOptions& global, const CheckArguments& args)
{
    if (args.installTimer) {
        auto job = authorized(helper, global.askPassword && !args.dryRun, {{"dry-run", sdbus::Variant(args.dryRun)}}, [&](const Options& options) { return helper.remedy().InstallMetricsTimer(args.textfileDir, options); });
        return finishJob(helper, global, job, "remedy-metrics.timer", args.dryRun, "Metrics timer installed:", "unit");
    }
    auto format = global.json ? std::string("json") : args.format;
    if (format != "text" && format != "json" && format != "prometheus")
        throw sdbus::Error(errorName(ErrorKind::InvalidArgument), "--format: text, json or prometheus, not '" + format + "'");
    auto report = nlohmann::json::parse(authorized(helper, global.askPassword && format == "text" && args.output.empty(), {}, [&](const Options& options) { return helper.remedy().Check(args.unit, options); }));
    bool terminal = args.output.empty() && isatty(STDOUT_FILENO);
    auto rendered = format == "json"         ? report.dump() + "\n"
                    : format == "prometheus" ? prometheusText(report)
                                             : text(report, terminal, terminal && colourWanted(STDOUT_FILENO));
    if (!args.output.empty()) {
        writeAtomically(args.output, rendered);
        return kSuccess;  // the metrics carry the verdict
    }
    if (!global.quiet)
        std::cout << rendered;
    return report["summary"]["failed"].get<int>() == 0 ? kSuccess : kFailure;
}

} // namespace

void addCheckCommand(CLI::App& app, std::function<int(HelperClient&, const GlobalOptions&)>& run)
{
    auto args = std::make_shared<CheckArguments>();
    auto* check = app.add_subcommand("check", "The prevention checklist, live: each item passes or fails, with the command that fixes it");
    check->add_option("-u,--unit", args->unit, "The service to judge (default: every service remedy installed)");
    check->add_option("--format", args->format, "text, json or prometheus (node_exporter's textfile format)")->capture_default_str();
    check->add_option("-o,--output", args->output, "Write to FILE, replaced atomically, instead of standard output");
    check->add_flag("--install-metrics-timer", args->installTimer,
                    "Install remedy-metrics.timer: the checklist as metrics in the textfile directory every minute");
    check->add_option("--textfile-dir", args->textfileDir, "node_exporter's textfile directory (default /var/lib/prometheus/node-exporter)");
    check->add_flag("-n,--dry-run", args->dryRun, "With --install-metrics-timer: show what would be done");
    check->callback([&run, args] { run = [args](HelperClient& h, const GlobalOptions& g) { return runCheck(h, g, *args); }; });
}

} // namespace remedy::client
