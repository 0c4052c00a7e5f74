#pragma once
// What remedy asks of systemd, as an interface: remedyd implements it over
// D-Bus (helper/systemd.h), the unit tests with a fake. The checkers of
// files (systemd-analyze verify, logrotate -d) are here too: both are "will
// the system accept this file", asked before the file is used.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace remedy {

struct UnitState {
    std::string loadState{};    // "loaded", "not-found", ...
    std::string activeState{};  // "active", "activating", "failed", "inactive", ...
    std::string subState{};     // "running", "auto-restart", ...
    std::string fragmentPath{}; // the unit file systemd loaded it from
    std::string unitFileState{};// "enabled", "disabled", ...
    // Services only:
    std::string result{};       // "success", "oom-kill", "exit-code", ...
    std::string restart{};      // Restart=
    std::uint32_t mainPid = 0;
    std::uint32_t nRestarts = 0;
    std::uint64_t restartUsec = 0;
    std::uint64_t memoryMax = UINT64_MAX;
    std::uint64_t memoryHigh = UINT64_MAX;
    std::vector<std::string> logsDirectory{};  // LogsDirectory=
    std::string standardOutput{};              // "journal", "append:/var/log/app.log", ...
    std::string type{};                        // "exec", "simple", "oneshot", ...
};

class ServiceManager {
public:
    virtual ~ServiceManager() = default;

    virtual UnitState state(const std::string& unit) = 0;
    // Every service systemd has loaded, by name, with only what a diagnosis
    // sorts them by: loadState, activeState, subState, result, nRestarts
    // (state() gives the rest). In a few calls however many there are.
    virtual std::map<std::string, UnitState> services() = 0;
    virtual void reload() = 0;
    virtual void enable(const std::vector<std::string>& units) = 0;
    virtual void disable(const std::vector<std::string>& units) = 0;
    // Queue a job and wait for its result: "done", "failed", "timeout",
    // "dependency", "canceled", "skipped".
    virtual std::string start(const std::string& unit) = 0;
    virtual std::string restart(const std::string& unit) = 0;
    virtual std::string stop(const std::string& unit) = 0;
    // Kill the unit's main process with `signal`, then wait until `until`
    // holds for its state, woken by systemd's own change signals (subscribed
    // to before the kill), not by polling. Returns the last state seen: the
    // one `until` accepted, or where the unit was when `timeout` passed.
    virtual UnitState killAndWait(const std::string& unit, int signal, const std::function<bool(const UnitState&)>& until,
                                  std::chrono::milliseconds timeout) = 0;
    // Persistent MemoryMax=/MemoryHigh= (a drop-in, as systemctl set-property).
    virtual void setMemoryLimits(const std::string& unit, std::uint64_t max, std::uint64_t high) = 0;
    // The unit's last journal lines since `since` (CLOCK_REALTIME, µs),
    // oldest first.
    virtual std::vector<std::string> journal(const std::string& unit, unsigned lines, std::uint64_t since) = 0;

    // Throw InvalidArgument with the checker's words when it rejects the file.
    // Units that go together (a service and its timer) are checked together.
    virtual void verifyUnits(const std::vector<std::pair<std::string, std::string>>& units) = 0;  // name, content
    // An OnCalendar= expression, as systemd-analyze calendar reads it.
    virtual void verifyCalendar(const std::string& expression) = 0;
    virtual void verifyLogRotation(const std::string& content) = 0;
};

} // namespace remedy
