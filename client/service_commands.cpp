#include "service_commands.h"

#include "agent.h"
#include "change_commands.h"
#include "core/duration.h"
#include "core/size.h"
#include "dbus/errors.h"
#include "exit_codes.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>

namespace remedy::client {
namespace {

using Run = std::function<int(HelperClient&, const GlobalOptions&)>;

[[noreturn]] void usageError(const std::string& message) { throw sdbus::Error(errorName(ErrorKind::InvalidArgument), message); }

struct ServiceArguments {
    std::string name;
    std::string exec;
    std::vector<std::string> command;
    std::string user, group, workdir, description, restart, restartSec, startLimitInterval, memoryMax, memoryHigh, oomPolicy, logsDir;
    std::string type, schedule, every;
    std::vector<std::string> environment;
    std::optional<std::uint32_t> startLimitBurst;
    bool logRotate = false;
    std::optional<std::uint32_t> logRotateKeep;
    bool force = false;
    bool dryRun = false;
};

struct UnitFileArguments {
    std::string file;
    std::string name;
    bool force = false;
    bool dryRun = false;
};

struct HealthArguments {
    std::string unit;
    std::string url;
    std::string interval, timeout;
    std::optional<std::uint32_t> failures;
    bool dryRun = false;
};

std::vector<std::string> splitWords(const std::string& text)
{
    std::istringstream in(text);
    return {std::istream_iterator<std::string>(in), std::istream_iterator<std::string>()};
}

std::uint32_t seconds(const std::string& text, const char* what)
{
    auto ms = durationMs(text);
    if (ms % 1000 != 0 || ms == 0)
        usageError(std::string(what) + ": give whole seconds, e.g. 10s");
    return static_cast<std::uint32_t>(ms / 1000);
}

bool validUtf8(const std::string& text)
{
    for (std::size_t i = 0; i < text.size();) {
        auto lead = static_cast<unsigned char>(text[i]);
        std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3 : (lead >> 3) == 0x1e ? 4 : 0;
        if (length == 0 || i + length > text.size())
            return false;
        for (std::size_t k = 1; k < length; ++k)
            if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2)
                return false;
        i += length;
    }
    return true;
}

// "2G", "infinity" or "50%", sent as systemd's bus sends them (bytes, or a scale).
void memoryLimit(Options& spec, const std::string& key, const std::string& text)
{
    if (text.empty())
        return;
    MemoryLimit limit;
    try {
        limit = parseMemoryLimit(text);
    } catch (const Error& error) {
        usageError("--" + key + ": " + error.what());
    }
    if (limit.kind == MemoryLimit::Kind::Percent)
        spec[key + "-scale"] = sdbus::Variant(permyriadToScale(limit.value));
    else
        spec[key] = sdbus::Variant(limit.kind == MemoryLimit::Kind::Infinity ? UINT64_MAX : limit.value);
}

int serviceCreate(HelperClient& helper, const GlobalOptions& global, const ServiceArguments& args)
{
    auto command = args.command.empty() ? splitWords(args.exec) : args.command;
    if (!args.exec.empty() && !args.command.empty())
        usageError("give the command once: --exec \"...\" or after --");
    Options spec{{"exec-start", sdbus::Variant(command)}, {"user", sdbus::Variant(args.user)}};
    auto text = [&spec](const char* key, const std::string& value) {
        if (!value.empty())
            spec[key] = sdbus::Variant(value);
    };
    text("group", args.group);
    text("working-directory", args.workdir);
    text("description", args.description);
    text("restart", args.restart);
    text("type", args.type);
    text("schedule", args.schedule);
    if (!args.every.empty())
        spec["every-ms"] = sdbus::Variant(durationMs(args.every));
    text("oom-policy", args.oomPolicy);
    text("logs-directory", args.logsDir);
    if (!args.environment.empty())
        spec["environment"] = sdbus::Variant(args.environment);
    if (!args.restartSec.empty())
        spec["restart-ms"] = sdbus::Variant(durationMs(args.restartSec));
    if (!args.startLimitInterval.empty())
        spec["start-limit-interval-ms"] = sdbus::Variant(durationMs(args.startLimitInterval));
    if (args.startLimitBurst)
        spec["start-limit-burst"] = sdbus::Variant(*args.startLimitBurst);
    memoryLimit(spec, "memory-max", args.memoryMax);
    memoryLimit(spec, "memory-high", args.memoryHigh);
    if (args.logRotate)
        spec["log-rotate"] = sdbus::Variant(true);
    if (args.logRotateKeep)
        spec["log-rotate-keep"] = sdbus::Variant(*args.logRotateKeep);
    auto job = authorized(helper, global.askPassword && !args.dryRun, {{"force", sdbus::Variant(args.force)}, {"dry-run", sdbus::Variant(args.dryRun)}}, [&](const Options& options) { return helper.remedy().InstallService(
        args.name, spec, options); });
    auto timer = args.name.substr(0, args.name.rfind('.')) + ".timer";
    bool timed = !args.schedule.empty() || !args.every.empty();
    return finishJob(helper, global, job, args.name, args.dryRun,
                     timed ? "Installed " + args.name + " and started " + timer + ":" : "Installed and started " + args.name + ":", "unit");
}

int unitInstall(HelperClient& helper, const GlobalOptions& global, const UnitFileArguments& args)
{
    std::string content;
    if (args.file == "-") {
        content.assign(std::istreambuf_iterator<char>(std::cin), {});
    } else {
        std::ifstream in(args.file, std::ios::binary);
        if (!in)
            usageError("cannot read " + args.file);
        content.assign(std::istreambuf_iterator<char>(in), {});
    }
    // D-Bus strings are UTF-8 without NUL: say so rather than fail in transit.
    if (content.find('\0') != std::string::npos)
        usageError(args.file + " has a NUL byte; a unit file is text");
    if (!validUtf8(content))
        usageError(args.file + " is not UTF-8 text");
    auto name = args.name;
    if (name.empty()) {
        if (args.file == "-")
            usageError("give --name when the unit comes from stdin");
        name = args.file.substr(args.file.rfind('/') + 1);
    }
    auto job = authorized(helper, global.askPassword && !args.dryRun, {{"force", sdbus::Variant(args.force)}, {"dry-run", sdbus::Variant(args.dryRun)}}, [&](const Options& options) { return helper.remedy().InstallUnit(
        name, content, options); });
    return finishJob(helper, global, job, name, args.dryRun, "Installed and started " + name + ":", "unit");
}

int unitRemove(HelperClient& helper, const GlobalOptions& global, const UnitFileArguments& args)
{
    auto job = authorized(helper, global.askPassword && !args.dryRun, {{"force", sdbus::Variant(args.force)}, {"dry-run", sdbus::Variant(args.dryRun)}}, [&](const Options& options) { return helper.remedy().RemoveUnit(
        args.name, options); });
    return finishJob(helper, global, job, args.name, args.dryRun, "Removed " + args.name + ":", "unit");
}

int healthAdd(HelperClient& helper, const GlobalOptions& global, const HealthArguments& args)
{
    Options options{{"dry-run", sdbus::Variant(args.dryRun)}};
    if (!args.interval.empty())
        options["interval-sec"] = sdbus::Variant(seconds(args.interval, "--interval"));
    if (!args.timeout.empty())
        options["timeout-sec"] = sdbus::Variant(seconds(args.timeout, "--timeout"));
    if (args.failures)
        options["failures"] = sdbus::Variant(*args.failures);
    auto job = authorized(helper, global.askPassword && !args.dryRun, options, [&](const Options& options) { return helper.remedy().InstallHealthcheck(args.unit, args.url, options); });
    return finishJob(helper, global, job, args.unit, args.dryRun, "Health check of " + args.unit + " installed:", "unit");
}

int healthRemove(HelperClient& helper, const GlobalOptions& global, const HealthArguments& args)
{
    auto job = authorized(helper, global.askPassword && !args.dryRun, {{"dry-run", sdbus::Variant(args.dryRun)}}, [&](const Options& options) { return helper.remedy().RemoveHealthcheck(args.unit, options); });
    return finishJob(helper, global, job, args.unit, args.dryRun, "Health check of " + args.unit + " removed:", "unit");
}

int verifyRestart(HelperClient& helper, const GlobalOptions& global, const HealthArguments& args)
{
    Options options{{"dry-run", sdbus::Variant(args.dryRun)}};
    if (!args.timeout.empty())
        options["timeout-sec"] = sdbus::Variant(seconds(args.timeout, "--timeout"));
    auto job = authorized(helper, global.askPassword && !args.dryRun, options, [&](const Options& options) { return helper.remedy().VerifyRestart(args.unit, options); });
    if (args.dryRun)
        return finishJob(helper, global, job, args.unit, true, "", "unit");
    auto result = followJob(helper, global, job, args.unit);
    auto report = nlohmann::json::parse(result.report);
    if (global.json) {
        report["changed"] = true;
        report["actions"] = result.actions;
        std::cout << report.dump() << '\n';
    } else if (!global.quiet) {
        std::printf("%s is back: process %u replaced the killed %u in %.0f ms (RestartSec %llu ms, %u restarts in all).\n",
                    args.unit.c_str(), report["new_pid"].get<unsigned>(), report["old_pid"].get<unsigned>(),
                    report["recovery_ms"].get<double>(), report["restart_sec_ms"].get<unsigned long long>(),
                    report["restarts"].get<unsigned>());
    }
    return kSuccess;
}

template <typename Arguments>
std::function<void()> choose(Run& run, std::shared_ptr<Arguments> args, int (*command)(HelperClient&, const GlobalOptions&, const Arguments&))
{
    return [&run, args, command] { run = [args, command](HelperClient& h, const GlobalOptions& g) { return command(h, g, *args); }; };
}

void addServiceCreate(CLI::App& app, Run& run)
{
    auto args = std::make_shared<ServiceArguments>();
    auto* service = app.add_subcommand("service", "Services from a structured spec (action org.remedy.unit.manage)");
    service->require_subcommand(1);
    auto* create = service->add_subcommand(
        "create", "Install a service, enable and start it, with Restart=, memory limits, a logs directory and log rotation");
    create->add_option("NAME", args->name, "The unit, e.g. kontali-backend.service")->required();
    create->add_option("COMMAND", args->command, "The command and its arguments, after --");
    create->add_option("--exec", args->exec, "The command line, split at spaces (use -- COMMAND for arguments with spaces)");
    create->add_option("-u,--user", args->user, "The account it runs as (required; never root)")->required();
    create->add_option("-g,--group", args->group, "Its group (default: the user's)");
    create->add_option("-C,--workdir", args->workdir, "WorkingDirectory=");
    create->add_option("-E,--env", args->environment, "Environment variable KEY=value (repeat for more)");
    create->add_option("--description", args->description, "Description=");
    create->add_option("--type", args->type, "exec (default: a program that keeps running) or oneshot (a job that runs to its end)");
    create->add_option("--schedule", args->schedule, "Run it as a oneshot on a calendar schedule (OnCalendar=, e.g. '*:0/5' or daily), through NAME.timer");
    create->add_option("--every", args->every, "Run it as a oneshot every so often (OnUnitActiveSec=, e.g. 5min), through NAME.timer");
    create->add_option("--restart", args->restart, "Restart= policy (default always; no for a oneshot)");
    create->add_option("--restart-sec", args->restartSec, "RestartSec= (default 1s)");
    create->add_option("--start-limit-interval", args->startLimitInterval, "StartLimitIntervalSec= (0: never give up restarting)");
    create->add_option("--start-limit-burst", args->startLimitBurst, "StartLimitBurst=");
    create->add_option("--memory-max", args->memoryMax, "MemoryMax=: the kernel kills the service above it (e.g. 2G, 50% of RAM, infinity)");
    create->add_option("--memory-high", args->memoryHigh, "MemoryHigh=: the service is throttled above it");
    create->add_option("--oom-policy", args->oomPolicy, "OOMPolicy= (continue, stop, kill)");
    create->add_option("--logs-dir", args->logsDir, "LogsDirectory= below /var/log, created for the service's user");
    create->add_flag("--log-rotate", args->logRotate, "Rotate --logs-dir/*.log daily (an /etc/logrotate.d snippet)");
    create->add_option("--log-rotate-keep", args->logRotateKeep, "Rotated files to keep (default 14)");
    create->add_flag("-f,--force", args->force, "Replace a unit of that name that remedy did not install");
    create->add_flag("-n,--dry-run", args->dryRun, "Show what would be done, and change nothing");
    create->callback(choose(run, args, serviceCreate));
}

void addUnitFiles(CLI::App& app, Run& run)
{
    auto* unit = app.get_subcommand("unit");
    auto install = std::make_shared<UnitFileArguments>();
    auto* add = unit->add_subcommand("install", "Install a unit file you wrote: verified, enabled and started");
    add->add_option("FILE", install->file, "The unit file, or - for stdin")->required();
    add->add_option("--name", install->name, "The unit's name (default: the file's name)");
    add->add_flag("-f,--force", install->force, "Replace a unit of that name that remedy did not install");
    add->add_flag("-n,--dry-run", install->dryRun, "Show what would be done, and change nothing");
    add->callback(choose(run, install, unitInstall));

    auto remove = std::make_shared<UnitFileArguments>();
    auto* drop = unit->add_subcommand("remove", "Stop, disable and delete a unit remedy installed, with its health check and log rotation");
    drop->add_option("NAME", remove->name, "The unit")->required();
    drop->add_flag("-f,--force", remove->force, "Remove it even if remedy did not install it");
    drop->add_flag("-n,--dry-run", remove->dryRun, "Show what would be done, and change nothing");
    drop->callback(choose(run, remove, unitRemove));
}

void addHealth(CLI::App& app, Run& run)
{
    auto* health = app.add_subcommand("health", "Health checks that restart a hung service (action org.remedy.unit.manage)");
    health->require_subcommand(1);
    auto args = std::make_shared<HealthArguments>();
    auto* add = health->add_subcommand("add", "Probe a URL on a timer; restart the unit after N failures in a row");
    add->add_option("UNIT", args->unit, "The service to watch")->required();
    add->add_option("--url", args->url, "http:// or https:// URL that answers 2xx when the service is healthy")->required();
    add->add_option("--interval", args->interval, "Time between probes (default 10s)");
    add->add_option("--timeout", args->timeout, "Time a probe may take (default 3s)");
    add->add_option("--failures", args->failures, "Failures in a row before a restart (default 3)");
    add->add_flag("-n,--dry-run", args->dryRun, "Show what would be done, and change nothing");
    add->callback(choose(run, args, healthAdd));
    auto removeArgs = std::make_shared<HealthArguments>();
    auto* remove = health->add_subcommand("remove", "Remove a unit's health check");
    remove->add_option("UNIT", removeArgs->unit, "The service")->required();
    remove->add_flag("-n,--dry-run", removeArgs->dryRun, "Show what would be done, and change nothing");
    remove->callback(choose(run, removeArgs, healthRemove));

    auto verifyArgs = std::make_shared<HealthArguments>();
    auto* verify = app.add_subcommand("verify-restart",
                                      "Kill a service's main process (SIGKILL) and time how long systemd takes to bring it back");
    verify->add_option("UNIT", verifyArgs->unit, "The service")->required();
    verify->add_option("--timeout", verifyArgs->timeout, "Give up after (default 60s)");
    verify->add_flag("-n,--dry-run", verifyArgs->dryRun, "Check that it would work, and kill nothing");
    verify->callback(choose(run, verifyArgs, verifyRestart));
}

} // namespace

std::uint64_t durationMs(const std::string& text)
{
    try {
        return parseDurationMs(text);
    } catch (const Error& error) {
        usageError(error.what());
    }
}

void addServiceCommands(CLI::App& app, Run& run)
{
    addServiceCreate(app, run);
    addUnitFiles(app, run);
    addHealth(app, run);
}

} // namespace remedy::client
