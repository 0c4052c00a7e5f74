#include "bus/units_adaptor.h"

#include "context.h"
#include "core/unit_files.h"
#include "core/unit_name.h"
#include "core/units.h"
#include "polkit/actions.h"
#include "version.h"

namespace remedy {
namespace {

// As systemd's own properties: KEY (t, bytes; UINT64_MAX is infinity) or
// KEY-scale (u, a share of physical memory scaled to UINT32_MAX).
std::optional<MemoryLimit> memoryLimit(const OptionReader& read, const std::string& key)
{
    auto bytes = read.uint64(key);
    auto scale = read.uint32(key + "-scale");
    if (bytes && scale)
        throw toBusError(ErrorKind::InvalidArgument, key + ": give bytes or a share of memory (" + key + "-scale), not both");
    if (scale)
        return MemoryLimit::percent(scaleToPermyriad(*scale));
    if (bytes)
        return *bytes == UINT64_MAX ? MemoryLimit::infinity() : MemoryLimit::bytes(*bytes);
    return std::nullopt;
}

ServiceSpec readServiceSpec(const std::string& name, const Options& options)
{
    OptionReader read(options, {"exec-start", "user", "group", "working-directory", "environment", "description", "restart",
                                "restart-ms", "start-limit-interval-ms", "start-limit-burst", "memory-max", "memory-high",
                                "oom-policy", "logs-directory", "log-rotate", "log-rotate-keep", "log-rotate-max-size", "type",
                                "schedule", "every-ms", "memory-max-scale", "memory-high-scale"});
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
    spec.type = read.string("type").value_or("");
    spec.restart = read.string("restart").value_or("");
    spec.restartMs = read.uint64("restart-ms").value_or(spec.restartMs);
    spec.schedule = read.string("schedule").value_or("");
    spec.everyMs = read.uint64("every-ms");
    spec.startLimitIntervalMs = read.uint64("start-limit-interval-ms");
    spec.startLimitBurst = read.uint32("start-limit-burst");
    spec.memoryMax = memoryLimit(read, "memory-max");
    spec.memoryHigh = memoryLimit(read, "memory-high");
    spec.oomPolicy = read.string("oom-policy").value_or("");
    spec.logsDirectory = read.string("logs-directory").value_or("");
    // Read whether or not rotation is on, so that a wrong type is an error either way.
    LogRotation rotation;
    rotation.keep = read.uint32("log-rotate-keep").value_or(rotation.keep);
    rotation.maxSize = read.uint64("log-rotate-max-size").value_or(rotation.maxSize);
    if (read.flag("log-rotate"))
        spec.logRotation = rotation;
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

// What changing `unit` needs: the group's right for remedy's own services,
// and more for anyone else's (a health check that restarts sshd, a memory
// limit that starves dbus) or for replacing a file that is not remedy's.
Ask unitAsk(const std::string& what, bool interactive, bool force = false)
{
    if (force)
        return {{actions::kUnit, actions::kUnitAny}, {}, interactive, what};
    return {{actions::kUnit}, {actions::kUnitAny}, interactive, what};
}

void requireManaged(const Caller& caller, int root, const std::string& unit)
{
    if (!caller.has(actions::kUnitAny) && !managesUnit(root, unit))
        throw Error(ErrorKind::NotAuthorized, unit + " is not a service remedy manages; changing it needs " +
                                                  std::string(actions::kUnitAny) + ", which is worth root");
}

} // namespace

UnitsAdaptor::UnitsAdaptor(sdbus::IConnection& bus, Requests& requests, const Root& root)
    : AdaptorInterfaces(bus, "/org/remedy/Remedy1"), requests_(requests), root_(root)
{
    registerAdaptor();
}

UnitsAdaptor::~UnitsAdaptor() { unregisterAdaptor(); }

JobCall UnitsAdaptor::unitJob(Ask ask, const std::string& operation, const std::string& target, bool dryRun, UnitWork work)
{
    return {std::move(ask), operation, target, dryRun,
            [this, work = std::move(work)](const Caller& caller, bool dryRun, const Progress& progress) {
                auto context = openContext(root_);
                Units units(context.root.get(), context.systemd, kHealthProbePath, std::chrono::seconds(1), systemAccounts(), context.config,
                            caller.uid);
                return work(caller, context, units, dryRun, progress);
            }};
}

void UnitsAdaptor::InstallService(JobResult&& result, std::string name, Options spec, Options options)
{
    requests_.job(std::move(result), currentSender(getObject()), [&] {
        auto service = readServiceSpec(name, spec);
        auto unit = readUnitOptions(options);
        validate(service);
        return unitJob(unitAsk("install service " + name, unit.change.interactive, unit.force), "service-install", name,
                       unit.change.dryRun, [service, force = unit.force](const Caller&, Context&, Units& units, bool dryRun, const Progress&) {
                           return units.installService(service, force, dryRun);
                       });
    });
}

void UnitsAdaptor::InstallUnit(JobResult&& result, std::string name, std::string content, Options options)
{
    requests_.job(std::move(result), currentSender(getObject()), [&] {
        auto unit = readUnitOptions(options);
        validateServiceName(name);
        // A unit file says who it runs as and what: root in disguise.
        Ask ask{{actions::kUnitAny}, {}, unit.change.interactive, "install unit " + name};
        return unitJob(std::move(ask), "unit-install", name, unit.change.dryRun,
                       [name, content, force = unit.force](const Caller&, Context&, Units& units, bool dryRun, const Progress&) {
                           return units.installUnit(name, content, force, dryRun);
                       });
    });
}

void UnitsAdaptor::RemoveUnit(JobResult&& result, std::string name, Options options)
{
    requests_.job(std::move(result), currentSender(getObject()), [&] {
        auto unit = readUnitOptions(options);
        validateServiceName(name);
        return unitJob(unitAsk("remove unit " + name, unit.change.interactive, unit.force), "unit-remove", name, unit.change.dryRun,
                       [name, force = unit.force](const Caller&, Context&, Units& units, bool dryRun, const Progress&) { return units.remove(name, force, dryRun); });
    });
}

void UnitsAdaptor::InstallHealthcheck(JobResult&& result, std::string unit, std::string url, Options options)
{
    requests_.job(std::move(result), currentSender(getObject()), [&] {
        OptionReader read(options, {"interval-sec", "timeout-sec", "failures", "dry-run", "auth.interactive"});
        HealthcheckSpec spec{unit, url};
        spec.intervalSec = read.uint32("interval-sec").value_or(spec.intervalSec);
        spec.timeoutSec = read.uint32("timeout-sec").value_or(spec.timeoutSec);
        spec.failures = read.uint32("failures").value_or(spec.failures);
        validate(spec);
        auto ask = unitAsk("install a health check of " + unit + " (" + url + ")", read.flag("auth.interactive"));
        return unitJob(std::move(ask), "health-install", unit, read.flag("dry-run"),
                            [spec](const Caller& caller, Context& context, Units& units, bool dryRun, const Progress&) {
                                requireManaged(caller, context.root.get(), spec.unit);
                                return units.installHealthcheck(spec, dryRun);
                            });
    });
}

void UnitsAdaptor::RemoveHealthcheck(JobResult&& result, std::string unit, Options options)
{
    requests_.job(std::move(result), currentSender(getObject()), [&] {
        auto change = readChangeOptions(options);
        validateServiceName(unit);
        return unitJob({{actions::kUnit}, {}, change.interactive, "remove the health check of " + unit}, "health-remove", unit,
                       change.dryRun, [unit](const Caller&, Context&, Units& units, bool dryRun, const Progress&) { return units.removeHealthcheck(unit, dryRun); });
    });
}

void UnitsAdaptor::VerifyRestart(JobResult&& result, std::string unit, Options options)
{
    requests_.job(std::move(result), currentSender(getObject()), [&] {
        OptionReader read(options, {"timeout-sec", "dry-run", "auth.interactive"});
        auto timeout = std::chrono::seconds(read.uint32("timeout-sec").value_or(60));
        validateServiceName(unit);
        return unitJob(unitAsk("verify that " + unit + " restarts", read.flag("auth.interactive")), "verify-restart", unit,
                       read.flag("dry-run"), [unit, timeout](const Caller& caller, Context& context, Units&, bool dryRun, const Progress& progress) {
                           requireManaged(caller, context.root.get(), unit);
                           return verifyRestart(context.systemd, unit, timeout, dryRun, progress);
                       });
    });
}

void UnitsAdaptor::InstallMetricsTimer(JobResult&& result, std::string directory, Options options)
{
    requests_.job(std::move(result), currentSender(getObject()), [&] {
        auto change = readChangeOptions(options);
        if (directory.empty())
            directory = "/var/lib/prometheus/node-exporter";
        renderMetricsService(directory, kRemedyctlPath, root_.config);  // checks the directory
        return unitJob({{actions::kUnit}, {}, change.interactive, "install the metrics timer (" + directory + ")"}, "metrics-install",
                       "remedy-metrics.service", change.dryRun, [directory](const Caller&, Context&, Units& units, bool dryRun, const Progress&) {
                           return units.installMetrics(directory, kRemedyctlPath, dryRun);
                       });
    });
}

void UnitsAdaptor::SetMemoryLimits(sdbus::Result<bool>&& result, std::string unit, uint64_t max, uint64_t high, Options options)
{
    requests_.call(std::move(result), currentSender(getObject()), [&] {
        auto change = readChangeOptions(options);
        validateServiceName(unit);
        return Call<bool>{unitAsk("set memory limits of " + unit, change.interactive), Lane::Change,
                          [this, unit, max, high, dryRun = change.dryRun](const Caller& caller) {
                              auto context = openContext(root_);
                              requireManaged(caller, context.root.get(), unit);
                              return setMemoryLimits(context.systemd, unit, max, high, dryRun).changed;
                          }};
    });
}

} // namespace remedy
