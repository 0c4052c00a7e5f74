#pragma once
// systemd as the unit tests need it: every answer can be given, every call
// is recorded. Proof against the real one is in the system tier.

#include "core/error.h"
#include "core/service_manager.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace remedy::test {

class FakeSystemd final : public ServiceManager {
public:
    std::map<std::string, UnitState> units;
    std::vector<std::string> calls;
    std::string startResult = "done";
    std::string failStartOf;  // this unit's start job fails
    bool exitsAtOnce = false;  // the job succeeds, the program ends at once
    bool rejectUnit = false;
    std::set<std::string> oneshots;  // Type=oneshot, as their verified files say
    int restartAfterPolls = 2;  // after a start that exits at once: "activating" this many times
    bool comesBackAfterKill = true;
    std::map<std::string, int> asked;  // state() calls, by unit
    int listed = 0;                    // services() calls
    std::uint32_t nextPid = 100;

    UnitState state(const std::string& unit) override
    {
        ++asked[unit];
        auto& state = units[unit];
        if (state.loadState.empty())
            state.loadState = "not-found", state.activeState = "inactive";
        if (state.activeState == "activating" && --pollsLeft_ <= 0)
            state.activeState = "active", state.mainPid = nextPid++, ++state.nRestarts;
        return state;
    }
    std::map<std::string, UnitState> services() override
    {
        ++listed;
        std::map<std::string, UnitState> loaded;
        for (const auto& [name, state] : units)
            if (state.loadState == "loaded")
                loaded[name] = {state.loadState, state.activeState, state.subState, {}, {}, state.result, {}, 0, state.nRestarts};
        return loaded;
    }
    void reload() override { calls.push_back("reload"); }
    void enable(const std::vector<std::string>& list) override
    {
        calls.push_back("enable " + list.front());
        units[list.front()].unitFileState = "enabled";
    }
    void disable(const std::vector<std::string>& list) override
    {
        calls.push_back("disable " + list.front());
        units[list.front()].unitFileState = "disabled";
    }
    std::string start(const std::string& unit) override { return run("start", unit); }
    std::string restart(const std::string& unit) override { return run("restart", unit); }
    std::string stop(const std::string& unit) override
    {
        calls.push_back("stop " + unit);
        units[unit].activeState = "inactive";
        units[unit].mainPid = 0;
        return "done";
    }
    UnitState killAndWait(const std::string& unit, int signal, const std::function<bool(const UnitState&)>& until,
                          std::chrono::milliseconds) override
    {
        calls.push_back("kill " + unit + " " + std::to_string(signal));
        auto& state = units[unit];
        state.activeState = "activating", state.subState = "auto-restart", state.mainPid = 0;
        if (comesBackAfterKill)
            state.activeState = "active", state.subState = "running", state.mainPid = nextPid++, ++state.nRestarts;
        EXPECT_EQ(until(state), comesBackAfterKill);
        return state;
    }
    void setMemoryLimits(const std::string& unit, std::uint64_t max, std::uint64_t high) override
    {
        calls.push_back("limits " + unit);
        units[unit].memoryMax = max;
        units[unit].memoryHigh = high;
    }
    std::vector<std::string> journal(const std::string&, unsigned, std::uint64_t) override { return {"ImportError: no module named app"}; }
    void verifyUnits(const std::vector<std::pair<std::string, std::string>>& list) override
    {
        for (const auto& [name, content] : list) {
            calls.push_back("verify " + name);
            if (content.find("Type=oneshot") != std::string::npos)
                oneshots.insert(name);
        }
        if (rejectUnit)
            throw Error(ErrorKind::InvalidArgument, "systemd-analyze verify rejects the unit");
    }
    void verifyCalendar(const std::string& expression) override
    {
        calls.push_back("calendar " + expression);
        if (expression == "not a time")
            throw Error(ErrorKind::InvalidArgument, "schedule: systemd does not read it");
    }
    void verifyLogRotation(const std::string&) override { calls.push_back("verify logrotate"); }

private:
    std::string run(const std::string& verb, const std::string& unit)
    {
        calls.push_back(verb + " " + unit);
        auto& state = units[unit];
        if (unit == failStartOf)
            return "failed";
        state.loadState = "loaded";
        state.fragmentPath = "/etc/systemd/system/" + unit;
        state.restart = "always";
        if (oneshots.count(unit)) {
            // Its start job ends with the program: failed, or done and inactive.
            state.type = "oneshot", state.restart = "no", state.activeState = exitsAtOnce ? "failed" : "inactive";
            state.result = exitsAtOnce ? "exit-code" : "success";
            return exitsAtOnce ? "failed" : startResult;
        }
        if (startResult == "done" && exitsAtOnce)
            state.activeState = "activating", state.subState = "auto-restart", state.result = "exit-code", pollsLeft_ = restartAfterPolls;
        else if (startResult == "done")
            state.activeState = "active", state.mainPid = nextPid++;
        else
            state.activeState = "failed", state.result = "exit-code";
        return startResult;
    }
    int pollsLeft_ = 0;
};

} // namespace remedy::test
