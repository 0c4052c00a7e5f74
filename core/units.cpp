#include "units.h"

#include "unit_state.h"

#include "error.h"
#include "unit_files.h"
#include "unit_name.h"

#include <nlohmann/json.hpp>

#include <csignal>
#include <thread>

namespace remedy {
namespace {

constexpr const char* kUnitDir = "/etc/systemd/system";
constexpr const char* kControlDir = "/etc/systemd/system.control";
constexpr const char* kLogrotateDir = "/etc/logrotate.d";
constexpr unsigned kJournalLines = 10;

std::string baseName(const std::string& unit) { return unit.substr(0, unit.rfind('.')); }

std::string logRotationName(const std::string& unit) { return "remedy-" + baseName(unit); }

std::string primaryGroup(const AccountDirectory& accounts, const std::string& user)
{
    if (auto account = accounts.user(user))
        if (auto primary = accounts.group(account->gid))
            return primary->name;
    throw Error(ErrorKind::InvalidArgument, "user: there is no account '" + user + "' on this system");
}

// A oneshot has done its work when it ended with Result=success: inactive
// after it, or active with RemainAfterExit=.
bool oneshotSucceeded(const UnitState& state)
{
    return state.type == "oneshot" && state.result == "success" && (state.activeState == "inactive" || state.activeState == "active");
}

// Did the unit start? A oneshot's start job ends with the program, so its
// result says. Type=exec says only that the program could be started; one
// that exits at once shows within a second, so it must stay up that long.
// A timer is started when it is active (waiting).
bool started(ServiceManager& manager, const std::string& unit, std::chrono::milliseconds settle)
{
    auto state = manager.state(unit);
    if (state.type == "oneshot")
        return oneshotSucceeded(state);
    if (!unit.ends_with(".service"))
        return state.activeState == "active";
    auto deadline = std::chrono::steady_clock::now() + settle;
    do {
        if (manager.state(unit).activeState != "active")
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } while (std::chrono::steady_clock::now() < deadline);
    return manager.state(unit).activeState == "active";
}

} // namespace

struct Units::File {
    const ManagedDirectory& dir;
    std::string name;
    std::optional<std::string> wanted;  // nothing: the file must not exist
    std::optional<std::string> before = std::nullopt;

    std::string path() const { return dir.path() + "/" + name; }
};

Units::Units(int root, ServiceManager& manager, std::string probePath, std::chrono::milliseconds settle,
             const AccountDirectory& accounts, Config config, uid_t caller)
    : root_(root), manager_(manager), probePath_(std::move(probePath)), settle_(settle), accounts_(accounts), config_(std::move(config)),
      caller_(caller)
{
}

PendingChange Units::remember(const std::string& target, const std::vector<std::pair<std::string, std::optional<std::string>>>& files,
                              const std::vector<std::string>& units)
{
    std::vector<std::string> paths;
    for (const auto& [path, wanted] : files)
        paths.push_back(path);
    auto before = captureUnits(root_, manager_, paths, units);
    // What the change writes: recovery puts back only a file still as
    // before or as the change left it, never one someone wrote since.
    for (std::size_t i = 0; i < files.size(); ++i)
        before["files"][i]["wanted"] = files[i].second ? nlohmann::json(*files[i].second) : nlohmann::json();
    return PendingChange(root_, {{"operation", "unit-change"}, {"target", target}, {"uid", caller_}, {"before", before}});
}

bool Units::rollBack(PendingChange& pending)
{
    try {
        restoreUnits(root_, manager_, pending.record().at("before"));
        return true;
    } catch (const std::exception&) {
        pending.keep();  // the next remedyd tries again (recoverPending)
        return false;
    }
}

Outcome Units::installService(const ServiceSpec& spec, bool force, bool dryRun)
{
    validate(spec, accounts_);
    ManagedDirectory units(root_, kUnitDir);
    ManagedDirectory logrotate(root_, kLogrotateDir);
    std::optional<std::string> rotation;
    if (spec.logRotation)
        rotation = renderLogRotation(spec, spec.group.empty() ? primaryGroup(accounts_, spec.user) : spec.group);
    else
        primaryGroup(accounts_, spec.user);  // an unknown user is the caller's error, not a failed start
    if (rotation && !logrotate.exists())
        throw Error(ErrorKind::Unsupported, "log-rotate: logrotate is not installed here (" + std::string(kLogrotateDir) + " is missing)");
    // A timer remedy wrote for this service, or the one it writes now. A
    // service does not change between timed and not in place: the units
    // to enable and start differ, and the old one would stay behind.
    auto timer = units.read(spec.timerName());
    bool timed = timer && isManaged(*timer);
    if (timed != spec.hasTimer() && units.read(spec.name))
        throw Error(ErrorKind::InvalidArgument, spec.name + (timed ? " is run by " + spec.timerName() + "; to run it without a schedule"
                                                                   : " runs without a schedule; to run it on one") +
                                                    ", remove it first (remedyctl unit remove " + spec.name + ")");
    if (!spec.schedule.empty())
        manager_.verifyCalendar(spec.schedule);
    std::vector<File> files;
    files.push_back({units, spec.name, renderService(spec)});
    if (spec.hasTimer())
        files.push_back({units, spec.timerName(), renderTimer(spec)});
    files.push_back({logrotate, logRotationName(spec.name), rotation});
    // The unit enabled and started: the service, or its timer.
    return install(spec.hasTimer() ? spec.timerName() : spec.name, std::move(files), force, dryRun);
}

Outcome Units::installUnit(const std::string& name, const std::string& content, bool force, bool dryRun)
{
    validateServiceName(name);
    if (content.size() > kMaxUnitFileSize)
        throw Error(ErrorKind::InvalidArgument, "the unit file is larger than " + std::to_string(kMaxUnitFileSize / 1024) + " KiB");
    if (content.find('\0') != std::string::npos)
        throw Error(ErrorKind::InvalidArgument, "the unit file has a NUL byte; it is not a text file");
    auto marked = isManaged(content) ? content : managedHeader(name) + content;
    ManagedDirectory units(root_, kUnitDir);
    std::vector<File> files;
    files.push_back({units, name, marked});
    return install(name, std::move(files), force, dryRun);
}

Outcome Units::install(const std::string& name, std::vector<File> files, bool force, bool dryRun)
{
    std::vector<std::pair<std::string, std::string>> unitFiles;
    for (const auto& file : files)
        if (file.wanted && file.dir.path() == kUnitDir)
            unitFiles.emplace_back(file.name, *file.wanted);
    for (const auto& [unit, content] : unitFiles) {
        auto loaded = manager_.state(unit);
        if (loaded.loadState == "loaded" && !loaded.fragmentPath.empty() && loaded.fragmentPath != std::string(kUnitDir) + "/" + unit && !force)
            throw Error(ErrorKind::InvalidArgument, unit + " is already installed from " + loaded.fragmentPath +
                                                        "; remedy does not hide it behind a unit of its own (force to do it)");
    }
    // `name` is the unit enabled and started: the service, or its timer.
    auto state = manager_.state(name);
    bool same = true;
    for (auto& file : files) {
        file.dir.checkOwnership(file.name, force);
        file.before = file.dir.read(file.name);
        same = same && file.before == file.wanted;
    }
    // A oneshot that ran and succeeded is as asked too: not run again.
    bool running = state.activeState == "active";
    bool enabled = state.unitFileState == "enabled";
    if (same && (running || oneshotSucceeded(state)) && enabled)
        return {false, {name + " is installed and " + (running ? "running" : "ran") + " as asked"}};

    manager_.verifyUnits(unitFiles);
    for (const auto& file : files)
        if (file.wanted && file.dir.path() == kLogrotateDir)
            manager_.verifyLogRotation(*file.wanted);

    Outcome outcome{true, {}};
    for (const auto& file : files)
        if (file.before != file.wanted)
            outcome.actions.push_back((file.wanted ? "write " : "delete ") + file.path());
    outcome.actions.push_back("reload systemd");
    if (!enabled)
        outcome.actions.push_back("enable " + name);
    bool restart = running && !same;
    outcome.actions.push_back((restart ? "restart " : "start ") + name);
    if (dryRun)
        return outcome;

    std::vector<std::string> paths;
    std::vector<std::string> touched = {name};
    for (const auto& file : files) {
        paths.push_back(file.path());
        if (file.dir.path() == kUnitDir && file.name != name)
            touched.push_back(file.name);
    }
    std::vector<std::pair<std::string, std::optional<std::string>>> wanted;
    for (const auto& file : files)
        wanted.emplace_back(file.path(), file.wanted);
    auto pending = remember(name, wanted, touched);
    auto startedAt = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch());
    std::string jobResult;
    try {
        // Inside: a file that cannot be written puts back those written before it.
        for (const auto& file : files)
            if (file.before != file.wanted)
                file.wanted ? file.dir.write(file.name, *file.wanted, force) : (void)file.dir.remove(file.name, force);
        manager_.reload();
        if (!enabled)
            manager_.enable({name});
        jobResult = restart ? manager_.restart(name) : manager_.start(name);
    } catch (...) {
        rollBack(pending);
        throw;
    }
    if (jobResult == "done" && started(manager_, name, settle_))
        return outcome;

    // Failed: what systemd says, then everything back as it was.
    auto failed = manager_.state(name);
    auto lines = manager_.journal(name, kJournalLines, static_cast<std::uint64_t>(startedAt.count()));
    bool putBack = rollBack(pending);
    std::string message = name + " did not start: the start job ended '" + jobResult + "', the unit is " + failed.activeState +
                          (failed.result.empty() ? "" : " (result: " + failed.result + ")") +
                          (putBack ? ". remedy put back what was there before" + std::string(running ? " and started it again" : "") + "."
                                   : ". Putting back what was there before failed; remedyd does it when it next starts.");
    if (!lines.empty()) {
        message += "\nIts last journal lines:";
        for (const auto& line : lines)
            message += "\n  " + line;
    }
    throw Error(ErrorKind::Failed, message);
}

Outcome Units::installHealthcheck(const HealthcheckSpec& spec, bool dryRun)
{
    validate(spec);
    auto target = manager_.state(spec.unit);
    if (target.loadState != "loaded")
        throw Error(ErrorKind::InvalidArgument, "unit: systemd has no unit " + spec.unit + " (" + target.loadState + ")");
    return installTimer(healthcheckName(spec.unit), renderHealthService(spec, probePath_), renderHealthTimer(spec),
                        "the health check of " + spec.unit, dryRun);
}

Outcome Units::installMetrics(const std::string& directory, const std::string& remedyctlPath, bool dryRun)
{
    return installTimer("remedy-metrics", renderMetricsService(directory, remedyctlPath, config_), renderMetricsTimer(), "the metrics timer",
                        dryRun);
}

Outcome Units::installTimer(const std::string& name, std::string service, std::string timer, const std::string& what, bool dryRun)
{
    ManagedDirectory units(root_, kUnitDir);
    std::vector<File> files;
    files.push_back({units, name + ".service", std::move(service)});
    files.push_back({units, name + ".timer", std::move(timer)});
    bool same = true;
    for (auto& file : files) {
        file.dir.checkOwnership(file.name, false);
        file.before = file.dir.read(file.name);
        same = same && file.before == file.wanted;
    }
    auto state = manager_.state(name + ".timer");
    if (same && state.activeState == "active" && state.unitFileState == "enabled")
        return {false, {what + " is installed and running as asked"}};
    Outcome outcome{true, {}};
    for (const auto& file : files)
        if (file.before != file.wanted)
            outcome.actions.push_back("write " + file.path());
    outcome.actions.push_back("reload systemd");
    outcome.actions.push_back("enable and start " + name + ".timer");
    if (dryRun)
        return outcome;
    auto pending = remember(name + ".timer", {{files[0].path(), files[0].wanted}, {files[1].path(), files[1].wanted}}, {name + ".timer"});
    std::string result;
    try {
        for (const auto& file : files)
            file.dir.write(file.name, *file.wanted, false);
        manager_.reload();
        manager_.enable({name + ".timer"});
        // A restart resets the timer, so a new interval applies at once.
        result = state.activeState == "active" ? manager_.restart(name + ".timer") : manager_.start(name + ".timer");
    } catch (...) {
        rollBack(pending);
        throw;
    }
    if (result != "done") {
        rollBack(pending);
        throw Error(ErrorKind::Failed, name + ".timer did not start: " + result + "; remedy put back what was there before");
    }
    return outcome;
}

Outcome Units::removeHealthcheck(const std::string& unit, bool dryRun)
{
    validateServiceName(unit);
    auto name = healthcheckName(unit);
    ManagedDirectory units(root_, kUnitDir);
    Outcome outcome;
    for (const auto& file : {name + ".timer", name + ".service"})
        units.checkOwnership(file, false);
    for (const auto& file : {name + ".timer", name + ".service"})
        if (units.read(file))
            outcome.actions.push_back("delete " + units.path() + "/" + file);
    if (outcome.actions.empty())
        return {false, {unit + " has no health check"}};
    outcome.changed = true;
    outcome.actions.insert(outcome.actions.begin(), "stop and disable " + name + ".timer");
    outcome.actions.push_back("reload systemd");
    if (dryRun)
        return outcome;
    auto pending = remember(name + ".timer", {{units.path() + "/" + name + ".timer", std::nullopt}, {units.path() + "/" + name + ".service", std::nullopt}},
                            {name + ".timer"});
    try {
        manager_.stop(name + ".timer");
        manager_.disable({name + ".timer"});
        for (const auto& file : {name + ".timer", name + ".service"})
            units.remove(file, false);
        manager_.reload();
    } catch (...) {
        rollBack(pending);
        throw;
    }
    return outcome;
}

Outcome Units::remove(const std::string& name, bool force, bool dryRun)
{
    validateServiceName(name);
    ManagedDirectory units(root_, kUnitDir);
    ManagedDirectory logrotate(root_, kLogrotateDir);
    ManagedDirectory dropIns(root_, std::string(kControlDir) + "/" + name + ".d");
    units.checkOwnership(name, force);
    logrotate.checkOwnership(logRotationName(name), force);
    auto health = removeHealthcheck(name, true);

    Outcome outcome;
    if (health.changed)
        outcome.actions.assign(health.actions.begin(), health.actions.end() - 1);  // one reload at the end does
    bool hasUnit = units.read(name).has_value();
    // A timer of the same name that remedy wrote (remedy-metrics) goes with it.
    auto timer = baseName(name) + ".timer";
    auto timerContent = units.read(timer);
    bool hasTimer = hasUnit && timerContent && isManaged(*timerContent);
    if (hasTimer)
        outcome.actions.insert(outcome.actions.end(), {"stop and disable " + timer, "delete " + units.path() + "/" + timer});
    if (hasUnit)
        outcome.actions.insert(outcome.actions.end(), {"stop " + name, "disable " + name, "delete " + units.path() + "/" + name});
    if (logrotate.read(logRotationName(name)))
        outcome.actions.push_back("delete " + logrotate.path() + "/" + logRotationName(name));
    // The drop-ins SetMemoryLimits had systemd write; only with the unit.
    const std::array<std::string, 2> limits = {"50-MemoryMax.conf", "50-MemoryHigh.conf"};
    if (hasUnit)
        for (const auto& file : limits)
            if (dropIns.read(file))
                outcome.actions.push_back("delete " + dropIns.path() + "/" + file);
    if (outcome.actions.empty())
        return {false, {name + " is not installed"}};
    outcome.changed = true;
    outcome.actions.push_back("reload systemd");
    if (dryRun)
        return outcome;

    auto check = healthcheckName(name);
    std::vector<std::pair<std::string, std::optional<std::string>>> paths;
    for (const auto& path : {units.path() + "/" + name, units.path() + "/" + timer, logrotate.path() + "/" + logRotationName(name),
                             units.path() + "/" + check + ".service", units.path() + "/" + check + ".timer"})
        paths.emplace_back(path, std::nullopt);
    for (const auto& file : limits)
        paths.emplace_back(dropIns.path() + "/" + file, std::nullopt);
    std::vector<std::string> touched = {name};
    if (health.changed)
        touched.push_back(check + ".timer");
    if (hasTimer)
        touched.push_back(timer);
    auto pending = remember(name, paths, touched);
    try {
        if (health.changed)
            removeHealthcheck(name, false);
        if (hasTimer) {
            manager_.stop(timer);
            manager_.disable({timer});
            units.remove(timer, false);
        }
        if (hasUnit) {
            manager_.stop(name);
            manager_.disable({name});
            units.remove(name, force);
            for (const auto& file : limits)
                dropIns.remove(file, true);
            dropIns.removeIfEmpty(root_);
        }
        logrotate.remove(logRotationName(name), force);
        manager_.reload();
    } catch (...) {
        rollBack(pending);
        throw;
    }
    return outcome;
}

Outcome verifyRestart(ServiceManager& manager, const std::string& unit, std::chrono::milliseconds timeout, bool dryRun,
                      const std::function<void(double)>& progress)
{
    validateServiceName(unit);
    auto before = manager.state(unit);
    if (before.loadState != "loaded")
        throw Error(ErrorKind::InvalidArgument, "systemd has no unit " + unit + " (" + before.loadState + ")");
    // SIGKILL is an unclean signal: these are the policies that restart on it.
    bool restarts = before.restart == "always" || before.restart == "on-failure" || before.restart == "on-abnormal" ||
                    before.restart == "on-abort";
    if (!restarts)
        throw Error(ErrorKind::InvalidArgument, unit + " has Restart=" + before.restart +
                                                    ": systemd would not restart it after a kill. Set a restart policy first "
                                                    "(remedyctl service create ... --restart always)");
    if (before.activeState != "active" || before.mainPid == 0)
        throw Error(ErrorKind::InvalidArgument, unit + " is not running (" + before.activeState + "/" + before.subState +
                                                    "); there is no process to kill");
    Outcome outcome{true, {"kill " + unit + "'s main process " + std::to_string(before.mainPid) + " with SIGKILL",
                           "wait for systemd to start it again"}};
    if (dryRun)
        return outcome;

    if (progress)
        progress(0.5);
    auto restarted = [&](const UnitState& state) { return state.activeState == "active" && state.mainPid != 0 && state.mainPid != before.mainPid; };
    // Timed from the kill to systemd's signal that a new main process runs.
    auto killedAt = std::chrono::steady_clock::now();
    auto now = manager.killAndWait(unit, SIGKILL, restarted, timeout);
    auto recoveredAt = std::chrono::steady_clock::now();
    if (!restarted(now))
        throw Error(ErrorKind::Failed, unit + " was not running again " + std::to_string(timeout.count()) + " ms after the kill (" +
                                           now.activeState + "/" + now.subState + ", result " + now.result + ")");
    auto recovery = std::chrono::duration<double, std::milli>(recoveredAt - killedAt).count();
    outcome.actions = {"killed " + unit + "'s main process " + std::to_string(before.mainPid) + " with SIGKILL",
                       "systemd restarted it as process " + std::to_string(now.mainPid) + " in " + std::to_string(std::lround(recovery)) +
                           " ms (RestartSec " + std::to_string(before.restartUsec / 1000) + " ms)"};
    outcome.report = nlohmann::json{{"unit", unit},
                                    {"old_pid", before.mainPid},
                                    {"new_pid", now.mainPid},
                                    {"recovery_ms", std::round(recovery * 10) / 10},
                                    {"restart_sec_ms", before.restartUsec / 1000},
                                    {"restarts", now.nRestarts}}
                         .dump();
    return outcome;
}

Outcome setMemoryLimits(ServiceManager& manager, const std::string& unit, std::uint64_t max, std::uint64_t high, bool dryRun)
{
    validateServiceName(unit);
    if (max == 0 && high == 0)
        throw Error(ErrorKind::InvalidArgument, "give a memory limit to set: max, high or both");
    auto state = manager.state(unit);
    if (state.loadState != "loaded")
        throw Error(ErrorKind::InvalidArgument, "systemd has no unit " + unit + " (" + state.loadState + ")");
    auto wantedMax = max ? max : state.memoryMax;
    auto wantedHigh = high ? high : state.memoryHigh;
    if (wantedMax == state.memoryMax && wantedHigh == state.memoryHigh)
        return {false, {unit + " has these memory limits already"}};
    if (!dryRun)
        manager.setMemoryLimits(unit, wantedMax, wantedHigh);
    return {true, {"set MemoryMax=" + std::to_string(wantedMax) + " MemoryHigh=" + std::to_string(wantedHigh) + " on " + unit}};
}

} // namespace remedy
