// Plans: the parser refuses what it must, naming the field; the runner is
// transactional and its undo exact, against a real directory tree with
// systemd faked. The system tier proves it against the real systemd.

#include "core/error.h"
#include "core/plan.h"
#include "core/plan_runner.h"
#include "core/recovery.h"
#include "core/swap_policy.h"
#include "core/swap_system.h"
#include "core/trusted_path.h"
#include "fake_accounts.h"
#include "fake_systemd.h"
#include "scratch_root.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace remedy;
using remedy::test::FakeSystemd;
namespace fs = std::filesystem;

namespace {

std::string refusal(const std::string& text)
{
    try {
        parsePlan(text);
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::InvalidArgument);
        return error.what();
    }
    return "accepted";
}

const std::string kService = R"({"name": "app.service", "user": "app", "exec_start": ["/usr/bin/app"]})";

TEST(PlanParser, ReadsTheIncidentExample)
{
    std::ifstream in(REMEDY_SOURCE_DIR "/examples/incident-fix.json");
    std::stringstream text;
    text << in.rdbuf();
    auto plan = parsePlan(text.str());
    ASSERT_EQ(plan.steps.size(), 4U);
    EXPECT_EQ(plan.steps[0].kind, StepKind::Swap);
    EXPECT_TRUE(plan.steps[0].swapAuto) << "one plan for every host: each gets its own size";
    EXPECT_EQ(plan.steps[1].kind, StepKind::Service);
    EXPECT_EQ(plan.steps[1].service.memoryMax, MemoryLimit::bytes(2ull << 30));
    EXPECT_EQ(plan.steps[1].service.restart, "always");
    EXPECT_TRUE(plan.steps[1].service.logRotation.has_value());
    EXPECT_EQ(plan.steps[2].kind, StepKind::Healthcheck);
    EXPECT_EQ(plan.steps[3].kind, StepKind::Metrics);
    EXPECT_EQ(planActions(plan), (std::vector<std::string>{"org.remedy.plan.apply", "org.remedy.swap.manage", "org.remedy.unit.manage"}));
}

TEST(PlanParser, RefusesMalformedPlansNamingTheField)
{
    EXPECT_NE(refusal("{"), "accepted");
    EXPECT_NE(refusal("[]").find("must be an object"), std::string::npos);
    EXPECT_NE(refusal(R"({"swap": {"size": "2G"}})").find("version: is required"), std::string::npos);
    EXPECT_NE(refusal(R"({"version": 2, "swap": {"size": "2G"}})").find("version: 2 is not a version this remedy reads"), std::string::npos);
    EXPECT_NE(refusal(R"({"version": "1", "swap": {"size": "2G"}})").find("version: must be a whole number"), std::string::npos);
    EXPECT_NE(refusal(R"({"version": 1})").find("has no steps"), std::string::npos);
    EXPECT_NE(refusal(R"({"version": 1, "swapp": {}})").find("swapp: is not a field remedy knows"), std::string::npos);
    EXPECT_NE(refusal(R"({"version": 1, "swap": {"size": 2}})").find("swap.size: must be a string"), std::string::npos);
    EXPECT_NE(refusal(R"({"version": 1, "swap": {"size": "lots"}})").find("swap.size:"), std::string::npos);
    EXPECT_NE(refusal(R"({"version": 1, "swap": {"size": "2G", "persist": "yes"}})").find("swap.persist: must be true or false"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"version": 1, "services": [{"name": "app.service", "user": "app", "exec_start": ["/usr/bin/app"], "memory_max": "1K"}]})")
                  .find("services[0]: memory-max"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"version": 1, "services": [{"name": "../x.service", "user": "app", "exec_start": ["/bin/true"]}]})")
                  .find("services[0]:"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"version": 1, "services": [)" + kService.substr(0, kService.size() - 1) + R"(, "restart_sec": "soon"}]})")
                  .find("services[0].restart_sec:"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"version": 1, "services": [)" + kService.substr(0, kService.size() - 1) + R"(, "health_check": {"url": "ftp://x/"}}]})")
                  .find("services[0].health_check: url:"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"version": 1, "services": [)" + kService.substr(0, kService.size() - 1) + R"(, "exec_start": [1]}]})")
                  .find("exec_start: must be a list of strings"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"version": 1, "memory_limits": [{"unit": "dbus.service", "max": "1G"}]})").find("memory_limits[0].unit:"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"version": 1, "metrics": {"textfile_dir": "/etc"}})").find("metrics.textfile_dir:"), std::string::npos);
    EXPECT_NE(refusal(R"({"version": 1, "fstab": [{"source": "tmpfs", "type": "tmpfs"}]})").find("fstab[0].target: is required"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"version": -1, "swap": {"size": "2G"}})").find("version: must be a whole number"), std::string::npos);
}

// Before: "1min 30s", "50%" and a schedule were refused or unknown.
TEST(PlanParser, ReadsSchedulesAndSystemdsDurationsAndSizes)
{
    auto plan = parsePlan(R"({"version": 1, "services": [
        {"name": "check.service", "user": "app", "exec_start": ["/usr/bin/check"], "every": "1min 30s", "memory_max": "50%"},
        {"name": "tick.service", "user": "app", "exec_start": ["/usr/bin/tick"], "schedule": "*:0/5", "memory_high": "infinity",
         "restart_sec": "1.5s"},
        {"name": "once.service", "user": "app", "exec_start": ["/usr/bin/once"], "type": "oneshot", "memory_max": "1G 512M"}]})");
    ASSERT_EQ(plan.steps.size(), 3U);
    EXPECT_EQ(plan.steps[0].service.everyMs, 90000U);
    EXPECT_EQ(plan.steps[0].service.memoryMax, MemoryLimit::percent(5000));
    EXPECT_EQ(plan.steps[1].service.schedule, "*:0/5");
    EXPECT_EQ(plan.steps[1].service.memoryHigh, MemoryLimit::infinity());
    EXPECT_EQ(plan.steps[1].service.restartMs, 1500U);
    EXPECT_EQ(plan.steps[2].service.type, "oneshot");
    EXPECT_EQ(plan.steps[2].service.memoryMax, MemoryLimit::bytes(3ull << 29));
    auto field = [](const std::string& service) {
        return refusal(R"({"version": 1, "services": [{"name": "x.service", "user": "app", "exec_start": ["/usr/bin/x"], )" + service + "}]}");
    };
    EXPECT_NE(field(R"("every": "soon")").find("services[0].every"), std::string::npos);
    EXPECT_NE(field(R"("memory_max": "150%")").find("services[0].memory_max"), std::string::npos);
    EXPECT_NE(field(R"("schedule": "daily\nExecStartPre=/bin/sh")").find("schedule"), std::string::npos);
    EXPECT_NE(field(R"("schedule": "daily", "restart": "always")").find("restart"), std::string::npos);
}

// One plan for a fleet: "auto" is each host's own recommendation, resolved
// where the plan runs; anything else that is not a size is still refused.
TEST(PlanParser, SwapSizeAutoIsLeftForTheHostToResolve)
{
    auto plan = parsePlan(R"({"version": 1, "swap": {"path": "/swapfile", "size": "auto"}})");
    ASSERT_EQ(plan.steps.size(), 1U);
    EXPECT_TRUE(plan.steps[0].swapAuto);
    EXPECT_FALSE(parsePlan(R"({"version": 1, "swap": {"size": "2G"}})").steps[0].swapAuto);
    EXPECT_NE(refusal(R"({"version": 1, "swap": {"size": "automatic"}})").find("swap.size:"), std::string::npos);
    EXPECT_NE(refusal(R"({"version": 1, "swap": {"path": "/swapfile"}})").find("or \"auto\""), std::string::npos);
}

TEST(PlanParser, RefusesHugeAndDeepDocumentsBeforeReadingThem)
{
    std::string huge = R"({"version": 1, "description": ")" + std::string(10 * 1024 * 1024, 'x') + R"("})";
    EXPECT_NE(refusal(huge).find("larger than 1024 KiB"), std::string::npos);
    std::string deep = R"({"version": 1, "x": )" + std::string(100000, '[') + std::string(100000, ']') + "}";
    EXPECT_NE(refusal(deep).find("nested deeper than 8 levels"), std::string::npos);
}

class PlanOnDisk : public remedy::test::ScratchRootTest {
protected:
    void SetUp() override
    {
        if (makeRoot("plan-test", {"etc/systemd/system", "etc/logrotate.d"}))
            write("etc/fstab", "# fstab\n/dev/vda1 / ext4 defaults 0 1\n");
    }

    PlanTools tools()
    {
        return {rootFd_.get(), nullptr, &systemd_, "/usr/libexec/remedy-healthcheck", "/usr/bin/remedyctl", std::chrono::milliseconds(0),
                Config{}, &accounts_};
    }
    PlanRunner runner() { return PlanRunner(tools()); }

    // Every file below the root except remedy's own records (the history,
    // fstab's backups), with its content and mtime.
    std::map<std::string, std::pair<std::string, std::int64_t>> tree() const
    {
        std::map<std::string, std::pair<std::string, std::int64_t>> files;
        for (const auto& entry : fs::recursive_directory_iterator(root_)) {
            auto relative = fs::relative(entry.path(), root_).string();
            if (!entry.is_regular_file() || relative.rfind("var/", 0) == 0)
                continue;
            std::ifstream in(entry.path());
            std::stringstream text;
            text << in.rdbuf();
            struct stat st {};
            stat(entry.path().c_str(), &st);
            files[relative] = {text.str(), st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec};
        }
        return files;
    }

    // tree() without the mtimes.
    std::map<std::string, std::string> contents() const
    {
        std::map<std::string, std::string> files;
        for (const auto& [path, file] : tree())
            files[path] = file.first;
        return files;
    }

    nlohmann::json apply(const std::string& text, std::string* failure = nullptr)
    {
        auto outcome = runner().apply(parsePlan(text), false, 1001, {});
        if (failure)
            *failure = outcome.failure;
        else
            EXPECT_EQ(outcome.failure, "");
        return nlohmann::json::parse(outcome.report);
    }

    FakeSystemd systemd_;
    remedy::test::FakeAccounts accounts_;
};

const std::string kPlan = R"({"version": 1,
  "fstab": [{"source": "tmpfs", "target": "/scratch", "type": "tmpfs", "options": "size=16M"}],
  "services": [{"name": "app.service", "user": "app", "exec_start": ["/usr/bin/app"], "logs_directory": "app", "log_rotate": true,
                "health_check": {"url": "http://127.0.0.1:8000/health"}}],
  "memory_limits": [{"unit": "app.service", "high": "200M"}],
  "metrics": {}})";

TEST_F(PlanOnDisk, ADryRunChangesNothingAndTheSecondApplyNothingEither)
{
    auto before = tree();
    auto preview = nlohmann::json::parse(runner().apply(parsePlan(kPlan), true, 1001, {}).report);
    EXPECT_EQ(preview["changed"], true);
    for (const auto& step : preview["steps"])
        EXPECT_EQ(step["status"], "would_change") << step.dump();
    EXPECT_EQ(tree(), before);
    EXPECT_TRUE(runner().history().empty());

    auto first = apply(kPlan);
    EXPECT_EQ(first["changed"], true);
    EXPECT_EQ(first["history_id"], 1);
    auto after = tree();
    systemd_.calls.clear();
    auto second = apply(kPlan);
    EXPECT_EQ(second["changed"], false);
    for (const auto& step : second["steps"])
        EXPECT_EQ(step["status"], "unchanged") << step.dump();
    EXPECT_EQ(tree(), after) << "no file's content or mtime moved";
    EXPECT_TRUE(second["history_id"].is_null());
    EXPECT_EQ(runner().history().size(), 1U);
}

// The size the host recommends for its RAM (Red Hat's table), in the dry
// run's own words; nothing is made.
TEST_F(PlanOnDisk, AnAutoSwapStepIsSizedForTheHostsMemory)
{
    KernelSwapSystem kernel;
    auto sized = [&](std::uint64_t ram) {
        PlanTools tools{rootFd_.get(), &kernel, &systemd_, "", "", std::chrono::milliseconds(0), Config{}, &accounts_};
        tools.memoryTotal = [ram] { return ram; };
        auto report = nlohmann::json::parse(
            PlanRunner(tools).apply(parsePlan(R"({"version": 1, "swap": {"size": "auto", "persist": false}})"), true, 1001, {}).report);
        return report["steps"][0]["actions"].dump();
    };
    auto before = tree();
    EXPECT_NE(sized(1 * GiB).find("allocate 2.0 GiB (2147483648 bytes)"), std::string::npos) << sized(1 * GiB);
    EXPECT_NE(sized(3 * GiB).find("allocate 3.0 GiB (3221225472 bytes)"), std::string::npos) << sized(3 * GiB);
    EXPECT_NE(sized(23 * GiB).find("allocate 4.0 GiB (4294967296 bytes)"), std::string::npos) << sized(23 * GiB);
    EXPECT_EQ(tree(), before);
}

TEST_F(PlanOnDisk, AFailingThirdStepUndoesTheTwoBefore)
{
    auto before = tree();
    // Step 3, the health check, fails: its timer does not start.
    std::string failure;
    systemd_.failStartOf = "remedy-health-app.timer";
    auto report = apply(kPlan, &failure);
    EXPECT_NE(failure.find("step 3 (health_check app.service) failed"), std::string::npos) << failure;
    EXPECT_NE(failure.find("undone: step 2, 1"), std::string::npos) << failure;
    EXPECT_EQ(report["steps"][0]["status"], "undone");
    EXPECT_EQ(report["steps"][1]["status"], "undone");
    EXPECT_EQ(report["steps"][2]["status"], "failed");
    EXPECT_EQ(report["steps"][3]["status"], "not_run");
    auto now = tree();
    for (const auto& [path, file] : now)
        EXPECT_TRUE(before.count(path)) << path << " left behind";
    ASSERT_EQ(now.size(), before.size());
    for (const auto& [path, file] : before)
        EXPECT_EQ(now[path].first, file.first) << path;
    EXPECT_EQ(systemd_.units["app.service"].unitFileState, "disabled");
    // On record as what happened: failed, rolled back, nothing to undo.
    auto history = runner().history();
    ASSERT_EQ(history.size(), 1U);
    EXPECT_EQ(history[0]["state"], "failed");
    EXPECT_FALSE(history[0]["undone"].is_null());
    EXPECT_NE(history[0]["error"].get<std::string>().find("step 3"), std::string::npos) << history[0];
    try {
        runner().undo(1, false, {});
        ADD_FAILURE() << "a rolled-back plan was undone";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("failed and was rolled back"), std::string::npos) << error.what();
    }
}

TEST_F(PlanOnDisk, ATimedServiceIsAppliedAndUndoneWithItsTimer)
{
    auto before = tree();
    const std::string plan = R"({"version": 1, "services": [{"name": "check.service", "user": "app", "exec_start": ["/usr/bin/check"],
                                                           "every": "5min"}]})";
    auto first = apply(plan);
    EXPECT_EQ(first["changed"], true);
    EXPECT_TRUE(fs::exists(root_ / "etc/systemd/system/check.timer"));
    EXPECT_EQ(systemd_.units["check.timer"].unitFileState, "enabled");
    EXPECT_EQ(systemd_.units["check.timer"].activeState, "active");
    runner().undo(first["history_id"].get<std::uint64_t>(), false, {});
    EXPECT_EQ(tree(), before);
    EXPECT_EQ(systemd_.units["check.timer"].unitFileState, "disabled");
    EXPECT_EQ(systemd_.units["check.timer"].activeState, "inactive");
}

// The write-ahead record: a remedyd killed at any moment of an apply leaves
// the files before or after, never between, once recover() has run, and
// history says which. Kills land all over the apply: spread over three
// times its length as measured here, now.
TEST_F(PlanOnDisk, AnApplyKilledAtAnyMomentIsBeforeOrAfterOnceRecovered)
{
    auto before = contents();
    auto started = std::chrono::steady_clock::now();
    auto first = apply(kPlan);
    auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
    runner().undo(first["history_id"].get<std::uint64_t>(), false, {});
    ASSERT_EQ(contents(), before);

    std::mt19937 random(2024);
    std::uniform_int_distribution<long> delay(0, 3 * std::max<long>(took, 1000));
    int interrupted = 0;
    int finished = 0;
    for (int kill = 0; kill < 40; ++kill) {
        auto previous = runner().history().back()["id"];
        pid_t child = fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            runner().apply(parsePlan(kPlan), false, 1001, {});
            _exit(0);
        }
        usleep(static_cast<useconds_t>(delay(random)));
        ::kill(child, SIGKILL);
        waitpid(child, nullptr, 0);
        for (const auto& recovery : recoverChanges(tools()))
            EXPECT_TRUE(recovery.done) << recovery.what << ": " << recovery.outcome;
        auto history = runner().history();
        auto last = history.back();
        if (last["id"] == previous) {
            ++interrupted;  // killed before its record was written: nothing began
        } else if (last["state"] == "applied" && last["undone"].is_null()) {
            EXPECT_NE(contents(), before) << "after kill " << kill << ": applied, but nothing changed";
            runner().undo(last["id"].get<std::uint64_t>(), false, {});
            ++finished;
        } else if (last["state"] == "interrupted") {
            ++interrupted;
        } else {
            ADD_FAILURE() << "after kill " << kill << ": " << last.dump();
        }
        for (const auto& record : history)
            EXPECT_NE(record["state"], "applying") << "after kill " << kill;
        ASSERT_EQ(contents(), before) << "after kill " << kill << ": torn";
    }
    // Both ends were reached: the kills landed inside the work.
    EXPECT_GT(interrupted, 0);
    EXPECT_GT(finished, 0);
}

TEST_F(PlanOnDisk, AnUndoKilledAtAnyMomentIsFinishedOnceRecovered)
{
    auto before = contents();
    apply(kPlan);
    auto applied = contents();
    auto started = std::chrono::steady_clock::now();
    runner().undo(1, false, {});
    auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
    std::mt19937 random(2025);
    std::uniform_int_distribution<long> delay(0, 3 * std::max<long>(took, 1000));
    int kept = 0;
    int undone = 0;
    for (int kill = 0; kill < 40; ++kill) {
        auto id = apply(kPlan)["history_id"].get<std::uint64_t>();
        ASSERT_EQ(contents(), applied);
        pid_t child = fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            try {
                runner().undo(id, false, {});
            } catch (...) {
            }
            _exit(0);
        }
        usleep(static_cast<useconds_t>(delay(random)));
        ::kill(child, SIGKILL);
        waitpid(child, nullptr, 0);
        systemd_ = FakeSystemd();  // what systemd knew went with the killed process's fake
        for (const auto& recovery : recoverChanges(tools()))
            EXPECT_TRUE(recovery.done) << recovery.what << ": " << recovery.outcome;
        auto record = runner().history().back();
        ASSERT_EQ(record["id"], id);
        if (record["undone"].is_null()) {
            ASSERT_EQ(contents(), applied) << "after kill " << kill << ": torn, and on record as applied";
            runner().undo(id, false, {});
            ++kept;
        } else {
            ++undone;
        }
        ASSERT_EQ(contents(), before) << "after kill " << kill << ": on record as undone, but torn";
        EXPECT_FALSE(fs::exists(root_ / "var/lib/remedy/pending") && !fs::is_empty(root_ / "var/lib/remedy/pending")) << "after kill " << kill;
    }
    EXPECT_GT(kept, 0);
    EXPECT_GT(undone, 0);
}

TEST_F(PlanOnDisk, UndoPutsEveryFileBackByteForByte)
{
    auto before = tree();
    apply(kPlan);
    EXPECT_NE(tree(), before);
    auto undone = runner().undo(1, false, {});
    EXPECT_TRUE(undone.changed);
    auto now = tree();
    for (const auto& [path, file] : now)
        EXPECT_TRUE(before.count(path)) << path << " left behind";
    ASSERT_EQ(now.size(), before.size()) << "no file of remedy's left";
    for (const auto& [path, file] : before)
        EXPECT_EQ(now[path].first, file.first) << path;
    EXPECT_FALSE(fs::exists(root_ / "etc/systemd/system.control/app.service.d"));
    EXPECT_EQ(systemd_.units["app.service"].activeState, "inactive");
    EXPECT_FALSE(runner().history()[0]["undone"].is_null());
    EXPECT_THROW(runner().undo(1, false, {}), Error) << "once";
}

TEST_F(PlanOnDisk, UndoRefusesWhenSomethingChangedSinceAndTouchesNothing)
{
    apply(kPlan);
    std::ofstream(root_ / "etc/systemd/system/app.service", std::ios::app) << "# an admin was here\n";
    auto before = tree();
    try {
        runner().undo(1, false, {});
        FAIL();
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("/etc/systemd/system/app.service changed since it was applied"), std::string::npos)
            << error.what();
    }
    EXPECT_EQ(tree(), before);
    EXPECT_THROW(runner().undo(7, false, {}), Error);
}

TEST_F(PlanOnDisk, UndoingAPlanOfUnitsKeepsALaterHandEditOfFstab)
{
    apply(R"({"version": 1, "services": [)" + kService + "]}");
    std::ofstream(root_ / "etc/fstab", std::ios::app) << "tmpfs /later tmpfs defaults 0 0\n";
    EXPECT_TRUE(runner().undo(1, false, {}).changed);
    std::ifstream in(root_ / "etc/fstab");
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find("/later"), std::string::npos) << "the plan never edited fstab; its undo leaves it alone";
    EXPECT_FALSE(fs::exists(root_ / "etc/systemd/system/app.service"));
}

std::string fstabPlan(const std::string& target)
{
    return R"({"version": 1, "fstab": [{"source": "tmpfs", "target": ")" + target + R"(", "type": "tmpfs", "options": "size=1M"}]})";
}

// A record holds what its plan changed, not a copy of fstab: the history on
// disk grows with the number of plans, not with its square.
TEST_F(PlanOnDisk, ARecordDoesNotGrowWithFstab)
{
    auto recordSize = [this](int id) { return fs::file_size(root_ / ("var/lib/remedy/history/" + std::to_string(id) + ".json")); };
    apply(fstabPlan("/mnt/p1"));
    for (int i = 2; i <= 40; ++i)
        apply(fstabPlan("/mnt/p" + std::to_string(i)));
    // Forty lines of fstab later, the newest record is the size of the first
    // (the digits of the id and the mount point aside).
    EXPECT_LT(recordSize(40), recordSize(1) + 64) << recordSize(1) << " then " << recordSize(40);
}

TEST_F(PlanOnDisk, UndoRemovesOnlyItsOwnFstabLinesAndKeepsAHandEditElsewhere)
{
    apply(fstabPlan("/mnt/mine"));
    std::ofstream(root_ / "etc/fstab", std::ios::app) << "tmpfs /later tmpfs defaults 0 0\n";
    EXPECT_TRUE(runner().undo(1, false, {}).changed);
    EXPECT_EQ(read("etc/fstab"), "# fstab\n/dev/vda1 / ext4 defaults 0 1\ntmpfs /later tmpfs defaults 0 0\n");
}

TEST_F(PlanOnDisk, UndoRefusesWhenItsOwnFstabLineWasEditedByHand)
{
    apply(fstabPlan("/mnt/mine"));
    auto text = read("etc/fstab");
    auto at = text.find("size=1M");
    ASSERT_NE(at, std::string::npos);
    write("etc/fstab", text.replace(at, 7, "size=2M"));
    auto edited = read("etc/fstab");
    try {
        runner().undo(1, false, {});
        FAIL();
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("its /etc/fstab line \"tmpfs /mnt/mine tmpfs size=1M 0 0\" changed or is gone"),
                  std::string::npos)
            << error.what();
    }
    EXPECT_EQ(read("etc/fstab"), edited);
}

TEST_F(PlanOnDisk, HistoryIsPagedNewestFirstAndFilteredByCaller)
{
    for (int i = 1; i <= 7; ++i)
        runner().apply(parsePlan(fstabPlan("/mnt/h" + std::to_string(i))), false, i % 2 ? 1001 : 1002, {});
    auto ids = [](const nlohmann::json& page) {
        std::vector<int> list;
        for (const auto& record : page)
            list.push_back(record["id"].get<int>());
        return list;
    };
    EXPECT_EQ(ids(runner().history()), (std::vector<int>{1, 2, 3, 4, 5, 6, 7}));
    EXPECT_EQ(ids(runner().history({3})), (std::vector<int>{5, 6, 7}));
    EXPECT_EQ(ids(runner().history({3, 5})), (std::vector<int>{2, 3, 4}));
    EXPECT_EQ(ids(runner().history({2, 0, 1002})), (std::vector<int>{4, 6}));
    EXPECT_EQ(ids(runner().history({10, 2, 1001})), (std::vector<int>{1}));
    EXPECT_EQ(ids(runner().history({10, 0, 5})), (std::vector<int>{}));
    // The next plan's id follows the newest, whatever the page.
    EXPECT_EQ(apply(fstabPlan("/mnt/h8"))["history_id"], 8);
}

// A caller with one record among 1,005 of another's: one History call reads
// at most kMaxHistoryScan records (not the whole history for them); the
// caller pages further back with `before`.
TEST_F(PlanOnDisk, HistoryReadsABoundedWindowPerCall)
{
    fs::create_directories(root_ / "var/lib/remedy/history");
    for (int id = 1; id <= 1006; ++id)
        write("var/lib/remedy/history/" + std::to_string(id) + ".json",
              nlohmann::json{{"id", id}, {"time", "2026-11-30T00:00:00Z"}, {"uid", id == 1 ? 1001 : 2000}, {"state", "applied"},
                             {"steps", nlohmann::json::array()}, {"undone", nullptr}}
                  .dump());
    EXPECT_TRUE(runner().history({50, 0, 1001}).empty()) << "read beyond its window";
    auto older = runner().history({50, 7, 1001});
    ASSERT_EQ(older.size(), 1U);
    EXPECT_EQ(older[0]["id"], 1);
    EXPECT_EQ(runner().history({50}).size(), 50U);
}

TEST_F(PlanOnDisk, AnEarlierPlanIsUndoneOnlyAfterTheLaterOnes)
{
    apply(kPlan);
    apply(R"({"version": 1, "fstab": [{"source": "tmpfs", "target": "/other", "type": "tmpfs"}]})");
    try {
        runner().undo(1, true, {});
        FAIL();
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("undo it first (remedyctl undo 2)"), std::string::npos) << error.what();
    }
    runner().undo(2, false, {});
    EXPECT_TRUE(runner().undo(1, false, {}).changed);
}

} // namespace
