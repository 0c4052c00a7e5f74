// Installing and removing units against a real directory tree with systemd
// faked, so that every answer systemd can give (a failed start, a unit of a
// package's, a restart that never comes) can be given. Proof against the
// real systemd is in the system tier (tests/system/units_test.cpp).

#include "core/error.h"
#include "core/pending.h"
#include "core/swap_system.h"
#include "core/trusted_path.h"
#include "core/unit_files.h"
#include "core/unit_state.h"
#include "core/units.h"
#include "fake_accounts.h"
#include "fake_systemd.h"
#include "scratch_root.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace remedy;
using remedy::test::FakeSystemd;
namespace fs = std::filesystem;

namespace {

class UnitsOnDisk : public remedy::test::ScratchRootTest {
protected:
    void SetUp() override { makeRoot("units-test", {"etc/systemd/system", "etc/logrotate.d"}); }

    ServiceSpec spec() const
    {
        ServiceSpec spec;
        spec.name = "app.service";
        spec.execStart = {"/usr/bin/app", "--port", "8000"};
        spec.user = "app";  // a regular login user of FakeAccounts
        spec.logsDirectory = "app";
        spec.logRotation = LogRotation{};
        return spec;
    }
    Units units() { return Units(rootFd_.get(), systemd_, "/usr/libexec/remedy-healthcheck", std::chrono::milliseconds(0), accounts_); }

    // Every file below the root, with its content.
    std::map<std::string, std::string> tree() const
    {
        std::map<std::string, std::string> files;
        for (const auto& entry : fs::recursive_directory_iterator(root_))
            if (entry.is_regular_file())
                files[fs::relative(entry.path(), root_).string()] = read(fs::relative(entry.path(), root_).string());
        return files;
    }
    bool called(const std::string& call) const
    {
        return std::find(systemd_.calls.begin(), systemd_.calls.end(), call) != systemd_.calls.end();
    }

    FakeSystemd systemd_;
    remedy::test::FakeAccounts accounts_;
};

TEST_F(UnitsOnDisk, InstallsEnablesStartsAndTheSameSpecAgainChangesNothing)
{
    auto outcome = units().installService(spec(), false, false);
    EXPECT_TRUE(outcome.changed);
    EXPECT_EQ(read("etc/systemd/system/app.service"), renderService(spec()));
    EXPECT_EQ(read("etc/logrotate.d/remedy-app"), renderLogRotation(spec(), "app"));
    EXPECT_EQ(systemd_.calls, (std::vector<std::string>{"verify app.service", "verify logrotate", "reload", "enable app.service",
                                                        "start app.service"}));
    auto pid = systemd_.units["app.service"].mainPid;

    systemd_.calls.clear();
    auto again = units().installService(spec(), false, false);
    EXPECT_FALSE(again.changed);
    EXPECT_TRUE(systemd_.calls.empty()) << "neither verified, restarted nor reloaded: " << systemd_.calls.front();
    EXPECT_EQ(systemd_.units["app.service"].mainPid, pid);
}

TEST_F(UnitsOnDisk, AChangedSpecRestartsTheService)
{
    units().installService(spec(), false, false);
    auto changed = spec();
    changed.memoryMax = MemoryLimit::bytes(512ull << 20);
    systemd_.calls.clear();
    EXPECT_TRUE(units().installService(changed, false, false).changed);
    EXPECT_TRUE(called("restart app.service"));
    EXPECT_FALSE(called("enable app.service")) << "enabled already";
    EXPECT_NE(read("etc/systemd/system/app.service").find("MemoryMax=536870912"), std::string::npos);
}

TEST_F(UnitsOnDisk, AFailedStartPutsBackTheFilesAndTheUnitAsTheyWere)
{
    units().installService(spec(), false, false);
    auto before = tree();
    auto broken = spec();
    broken.execStart = {"/usr/bin/app", "--port", "80"};
    broken.logRotation.reset();
    systemd_.startResult = "failed";
    try {
        units().installService(broken, false, false);
        FAIL() << "the failed start must be the caller's error";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::Failed);
        std::string message = error.what();
        EXPECT_NE(message.find("'failed'"), std::string::npos) << message;
        EXPECT_NE(message.find("exit-code"), std::string::npos) << message;
        EXPECT_NE(message.find("ImportError: no module named app"), std::string::npos) << message;
        EXPECT_NE(message.find("put back"), std::string::npos) << message;
    }
    EXPECT_EQ(tree(), before) << "the old unit and the rotation snippet, byte for byte";
    EXPECT_TRUE(called("start app.service")) << "the old definition started again";
}

TEST_F(UnitsOnDisk, AFailedFirstInstallLeavesNothing)
{
    systemd_.startResult = "failed";
    EXPECT_THROW(units().installService(spec(), false, false), Error);
    EXPECT_TRUE(tree().empty());
    EXPECT_TRUE(called("disable app.service"));
}

TEST_F(UnitsOnDisk, AnInstallCutShortAfterItsWritesIsFinishedByTheSameRequest)
{
    // remedyd SIGKILLed after the atomic writes, before systemd heard of them.
    write("etc/systemd/system/app.service", renderService(spec()));
    write("etc/logrotate.d/remedy-app", renderLogRotation(spec(), "app"));
    auto outcome = units().installService(spec(), false, false);
    EXPECT_TRUE(outcome.changed);
    EXPECT_EQ(outcome.actions, (std::vector<std::string>{"reload systemd", "enable app.service", "start app.service"}));
    EXPECT_EQ(systemd_.units["app.service"].activeState, "active");
}

TEST_F(UnitsOnDisk, AnInstallOrRemoveKilledAnywhereIsBeforeOrAfterOnceRecovered)
{
    // The files are real; systemd is this process's fake, so only what is
    // on disk survives the kill, as it would.
    auto installed = [&] {
        Units(rootFd_.get(), systemd_, "/usr/libexec/remedy-healthcheck", std::chrono::milliseconds(0), accounts_).installService(spec(), false, false);
    };
    auto took = [](auto change) {
        auto started = std::chrono::steady_clock::now();
        change();
        return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
    };
    auto installTook = took(installed);
    auto after = tree();
    auto removeTook = took([&] { units().remove("app.service", false, false); });
    ASSERT_TRUE(tree().empty());
    std::mt19937 random(21);
    int befores = 0;
    int afters = 0;
    for (int i = 0; i < 60; ++i) {
        bool removing = i % 2 == 1;
        if (removing && tree().empty())
            installed();
        auto was = tree();
        pid_t helper = fork();
        ASSERT_GE(helper, 0);
        if (helper == 0) {
            try {
                removing ? (void)units().remove("app.service", false, false) : installed();
            } catch (...) {
            }
            _exit(0);
        }
        usleep(static_cast<useconds_t>(std::uniform_int_distribution<long>(0, 3 * std::max<long>(removing ? removeTook : installTook, 1000))(random)));
        kill(helper, SIGKILL);
        waitpid(helper, nullptr, 0);
        FakeSystemd next;
        KernelSwapSystem kernel;
        for (const auto& change : recoverPending(rootFd_.get(), &kernel, &next, {}))
            EXPECT_TRUE(change.done) << change.outcome;
        auto now = tree();
        EXPECT_TRUE(now == was || now == (removing ? std::map<std::string, std::string>() : after))
            << "kill " << i << (removing ? " of a remove" : " of an install") << ": torn, " << [&] {
                   std::string names;
                   for (const auto& [name, content] : now)
                       names += " " + name;
                   return names;
               }();
        ++(now == was ? befores : afters);
    }
    EXPECT_GT(befores, 0);
    EXPECT_GT(afters, 0);
}

TEST_F(UnitsOnDisk, PuttingBackARemovalEnablesAndStartsTheUnitAgain)
{
    // A removal killed after its stop and disable: the record says the
    // unit was running and enabled, so it is again once recovered.
    auto captured = nlohmann::json::parse(R"({"files": [], "units": [{"name": "app.service", "active": true, "enabled": true}]})");
    restoreUnits(rootFd_.get(), systemd_, captured);
    EXPECT_TRUE(called("enable app.service"));
    EXPECT_EQ(systemd_.units["app.service"].activeState, "active");
    EXPECT_EQ(systemd_.units["app.service"].unitFileState, "enabled");
}

TEST_F(UnitsOnDisk, AHealthCheckWhoseTimerDoesNotStartLeavesNoFile)
{
    units().installService(spec(), false, false);
    auto before = tree();
    systemd_.failStartOf = "remedy-health-app.timer";
    EXPECT_THROW(units().installHealthcheck({"app.service", "http://127.0.0.1:8000/health"}, false), Error);
    EXPECT_EQ(tree(), before) << "the health check's files stayed";
    EXPECT_NE(systemd_.units["remedy-health-app.timer"].unitFileState, "enabled");
}

TEST_F(UnitsOnDisk, RecoveryLeavesAFileSomeoneWroteSinceTheChange)
{
    // A killed install of app.service recorded "no file before, this file
    // after"; an administrator wrote a unit of their own there since.
    write("etc/systemd/system/app.service", "[Service]\nExecStart=/usr/bin/theirs\n");
    fs::create_directories(root_ / "var/lib/remedy/pending");
    write("var/lib/remedy/pending/unit-change-1.json",
          R"({"operation": "unit-change", "target": "app.service", "uid": 1000, "before": {"files": [
               {"path": "/etc/systemd/system/app.service", "content": null, "wanted": "# Managed by remedy\n"}],
             "units": []}})");
    KernelSwapSystem kernel;
    auto recovered = recoverPending(rootFd_.get(), &kernel, &systemd_, {});
    ASSERT_EQ(recovered.size(), 1U);
    EXPECT_TRUE(recovered[0].done);
    EXPECT_EQ(read("etc/systemd/system/app.service"), "[Service]\nExecStart=/usr/bin/theirs\n");
}

TEST_F(UnitsOnDisk, ARecordRecoveryKeepsFailingIsSetAsideAfterThreeStarts)
{
    fs::create_directories(root_ / "var/lib/remedy/pending");
    write("var/lib/remedy/pending/unit-change-2.json",
          R"({"operation": "unit-change", "target": "app.service", "uid": 1000, "before": {"files": [
               {"path": "/etc/nowhere/app.service", "content": "x"}], "units": []}})");
    KernelSwapSystem kernel;
    for (int start = 1; start <= 3; ++start) {
        auto recovered = recoverPending(rootFd_.get(), &kernel, &systemd_, {});
        ASSERT_EQ(recovered.size(), 1U) << "start " << start;
        EXPECT_FALSE(recovered[0].done);
        EXPECT_NE(recovered[0].outcome.find(start < 3 ? "tried again at the next start" : "set aside"), std::string::npos)
            << recovered[0].outcome;
    }
    EXPECT_TRUE(recoverPending(rootFd_.get(), &kernel, &systemd_, {}).empty());
    EXPECT_TRUE(fs::exists(root_ / "var/lib/remedy/pending/unit-change-2.json.failed"));
}

TEST_F(UnitsOnDisk, AServiceThatExitsAtOnceCountsAsNotStarted)
{
    systemd_.exitsAtOnce = true;
    systemd_.restartAfterPolls = 1'000'000;
    try {
        units().installService(spec(), false, false);
        FAIL() << "Type=exec's job succeeds, but the service did not stay up";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("ended 'done', the unit is activating (result: exit-code)"), std::string::npos)
            << error.what();
    }
    EXPECT_TRUE(tree().empty());
}

TEST_F(UnitsOnDisk, NeverReplacesOrRemovesAFileItDidNotWriteUnlessForced)
{
    write("etc/systemd/system/app.service", "[Service]\nExecStart=/usr/bin/admins-own\n");
    systemd_.units["app.service"] = {"loaded", "active", "running", "/etc/systemd/system/app.service", "enabled"};
    EXPECT_THROW(units().installService(spec(), false, false), Error);
    EXPECT_THROW(units().remove("app.service", false, false), Error);
    EXPECT_EQ(read("etc/systemd/system/app.service"), "[Service]\nExecStart=/usr/bin/admins-own\n");
    EXPECT_TRUE(units().installService(spec(), true, false).changed);
    EXPECT_EQ(read("etc/systemd/system/app.service"), renderService(spec()));
}

TEST_F(UnitsOnDisk, DoesNotHideAPackagesUnit)
{
    systemd_.units["app.service"] = {"loaded", "active", "running", "/lib/systemd/system/app.service", "enabled"};
    try {
        units().installService(spec(), false, false);
        FAIL();
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("/lib/systemd/system/app.service"), std::string::npos) << error.what();
    }
    EXPECT_TRUE(tree().empty());
}

TEST_F(UnitsOnDisk, RawUnitsAreCheckedMarkedAndRefusedWhenNotText)
{
    EXPECT_THROW(units().installUnit("app.service", std::string("[Service]\nExecStart=/bin/true\0\n", 30), false, false), Error);
    EXPECT_THROW(units().installUnit("app.service", std::string(kMaxUnitFileSize + 1, '#'), false, false), Error);
    EXPECT_THROW(units().installUnit("../app.service", "[Service]\nExecStart=/bin/true\n", false, false), Error);
    systemd_.rejectUnit = true;
    EXPECT_THROW(units().installUnit("app.service", "[Service]\nExecStart=true\n", false, false), Error);
    EXPECT_TRUE(tree().empty());
    EXPECT_FALSE(called("reload"));

    systemd_.rejectUnit = false;
    EXPECT_TRUE(units().installUnit("app.service", "[Service]\nExecStart=/bin/true\n", false, false).changed);
    auto written = read("etc/systemd/system/app.service");
    EXPECT_TRUE(isManaged(written));
    EXPECT_NE(written.find("\n[Service]\nExecStart=/bin/true\n"), std::string::npos);
    EXPECT_FALSE(units().installUnit("app.service", "[Service]\nExecStart=/bin/true\n", false, false).changed);
}

TEST_F(UnitsOnDisk, ADryRunChecksEverythingAndWritesNothing)
{
    auto outcome = units().installService(spec(), false, true);
    EXPECT_TRUE(outcome.changed);
    EXPECT_EQ(outcome.actions.front(), "write /etc/systemd/system/app.service");
    EXPECT_TRUE(tree().empty());
    EXPECT_FALSE(called("reload"));
    EXPECT_TRUE(called("verify app.service"));
}

TEST_F(UnitsOnDisk, RemoveDeletesRemedysFilesAndOnlyThose)
{
    units().installService(spec(), false, false);
    units().installHealthcheck({"app.service", "http://127.0.0.1:8000/health"}, false);
    fs::create_directories(root_ / "etc/systemd/system.control/app.service.d");
    write("etc/systemd/system.control/app.service.d/50-MemoryMax.conf", "[Service]\nMemoryMax=1G\n");
    write("etc/systemd/system/other.service", "[Service]\nExecStart=/bin/true\n");
    write("etc/logrotate.d/apt", "/var/log/apt/term.log {}\n");
    EXPECT_TRUE(exists("etc/systemd/system/remedy-health-app.timer"));

    auto removed = units().remove("app.service", false, false);
    EXPECT_TRUE(removed.changed);
    EXPECT_EQ(tree(), (std::map<std::string, std::string>{{"etc/logrotate.d/apt", "/var/log/apt/term.log {}\n"},
                                                          {"etc/systemd/system/other.service", "[Service]\nExecStart=/bin/true\n"}}));
    EXPECT_FALSE(exists("etc/systemd/system.control/app.service.d"));
    EXPECT_TRUE(called("stop app.service"));
    EXPECT_TRUE(called("stop remedy-health-app.timer"));
    EXPECT_EQ(std::count(removed.actions.begin(), removed.actions.end(), "reload systemd"), 1);
    EXPECT_FALSE(units().remove("app.service", false, false).changed);
}

TEST_F(UnitsOnDisk, AHealthCheckNeedsALoadedUnitAndIsIdempotent)
{
    EXPECT_THROW(units().installHealthcheck({"app.service", "http://127.0.0.1:8000/"}, false), Error);
    units().installService(spec(), false, false);
    EXPECT_TRUE(units().installHealthcheck({"app.service", "http://127.0.0.1:8000/"}, false).changed);
    EXPECT_TRUE(called("start remedy-health-app.timer"));
    EXPECT_FALSE(units().installHealthcheck({"app.service", "http://127.0.0.1:8000/"}, false).changed);
    systemd_.calls.clear();
    EXPECT_TRUE(units().installHealthcheck({"app.service", "http://127.0.0.1:8000/", 30}, false).changed);
    EXPECT_TRUE(called("restart remedy-health-app.timer")) << "a new interval applies at once";
}

TEST(VerifyRestart, RefusesAUnitSystemdWouldNotRestart)
{
    FakeSystemd systemd;
    systemd.units["app.service"] = {"loaded", "active", "running", "/etc/systemd/system/app.service", "enabled", "success", "no", 42};
    try {
        verifyRestart(systemd, "app.service", std::chrono::seconds(5), false, {});
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::InvalidArgument);
        EXPECT_NE(std::string(error.what()).find("Restart=no"), std::string::npos) << error.what();
    }
    systemd.units["app.service"].restart = "on-success";
    EXPECT_THROW(verifyRestart(systemd, "app.service", std::chrono::seconds(5), false, {}), Error);
    systemd.units["app.service"].restart = "always";
    systemd.units["app.service"].activeState = "failed";
    EXPECT_THROW(verifyRestart(systemd, "app.service", std::chrono::seconds(5), false, {}), Error);
    EXPECT_TRUE(systemd.calls.empty()) << "nothing killed";
}

TEST(VerifyRestart, TimesTheRecoveryToANewMainProcess)
{
    FakeSystemd systemd;
    systemd.units["app.service"] = {"loaded", "active", "running", "/etc/systemd/system/app.service", "enabled", "success", "on-failure", 42};
    auto dry = verifyRestart(systemd, "app.service", std::chrono::seconds(5), true, {});
    EXPECT_TRUE(systemd.calls.empty());
    auto outcome = verifyRestart(systemd, "app.service", std::chrono::seconds(5), false, {});
    EXPECT_EQ(systemd.calls, std::vector<std::string>{"kill app.service 9"});
    EXPECT_NE(outcome.report.find("\"old_pid\":42"), std::string::npos) << outcome.report;
    EXPECT_NE(outcome.report.find("\"new_pid\":100"), std::string::npos) << outcome.report;

    systemd.comesBackAfterKill = false;
    try {
        verifyRestart(systemd, "app.service", std::chrono::milliseconds(50), false, {});
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::Failed);
        EXPECT_NE(std::string(error.what()).find("not running again"), std::string::npos) << error.what();
    }
}

// Before: a oneshot that succeeded was "did not start ... (result: success)"
// and rolled back, because it is not active a second later.
TEST_F(UnitsOnDisk, AOneshotThatSucceedsIsInstalledAndNotRunAgain)
{
    auto job = spec();
    job.type = "oneshot";
    auto outcome = units().installService(job, false, false);
    EXPECT_TRUE(outcome.changed);
    EXPECT_EQ(read("etc/systemd/system/app.service"), renderService(job));
    EXPECT_EQ(systemd_.units["app.service"].activeState, "inactive");
    EXPECT_EQ(systemd_.units["app.service"].result, "success");
    EXPECT_FALSE(called("stop app.service")) << "not rolled back";

    systemd_.calls.clear();
    EXPECT_FALSE(units().installService(job, false, false).changed) << "it ran, as asked";
    EXPECT_TRUE(systemd_.calls.empty());
}

TEST_F(UnitsOnDisk, AOneshotThatFailsIsRolledBack)
{
    auto job = spec();
    job.type = "oneshot";
    systemd_.exitsAtOnce = true;
    try {
        units().installService(job, false, false);
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::Failed);
        EXPECT_NE(std::string(error.what()).find("exit-code"), std::string::npos) << error.what();
    }
    EXPECT_TRUE(tree().empty());
}

TEST_F(UnitsOnDisk, AScheduleInstallsAServiceAndATimerAndStartsTheTimer)
{
    auto job = spec();
    job.schedule = "*:0/5";
    auto outcome = units().installService(job, false, false);
    EXPECT_TRUE(outcome.changed);
    EXPECT_EQ(read("etc/systemd/system/app.service"), renderService(job));
    EXPECT_EQ(read("etc/systemd/system/app.timer"), renderTimer(job));
    EXPECT_EQ(systemd_.calls, (std::vector<std::string>{"calendar *:0/5", "verify app.service", "verify app.timer", "verify logrotate",
                                                        "reload", "enable app.timer", "start app.timer"}));
    EXPECT_FALSE(called("start app.service")) << "the timer runs it";

    systemd_.calls.clear();
    EXPECT_FALSE(units().installService(job, false, false).changed);

    // A schedule systemd does not read is refused before anything is written.
    auto wrong = spec();
    wrong.name = "other.service";
    wrong.schedule = "not a time";
    EXPECT_THROW(units().installService(wrong, false, false), Error);
    EXPECT_FALSE(fs::exists(root_ / "etc/systemd/system/other.service"));

    // Both go with the service.
    systemd_.calls.clear();
    EXPECT_TRUE(units().remove("app.service", false, false).changed);
    EXPECT_TRUE(called("stop app.timer"));
    EXPECT_TRUE(called("disable app.timer"));
    EXPECT_TRUE(tree().empty());
}

TEST_F(UnitsOnDisk, AServiceDoesNotTurnIntoATimedOneInPlace)
{
    units().installService(spec(), false, false);
    auto timed = spec();
    timed.everyMs = 60000;
    try {
        units().installService(timed, false, false);
        FAIL();
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("remove it first"), std::string::npos) << error.what();
    }
    EXPECT_FALSE(fs::exists(root_ / "etc/systemd/system/app.timer"));
}

class MemoryLimits : public testing::Test {
protected:
    void SetUp() override
    {
        systemd_.units["app.service"] = {"loaded", "active", "running", "/etc/systemd/system/app.service", "enabled"};
        systemd_.units["app.service"].memoryMax = kMax;  // MemoryHigh= infinity
    }
    static constexpr std::uint64_t kMax = 1ull << 30;
    FakeSystemd systemd_;
};

TEST_F(MemoryLimits, TheLimitsItHasAlreadyChangeNothing)
{
    auto outcome = setMemoryLimits(systemd_, "app.service", kMax, 0, false);
    EXPECT_FALSE(outcome.changed);
    EXPECT_EQ(outcome.actions, std::vector<std::string>{"app.service has these memory limits already"});
    EXPECT_TRUE(systemd_.calls.empty());
}

TEST_F(MemoryLimits, ADryRunSaysWhatWouldChangeAndChangesNothing)
{
    auto outcome = setMemoryLimits(systemd_, "app.service", 2 * kMax, 0, true);
    EXPECT_TRUE(outcome.changed);
    EXPECT_EQ(outcome.actions, std::vector<std::string>{"set MemoryMax=2147483648 MemoryHigh=18446744073709551615 on app.service"});
    EXPECT_TRUE(systemd_.calls.empty());
    EXPECT_EQ(systemd_.units["app.service"].memoryMax, kMax);
}

TEST_F(MemoryLimits, ZeroLeavesThatLimitAsItIs)
{
    EXPECT_TRUE(setMemoryLimits(systemd_, "app.service", 2 * kMax, 0, false).changed);
    EXPECT_EQ(systemd_.units["app.service"].memoryMax, 2 * kMax);
    EXPECT_EQ(systemd_.units["app.service"].memoryHigh, UINT64_MAX);
    EXPECT_TRUE(setMemoryLimits(systemd_, "app.service", 0, kMax / 2, false).changed);
    EXPECT_EQ(systemd_.units["app.service"].memoryMax, 2 * kMax);
    EXPECT_EQ(systemd_.units["app.service"].memoryHigh, kMax / 2);
    EXPECT_EQ(systemd_.calls, (std::vector<std::string>{"limits app.service", "limits app.service"}));
}

TEST_F(MemoryLimits, RefusesNoLimitAtAllAndAUnitSystemdHasNot)
{
    for (auto [unit, max] : {std::pair{"app.service", std::uint64_t{0}}, std::pair{"gone.service", kMax}}) {
        try {
            setMemoryLimits(systemd_, unit, max, 0, false);
            ADD_FAILURE() << unit << " " << max;
        } catch (const Error& error) {
            EXPECT_EQ(error.kind(), ErrorKind::InvalidArgument);
        }
    }
    EXPECT_TRUE(systemd_.calls.empty());
}

} // namespace
