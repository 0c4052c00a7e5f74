#include "plan_commands.h"

#include "agent.h"
#include "dbus/errors.h"
#include "core/plan.h"
#include "exit_codes.h"
#include "format.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>

namespace remedy::client {
namespace {

using Json = nlohmann::json;

struct PlanArguments {
    std::string file;
    std::uint64_t id = 0;
    bool dryRun = false;
    std::uint32_t lines = 0;   // history: 0 for remedyd's page size
    std::uint64_t before = 0;  // history: only plans older than this id
};

[[noreturn]] void usageError(const std::string& message) { throw sdbus::Error(errorName(ErrorKind::InvalidArgument), message); }

std::string readPlan(const std::string& file)
{
    std::string text;
    if (file == "-") {
        text.assign(std::istreambuf_iterator<char>(std::cin), {});
    } else {
        std::ifstream in(file, std::ios::binary);
        if (!in)
            usageError("cannot read " + file);
        text.assign(std::istreambuf_iterator<char>(in), {});
    }
    // remedyd refuses it too; saying so here spares sending 10 MB.
    if (text.size() > kMaxPlanSize)
        usageError(file + ": a plan is at most " + std::to_string(kMaxPlanSize / 1024) + " KiB");
    return text;
}

void printSteps(const Json& report)
{
    for (const auto& step : report["steps"]) {
        std::printf("  %2d. %-14s %-40s %s\n", step["step"].get<int>(), step["kind"].get<std::string>().c_str(),
                    step["target"].get<std::string>().c_str(), step["status"].get<std::string>().c_str());
        if (step["status"] == "would_change" || step["status"] == "changed")
            for (const auto& action : step["actions"])
                std::printf("        - %s\n", action.get<std::string>().c_str());
        if (!step["error"].is_null())
            std::printf("        ! %s\n", step["error"].get<std::string>().c_str());
    }
}

int preview(HelperClient& helper, const GlobalOptions& global, const PlanArguments& args)
{
    auto report = Json::parse(helper.remedy().Preview(readPlan(args.file), {}));
    if (global.json) {
        std::cout << report.dump() << '\n';
    } else if (!global.quiet) {
        std::printf("Plan %s, %zu steps:\n", args.file.c_str(), report["steps"].size());
        printSteps(report);
        bool changes = report["changed"].get<bool>();
        std::printf(changes ? "remedyctl apply %s makes these changes.\n" : "Nothing to do: the system is as %s says.\n", args.file.c_str());
    }
    return kSuccess;
}

// A plan's job: the report comes back also when a step failed.
int finishPlanJob(HelperClient& helper, const GlobalOptions& global, const sdbus::ObjectPath& job, const std::string& label,
                  bool dryRun)
{
    ProgressBar bar(!global.json && !global.quiet && isatty(STDERR_FILENO), label);
    auto result = helper.waitForJob(job, [&bar](double fraction) { bar.update(fraction); });
    if (result.success)
        bar.update(1.0);
    bar.finish();
    auto report = Json::parse(result.report);
    if (!result.success && report.contains("steps"))
        report["error_name"] = result.errorName;  // the report's "error" is the message
    if (!report.contains("steps")) {  // an undo: the job's actions say it
        if (!result.success)
            throw sdbus::Error(result.errorName, result.message);
        report = {{"changed", !dryRun}, {"dry_run", dryRun}, {"actions", result.actions}};
    }
    if (global.json) {
        std::cout << report.dump() << '\n';
    } else if (!global.quiet) {
        if (report.contains("steps"))
            printSteps(report);
        else
            for (const auto& action : result.actions)
                std::printf("  - %s\n", action.c_str());
        if (result.success && report.value("history_id", Json()).is_number())
            std::printf("Applied; remedyctl undo %s reverses it.\n", report["history_id"].dump().c_str());
        else if (result.success && report.contains("steps") && !report["changed"].get<bool>())
            std::printf("Nothing to do: every step was so already.\n");
    }
    if (!result.success) {
        std::cerr << "remedyctl: " << result.message << '\n';
        return result.errorName == errorName(ErrorKind::NotAuthorized) ? kNotAuthorized : kFailure;
    }
    return kSuccess;
}

int apply(HelperClient& helper, const GlobalOptions& global, const PlanArguments& args)
{
    auto text = readPlan(args.file);
    auto job = authorized(helper, global.askPassword && !args.dryRun, {{"dry-run", sdbus::Variant(args.dryRun)}}, [&](const Options& options) { return helper.remedy().Apply(text, options); });
    return finishPlanJob(helper, global, job, args.file, args.dryRun);
}

int undo(HelperClient& helper, const GlobalOptions& global, const PlanArguments& args)
{
    auto job = authorized(helper, global.askPassword && !args.dryRun, {{"dry-run", sdbus::Variant(args.dryRun)}}, [&](const Options& options) { return helper.remedy().Undo(args.id, options); });
    return finishPlanJob(helper, global, job, "undo " + std::to_string(args.id), args.dryRun);
}

int history(HelperClient& helper, const GlobalOptions& global, const PlanArguments& args)
{
    Options options;
    if (args.lines)
        options["limit"] = sdbus::Variant(args.lines);
    if (args.before)
        options["before"] = sdbus::Variant(args.before);
    auto list = Json::parse(helper.remedy().History(options));
    if (global.json) {
        std::cout << Json({{"history", list}}).dump() << '\n';
        return kSuccess;
    }
    if (global.quiet)
        return kSuccess;
    if (list.empty())
        std::printf("No plan was applied here yet.\n");
    else
        std::printf("%4s  %-20s %6s  %-11s %-22s %s\n", "ID", "APPLIED", "UID", "STATE", "UNDONE", "CHANGED");
    for (const auto& record : list) {
        std::string changed;
        for (const auto& step : record["steps"])
            if (step["status"] == "changed" || step["status"] == "finished")
                changed += (changed.empty() ? "" : ", ") + step["kind"].get<std::string>() + " " + step["target"].get<std::string>();
        // A single change remedyd was stopped in: what it was, and how recovery ended it.
        if (changed.empty() && record.value("state", "") == "interrupted" && record["steps"].size() == 1 && record["steps"][0]["status"] == "undone")
            changed = "(cut short, rolled back) " + record["steps"][0]["kind"].get<std::string>() + " " +
                      record["steps"][0]["target"].get<std::string>();
        // "failed" and "interrupted" runs were rolled back: UNDONE says when.
        std::printf("%4s  %-20s %6s  %-11s %-22s %s\n", record["id"].dump().c_str(), record["time"].get<std::string>().c_str(),
                    record["uid"].dump().c_str(), record.value("state", "applied").c_str(),
                    record["undone"].is_null() ? "-" : record["undone"].get<std::string>().c_str(), changed.c_str());
    }
    return kSuccess;
}

} // namespace

void addPlanCommands(CLI::App& app, std::function<int(HelperClient&, const GlobalOptions&)>& run)
{
    auto args = std::make_shared<PlanArguments>();
    auto choose = [&run, args](int (*command)(HelperClient&, const GlobalOptions&, const PlanArguments&)) {
        return [&run, args, command] { run = [args, command](HelperClient& h, const GlobalOptions& g) { return command(h, g, *args); }; };
    };
    auto* plan = app.add_subcommand("plan", "Show what applying a plan file would change, step by step; change nothing");
    plan->add_option("FILE", args->file, "The plan (JSON), or - for stdin")->required();
    plan->callback(choose(preview));
    auto* applyCommand = app.add_subcommand("apply", "Apply a plan file: every step, or on a failure none (action org.remedy.plan.apply)");
    applyCommand->add_option("FILE", args->file, "The plan (JSON), or - for stdin")->required();
    applyCommand->add_flag("-n,--dry-run", args->dryRun, "Authorize and check every step, and change nothing");
    applyCommand->callback(choose(apply));
    auto* undoCommand = app.add_subcommand("undo", "Reverse an applied plan exactly, unless something changed since");
    undoCommand->add_option("ID", args->id, "The plan's id in remedyctl history")->required();
    undoCommand->add_flag("-n,--dry-run", args->dryRun, "Say what would be undone, and change nothing");
    undoCommand->callback(choose(undo));
    auto* historyCommand = app.add_subcommand("history", "The plans applied here (the newest 50), and which were undone");
    historyCommand->add_option("-n,--lines", args->lines, "Show the newest N plans (1 to 1000)")->check(CLI::Range(1, 1000));
    historyCommand->add_option("--before", args->before, "Show only plans older than this id (the next page)")->check(CLI::PositiveNumber);
    historyCommand->callback(choose(history));
}

} // namespace remedy::client
