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
#include <sstream>

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

template <typename T>
T get(const std::map<std::string, sdbus::Variant>& properties, const char* name, T fallback)
{
    auto it = properties.find(name);
    return it == properties.end() ? fallback : it->second.get<T>();
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

UnitState Systemd::state(const std::string& unit)
{
    sdbus::ObjectPath path;
    try {
        manager_->callMethod("LoadUnit").onInterface(kManager).withArguments(unit).storeResultsTo(path);
    } catch (const sdbus::Error& error) {
        requireSystemd(error);
        throw Error(ErrorKind::InvalidArgument, "systemd cannot load " + unit + ": " + error.getMessage());
    }
    auto unitProperties = properties(path, kUnit);
    UnitState state;
    state.loadState = get<std::string>(unitProperties, "LoadState", "");
    state.activeState = get<std::string>(unitProperties, "ActiveState", "");
    state.subState = get<std::string>(unitProperties, "SubState", "");
    state.fragmentPath = get<std::string>(unitProperties, "FragmentPath", "");
    state.unitFileState = get<std::string>(unitProperties, "UnitFileState", "");
    if (state.loadState == "loaded" && unit.ends_with(".service")) {
        auto service = properties(path, kServiceInterface);
        state.type = get<std::string>(service, "Type", "");
        state.result = get<std::string>(service, "Result", "");
        state.restart = get<std::string>(service, "Restart", "");
        state.mainPid = get<std::uint32_t>(service, "MainPID", 0);
        state.nRestarts = get<std::uint32_t>(service, "NRestarts", 0);
        state.restartUsec = get<std::uint64_t>(service, "RestartUSec", 0);
        state.memoryMax = get<std::uint64_t>(service, "MemoryMax", UINT64_MAX);
        state.memoryHigh = get<std::uint64_t>(service, "MemoryHigh", UINT64_MAX);
        state.logsDirectory = get<std::vector<std::string>>(service, "LogsDirectory", {});
        state.standardOutput = get<std::string>(service, "StandardOutput", "");
    }
    return state;
}

std::vector<std::string> Systemd::services()
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
    std::vector<std::string> names;
    for (const auto& unit : units)
        if (std::get<2>(unit) == "loaded")
            names.push_back(std::get<0>(unit));
    return names;
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
        // systemd sends job signals only while someone is subscribed.
        manager_->callMethod("Subscribe").onInterface(kManager);
    }
    sdbus::ObjectPath job;
    try {
        manager_->callMethod(method).onInterface(kManager).withArguments(unit, std::string("replace")).storeResultsTo(job);
    } catch (const sdbus::Error& error) {
        refused(std::string(method) + " " + unit, error);
    }
    auto deadline = std::chrono::steady_clock::now() + kJobTimeout;
    for (;;) {
        while (bus_->processPendingRequest()) {
        }
        if (auto found = finishedJobs_.find(job); found != finishedJobs_.end()) {
            auto result = found->second;
            finishedJobs_.erase(found);
            return result;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0)
            throw Error(ErrorKind::Failed, "systemd did not finish " + std::string(method) + " " + unit + " in time");
        auto poll = bus_->getEventLoopPollData();
        pollfd fd{poll.fd, poll.events, 0};
        ::poll(&fd, 1, static_cast<int>(std::min<long long>(left, 1000)));
    }
}

std::string Systemd::start(const std::string& unit) { return runJob("StartUnit", unit); }
std::string Systemd::restart(const std::string& unit) { return runJob("RestartUnit", unit); }
std::string Systemd::stop(const std::string& unit) { return runJob("StopUnit", unit); }

void Systemd::killMainProcess(const std::string& unit, int signal)
{
    try {
        manager_->callMethod("KillUnit").onInterface(kManager).withArguments(unit, std::string("main"), signal);
    } catch (const sdbus::Error& error) {
        refused("kill " + unit, error);
    }
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
