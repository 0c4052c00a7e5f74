// Bus tier: the real remedyd, activated by a real dbus-daemon, asking a real
// polkitd about real users. Run through tests/support/bus-env.

#include "core/proc.h"
#include "introspection.h"
#include "bus_helpers.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <pwd.h>
#include <signal.h>

#include <chrono>
#include <future>
#include <thread>

using namespace remedy::test;

namespace {

const std::string kLogControl = "org.freedesktop.LogControl1";
const std::string kLogControlPath = "/org/freedesktop/LogControl1";
const std::string kManager = "org.remedy.Remedy1.Manager";


std::string logLevel()
{
    auto got = busctl("root", {"get-property", kBusName, kLogControlPath, kLogControl, "LogLevel"});
    EXPECT_EQ(got.exitCode, 0) << got.err;
    return got.out;  // `s "info"`
}

void resetLogLevel()
{
    auto set = busctl("root", {"set-property", kBusName, kLogControlPath, kLogControl, "LogLevel", "s", "info"});
    ASSERT_EQ(set.exitCode, 0) << set.err;
    ASSERT_EQ(logLevel(), "s \"info\"\n");
}

uid_t uidOf(const std::string& user)
{
    const passwd* entry = getpwnam(user.c_str());
    return entry ? entry->pw_uid : static_cast<uid_t>(-1);
}

pid_t helperPid()
{
    auto got = busctl("root", {"call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                               "GetConnectionUnixProcessID", "s", kBusName});
    if (got.exitCode != 0)
        return -1;
    return static_cast<pid_t>(std::stol(got.out.substr(2)));  // "u 123"
}

bool nameHasOwner()
{
    auto got = busctl("root", {"call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                               "NameHasOwner", "s", kBusName});
    return got.out == "b true\n";
}

template <typename Predicate>
bool waitFor(Predicate predicate, std::chrono::milliseconds limit)
{
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (predicate())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return predicate();
}

std::string helperLog() { return remedy::readFile(requireEnv("REMEDY_HELPER_LOG")); }

// --- the matrix: root, member, outsider ---------------------------------


class CallerMatrix : public testing::TestWithParam<Caller> {
protected:
    std::string user() const { return userName(GetParam()); }
    bool authorized() const { return GetParam() != Caller::Outsider; }
};

std::string callerLabel(const testing::TestParamInfo<Caller>& info)
{
    switch (info.param) {
    case Caller::Root: return "Root";
    case Caller::Member: return "Member";
    case Caller::Outsider: break;
    }
    return "Outsider";
}

TEST_P(CallerMatrix, ReadsVersionProperty)
{
    auto got = busctl(user(), {"get-property", kBusName, kPath, kManager, "Version"});
    EXPECT_EQ(got.exitCode, 0) << got.err;
    EXPECT_EQ(got.out, "s \"0.1.0\"\n");
}

TEST_P(CallerMatrix, DescribeReportsTheMachinesMemoryAndSwap)
{
    auto got = busctl(user(), {"--json=short", "call", kBusName, kPath, kManager, "Describe"});
    ASSERT_EQ(got.exitCode, 0) << got.err;
    auto reply = nlohmann::json::parse(got.out);
    auto doc = nlohmann::json::parse(reply["data"][0].get<std::string>());
    auto memory = remedy::parseMemInfo(remedy::readFile("/proc/meminfo"));
    EXPECT_EQ(doc["version"], "0.1.0");
    EXPECT_EQ(doc["memory"]["total"], memory.total);
    EXPECT_GT(doc["memory"]["available"].get<std::uint64_t>(), 0U);
    EXPECT_EQ(doc["swap"]["areas"].size(), remedy::parseSwaps(remedy::readFile("/proc/swaps")).size());
}

TEST_P(CallerMatrix, StatusPrintsJsonWithExitZero)
{
    auto got = runAs(user(), {remedyctl(), "--json", "status"});
    ASSERT_EQ(got.exitCode, 0) << got.err;
    auto doc = nlohmann::json::parse(got.out);
    EXPECT_EQ(doc["version"], "0.1.0");
    EXPECT_EQ(doc["log_level"], "info");
    EXPECT_TRUE(doc["swap"].contains("areas"));
}

TEST_P(CallerMatrix, StatusPrintsHumanReadableSummary)
{
    auto got = runAs(user(), {remedyctl(), "status"});
    ASSERT_EQ(got.exitCode, 0) << got.err;
    EXPECT_NE(got.out.find("remedyd 0.1.0"), std::string::npos) << got.out;
    EXPECT_NE(got.out.find("Memory:"), std::string::npos) << got.out;
    EXPECT_NE(got.out.find("Swap:"), std::string::npos) << got.out;
}

TEST_P(CallerMatrix, SetLogLevelThroughRemedyctlOnlyWhenAuthorized)
{
    resetLogLevel();
    auto got = runAs(user(), {remedyctl(), "--no-ask-password", "log-level", "debug"});
    if (authorized()) {
        EXPECT_EQ(got.exitCode, 0) << got.err;
        EXPECT_EQ(logLevel(), "s \"debug\"\n");
    } else {
        EXPECT_EQ(got.exitCode, 4) << got.err;
        EXPECT_NE(got.err.find("org.remedy.manage"), std::string::npos) << got.err;
        EXPECT_NE(got.err.find("an administrator can grant it"), std::string::npos) << got.err;
        EXPECT_EQ(logLevel(), "s \"info\"\n");
    }
}

// A property write cannot wait for polkit, so it is root's (as systemd's
// own LogControl1); others are pointed at SetLogLevel.
TEST_P(CallerMatrix, SetLogLevelPropertyOnlyAsRoot)
{
    resetLogLevel();
    auto got = busctl(user(), {"set-property", kBusName, kLogControlPath, kLogControl, "LogLevel", "s", "warning"});
    if (GetParam() == Caller::Root) {
        EXPECT_EQ(got.exitCode, 0) << got.err;
        EXPECT_EQ(logLevel(), "s \"warning\"\n");
    } else {
        EXPECT_NE(got.exitCode, 0);
        EXPECT_NE(got.err.find("only root may set this property"), std::string::npos) << got.err;
        EXPECT_NE(got.err.find("SetLogLevel"), std::string::npos) << got.err;
        EXPECT_EQ(logLevel(), "s \"info\"\n");
    }
}

TEST_P(CallerMatrix, EveryDecisionIsLoggedWithTheCallersUid)
{
    resetLogLevel();
    runAs(user(), {remedyctl(), "--no-ask-password", "log-level", "notice"});
    auto verdict = authorized() ? "authorized uid=" : "refused uid=";
    auto expected = verdict + std::to_string(uidOf(user()));
    auto log = helperLog();
    auto line = log.rfind(expected);
    ASSERT_NE(line, std::string::npos) << log;
    auto text = log.substr(line, log.find('\n', line) - line);
    EXPECT_NE(text.find("action=org.remedy.manage"), std::string::npos) << text;
    EXPECT_NE(text.find("set log level to notice"), std::string::npos) << text;
}

INSTANTIATE_TEST_SUITE_P(Callers, CallerMatrix, testing::Values(Caller::Root, Caller::Member, Caller::Outsider), callerLabel);

// --- the interface ---------------------------------------------------------

TEST(Interface, IntrospectionShowsExactlyTheMembersOfTheXml)
{
    // A dry run leaves a Job object to look at.
    auto job = busctl("root", {"call", kBusName, kPath, "org.remedy.Remedy1.Swap", "CreateSwapfile", "sta{sv}", "/srv/introspect",
                               "16777216", "1", "dry-run", "b", "true"});
    ASSERT_EQ(job.exitCode, 0) << job.err;
    auto jobPath = job.out.substr(3, job.out.find('"', 3) - 3);  // o "/org/remedy/Remedy1/job/1"

    auto xml = membersFromXml(remedy::readFile(REMEDY_SOURCE_DIR "/dbus/org.remedy.Remedy1.xml"));
    ASSERT_EQ(xml.size(), 8U);
    const std::map<std::string, std::string> pathOf = {{kManager, kPath},
                                                       {"org.remedy.Remedy1.Units", kPath},
                                                       {"org.remedy.Remedy1.Plan", kPath},
                                                       {"org.remedy.Remedy1.Diagnostics", kPath},
                                                       {"org.remedy.Remedy1.Swap", kPath},
                                                       {"org.remedy.Remedy1.Fstab", kPath},
                                                       {"org.remedy.Remedy1.Job", jobPath},
                                                       {kLogControl, kLogControlPath}};
    for (const auto& [interface, members] : xml) {
        ASSERT_TRUE(pathOf.count(interface)) << "no object path known for " << interface;
        auto got = busctl("root", {"introspect", kBusName, pathOf.at(interface)});
        ASSERT_EQ(got.exitCode, 0) << got.err;
        auto live = membersFromBusctl(got.out);
        ASSERT_TRUE(live.count(interface)) << interface << " is missing from:\n" << got.out;
        EXPECT_EQ(live[interface], members) << interface;
    }
}

// --- bad input changes nothing ----------------------------------------------

TEST(BadInput, UnknownLogLevelIsAUsageErrorAndChangesNothing)
{
    resetLogLevel();
    auto got = runAs(userName(Caller::Member), {remedyctl(), "log-level", "loud"});
    EXPECT_EQ(got.exitCode, 2);
    EXPECT_NE(got.err.find("invalid log level 'loud'"), std::string::npos) << got.err;
    EXPECT_EQ(logLevel(), "s \"info\"\n");
}

TEST(BadInput, UnknownOptionIsRefusedByName)
{
    resetLogLevel();
    auto got = busctl("root", {"call", kBusName, kPath, kManager, "SetLogLevel", "sa{sv}", "debug", "1", "dryrun", "b", "true"});
    EXPECT_NE(got.exitCode, 0);
    EXPECT_NE(got.err.find("unknown option 'dryrun'"), std::string::npos) << got.err;
    EXPECT_EQ(logLevel(), "s \"info\"\n");
}

TEST(BadInput, OptionOfTheWrongTypeIsRefused)
{
    resetLogLevel();
    auto got = busctl("root", {"call", kBusName, kPath, kManager, "SetLogLevel", "sa{sv}", "debug", "1", "auth.interactive", "s", "yes"});
    EXPECT_NE(got.exitCode, 0);
    EXPECT_NE(got.err.find("must be a boolean"), std::string::npos) << got.err;
    EXPECT_EQ(logLevel(), "s \"info\"\n");
}

TEST(BadInput, UnknownLogTargetIsRefused)
{
    auto got = busctl("root", {"set-property", kBusName, kLogControlPath, kLogControl, "LogTarget", "s", "kmsg"});
    EXPECT_NE(got.exitCode, 0);
    EXPECT_NE(got.err.find("invalid log target 'kmsg'"), std::string::npos) << got.err;
}

TEST(BadInput, UnknownCommandIsAUsageError)
{
    auto got = run({remedyctl(), "frobnicate"});
    EXPECT_EQ(got.exitCode, 2);
}

TEST(Reachability, MissingBusIsReportedPlainlyWithExitThree)
{
    auto got = run({"env", "DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent/remedy-bus", remedyctl(), "status"});
    EXPECT_EQ(got.exitCode, 3);
    EXPECT_NE(got.err.find("cannot reach remedyd"), std::string::npos) << got.err;
}

// The outsider could be let through with an administrator's password
// (auth_admin), so remedyd says so, as udisks does: a client knows to start
// an agent and ask again, and a script learns a person could do it.
TEST(Reachability, JsonErrorsCarryTheErrorName)
{
    auto got = runAs(userName(Caller::Outsider), {remedyctl(), "--json", "--no-ask-password", "log-level", "crit"});
    EXPECT_EQ(got.exitCode, 4);
    auto doc = nlohmann::json::parse(got.out);
    EXPECT_EQ(doc["error"], "org.remedy.Remedy1.Error.NotAuthorizedCanObtain");
}

// This bus has no systemd: an operation on units says so by name, not
// InvalidArgument (the caller's mistake) as it once did.
TEST(Reachability, NoSystemdOnTheBusIsSaidByName)
{
    auto got = runAs("root", {remedyctl(), "--json", "verify-restart", "remedy-test-absent.service"});
    EXPECT_EQ(got.exitCode, 1) << got.out << got.err;
    auto doc = nlohmann::json::parse(got.out);
    EXPECT_EQ(doc["error"], "org.remedy.Remedy1.Error.NoSystemd") << got.out;
    EXPECT_NE(doc.dump().find("systemd is not running"), std::string::npos) << got.out;
}

TEST(Idempotence, SettingTheCurrentLevelReportsNoChange)
{
    resetLogLevel();
    auto got = runAs(userName(Caller::Member), {remedyctl(), "--json", "log-level", "info"});
    ASSERT_EQ(got.exitCode, 0) << got.err;
    EXPECT_EQ(nlohmann::json::parse(got.out)["changed"], false);
    got = runAs(userName(Caller::Member), {remedyctl(), "--json", "log-level", "debug"});
    ASSERT_EQ(got.exitCode, 0) << got.err;
    EXPECT_EQ(nlohmann::json::parse(got.out)["changed"], true);
}

// --- a person at a terminal ------------------------------------------------

std::string onTerminal(const std::string& user, const std::string& arguments)
{
    return "runuser -u " + user + " -- " + remedyctl() + " " + arguments;
}

TEST(InteractiveAuth, AgentAsksForThePasswordAndTheChangeIsMade)
{
    resetLogLevel();
    auto got = runOnTerminal(onTerminal(requireEnv("REMEDY_PASSWORD_USER"), "log-level debug"), "Password:",
                             requireEnv("REMEDY_PASSWORD"));
    EXPECT_EQ(got.exitCode, 0) << got.out << got.err;
    EXPECT_NE(got.out.find("AUTHENTICATING FOR org.remedy.manage"), std::string::npos) << got.out;
    EXPECT_EQ(logLevel(), "s \"debug\"\n");
}

TEST(InteractiveAuth, WrongPasswordIsRefusedAndChangesNothing)
{
    resetLogLevel();
    auto got = runOnTerminal(onTerminal(requireEnv("REMEDY_PASSWORD_USER"), "log-level debug"), "Password:", "wrong");
    EXPECT_EQ(got.exitCode, 4) << got.out << got.err;
    EXPECT_EQ(logLevel(), "s \"info\"\n");
}

TEST(InteractiveAuth, NoAskPasswordNeverPromptsOnATerminal)
{
    resetLogLevel();
    auto got = runOnTerminal(onTerminal(requireEnv("REMEDY_PASSWORD_USER"), "--no-ask-password log-level debug"),
                             "Password:", requireEnv("REMEDY_PASSWORD"));
    EXPECT_EQ(got.exitCode, 4) << got.out << got.err;
    EXPECT_EQ(got.out.find("Password:"), std::string::npos) << got.out;
    EXPECT_EQ(logLevel(), "s \"info\"\n");
}

// Cancelling a check while polkitd's agent session is open can deadlock
// polkitd 122 (its cancel handler calls the agent while GDBus's worker waits
// on the same cancellable), so these two run last, each on a bus of its own:
// see tests/CMakeLists.txt.
TEST(CancelledAuth, SigtermWhileAPasswordIsAskedForRefusesThatCallAndExitsCleanly)
{
    resetLogLevel();
    pid_t helper = helperPid();
    ASSERT_GT(helper, 0);
    auto call = std::async(std::launch::async, [] {
        // Nobody types: the agent waits at its prompt.
        return runOnTerminal(onTerminal(requireEnv("REMEDY_PASSWORD_USER"), "log-level debug"), "never shown", "");
    });
    std::this_thread::sleep_for(std::chrono::seconds(1));  // the agent is up and asking by then
    ASSERT_EQ(kill(helper, SIGTERM), 0);
    auto got = call.get();
    EXPECT_EQ(got.exitCode, 4) << got.out << got.err;
    EXPECT_TRUE(waitFor([helper] { return kill(helper, 0) != 0; }, std::chrono::seconds(3)));
    EXPECT_EQ(logLevel(), "s \"info\"\n");
}

TEST(CancelledAuth, InteractiveCallersBeyondSixteenAreToldToRetry)
{
    resetLogLevel();
    pid_t helper = helperPid();
    ASSERT_GT(helper, 0);
    std::vector<std::future<Outcome>> waiting;
    for (int i = 0; i < 16; ++i)
        waiting.push_back(std::async(std::launch::async, [] {
            return runOnTerminal(onTerminal(requireEnv("REMEDY_PASSWORD_USER"), "log-level debug"), "never shown", "");
        }));
    std::this_thread::sleep_for(std::chrono::seconds(2));  // all sixteen agents are asking by then
    // A seventeenth who could be asked for a password is told to retry...
    auto refused = runOnTerminal(onTerminal(requireEnv("REMEDY_PASSWORD_USER"), "log-level notice"), "never shown", "");
    EXPECT_EQ(refused.exitCode, 1) << refused.out;
    EXPECT_NE(refused.out.find("too many requests"), std::string::npos) << refused.out;
    EXPECT_EQ(logLevel(), "s \"info\"\n");
    // ...while a caller who cannot be asked is still served, and so are reads.
    EXPECT_EQ(runAs(userName(Caller::Member), {remedyctl(), "--no-ask-password", "log-level", "notice"}).exitCode, 0);
    EXPECT_EQ(run({remedyctl(), "status"}).exitCode, 0);

    ASSERT_EQ(kill(helper, SIGTERM), 0);  // cancels the prompts
    for (auto& call : waiting)
        EXPECT_EQ(call.get().exitCode, 4);
}

// --- concurrency and lifetime ----------------------------------------------

TEST(Concurrency, TwentySimultaneousCallersEachGetACleanAnswer)
{
    // Members ask for debug, outsiders for crit, which no caller reaches: every
    // outsider's call is a change, and must be refused.
    resetLogLevel();
    std::vector<std::future<Outcome>> calls;
    for (int i = 0; i < 20; ++i) {
        bool member = i % 2;
        calls.push_back(std::async(std::launch::async, [member] {
            return runAs(userName(member ? Caller::Member : Caller::Outsider),
                         {remedyctl(), "--no-ask-password", "log-level", member ? "debug" : "crit"});
        }));
    }
    for (int i = 0; i < 20; ++i) {
        auto got = calls[i].get();
        EXPECT_EQ(got.exitCode, i % 2 ? 0 : 4) << "caller " << i << ": " << got.err;
    }
    EXPECT_EQ(logLevel(), "s \"debug\"\n");
}

TEST(Lifetime, ExitsWhenIdleAndIsActivatedAgain)
{
    ASSERT_EQ(run({remedyctl(), "status"}).exitCode, 0);
    pid_t first = helperPid();
    ASSERT_GT(first, 0);
    auto idle = std::chrono::seconds(std::stoi(requireEnv("REMEDY_IDLE_TIMEOUT")));
    EXPECT_TRUE(waitFor([] { return !nameHasOwner(); }, idle + std::chrono::seconds(3)));
    EXPECT_TRUE(waitFor([first] { return kill(first, 0) != 0; }, std::chrono::seconds(2)));

    ASSERT_EQ(run({remedyctl(), "status"}).exitCode, 0);
    pid_t second = helperPid();
    EXPECT_GT(second, 0);
    EXPECT_NE(second, first);
}

TEST(Lifetime, StopsCleanlyOnSigterm)
{
    ASSERT_EQ(run({remedyctl(), "status"}).exitCode, 0);
    pid_t pid = helperPid();
    ASSERT_GT(pid, 0);
    ASSERT_EQ(kill(pid, SIGTERM), 0);
    EXPECT_TRUE(waitFor([pid] { return kill(pid, 0) != 0; }, std::chrono::seconds(3)));
    EXPECT_NE(helperLog().find("received Terminated"), std::string::npos);
    EXPECT_EQ(run({remedyctl(), "status"}).exitCode, 0);
}

} // namespace
