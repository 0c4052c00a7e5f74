// System tier, issue "services that survive": a member of group remedy
// installs the incident's backend as a service through remedyd and systemd,
// watches systemd restart it after a kill, a hang and an OOM kill, and
// removes it; the ugly requests are refused with nothing written.

#include "system_tier.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <future>
#include <random>
#include <sstream>

using namespace remedy::test;

namespace {

const char* kBackend = "kontali-backend.service";
const char* kHealthMessageId = "5b1b7c1ef4c54f5e9c6a1d1f1ad0c0de";

class Units : public SystemTier {
protected:
    void SetUp() override
    {
        // The backend's own account and a page it serves, as on the incident's box.
        inside({"useradd", "--no-create-home", "kontali"});
        ASSERT_EQ(inside({"sh", "-c", "mkdir -p /srv/kontali && echo ok >/srv/kontali/health && chmod -R a+rX /srv/kontali"}).exitCode, 0);
    }

    static Outcome createBackend(const std::string& port, std::vector<std::string> extra = {})
    {
        std::vector<std::string> argv = {"--json", "service", "create", kBackend, "--user", "kontali", "-C", "/srv/kontali",
                                         "--memory-max", "256M", "--restart-sec", "100ms", "--start-limit-interval", "0",
                                         "--logs-dir", "kontali", "--log-rotate"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        argv.insert(argv.end(), {"--", "/usr/bin/python3", "-m", "http.server", "--bind", "127.0.0.1", port});
        return member(argv);
    }

    static std::string fetch(const std::string& url)
    {
        return inside({"python3", "-c", "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=2).read().decode(), end='')",
                       url})
            .out;
    }

    // Every file under the directories remedy writes, with its checksum.
    static std::string systemFiles()
    {
        return inside({"sh", "-c", "find /etc/systemd/system /etc/systemd/system.control /etc/logrotate.d -type f -exec md5sum {} + 2>/dev/null | sort"})
            .out;
    }

    static bool waitFor(const std::function<bool()>& condition, std::chrono::seconds limit)
    {
        auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            if (condition())
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        return condition();
    }
};

TEST_F(Units, AMemberInstallsTheBackendAndSystemdRestartsItAfterAKill)
{
    auto created = createBackend("8081");
    ASSERT_EQ(created.exitCode, 0) << created.err;
    EXPECT_EQ(nlohmann::json::parse(created.out)["changed"], true);
    EXPECT_EQ(show(kBackend, "ActiveState"), "active");
    EXPECT_EQ(show(kBackend, "UnitFileState"), "enabled");
    EXPECT_EQ(show(kBackend, "Restart"), "always");
    EXPECT_EQ(show(kBackend, "MemoryMax"), std::to_string(256 << 20));
    EXPECT_EQ(show(kBackend, "User"), "kontali");
    // It answers; the logs directory is the service's; rotation is configured.
    EXPECT_TRUE(waitFor([] { return fetch("http://127.0.0.1:8081/health") == "ok\n"; }, std::chrono::seconds(10)));
    EXPECT_EQ(inside({"stat", "-c", "%U", "/var/log/kontali"}).out, "kontali\n");
    EXPECT_EQ(inside({"logrotate", "-d", "/etc/logrotate.d/remedy-kontali-backend"}).exitCode, 0);

    // The same spec again: unchanged, and the service is not restarted.
    auto pid = show(kBackend, "MainPID");
    auto again = createBackend("8081");
    ASSERT_EQ(again.exitCode, 0) << again.err;
    EXPECT_EQ(nlohmann::json::parse(again.out)["changed"], false);
    EXPECT_EQ(show(kBackend, "MainPID"), pid);

    auto verified = member({"--json", "verify-restart", kBackend});
    ASSERT_EQ(verified.exitCode, 0) << verified.err;
    auto report = nlohmann::json::parse(verified.out);
    EXPECT_EQ(std::to_string(report["old_pid"].get<unsigned>()), pid);
    EXPECT_NE(report["new_pid"], report["old_pid"]);
    EXPECT_EQ(std::to_string(report["new_pid"].get<unsigned>()), show(kBackend, "MainPID"));
    EXPECT_LT(report["recovery_ms"].get<double>(), 2000);
    EXPECT_GE(report["recovery_ms"].get<double>(), 100);  // RestartSec is the floor
    EXPECT_EQ(show(kBackend, "ActiveState"), "active");

    // A changed spec restarts it with the new definition.
    auto changed = createBackend("8081", {"--memory-high", "200M"});
    ASSERT_EQ(changed.exitCode, 0) << changed.err;
    EXPECT_EQ(nlohmann::json::parse(changed.out)["changed"], true);
    EXPECT_EQ(show(kBackend, "MemoryHigh"), std::to_string(200 << 20));
    EXPECT_NE(show(kBackend, "MainPID"), report["new_pid"].dump());
}

TEST_F(Units, AHealthCheckRestartsAHungBackendAndSaysSoInTheJournal)
{
    ASSERT_EQ(createBackend("8081").exitCode, 0);
    auto added = member({"--json", "health", "add", kBackend, "--url", "http://127.0.0.1:8081/health", "--interval", "2s", "--timeout",
                         "1s", "--failures", "3"});
    ASSERT_EQ(added.exitCode, 0) << added.err;
    EXPECT_EQ(show("remedy-health-kontali-backend.timer", "ActiveState"), "active");
    auto again = member({"--json", "health", "add", kBackend, "--url", "http://127.0.0.1:8081/health", "--interval", "2s", "--timeout",
                         "1s", "--failures", "3"});
    EXPECT_EQ(nlohmann::json::parse(again.out)["changed"], false) << again.out;

    // A healthy backend is left alone for a few probes.
    auto pid = show(kBackend, "MainPID");
    std::this_thread::sleep_for(std::chrono::seconds(3));
    ASSERT_EQ(show(kBackend, "MainPID"), pid);
    EXPECT_EQ(show("remedy-health-kontali-backend.service", "Result"), "success");

    // Hung: alive, but it answers nothing.
    auto hungAt = std::chrono::steady_clock::now();
    ASSERT_EQ(inside({"kill", "-STOP", pid}).exitCode, 0);
    bool restarted = waitFor([&] { return show(kBackend, "MainPID") != pid && show(kBackend, "ActiveState") == "active"; },
                             std::chrono::seconds(2 * 3 + 10));
    auto took = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - hungAt).count();
    ASSERT_TRUE(restarted) << inside({"journalctl", "-u", "remedy-health-kontali-backend.service", "--no-pager"}).out;
    EXPECT_LE(took, 2 * 3 + 4) << "interval x failures, plus a probe's timeout and the timer's slack";
    auto entry = inside({"journalctl", std::string("MESSAGE_ID=") + kHealthMessageId, "REMEDY_UNIT=" + std::string(kBackend), "-o", "json",
                         "--no-pager"});
    ASSERT_FALSE(entry.out.empty());
    auto record = nlohmann::json::parse(entry.out.substr(0, entry.out.find('\n')));
    EXPECT_EQ(record["REMEDY_URL"], "http://127.0.0.1:8081/health");
    EXPECT_NE(record["MESSAGE"].get<std::string>().find("hang detected"), std::string::npos);

    auto removed = member({"--json", "health", "remove", kBackend});
    ASSERT_EQ(removed.exitCode, 0) << removed.err;
    EXPECT_EQ(inside({"test", "-e", "/etc/systemd/system/remedy-health-kontali-backend.timer"}).exitCode, 1);
}

TEST_F(Units, AServiceAboveItsMemoryMaxIsKilledInItsCgroupAndRestartedWhileItsNeighbourRuns)
{
    ASSERT_EQ(createBackend("8081").exitCode, 0);
    auto neighbour = show(kBackend, "MainPID");
    // It allocates after two seconds, so the install itself succeeds (a hog
    // killed within remedy's one-second start check is rolled back).
    auto hog = member({"--json", "service", "create", "memory-hog.service", "--user", "kontali", "--memory-max", "32M", "--restart-sec",
                       "500ms", "--start-limit-interval", "0", "--", "/bin/sh", "-c", "sleep 2; exec tail /dev/zero"});
    ASSERT_EQ(hog.exitCode, 0) << hog.err;
    bool killed = waitFor([] { return std::stoi(show("memory-hog.service", "NRestarts")) >= 1; }, std::chrono::seconds(20));
    ASSERT_TRUE(killed);
    // The kernel's word, as remedyctl diagnose reads it: a memory cgroup kill in that unit.
    auto diagnosis = nlohmann::json::parse(member({"--json", "diagnose"}).out);
    bool found = false;
    for (const auto& kill : diagnosis["oom_kills"])
        found = found || (kill.value("unit", "") == "memory-hog.service" && kill.value("kind", "") == "cgroup");
    EXPECT_TRUE(found) << diagnosis["oom_kills"].dump();
    EXPECT_EQ(show(kBackend, "MainPID"), neighbour);
    EXPECT_EQ(show(kBackend, "ActiveState"), "active");
    ASSERT_EQ(member({"unit", "remove", "memory-hog.service"}).exitCode, 0);
}

TEST_F(Units, AServiceThatDoesNotStartIsRolledBackWithItsJournal)
{
    auto before = systemFiles();
    auto failed = member({"service", "create", "broken.service", "--user", "kontali", "--", "/bin/sh", "-c",
                          "echo cannot open the database >&2; exit 3"});
    EXPECT_EQ(failed.exitCode, 1);
    EXPECT_NE(failed.err.find("did not start"), std::string::npos) << failed.err;
    EXPECT_NE(failed.err.find("cannot open the database"), std::string::npos) << failed.err;
    EXPECT_EQ(systemFiles(), before);
    EXPECT_NE(show("broken.service", "UnitFileState"), "enabled");
}

TEST_F(Units, ARawUnitFileIsVerifiedInstalledAndRemovedWithoutATrace)
{
    auto before = systemFiles();
    ASSERT_EQ(inside({"sh", "-c",
                      "mkdir -p /tmp/seed && printf '[Unit]\\nDescription=Kontali backend (the seed'\"'\"'s unit)\\n\\n[Service]\\n"
                      "User=kontali\\nWorkingDirectory=/srv/kontali\\nExecStart=/usr/bin/python3 -m http.server --bind 127.0.0.1 8082\\n"
                      "Restart=always\\nRestartSec=5\\nMemoryMax=2G\\n\\n[Install]\\nWantedBy=multi-user.target\\n' "
                      ">/tmp/seed/kontali-web.service && chmod a+r /tmp/seed/kontali-web.service"})
                  .exitCode,
              0);
    // A raw unit says who it runs as: root in disguise, so the group is
    // refused and an administrator installs it; it is remedy's then.
    auto refused = member({"unit", "install", "/tmp/seed/kontali-web.service"});
    EXPECT_EQ(refused.exitCode, 4) << refused.err;
    EXPECT_NE(refused.err.find("org.remedy.unit.manage-any"), std::string::npos) << refused.err;
    EXPECT_EQ(systemFiles(), before);
    auto installed = inside({"remedyctl", "--json", "unit", "install", "/tmp/seed/kontali-web.service"});
    ASSERT_EQ(installed.exitCode, 0) << installed.err;
    EXPECT_EQ(show("kontali-web.service", "ActiveState"), "active");
    EXPECT_EQ(inside({"head", "-c", "19", "/etc/systemd/system/kontali-web.service"}).out, "# Managed by remedy");
    ASSERT_EQ(member({"--json", "unit", "limits", "kontali-web.service", "--memory-max", "1G"}).exitCode, 0);
    ASSERT_EQ(member({"health", "add", "kontali-web.service", "--url", "http://127.0.0.1:8082/"}).exitCode, 0);

    auto removed = member({"--json", "unit", "remove", "kontali-web.service"});
    ASSERT_EQ(removed.exitCode, 0) << removed.err;
    EXPECT_EQ(nlohmann::json::parse(removed.out)["changed"], true);
    EXPECT_EQ(systemFiles(), before);
    EXPECT_EQ(inside({"grep", "-rl", "Managed by remedy.*kontali-web", "/etc/systemd", "/etc/logrotate.d"}).out, "");
    EXPECT_EQ(show("kontali-web.service", "LoadState"), "not-found");
    auto again = member({"--json", "unit", "remove", "kontali-web.service"});
    EXPECT_EQ(nlohmann::json::parse(again.out)["changed"], false);
}

TEST_F(Units, BadRequestsAreRefusedWithAClearErrorAndNothingWritten)
{
    ASSERT_EQ(inside({"sh", "-c",
                      "printf '[Service]\\nExecStart=/bin/sleep infinity\\n' >/etc/systemd/system/admins-own.service && "
                      "printf '[Service]\\nExecStart=bin/sleep\\n' >/tmp/rejected.service && "
                      "printf '[Service]\\nExecStart=/bin/true\\0\\n' >/tmp/nul.service && "
                      "head -c 70000 /dev/zero | tr '\\0' '#' >/tmp/huge.service && chmod a+r /tmp/*.service && "
                      "systemctl daemon-reload && systemctl start admins-own.service"})
                  .exitCode,
              0);
    auto before = systemFiles();
    auto refusedFor = [&](bool asRoot, std::vector<std::string> argv, int code, const std::string& says) {
        if (asRoot)
            argv.insert(argv.begin(), "remedyctl");
        auto got = asRoot ? inside(argv) : member(argv);
        EXPECT_EQ(got.exitCode, code) << argv[1] << " " << argv.back() << ": " << got.err;
        EXPECT_NE(got.err.find(says), std::string::npos) << got.err;
    };
    auto refused = [&](std::vector<std::string> argv, int code, const std::string& says) { refusedFor(false, argv, code, says); };
    // Raw units and units remedy does not manage are an administrator's:
    // the group is refused before anything is looked at, root gets the checks.
    auto refusedToRoot = [&](std::vector<std::string> argv, int code, const std::string& says) { refusedFor(true, argv, code, says); };
    std::vector<std::string> badNames = {"../x.service", "a b.service", "foo", "", std::string(300, 'a') + ".service",
                                         "dbus.service", "systemd-journald.service", "remedyd.service", "polkit.service"};
    for (const auto& name : badNames) {
        refused({"service", "create", name, "--user", "kontali", "--", "/bin/sleep", "1"}, 2, "");
        refused({"unit", "remove", name}, 2, "");
    }
    refused({"service", "create", "app.service", "--user", "root", "--", "/bin/sleep", "1"}, 2, "root");
    refused({"service", "create", "app.service", "--user", "kontali", "--", "sleep", "1"}, 2, "exec-start");
    refused({"service", "create", "app.service", "--user", "no-such-user", "--", "/bin/sleep", "1"}, 2, "no-such-user");
    refused({"service", "create", "app.service", "--user", "kontali", "--memory-max", "1K", "--", "/bin/sleep", "1"}, 2, "memory-max");
    refused({"service", "create", "app.service", "--user", "kontali", "--restart", "sometimes", "--", "/bin/sleep", "1"}, 2, "restart");
    refused({"service", "create", "app.service", "--user", "kontali", "-E", "A=b\nExecStartPre=/bin/sh", "--", "/bin/sleep", "1"}, 2,
            "control character");
    refused({"service", "create", "app.service", "--user", "kontali", "--log-rotate", "--", "/bin/sleep", "1"}, 2, "logs-directory");
    refused({"service", "create", "admins-own.service", "--user", "kontali", "--", "/bin/sleep", "1"}, 2, "did not write");
    refused({"unit", "remove", "admins-own.service"}, 2, "did not write");
    refused({"unit", "install", "/tmp/rejected.service"}, 4, "org.remedy.unit.manage-any");
    refusedToRoot({"unit", "install", "/tmp/rejected.service"}, 2, "systemd-analyze verify");
    refusedToRoot({"unit", "install", "/tmp/nul.service"}, 2, "NUL");  // D-Bus cannot carry it: remedyctl refuses
    refusedToRoot({"unit", "install", "/tmp/huge.service"}, 2, "64 KiB");
    refused({"health", "add", "admins-own.service", "--url", "ftp://127.0.0.1/"}, 2, "http");
    refused({"health", "add", "admins-own.service", "--url", "http://127.0.0.1/"}, 4, "not a service remedy manages");
    refusedToRoot({"health", "add", "no-such.service", "--url", "http://127.0.0.1/"}, 2, "no-such.service");
    refused({"verify-restart", "admins-own.service"}, 4, "not a service remedy manages");
    refusedToRoot({"verify-restart", "admins-own.service"}, 2, "Restart=no");
    refusedToRoot({"verify-restart", "no-such.service"}, 2, "no-such.service");

    auto outsider = insideAs("remedy-outsider", {"remedyctl", "--no-ask-password", "service", "create", "app.service", "--user", "kontali",
                                                 "--", "/bin/sleep", "infinity"});
    EXPECT_EQ(outsider.exitCode, 4) << outsider.err;
    EXPECT_NE(outsider.err.find("org.remedy.unit.manage"), std::string::npos) << outsider.err;
    auto outsiderKill = insideAs("remedy-outsider", {"remedyctl", "--no-ask-password", "verify-restart", kBackend});
    EXPECT_EQ(outsiderKill.exitCode, 4) << outsiderKill.err;

    // A dry run says what it would do and does it not.
    auto dry = member({"--json", "service", "create", "app.service", "--user", "kontali", "--dry-run", "--", "/bin/sleep", "infinity"});
    ASSERT_EQ(dry.exitCode, 0) << dry.err;
    EXPECT_EQ(nlohmann::json::parse(dry.out)["dry_run"], true);
    EXPECT_EQ(systemFiles(), before);
    EXPECT_EQ(show("admins-own.service", "ActiveState"), "active");
    inside({"sh", "-c", "systemctl stop admins-own.service; rm /etc/systemd/system/admins-own.service; systemctl daemon-reload"});
}

TEST_F(Units, ConcurrentInstallsOfOneServiceLeaveOneServiceAndCleanAnswers)
{
    std::vector<std::thread> clients;
    std::vector<Outcome> outcomes(6);
    for (std::size_t i = 0; i < outcomes.size(); ++i)
        clients.emplace_back([&outcomes, i] {
            outcomes[i] = member({"--json", "service", "create", "twins.service", "--user", "kontali", "--", "/bin/sleep", "infinity"});
        });
    for (auto& client : clients)
        client.join();
    int changed = 0;
    for (const auto& outcome : outcomes) {
        if (outcome.exitCode == 0) {
            changed += nlohmann::json::parse(outcome.out)["changed"].get<bool>();
            continue;
        }
        // The one working on it is not interrupted; the others are told why.
        EXPECT_EQ(outcome.exitCode, 1) << outcome.err;
        EXPECT_NE(outcome.err.find("another job is working on twins.service"), std::string::npos) << outcome.err;
    }
    EXPECT_EQ(changed, 1);
    EXPECT_EQ(show("twins.service", "ActiveState"), "active");
    EXPECT_EQ(inside({"sh", "-c", "ls /etc/systemd/system | grep -c twins"}).out, "1\n");
    ASSERT_EQ(member({"unit", "remove", "twins.service"}).exitCode, 0);
}

TEST_F(Units, AServiceWhoseProgramLivesInAHomeDirectoryInstalls)
{
    // As the incident's backend does (/home/ubuntu/...): systemd-analyze verify,
    // run by the hardened remedyd, must see it.
    ASSERT_EQ(inside({"sh", "-c",
                      "mkdir -p /home/kontali-app && printf '#!/bin/sh\nexec sleep infinity\n' >/home/kontali-app/run && "
                      "chmod 755 /home/kontali-app /home/kontali-app/run"})
                  .exitCode,
              0);
    auto created = member({"service", "create", "homed.service", "--user", "kontali", "--", "/home/kontali-app/run"});
    ASSERT_EQ(created.exitCode, 0) << created.err;
    EXPECT_EQ(show("homed.service", "ActiveState"), "active");
    EXPECT_EQ(member({"unit", "remove", "homed.service"}).exitCode, 0);
}

// Before: a oneshot that succeeded was "did not start ... (result:
// success)" and rolled back, as a service that had died.
TEST_F(Units, AOneshotThatSucceedsIsInstalledAndOneThatFailsIsRolledBack)
{
    auto before = systemFiles();
    auto created = member({"--json", "service", "create", "seed-once.service", "--user", "kontali", "--type", "oneshot",
                           "--memory-max", "50%", "--memory-high", "infinity", "--restart-sec", "1min 30s", "--", "/bin/sh", "-c",
                           "echo the oneshot ran"});
    ASSERT_EQ(created.exitCode, 0) << created.err;
    EXPECT_EQ(nlohmann::json::parse(created.out)["changed"], true);
    EXPECT_EQ(show("seed-once.service", "Result"), "success");
    EXPECT_EQ(show("seed-once.service", "ActiveState"), "inactive");
    EXPECT_EQ(show("seed-once.service", "UnitFileState"), "enabled");
    EXPECT_EQ(show("seed-once.service", "RestartUSec"), "1min 30s");
    EXPECT_NE(show("seed-once.service", "MemoryMax"), "infinity") << "50% of this machine's memory";
    EXPECT_EQ(inside({"grep", "-c", "^MemoryMax=50%$", "/etc/systemd/system/seed-once.service"}).out, "1\n");
    EXPECT_NE(inside({"journalctl", "-u", "seed-once.service", "-o", "cat"}).out.find("the oneshot ran"), std::string::npos);
    auto again = member({"--json", "service", "create", "seed-once.service", "--user", "kontali", "--type", "oneshot", "--memory-max",
                         "50%", "--memory-high", "infinity", "--restart-sec", "1min 30s", "--", "/bin/sh", "-c", "echo the oneshot ran"});
    ASSERT_EQ(again.exitCode, 0) << again.err;
    EXPECT_EQ(nlohmann::json::parse(again.out)["changed"], false) << "it ran; not run again";
    ASSERT_EQ(member({"unit", "remove", "seed-once.service"}).exitCode, 0);

    auto failed = member({"service", "create", "seed-fails.service", "--user", "kontali", "--type", "oneshot", "--", "/bin/sh", "-c",
                          "echo no database here >&2; exit 2"});
    EXPECT_EQ(failed.exitCode, 1) << failed.err;
    EXPECT_NE(failed.err.find("did not start"), std::string::npos) << failed.err;
    EXPECT_NE(failed.err.find("no database here"), std::string::npos) << failed.err;
    EXPECT_NE(show("seed-fails.service", "UnitFileState"), "enabled");

    // A oneshot unit file an administrator wrote, as the issue found it.
    ASSERT_EQ(inside({"sh", "-c",
                      "mkdir -p /tmp/seed && printf '[Service]\\nType=oneshot\\nUser=kontali\\nExecStart=/bin/true\\n\\n"
                      "[Install]\\nWantedBy=multi-user.target\\n' >/tmp/seed/raw-once.service"})
                  .exitCode,
              0);
    auto raw = inside({"remedyctl", "unit", "install", "/tmp/seed/raw-once.service"});
    ASSERT_EQ(raw.exitCode, 0) << raw.err;
    EXPECT_EQ(show("raw-once.service", "Result"), "success");
    ASSERT_EQ(member({"unit", "remove", "raw-once.service"}).exitCode, 0);
    EXPECT_EQ(systemFiles(), before);
}

// Before: .timer units were refused, so the seed's cron health check (a job
// every few minutes) could not be installed.
TEST_F(Units, AScheduleMakesATimerThatRunsTheServiceAndRemoveTakesBoth)
{
    auto before = systemFiles();
    auto created = member({"--json", "service", "create", "seed-check.service", "--user", "kontali", "--every", "1s", "--", "/bin/sh",
                           "-c", "echo the check ran"});
    ASSERT_EQ(created.exitCode, 0) << created.err;
    EXPECT_EQ(nlohmann::json::parse(created.out)["changed"], true);
    EXPECT_EQ(show("seed-check.timer", "ActiveState"), "active");
    EXPECT_EQ(show("seed-check.timer", "UnitFileState"), "enabled");
    EXPECT_NE(show("seed-check.service", "UnitFileState"), "enabled") << "the timer starts it";
    EXPECT_EQ(inside({"head", "-c", "19", "/etc/systemd/system/seed-check.timer"}).out, "# Managed by remedy");
    // It fires, and fires again.
    auto runs = [] {
        auto log = inside({"journalctl", "-u", "seed-check.service", "-o", "cat"}).out;
        std::size_t count = 0;
        for (auto at = log.find("the check ran"); at != std::string::npos; at = log.find("the check ran", at + 1))
            ++count;
        return count;
    };
    EXPECT_TRUE(waitFor([&] { return runs() >= 2; }, std::chrono::seconds(15))) << runs() << " runs";
    EXPECT_EQ(show("seed-check.service", "Result"), "success");

    // A calendar schedule; one systemd cannot read is refused in its words.
    auto calendar = member({"service", "create", "seed-cron.service", "--user", "kontali", "--schedule", "*:0/5", "--", "/bin/true"});
    ASSERT_EQ(calendar.exitCode, 0) << calendar.err;
    EXPECT_NE(show("seed-cron.timer", "TimersCalendar").find("*-*-* *:00/5:00"), std::string::npos) << show("seed-cron.timer", "TimersCalendar");
    auto moon = member({"service", "create", "seed-moon.service", "--user", "kontali", "--schedule", "every full moon", "--", "/bin/true"});
    EXPECT_EQ(moon.exitCode, 2) << moon.err;
    EXPECT_NE(moon.err.find("calendar"), std::string::npos) << moon.err;

    for (const char* name : {"seed-check.service", "seed-cron.service"}) {
        auto removed = member({"--json", "unit", "remove", name});
        ASSERT_EQ(removed.exitCode, 0) << removed.err;
    }
    EXPECT_EQ(show("seed-check.timer", "LoadState"), "not-found");
    EXPECT_EQ(show("seed-cron.timer", "LoadState"), "not-found");
    EXPECT_EQ(systemFiles(), before);
}

// The kill battery for services (the bus tier's has the rest,
// tests/bus/crash_test.cpp): remedyd SIGKILLed by its PID at a random
// moment of an install or a removal; the next call starts a new remedyd,
// which recovers first. Files, the unit's state and history must say one
// thing: before, or after. REMEDY_SERVICE_KILLS sets the kills (default 16).
TEST_F(Units, AnInstallOrRemovalKilledAnywhereIsBeforeOrAfter)
{
    const char* unit = "remedy-crash.service";
    const std::vector<std::string> install = {"service", "create", unit, "--user", "kontali", "--", "/usr/bin/sleep", "infinity"};
    const std::vector<std::string> remove = {"unit", "remove", unit};
    const char* kills = std::getenv("REMEDY_SERVICE_KILLS");
    int count = kills ? std::atoi(kills) : 16;
    auto timed = [](const std::vector<std::string>& argv) {
        auto started = std::chrono::steady_clock::now();
        auto done = member(argv);
        EXPECT_EQ(done.exitCode, 0) << done.err;
        return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
    };
    auto none = systemFiles();
    auto installTook = timed(install);
    auto installed = systemFiles();
    auto removeTook = timed(remove);
    ASSERT_EQ(systemFiles(), none);
    auto newest = [] {
        auto history = nlohmann::json::parse(inside({"remedyctl", "--json", "history"}).out)["history"];
        return history.empty() ? nlohmann::json() : history.back();
    };
    std::mt19937 random(7);
    int before = 0, after = 0, recoveries = 0;
    for (int i = 0; i < count; ++i) {
        bool removing = i % 2 == 1;
        if (removing && systemFiles() == none) {
            ASSERT_EQ(member(install).exitCode, 0);
        }
        if (!removing && systemFiles() != none) {
            ASSERT_EQ(member(remove).exitCode, 0);
        }
        ASSERT_EQ(member({"status"}).exitCode, 0);  // remedyd up, and its PID known
        auto pid = unitProperty("MainPID");
        ASSERT_NE(pid, "0");
        auto previous = newest();
        auto call = std::async(std::launch::async, [&] { return member(removing ? remove : install); });
        auto spread = 2 * (removing ? removeTook : installTook);
        std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<long>(0, spread)(random)));
        inside({"kill", "-9", pid});
        call.get();
        // The kill is the test's, not a fault of remedyd's to count against its start limit.
        waitFor([&] { return unitProperty("MainPID") != pid; }, std::chrono::seconds(10));
        inside({"systemctl", "reset-failed", "remedyd.service"});
        auto next = member({"status"});
        ASSERT_EQ(next.exitCode, 0) << "kill " << i << ": " << next.err;

        auto files = systemFiles();
        auto active = show(unit, "ActiveState");
        auto enabled = show(unit, "UnitFileState");
        auto last = newest();
        if (last != previous) {
            ++recoveries;
            EXPECT_EQ(last["state"], "interrupted") << "kill " << i << ": " << last.dump();
            EXPECT_EQ(last["steps"][0]["kind"], "unit-change") << "kill " << i;
            EXPECT_EQ(last["steps"][0]["status"], "undone") << "kill " << i;
        }
        if (files == installed) {
            EXPECT_EQ(active, "active") << "kill " << i << ": its files, but not running";
            EXPECT_EQ(enabled, "enabled") << "kill " << i;
            ++(removing ? before : after);
        } else {
            EXPECT_EQ(files, none) << "kill " << i << ": torn";
            EXPECT_NE(active, "active") << "kill " << i << ": no files, but running";
            EXPECT_NE(enabled, "enabled") << "kill " << i;
            ++(removing ? after : before);
        }
    }
    std::printf("service install/remove: %d kills, %d before, %d after, %d recovered, 0 torn\n", count, before, after, recoveries);
    if (systemFiles() != none) {
        EXPECT_EQ(member(remove).exitCode, 0);
    }
}

// Faults at every write for services (the bus tier has the rest,
// tests/bus/faults_test.cpp): remedyd started with the test's fault
// library (a drop-in, as an admin would set an environment), each write,
// fsync and rename of a unit file, log rotation snippet or record failed in
// turn. The install fails with the cause named and leaves no file and no
// unit behind, or succeeds whole.
TEST_F(Units, AnInstallThatCannotWriteChangesNothing)
{
    const char* unit = "remedy-faults.service";
    const std::vector<std::string> install = {"service", "create", unit,  "--user", "kontali", "--logs-dir", "faults", "--log-rotate",
                                              "--",      "/usr/bin/sleep", "infinity"};
    const std::vector<std::string> remove = {"unit", "remove", unit};
    // The files remedy writes, but the drop-in that carries the faults.
    auto files = [] {
        std::string kept;
        std::istringstream all(systemFiles());
        for (std::string line; std::getline(all, line);)
            if (line.find("remedyd.service.d") == std::string::npos)
                kept += line + "\n";
        return kept;
    };
    auto withFaults = [](long at, const std::string& code, const std::string& trace) {
        auto env = "LD_PRELOAD=" REMEDY_BUILD_DIR "/tests/libremedy-faults.so REMEDY_FAULT_UNDER=/etc/:/var/lib/remedy/ REMEDY_FAULT_AT=" +
                   std::to_string(at) + " REMEDY_FAULT_ERRNO=" + code + " REMEDY_FAULT_TRACE=" + trace;
        ASSERT_EQ(inside({"sh", "-c", "printf '[Service]\\nEnvironment=" + env +
                                          "\\n' >/etc/systemd/system/remedyd.service.d/faults.conf && systemctl daemon-reload && "
                                          "systemctl stop remedyd.service"})
                      .exitCode,
                  0);
    };
    auto none = files();
    withFaults(0, "ENOSPC", "/run/remedy-faults.trace");
    auto done = member(install);
    ASSERT_EQ(done.exitCode, 0) << done.err;
    auto installed = files();
    auto trace = inside({"cat", "/run/remedy-faults.trace"}).out;
    ASSERT_EQ(member(remove).exitCode, 0);
    ASSERT_EQ(files(), none);
    std::vector<std::string> calls;
    std::istringstream lines(trace);
    for (std::string line; std::getline(lines, line);)
        calls.push_back(line);
    ASSERT_GT(calls.size(), 4U) << trace;

    int failed = 0;
    for (std::size_t n = 1; n <= calls.size(); ++n) {
        std::string code = n % 2 ? "ENOSPC" : "EIO";  // each call once, the two errors in turn
        withFaults(static_cast<long>(n), code, "");
        auto got = member(install);
        auto why = calls[n - 1] + " failing with " + code;
        if (got.exitCode == 0) {
            EXPECT_EQ(files(), installed) << why << ": it succeeded, but not as it does";
            EXPECT_EQ(show(unit, "ActiveState"), "active") << why;
            withFaults(0, code, "");  // a call the install did not reach must not fail the removal
            EXPECT_EQ(member(remove).exitCode, 0) << why;
            continue;
        }
        ++failed;
        EXPECT_EQ(files(), none) << why << ": " << got.err;
        EXPECT_NE(show(unit, "ActiveState"), "active") << why;
        EXPECT_NE(show(unit, "UnitFileState"), "enabled") << why;
        EXPECT_NE(got.err.find(code == "EIO" ? "Input/output error" : "No space left on device"), std::string::npos)
            << why << ": the error does not say why: " << got.err;
    }
    std::printf("service install: %zu calls, each failed in turn: %d installs failed cleanly, %zu succeeded whole\n", calls.size(), failed,
                calls.size() - static_cast<std::size_t>(failed));
    EXPECT_GT(failed, 0);
    inside({"sh", "-c", "rm -f /etc/systemd/system/remedyd.service.d/faults.conf && systemctl daemon-reload && systemctl stop remedyd.service"});
    if (files() != none)
        member(remove);
}

TEST_F(Units, TheBackendIsRemovedLast)
{
    auto removed = member({"--json", "unit", "remove", kBackend});
    ASSERT_EQ(removed.exitCode, 0) << removed.err;
    EXPECT_EQ(inside({"grep", "-rl", "Managed by remedy", "/etc/systemd", "/etc/logrotate.d"}).out, "");
    EXPECT_EQ(inside({"find", "/etc/systemd/system.control", "-name", "kontali*"}).out, "");
}

} // namespace
