#include "systemd.h"

#include "dbus/errors.h"
#include "core/program.h"
#include "core/unique_fd.h"
#include "core/atomic_file.h"

#include <systemd/sd-journal.h>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <sstream>
#include <type_traits>

namespace remedy {
namespace {

constexpr const char* kService = "org.freedesktop.systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";
constexpr const char* kUnit = "org.freedesktop.systemd1.Unit";
constexpr const char* kServiceInterface = "org.freedesktop.systemd1.Service";
// Longer than systemd's default start timeout (90 s), so systemd decides.
constexpr auto kJobTimeout = std::chrono::seconds(120);

// No systemd on the bus (a container or chroot without it): said as such,
// not as the caller's mistake nor as systemd refusing.
void requireSystemd(const sdbus::Error& error)
{
    const auto& name = error.getName();
    if (name == "org.freedesktop.DBus.Error.ServiceUnknown" || name == "org.freedesktop.DBus.Error.NameHasNoOwner" ||
        name == "org.freedesktop.DBus.Error.Spawn.ServiceNotFound")
        throw Error(ErrorKind::NoSystemd, "systemd is not running on this machine's system bus; remedy needs it to manage units");
}

[[noreturn]] void refused(const std::string& what, const sdbus::Error& error)
{
    requireSystemd(error);
    throw Error(ErrorKind::Failed, "systemd refused to " + what + ": " + error.getMessage());
}

constexpr const char* kProperties = "org.freedesktop.DBus.Properties";
// Calls in flight at once: the system bus lets a connection wait for 128 replies.
constexpr std::size_t kInFlight = 64;

// What UnitState holds of a GetAll or a PropertiesChanged, of the Unit or
// the Service interface; what is not there stays as it was.
void applyProperties(UnitState& state, const std::map<std::string, sdbus::Variant>& properties)
{
    auto set = [&](const char* name, auto& field) {
        if (auto it = properties.find(name); it != properties.end())
            field = it->second.get<std::decay_t<decltype(field)>>();
    };
    set("LoadState", state.loadState);
    set("ActiveState", state.activeState);
    set("SubState", state.subState);
    set("FragmentPath", state.fragmentPath);
    set("UnitFileState", state.unitFileState);
    set("Type", state.type);
    set("Result", state.result);
    set("Restart", state.restart);
    set("MainPID", state.mainPid);
    set("NRestarts", state.nRestarts);
    set("RestartUSec", state.restartUsec);
    set("MemoryMax", state.memoryMax);
    set("MemoryHigh", state.memoryHigh);
    set("LogsDirectory", state.logsDirectory);
    set("StandardOutput", state.standardOutput);
}

// A scratch directory in remedyd's private /tmp, removed with what is in it.
class ScratchDirectory {
public:
    ScratchDirectory()
    {
        char pattern[] = "/tmp/remedy-check.XXXXXX";
        if (!mkdtemp(pattern))
            throw Error(ErrorKind::Failed, "cannot create a scratch directory");
        path_ = pattern;
    }
    ~ScratchDirectory()
    {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    std::string write(const std::string& name, const std::string& content) const
    {
        UniqueFd dir(open(path_.c_str(), O_DIRECTORY | O_CLOEXEC));
        replaceFileAt(dir.get(), name, content, 0644);
        return path_ + "/" + name;
    }

private:
    std::string path_;
};

} // namespace

Systemd::Systemd()
    : bus_(sdbus::createSystemBusConnection()), manager_(sdbus::createProxy(*bus_, kService, "/org/freedesktop/systemd1"))
{
}

std::map<std::string, sdbus::Variant> Systemd::properties(const sdbus::ObjectPath& path, const char* interface)
{
    std::map<std::string, sdbus::Variant> all;
    auto proxy = sdbus::createProxy(*bus_, kService, path);
    proxy->callMethod("GetAll").onInterface("org.freedesktop.DBus.Properties").withArguments(interface).storeResultsTo(all);
    return all;
}

sdbus::ObjectPath Systemd::load(const std::string& unit)
{
    sdbus::ObjectPath path;
    try {
        manager_->callMethod("LoadUnit").onInterface(kManager).withArguments(unit).storeResultsTo(path);
    } catch (const sdbus::Error& error) {
        requireSystemd(error);
        throw Error(ErrorKind::InvalidArgument, "systemd cannot load " + unit + ": " + error.getMessage());
    }
    return path;
}

UnitState Systemd::state(const std::string& unit)
{
    auto path = load(unit);
    UnitState state;
    applyProperties(state, properties(path, kUnit));
    if (state.loadState == "loaded" && unit.ends_with(".service"))
        applyProperties(state, properties(path, kServiceInterface));
    return state;
}

std::map<std::string, UnitState> Systemd::services()
{
    // (name, description, load, active, sub, following, path, job id, job type, job path)
    std::vector<sdbus::Struct<std::string, std::string, std::string, std::string, std::string, std::string, sdbus::ObjectPath,
                              std::uint32_t, std::string, sdbus::ObjectPath>>
        units;
    try {
        manager_->callMethod("ListUnitsByPatterns")
            .onInterface(kManager)
            .withArguments(std::vector<std::string>{}, std::vector<std::string>{"*.service"})
            .storeResultsTo(units);
    } catch (const sdbus::Error& error) {
        refused("list its services", error);
    }
    std::map<std::string, UnitState> services;
    std::vector<std::pair<UnitState*, sdbus::ObjectPath>> loaded;
    for (const auto& unit : units)
        if (std::get<2>(unit) == "loaded") {
            auto& state = services[std::get<0>(unit)];
            state.loadState = std::get<2>(unit);
            state.activeState = std::get<3>(unit);
            state.subState = std::get<4>(unit);
            loaded.emplace_back(&state, std::get<6>(unit));
        }
    // NRestarts is not in the list: asked of every service without waiting
    // for each answer, so the cost is systemd's work, not a round trip per
    // service. Result too, of those not active: systemd sets it back to
    // success when it starts a service, so an active one that was killed
    // shows in NRestarts. A service gone meanwhile keeps its zeros.
    std::size_t next = 0, waiting = 0;
    std::vector<std::unique_ptr<sdbus::IProxy>> proxies;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(25);
    auto sendSome = [&] {
        for (; next < loaded.size() && waiting + 2 <= kInFlight; ++next) {
            auto* state = loaded[next].first;
            proxies.push_back(sdbus::createProxy(*bus_, kService, loaded[next].second));
            std::vector<const char*> wanted{"NRestarts"};
            if (state->activeState != "active")
                wanted.push_back("Result");
            for (const char* name : wanted) {
                ++waiting;
                proxies.back()
                    ->callMethodAsync("Get")
                    .onInterface(kProperties)
                    .withArguments(kServiceInterface, name)
                    .uponReplyInvoke([&waiting, state, name](const sdbus::Error* error, sdbus::Variant value) {
                        --waiting;
                        if (!error)
                            applyProperties(*state, {{name, std::move(value)}});
                    });
            }
        }
        return next == loaded.size() && waiting == 0;
    };
    if (!dispatchUntil(deadline, sendSome))
        throw Error(ErrorKind::Failed, "systemd did not say how its services are in time");
    return services;
}

MemoryLimits Systemd::memoryLimits(const std::string& unit)
{
    auto current = state(unit);
    if (current.loadState != "loaded")
        throw Error(ErrorKind::InvalidArgument, unit + " is not a unit systemd has loaded (" + current.loadState + ")");
    return {current.memoryMax, current.memoryHigh};
}

void Systemd::setMemoryLimits(const std::string& unit, const MemoryLimits& limits)
{
    std::vector<sdbus::Struct<std::string, sdbus::Variant>> properties = {
        {"MemoryMax", sdbus::Variant(limits.max)},
        {"MemoryHigh", sdbus::Variant(limits.high)},
    };
    try {
        manager_->callMethod("SetUnitProperties").onInterface(kManager).withArguments(unit, false, properties);
    } catch (const sdbus::Error& error) {
        refused("set the limits of " + unit, error);
    }
}

void Systemd::reload()
{
    try {
        manager_->callMethod("Reload").onInterface(kManager);
    } catch (const sdbus::Error& error) {
        refused("reload", error);
    }
}

void Systemd::enable(const std::vector<std::string>& units)
{
    try {
        // runtime=false (persistent), force=true (replace stale links).
        manager_->callMethod("EnableUnitFiles").onInterface(kManager).withArguments(units, false, true);
    } catch (const sdbus::Error& error) {
        refused("enable " + units.front(), error);
    }
}

void Systemd::disable(const std::vector<std::string>& units)
{
    try {
        manager_->callMethod("DisableUnitFiles").onInterface(kManager).withArguments(units, false);
    } catch (const sdbus::Error& error) {
        refused("disable " + units.front(), error);
    }
}

bool Systemd::dispatchUntil(std::chrono::steady_clock::time_point deadline, const std::function<bool()>& done)
{
    for (;;) {
        while (bus_->processPendingRequest()) {
        }
        if (done())
            return true;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0)
            return false;
        auto poll = bus_->getEventLoopPollData();
        pollfd fd{poll.fd, poll.events, 0};
        ::poll(&fd, 1, static_cast<int>(std::min<long long>(left, 1000)));
    }
}

void Systemd::subscribe()
{
    // systemd sends job and change signals only while someone is subscribed.
    if (!subscribed_)
        manager_->callMethod("Subscribe").onInterface(kManager);
    subscribed_ = true;
}

std::string Systemd::runJob(const char* method, const std::string& unit)
{
    if (!jobsRemoved_) {
        jobsRemoved_ = bus_->addMatch(
            "type='signal',sender='org.freedesktop.systemd1',interface='org.freedesktop.systemd1.Manager',member='JobRemoved'",
            [this](sdbus::Message& message) {
                std::uint32_t id = 0;
                sdbus::ObjectPath job;
                std::string unitName, result;
                message >> id >> job >> unitName >> result;
                finishedJobs_[job] = result;
            });
        subscribe();
    }
    sdbus::ObjectPath job;
    try {
        manager_->callMethod(method).onInterface(kManager).withArguments(unit, std::string("replace")).storeResultsTo(job);
    } catch (const sdbus::Error& error) {
        refused(std::string(method) + " " + unit, error);
    }
    std::optional<std::string> result;
    auto finished = [&] {
        if (auto found = finishedJobs_.find(job); found != finishedJobs_.end()) {
            result = found->second;
            finishedJobs_.erase(found);
        }
        return result.has_value();
    };
    if (!dispatchUntil(std::chrono::steady_clock::now() + kJobTimeout, finished))
        throw Error(ErrorKind::Failed, "systemd did not finish " + std::string(method) + " " + unit + " in time");
    return *result;
}

std::string Systemd::start(const std::string& unit) { return runJob("StartUnit", unit); }
std::string Systemd::restart(const std::string& unit) { return runJob("RestartUnit", unit); }
std::string Systemd::stop(const std::string& unit) { return runJob("StopUnit", unit); }

UnitState Systemd::killAndWait(const std::string& unit, int signal, const std::function<bool(const UnitState&)>& until,
                               std::chrono::milliseconds timeout)
{
    // The unit as its change signals tell it, from the kill on. systemd
    // sends a unit's own interface (MainPID) first, then Unit's
    // (ActiveState): the state is whole after the latter.
    UnitState state;
    bool whole = false;
    auto path = load(unit);
    auto changes = bus_->addMatch("type='signal',sender='org.freedesktop.systemd1',interface='org.freedesktop.DBus.Properties',"
                                  "member='PropertiesChanged',path='" +
                                      std::string(path) + "'",
                                  [&](sdbus::Message& message) {
                                      std::string interface;
                                      std::map<std::string, sdbus::Variant> changed;
                                      message >> interface >> changed;
                                      applyProperties(state, changed);
                                      whole = whole || interface == kUnit;
                                  });
    subscribe();
    try {
        manager_->callMethod("KillUnit").onInterface(kManager).withArguments(unit, std::string("main"), signal);
    } catch (const sdbus::Error& error) {
        refused("kill " + unit, error);
    }
    dispatchUntil(std::chrono::steady_clock::now() + timeout, [&] { return whole && until(state); });
    return state;
}

std::vector<std::string> Systemd::journal(const std::string& unit, unsigned lines, std::uint64_t since)
{
    std::vector<std::string> found;
    sd_journal* journal = nullptr;
    // Not SD_JOURNAL_SYSTEM: the output of a service with User= is in that
    // user's journal file.
    if (sd_journal_open(&journal, SD_JOURNAL_LOCAL_ONLY) < 0)
        return found;
    // The service's own output, and what systemd said about it.
    auto own = "_SYSTEMD_UNIT=" + unit;
    auto about = "UNIT=" + unit;
    sd_journal_add_match(journal, own.c_str(), 0);
    sd_journal_add_disjunction(journal);
    sd_journal_add_match(journal, about.c_str(), 0);
    sd_journal_seek_tail(journal);
    while (found.size() < lines && sd_journal_previous(journal) > 0) {
        std::uint64_t when = 0;
        if (sd_journal_get_realtime_usec(journal, &when) >= 0 && when < since)
            break;
        const void* data = nullptr;
        size_t size = 0;
        if (sd_journal_get_data(journal, "MESSAGE", &data, &size) >= 0) {
            std::string field(static_cast<const char*>(data), size);
            found.insert(found.begin(), field.substr(field.find('=') + 1));
        }
    }
    sd_journal_close(journal);
    return found;
}

void Systemd::verifyUnits(const std::vector<std::pair<std::string, std::string>>& units)
{
    ScratchDirectory scratch;
    std::vector<std::string> command = {"/usr/bin/systemd-analyze", "verify", "--man=no"};
    for (const auto& [name, content] : units)
        command.push_back(scratch.write(name, content));
    auto result = runProgram(command);
    if (result.exitCode != 0)
        throw Error(ErrorKind::InvalidArgument, "systemd-analyze verify rejects the unit:\n" + result.output);
}

void Systemd::verifyCalendar(const std::string& expression)
{
    // One argument, never a shell: the expression cannot become an option
    // either ("--" before it).
    auto result = runProgram({"/usr/bin/systemd-analyze", "calendar", "--", expression});
    if (result.exitCode != 0)
        throw Error(ErrorKind::InvalidArgument, "schedule: systemd does not read '" + expression + "' as a calendar expression (systemd.time(7)):\n" +
                                                    result.output);
}

void Systemd::verifyLogRotation(const std::string& content)
{
    // logrotate -d acts out a "su" line by switching its user, which
    // remedyd may not do (no CAP_SETUID): the line is checked without it;
    // its user and group exist (Units checked them).
    std::string checked;
    std::istringstream lines(content);
    for (std::string line; std::getline(lines, line);)
        if (line.find_first_not_of(' ') == std::string::npos || line.compare(line.find_first_not_of(' '), 3, "su ") != 0)
            checked += line + "\n";
    ScratchDirectory scratch;
    auto path = scratch.write("remedy", checked);
    auto result = runProgram({"/usr/sbin/logrotate", "--debug", "--state", "/dev/null", path});
    if (result.exitCode != 0)
        throw Error(ErrorKind::InvalidArgument, "logrotate rejects the rotation snippet:\n" + result.output);
}

} // namespace remedy
