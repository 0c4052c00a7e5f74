#include "bus/units_adaptor.h"

#include "core/trusted_path.h"
#include "core/unit_name.h"
#include "core/units.h"
#include "systemd.h"
#include "version.h"

#include <spdlog/spdlog.h>

namespace remedy {
namespace {

const std::string kUnitAction = "org.remedy.unit.manage";

ServiceSpec readServiceSpec(const std::string& name, const Options& options)
{
    OptionReader read(options, {"exec-start", "user", "group", "working-directory", "environment", "description", "restart",
                                "restart-ms", "start-limit-interval-ms", "start-limit-burst", "memory-max", "memory-high",
                                "oom-policy", "logs-directory", "log-rotate", "log-rotate-keep", "log-rotate-max-size"});
    ServiceSpec spec;
    spec.name = name;
    spec.execStart = read.strings("exec-start").value_or(std::vector<std::string>{});
    spec.user = read.string("user").value_or("");
    spec.group = read.string("group").value_or("");
    spec.workingDirectory = read.string("working-directory").value_or("");
    for (const auto& assignment : read.strings("environment").value_or(std::vector<std::string>{})) {
        auto equals = assignment.find('=');
        if (equals == std::string::npos)
            throw toBusError(ErrorKind::InvalidArgument, "environment: '" + assignment + "' is not KEY=value");
        spec.environment.emplace_back(assignment.substr(0, equals), assignment.substr(equals + 1));
    }
    spec.description = read.string("description").value_or("");
    spec.restart = read.string("restart").value_or(spec.restart);
    spec.restartMs = read.uint64("restart-ms").value_or(spec.restartMs);
    spec.startLimitIntervalMs = read.uint64("start-limit-interval-ms");
    spec.startLimitBurst = read.uint32("start-limit-burst");
    spec.memoryMax = read.uint64("memory-max");
    spec.memoryHigh = read.uint64("memory-high");
    spec.oomPolicy = read.string("oom-policy").value_or("");
    spec.logsDirectory = read.string("logs-directory").value_or("");
    if (read.flag("log-rotate")) {
        LogRotation rotation;
        rotation.keep = read.uint32("log-rotate-keep").value_or(rotation.keep);
        rotation.maxSize = read.uint64("log-rotate-max-size").value_or(rotation.maxSize);
        spec.logRotation = rotation;
    }
    return spec;
}

struct UnitOptions {
    ChangeOptions change;
    bool force = false;
};

UnitOptions readUnitOptions(const Options& options)
{
    OptionReader read(options, {"force", "dry-run", "auth.interactive"});
    return {{read.flag("dry-run"), read.flag("auth.interactive")}, read.flag("force")};
}

} // namespace

UnitsService::UnitsService(sdbus::IConnection& bus, Authorizer& authorizer, EventLoop& loop, Jobs& jobs, const Root& root)
    : AdaptorInterfaces(bus, "/org/remedy/Remedy1"), authorizer_(authorizer), loop_(loop), jobs_(jobs), root_(root)
{
    registerAdaptor();
}

UnitsService::~UnitsService() { unregisterAdaptor(); }

void UnitsService::startJob(JobResult&& result, const std::string& operation, const std::string& target, const ChangeOptions& change,
                            const std::string& what, std::function<Outcome(Units&, bool dryRun, const Progress&)> work)
{
    jobs_.startAuthorized(authorizer_, currentSender(getObject()), {kUnitAction}, change.interactive, what, operation, target,
                          change.dryRun, std::make_shared<JobResult>(std::move(result)),
                          [this, work = std::move(work)](bool dryRun, const Progress& progress) {
                              auto root = openRoot(root_.path);
                              Systemd systemd;
                              Units units(root.get(), systemd, kHealthProbePath);
                              return work(units, dryRun, progress);
                          });
}

void UnitsService::InstallService(JobResult&& result, std::string name, Options spec, Options options)
{
    ServiceSpec service;
    UnitOptions unit;
    if (!checkRequest(result, [&] {
            service = readServiceSpec(name, spec);
            unit = readUnitOptions(options);
            validate(service);
        }))
        return;
    bool force = unit.force;
    startJob(std::move(result), "service-install", name, unit.change, "install service " + name,
             [service, force](Units& units, bool dryRun, const Progress&) { return units.installService(service, force, dryRun); });
}

void UnitsService::startUnitJob(JobResult&& result, const std::string& name, const Options& options, const std::string& operation,
                                const std::string& what, std::function<Outcome(Units&, bool force, bool dryRun)> work)
{
    UnitOptions unit;
    if (!checkRequest(result, [&] {
            unit = readUnitOptions(options);
            validateServiceName(name);
        }))
        return;
    startJob(std::move(result), operation, name, unit.change, what,
             [force = unit.force, work = std::move(work)](Units& units, bool dryRun, const Progress&) { return work(units, force, dryRun); });
}

void UnitsService::InstallUnit(JobResult&& result, std::string name, std::string content, Options options)
{
    startUnitJob(std::move(result), name, options, "unit-install", "install unit " + name,
                 [name, content](Units& units, bool force, bool dryRun) { return units.installUnit(name, content, force, dryRun); });
}

void UnitsService::RemoveUnit(JobResult&& result, std::string name, Options options)
{
    startUnitJob(std::move(result), name, options, "unit-remove", "remove unit " + name,
                 [name](Units& units, bool force, bool dryRun) { return units.remove(name, force, dryRun); });
}

void UnitsService::InstallHealthcheck(JobResult&& result, std::string unit, std::string url, Options options)
{
    HealthcheckSpec spec{unit, url};
    ChangeOptions change;
    if (!checkRequest(result, [&] {
            OptionReader read(options, {"interval-sec", "timeout-sec", "failures", "dry-run", "auth.interactive"});
            spec.intervalSec = read.uint32("interval-sec").value_or(spec.intervalSec);
            spec.timeoutSec = read.uint32("timeout-sec").value_or(spec.timeoutSec);
            spec.failures = read.uint32("failures").value_or(spec.failures);
            change = {read.flag("dry-run"), read.flag("auth.interactive")};
            validate(spec);
        }))
        return;
    startJob(std::move(result), "health-install", unit, change, "install a health check of " + unit + " (" + url + ")",
             [spec](Units& units, bool dryRun, const Progress&) { return units.installHealthcheck(spec, dryRun); });
}

void UnitsService::RemoveHealthcheck(JobResult&& result, std::string unit, Options options)
{
    ChangeOptions change;
    if (!checkRequest(result, [&] {
            change = readChangeOptions(options);
            validateServiceName(unit);
        }))
        return;
    startJob(std::move(result), "health-remove", unit, change, "remove the health check of " + unit,
             [unit](Units& units, bool dryRun, const Progress&) { return units.removeHealthcheck(unit, dryRun); });
}

void UnitsService::VerifyRestart(JobResult&& result, std::string unit, Options options)
{
    ChangeOptions change;
    std::chrono::seconds timeout(60);
    if (!checkRequest(result, [&] {
            OptionReader read(options, {"timeout-sec", "dry-run", "auth.interactive"});
            timeout = std::chrono::seconds(read.uint32("timeout-sec").value_or(60));
            change = {read.flag("dry-run"), read.flag("auth.interactive")};
            validateServiceName(unit);
        }))
        return;
    startJob(std::move(result), "verify-restart", unit, change, "verify that " + unit + " restarts",
             [unit, timeout](Units&, bool dryRun, const Progress& progress) {
                 Systemd systemd;
                 return verifyRestart(systemd, unit, timeout, dryRun, progress);
             });
}

void UnitsService::InstallMetricsTimer(JobResult&& result, std::string directory, Options options)
{
    ChangeOptions change;
    if (directory.empty())
        directory = "/var/lib/prometheus/node-exporter";
    if (!checkRequest(result, [&] {
            change = readChangeOptions(options);
            renderMetricsService(directory, kRemedyctlPath);  // checks the directory
        }))
        return;
    startJob(std::move(result), "metrics-install", "remedy-metrics.service", change, "install the metrics timer (" + directory + ")",
             [directory](Units& units, bool dryRun, const Progress&) { return units.installMetrics(directory, kRemedyctlPath, dryRun); });
}

void UnitsService::SetMemoryLimits(sdbus::Result<bool>&& result, std::string unit, uint64_t max, uint64_t high, Options options)
{
    ChangeOptions change;
    if (!checkRequest(result, [&] {
            change = readChangeOptions(options);
            validateServiceName(unit);
            if (max == 0 && high == 0)
                throw toBusError(ErrorKind::InvalidArgument, "give a memory limit to set: max, high or both");
        }))
        return;
    bool dryRun = change.dryRun;
    bool interactive = change.interactive;
    auto reply = std::make_shared<sdbus::Result<bool>>(std::move(result));
    auto what = "set memory limits of " + unit;
    authorizer_.check(
        currentSender(getObject()), {kUnitAction}, interactive, what,
        [this, reply, unit, max, high, dryRun, what] {
            loop_.runExclusive<Attempt<bool>>(
                [unit, max, high, dryRun] {
                    return attempt<bool>([&] {
                        Systemd systemd;
                        auto current = systemd.memoryLimits(unit);
                        auto wanted = current;
                        if (max != 0)
                            wanted.max = max;
                        if (high != 0)
                            wanted.high = high;
                        bool changed = wanted.max != current.max || wanted.high != current.high;
                        if (changed && !dryRun)
                            systemd.setMemoryLimits(unit, wanted);
                        return changed;
                    });
                },
                [reply, what, dryRun](Attempt<bool> outcome) {
                    if (!outcome.value) {
                        reply->returnError(sdbus::Error(outcome.errorName, outcome.message));
                        return;
                    }
                    spdlog::info("{}: {}", what, dryRun ? "dry run, nothing changed" : *outcome.value ? "changed" : "unchanged");
                    reply->returnResults(*outcome.value);
                });
        },
        [reply](const sdbus::Error& error) { reply->returnError(error); });
}

} // namespace remedy
