// Rendering and checking of service specs and health checks: what reaches
// the unit file must read back as the caller meant it, and nothing else.

#include "core/error.h"
#include "core/healthcheck.h"
#include "core/service_spec.h"
#include "core/trusted_path.h"
#include "core/unit_files.h"
#include "fake_accounts.h"
#include "scratch_root.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>

using namespace remedy;
using remedy::test::FakeAccounts;

namespace {

const FakeAccounts kAccounts;

ServiceSpec backend()
{
    ServiceSpec spec;
    spec.name = "kontali-backend.service";
    spec.execStart = {"/opt/kontali/venv/bin/uvicorn", "app.main:app", "--workers", "2"};
    spec.user = "kontali";
    spec.memoryMax = MemoryLimit::bytes(2ull << 30);
    spec.logsDirectory = "kontali";
    spec.logRotation = LogRotation{};
    return spec;
}

// The whole refusal, or "accepted".
std::string refusalMessage(const ServiceSpec& spec, const AccountDirectory& accounts = kAccounts)
{
    try {
        validate(spec, accounts);
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::InvalidArgument);
        return error.what();
    }
    return "accepted";
}

// The field named in the refusal.
std::string refusal(const ServiceSpec& spec)
{
    auto message = refusalMessage(spec);
    return message.substr(0, message.find(':'));
}

TEST(ServiceSpec, RendersTheSeedsBackend)
{
    auto spec = backend();
    validate(spec, kAccounts);
    auto unit = renderService(spec);
    EXPECT_TRUE(isManaged(unit));
    EXPECT_NE(unit.find("\n[Service]\nType=exec\nUser=kontali\n"), std::string::npos) << unit;
    EXPECT_NE(unit.find("\nExecStart=\"/opt/kontali/venv/bin/uvicorn\" \"app.main:app\" \"--workers\" \"2\"\n"), std::string::npos) << unit;
    EXPECT_NE(unit.find("\nRestart=always\nRestartSec=1000ms\n"), std::string::npos) << unit;
    EXPECT_NE(unit.find("\nMemoryMax=2147483648\n"), std::string::npos) << unit;
    EXPECT_NE(unit.find("\nLogsDirectory=kontali\n"), std::string::npos) << unit;
    EXPECT_NE(unit.find("\n[Install]\nWantedBy=multi-user.target\n"), std::string::npos) << unit;
    EXPECT_EQ(unit.find("StartLimit"), std::string::npos) << "systemd's defaults unless asked";

    auto rotation = renderLogRotation(spec, "kontali");
    EXPECT_TRUE(isManaged(rotation));
    EXPECT_NE(rotation.find("/var/log/kontali/*.log {\n    su kontali kontali\n"), std::string::npos) << rotation;
    EXPECT_NE(rotation.find("    rotate 14\n"), std::string::npos);
    EXPECT_NE(rotation.find("    copytruncate\n"), std::string::npos);
}

// The seed's cron health check, every five minutes: a oneshot and its timer.
TEST(ServiceSpec, AScheduleMakesAOneshotAndItsTimer)
{
    auto spec = backend();
    spec.name = "kontali-check.service";
    spec.logRotation.reset();
    spec.schedule = "*:0/5";
    spec.memoryMax = MemoryLimit::percent(5000);
    spec.memoryHigh = MemoryLimit::percent(2500);
    validate(spec, kAccounts);
    auto unit = renderService(spec);
    EXPECT_NE(unit.find("\n[Service]\nType=oneshot\n"), std::string::npos) << unit;
    EXPECT_NE(unit.find("\nRestart=no\n"), std::string::npos) << "systemd refuses Restart=always for a oneshot: " << unit;
    EXPECT_NE(unit.find("\nMemoryMax=50%\nMemoryHigh=25%\n"), std::string::npos) << unit;
    EXPECT_EQ(unit.find("[Install]"), std::string::npos) << "its timer starts it, not the boot: " << unit;
    EXPECT_EQ(spec.timerName(), "kontali-check.timer");
    auto timer = renderTimer(spec);
    EXPECT_TRUE(isManaged(timer));
    EXPECT_NE(timer.find("\n[Timer]\nOnCalendar=*:0/5\n"), std::string::npos) << timer;
    EXPECT_NE(timer.find("\n[Install]\nWantedBy=timers.target\n"), std::string::npos) << timer;

    spec.schedule.clear();
    spec.everyMs = 300000;
    timer = renderTimer(spec);
    EXPECT_NE(timer.find("\nOnBootSec=300000ms\nOnUnitActiveSec=300000ms\n"), std::string::npos) << timer;

    auto oneshot = backend();
    oneshot.type = "oneshot";
    oneshot.memoryMax = MemoryLimit::infinity();
    validate(oneshot, kAccounts);
    EXPECT_NE(renderService(oneshot).find("Type=oneshot"), std::string::npos);
    EXPECT_NE(renderService(oneshot).find("\nMemoryMax=infinity\n"), std::string::npos);
    EXPECT_NE(renderService(oneshot).find("\n[Install]\nWantedBy=multi-user.target\n"), std::string::npos) << "runs at boot";
}

TEST(ServiceSpec, RefusesBadSchedulesByName)
{
    auto bad = [](auto change) {
        auto spec = backend();
        spec.logRotation.reset();
        change(spec);
        return refusal(spec);
    };
    EXPECT_EQ(bad([](ServiceSpec& s) { s.schedule = "daily"; }), "accepted");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.schedule = "daily\nExecStartPre=/bin/sh"; }), "schedule");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.schedule = "%H:00"; }), "schedule");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.schedule = "daily\\"; }), "schedule");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.schedule = std::string(300, '*'); }), "schedule");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.schedule = "daily", s.everyMs = 60000; }), "schedule");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.everyMs = 500; }), "every");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.everyMs = 400ull * 24 * 3600 * 1000; }), "every");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.everyMs = 60000, s.type = "exec"; }), "type");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.type = "forking"; }), "type");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.everyMs = 60000, s.restart = "always"; }), "restart");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.type = "oneshot", s.restart = "on-success"; }), "restart");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.type = "oneshot", s.restart = "on-failure"; }), "accepted");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.memoryMax = MemoryLimit::percent(0); }), "memory-max");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.memoryMax = MemoryLimit::percent(20000); }), "memory-max");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.memoryMax = MemoryLimit::percent(2000), s.memoryHigh = MemoryLimit::percent(3000); }),
              "memory-high");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.memoryMax = MemoryLimit::infinity(), s.memoryHigh = MemoryLimit::percent(3000); }),
              "accepted");
}

TEST(ServiceSpec, QuotesSoThatSystemdReadsBackEveryWordAsGiven)
{
    EXPECT_EQ(quoteForUnit("plain", true), "\"plain\"");
    EXPECT_EQ(quoteForUnit("two words", true), "\"two words\"");
    EXPECT_EQ(quoteForUnit("say \"hi\"", true), "\"say \\\"hi\\\"\"");
    EXPECT_EQ(quoteForUnit("back\\slash", true), "\"back\\\\slash\"");
    EXPECT_EQ(quoteForUnit("100%", true), "\"100%%\"") << "a specifier otherwise";
    EXPECT_EQ(quoteForUnit("$HOME", true), "\"$$HOME\"") << "expanded by systemd otherwise";
    EXPECT_EQ(quoteForUnit("$HOME", false), "\"$HOME\"") << "Environment= does not expand";
    EXPECT_THROW(quoteForUnit("a\nExecStartPre=/bin/sh", true), Error);
    EXPECT_THROW(quoteForUnit(std::string("a\0b", 3), true), Error);

    auto spec = backend();
    spec.environment = {{"DATABASE_URL", "postgres://u:p@localhost/db?sslmode=require&x=%41"}};
    spec.description = "Kontali 100% backend";
    auto unit = renderService(spec);
    EXPECT_NE(unit.find("\nEnvironment=\"DATABASE_URL=postgres://u:p@localhost/db?sslmode=require&x=%%41\"\n"), std::string::npos) << unit;
    EXPECT_NE(unit.find("\nDescription=Kontali 100%% backend\n"), std::string::npos) << unit;
}

TEST(ServiceSpec, RefusesEachBadFieldByName)
{
    auto bad = [](auto change) {
        auto spec = backend();
        change(spec);
        return refusal(spec);
    };
    EXPECT_EQ(bad([](ServiceSpec&) {}), "accepted");
    EXPECT_NE(bad([](ServiceSpec& s) { s.name = "../x.service"; }), "accepted");
    EXPECT_NE(bad([](ServiceSpec& s) { s.name = "dbus.service"; }), "accepted");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.execStart.clear(); }), "exec-start");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.execStart[0] = "uvicorn"; }), "exec-start");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.execStart[0] = "/opt/../bin/sh"; }), "exec-start");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.execStart.push_back("a\nb"); }), "exec-start");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.execStart.push_back(";"); }), "exec-start");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.user.clear(); }), "user");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.user = "root"; }), "user");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.user = "0"; }), "user");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.user = "kon tali"; }), "user");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.group = "root\n"; }), "group");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.workingDirectory = "srv/app"; }), "working-directory");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.environment = {{"1X", "y"}}; }), "environment");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.environment = {{"X", "y\nExecStartPre=/bin/sh"}}; }), "environment X");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.restart = "sometimes"; }), "restart");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.restartMs = 2 * 3600 * 1000; }), "restart-sec");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.startLimitBurst = 0; }), "start-limit-burst");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.memoryMax = MemoryLimit::bytes(1000); }), "memory-max");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.memoryHigh = MemoryLimit::bytes(3ull << 30); }), "memory-high");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.oomPolicy = "ignore"; }), "oom-policy");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.logsDirectory = "../etc"; }), "logs-directory");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.logsDirectory = "/var/log/k"; }), "logs-directory");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.logsDirectory.clear(); }), "log-rotate");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.logRotation->keep = 0; }), "log-rotate-keep");
}

TEST(ServiceSpec, RunsOnlyAsARegularLoginUserWithoutAPrivilegedGroup)
{
    auto as = [](const std::string& user, const std::string& group = "") {
        auto spec = backend();
        spec.user = user;
        spec.group = group;
        return refusalMessage(spec);
    };
    EXPECT_EQ(as("kontali"), "accepted");
    EXPECT_EQ(as("kontali", "kontali"), "accepted") << "its own primary group";
    EXPECT_EQ(as("kontali", "developers"), "accepted") << "a regular group it is in";

    // Who the service runs as.
    EXPECT_EQ(as("root").rfind("user: ", 0), 0U);
    EXPECT_NE(as("ghost").find("'ghost' is not a user on this system"), std::string::npos);
    EXPECT_NE(as("nobody").find("'nobody' (uid 65534) is a system account"), std::string::npos) << as("nobody");
    FakeAccounts accounts;
    accounts.addUser("daemonish", 999, 1001);      // a system account: one below UID_MIN
    accounts.addUser("uidzero", 0, 1001);          // root under another name
    accounts.addUser("admin", 1003, 1003, {27});   // in sudo
    accounts.addUser("builder", 1004, 1004, {998});  // in docker: root by another road
    accounts.addUser("rooted", 1005, 0);           // primary group root
    accounts.addUser("edge", 60000, 1001);         // UID_MAX itself is regular
    auto spec = backend();
    auto asUser = [&](const std::string& user) {
        spec.user = user;
        return refusalMessage(spec, accounts);
    };
    EXPECT_NE(asUser("daemonish").find("(uid 999) is a system account"), std::string::npos) << asUser("daemonish");
    EXPECT_NE(asUser("uidzero").find("is root"), std::string::npos) << asUser("uidzero");
    EXPECT_NE(asUser("admin").find("in group 'sudo' (gid 27), which is worth root"), std::string::npos) << asUser("admin");
    EXPECT_NE(asUser("builder").find("in group 'docker'"), std::string::npos) << asUser("builder");
    EXPECT_NE(asUser("rooted").find("in group 'root' (gid 0)"), std::string::npos) << asUser("rooted");
    EXPECT_EQ(asUser("edge"), "accepted");
    accounts.defs.uids = {2000, 3000};  // login.defs moved the range: 1002 is a system uid now
    EXPECT_NE(asUser("kontali").find("uid 2000 to 3000"), std::string::npos) << asUser("kontali");

    // Group=: only one its user has, never one worth root, and no system group.
    for (const char* group : {"root", "sudo", "adm", "disk", "shadow", "systemd-journal", "tty", "kmem", "staff", "docker", "lxd"})
        EXPECT_EQ(as("kontali", group).rfind("group: ", 0), 0U) << group << ": " << as("kontali", group);
    EXPECT_NE(as("kontali", "lxd").find("worth root"), std::string::npos) << "named, although its gid is a regular one";
    EXPECT_NE(as("kontali", "app").find("'kontali' is not in group 'app'"), std::string::npos) << as("kontali", "app");
    EXPECT_NE(as("kontali", "audio").find("(gid 29) is a system group"), std::string::npos) << as("kontali", "audio");
    EXPECT_NE(as("kontali", "nosuch").find("'nosuch' is not a group on this system"), std::string::npos);
}

TEST(ServiceSpec, TheFieldsAloneNeedNoAccounts)
{
    auto spec = backend();
    spec.user = "someone-elses";  // unknown here: a plan is parsed now and installed later
    EXPECT_NO_THROW(validateFields(spec));
    EXPECT_THROW(validate(spec, kAccounts), Error);
    spec.user = "root";
    EXPECT_THROW(validateFields(spec), Error);
}

TEST(ServiceSpec, TheSystemsOwnAccountsRefuseRootAndSystemUsers)
{
    // Real NSS: root and nobody are on every Debian system; neither may run a service.
    auto spec = backend();
    spec.user = "root";
    EXPECT_THROW(validate(spec), Error);
    spec.user = "nobody";
    try {
        validate(spec);
        ADD_FAILURE() << "nobody was accepted";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("'nobody' (uid 65534) is a system account"), std::string::npos) << error.what();
    }
    spec.user = "remedy-no-such-user";
    EXPECT_THROW(validate(spec), Error);
    auto root = systemAccounts().group("root");
    ASSERT_TRUE(root.has_value());
    EXPECT_EQ(root->gid, 0U);
    EXPECT_EQ(systemAccounts().group(0)->name, "root");
    auto user = systemAccounts().user("root");
    ASSERT_TRUE(user.has_value());
    EXPECT_EQ(user->uid, 0U);
    EXPECT_NE(std::find(user->groups.begin(), user->groups.end(), 0U), user->groups.end());
}

TEST(LoginDefs, ReadsTheRangesAndKeepsDebiansDefaultsForTheRest)
{
    auto defs = parseLoginDefs("# comment UID_MIN 5\nUID_MIN\t\t 2000\n  UID_MAX 3000 # trailing\nGID_MIN x\n#GID_MAX 7\n");
    EXPECT_EQ(defs.uids.min, 2000U);
    EXPECT_EQ(defs.uids.max, 3000U);
    EXPECT_EQ(defs.gids.min, 1000U) << "not a number: the default";
    EXPECT_EQ(defs.gids.max, 60000U);
    EXPECT_EQ(parseLoginDefs("UID_MIN 0\n").uids.min, 1U) << "uid 0 is never a regular user";
    EXPECT_EQ(parseLoginDefs("UID_MIN 99999999999\n").uids.min, 1000U);
    EXPECT_EQ(parseLoginDefs("").uids.max, 60000U);
}

class LoginDefsFile : public remedy::test::ScratchRootTest {};

TEST_F(LoginDefsFile, IsReadBelowTheRootAndNeverThroughALink)
{
    if (!makeRoot("login-defs-test", {"etc"}))
        return;
    EXPECT_EQ(readLoginDefs(rootFd_.get()).uids.min, 1000U) << "missing: the defaults";
    write("etc/login.defs", "UID_MIN 1500\n");
    EXPECT_EQ(readLoginDefs(rootFd_.get()).uids.min, 1500U);
    std::filesystem::remove(root_ / "etc/login.defs");
    write("elsewhere", "UID_MIN 1\n");
    std::filesystem::create_symlink("../elsewhere", root_ / "etc/login.defs");
    EXPECT_THROW(readLoginDefs(rootFd_.get()), Error);
}

TEST(Healthcheck, RendersATimerAndAProbeService)
{
    HealthcheckSpec spec{"kontali-backend.service", "http://127.0.0.1:8000/health?full=1%20x"};
    validate(spec);
    EXPECT_EQ(healthcheckName(spec.unit), "remedy-health-kontali-backend");
    auto service = renderHealthService(spec, "/usr/libexec/remedy-healthcheck");
    EXPECT_TRUE(isManaged(service));
    EXPECT_NE(service.find("\nExecStart=\"/usr/libexec/remedy-healthcheck\" --unit kontali-backend.service --timeout 3 --failures 3 "
                           "\"http://127.0.0.1:8000/health?full=1%%20x\"\n"),
              std::string::npos)
        << service;
    EXPECT_NE(service.find("\nType=oneshot\n"), std::string::npos);
    auto timer = renderHealthTimer(spec);
    EXPECT_NE(timer.find("\nOnUnitActiveSec=10s\n"), std::string::npos) << timer;
    EXPECT_NE(timer.find("\nAccuracySec=100ms\n"), std::string::npos) << timer;
    EXPECT_NE(timer.find("\nWantedBy=timers.target\n"), std::string::npos) << timer;
}

TEST(Healthcheck, RefusesBadURLsAndTimings)
{
    auto bad = [](auto change) {
        HealthcheckSpec spec{"app.service", "https://example.org/health"};
        change(spec);
        try {
            validate(spec);
        } catch (const Error& error) {
            return std::string(error.what()).substr(0, std::string(error.what()).find(':'));
        }
        return std::string("accepted");
    };
    EXPECT_EQ(bad([](HealthcheckSpec&) {}), "accepted");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.url = "ftp://example.org/"; }), "url");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.url = "file:///etc/shadow"; }), "url");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.url = "gopher://127.0.0.1:6379/_FLUSHALL"; }), "url");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.url = "dict://127.0.0.1:11211/stats"; }), "url");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.url = "HTTP://example.org/"; }), "url") << "remedy writes the scheme in lower case";
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.url = " http://example.org/"; }), "url");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.url = "http://"; }), "url");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.url = "http:///etc/passwd"; }), "url");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.url = "https://?x"; }), "url");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.url = "http://[::1]:8000/health"; }), "accepted");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.url = "http://a/ b"; }), "url");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.url = "http://a/\"--unit=dbus.service"; }), "accepted") << "quoted, not refused";
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.url = "http://a/" + std::string(3000, 'x'); }), "url");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.unit = "worker@1.service"; }), "unit");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.intervalSec = 0; }), "interval");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.timeoutSec = 20; }), "timeout");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.failures = 0; }), "failures");
}

TEST(Metrics, WritesOnlyWhereTheAdministratorAllows)
{
    auto service = renderMetricsService("/var/lib/prometheus/node-exporter", "/usr/bin/remedyctl");
    EXPECT_NE(service.find("\nStateDirectory=prometheus/node-exporter\n"), std::string::npos) << service;
    auto refusal = [](const std::string& directory, const Config& config = {}) {
        try {
            renderMetricsService(directory, "/usr/bin/remedyctl", config);
        } catch (const Error& error) {
            EXPECT_EQ(error.kind(), ErrorKind::InvalidArgument);
            return std::string(error.what());
        }
        return std::string("accepted");
    };
    // Below /var/lib, but another daemon's state (or remedy's own history).
    for (const char* directory : {"/var/lib/remedy/history", "/var/lib/polkit-1", "/var/lib/dpkg", "/var/lib/prometheus"})
        EXPECT_NE(refusal(directory).find("is not one the administrator allows (/var/lib/prometheus/node-exporter; metrics_directories"),
                  std::string::npos)
            << directory << ": " << refusal(directory);
    for (const char* directory : {"/etc", "/var/lib/", "/var/lib", "/var/lib/../etc", "/var/lib/a//b", "/var/lib/./a", "/var/lib/a/",
                                  "/var/lib/a b", "var/lib/a", "/var/libx/a"})
        EXPECT_NE(refusal(directory).find("must be a plain directory below /var/lib"), std::string::npos) << directory << ": " << refusal(directory);
    Config config;
    config.metricsDirectories = {"/var/lib/node-exporter/textfile"};
    EXPECT_EQ(refusal("/var/lib/node-exporter/textfile", config), "accepted");
    EXPECT_NE(refusal("/var/lib/prometheus/node-exporter", config), "accepted") << "the default is replaced, not added to";
    config.metricsDirectories.clear();
    EXPECT_NE(refusal("/var/lib/prometheus/node-exporter", config).find("(none;"), std::string::npos);
}

} // namespace
