// System tier, the incident replayed: a backend under systemd with no
// restart policy and no limits runs out of memory (its slice plays the
// 7.6 GiB box) and the kernel kills it. remedyctl diagnose finds the kill
// and what made it fatal, remedyctl check marks the checklist, a member
// applies remedy's fixes, and every judged item turns to pass; the metrics
// file reads in Prometheus' own parser.

#include "system_tier.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <sstream>

using namespace remedy::test;

namespace {

const char* kBackend = "kontali-backend.service";

class Incident : public SystemTier {
protected:
    static nlohmann::json item(const nlohmann::json& report, const std::string& id)
    {
        for (const auto& entry : report["items"])
            if (entry["id"] == id)
                return entry;
        ADD_FAILURE() << "no item " << id << " in " << report.dump();
        return {};
    }

    // Runs a fix exactly as check printed it, with its placeholders filled.
    static Outcome runFix(const nlohmann::json& entry, const std::map<std::string, std::string>& fill = {})
    {
        std::vector<std::string> argv;
        std::istringstream words(entry["fix"].get<std::string>());
        for (std::string word; words >> word;) {
            for (const auto& [placeholder, value] : fill)
                if (auto at = word.find(placeholder); at != std::string::npos)
                    word.replace(at, placeholder.size(), value);
            argv.push_back(word);
        }
        EXPECT_EQ(argv.front(), "remedyctl");
        return insideAs("remedy-member", argv);
    }
};

TEST_F(Incident, DiagnoseFindsTheKillCheckMarksTheGapsAndRemedysFixesCloseThem)
{
    inside({"useradd", "--no-create-home", "kontali"});
    inside({"sh", "-c", "mkdir -p /srv/kontali && echo ok >/srv/kontali/health && chmod -R a+rX /srv/kontali"});
    member({"unit", "remove", kBackend});
    // The box: a slice with 64 MiB, no swap in it. The backend, as someone
    // set it up by hand: no Restart=, no MemoryMax=, and it grows.
    ASSERT_EQ(inside({"sh", "-c",
                      "printf '[Slice]\\nMemoryMax=64M\\nMemorySwapMax=0\\n' >/etc/systemd/system/incident.slice && "
                      "printf '[Service]\\nSlice=incident.slice\\nUser=kontali\\nExecStart=/bin/sh -c \"sleep 1; exec tail /dev/zero\"\\n"
                      "\\n[Install]\\nWantedBy=multi-user.target\\n' >/etc/systemd/system/kontali-backend.service && "
                      "systemctl daemon-reload && systemctl enable --now kontali-backend.service"})
                  .exitCode,
              0);
    bool down = false;
    for (int i = 0; i < 100 && !down; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        down = show(kBackend, "ActiveState") == "failed";
    }
    ASSERT_TRUE(down) << "no restart policy: it stays down; " << show(kBackend, "ActiveState");
    // systemd learns of OOM kills from cgroup v2's memory.events; on a v1
    // host it sees only the SIGKILL. The kernel log names the kill either way.
    auto result = show(kBackend, "Result");
    EXPECT_TRUE(result == "oom-kill" || result == "signal") << result;

    // The investigation.
    auto diagnosed = member({"--json", "diagnose"});
    ASSERT_EQ(diagnosed.exitCode, 0) << diagnosed.err;
    auto report = nlohmann::json::parse(diagnosed.out);
    nlohmann::json kill;
    for (const auto& entry : report["oom_kills"])
        if (entry["unit"] == kBackend)
            kill = entry;
    ASSERT_FALSE(kill.is_null()) << report["oom_kills"].dump();
    EXPECT_EQ(kill["process"], "tail");
    EXPECT_EQ(kill["kind"], "cgroup");
    EXPECT_EQ(kill["time"].get<std::string>().substr(0, 2), "20") << "an ISO 8601 time";
    nlohmann::json unit;
    for (const auto& entry : report["units"])
        if (entry["unit"] == kBackend)
            unit = entry;
    ASSERT_FALSE(unit.is_null()) << report["units"].dump();
    EXPECT_EQ(unit["result"], result);
    EXPECT_EQ(unit["restart"], "no");
    auto findings = report["findings"].dump();
    EXPECT_NE(findings.find(std::string(kBackend) + " has no restart policy"), std::string::npos) << findings;
    EXPECT_NE(findings.find(std::string(kBackend) + " has no health check"), std::string::npos) << findings;

    // The checklist, before.
    auto before = member({"--json", "check", "--unit", kBackend});
    EXPECT_EQ(before.exitCode, 1) << "items fail: " << before.err;
    auto checked = nlohmann::json::parse(before.out);
    for (const auto* id : {"service_systemd", "restart_policy", "memory_limit", "health_check", "metrics"})
        EXPECT_EQ(item(checked, id)["status"], "fail") << id;
    EXPECT_EQ(item(checked, "log_rotation")["status"], "pass") << "it logs to the journal";
    EXPECT_EQ(item(checked, "database_pool")["status"], "not_checked");
    auto plain = member({"check", "--unit", kBackend}).out;
    EXPECT_NE(plain.find("- [ ] Restarts after a crash (kontali-backend.service): Restart=no\n"), std::string::npos) << plain;
    EXPECT_EQ(plain.find("\033["), std::string::npos) << "no colors without a terminal";

    // The fixes, by a member of group remedy, as check printed them. Swap
    // goes on the real disk at /srv/swap (the sandbox's / is an overlay).
    auto recommended = checked["swap"]["recommended"].get<std::uint64_t>();
    if (checked["swap"]["total"].get<std::uint64_t>() < recommended) {
        auto swap = member({"swap", "create", "/srv/swap/swapfile", "--size", std::to_string(recommended >> 20) + "M"});
        ASSERT_EQ(swap.exitCode, 0) << swap.err;
    }
    ASSERT_EQ(inside({"sh", "-c",
                      "mkdir -p /tmp/fix && printf '[Service]\\nUser=kontali\\nWorkingDirectory=/srv/kontali\\n"
                      "ExecStart=/usr/bin/python3 -m http.server --bind 127.0.0.1 8090\\nRestart=always\\nRestartSec=1\\n"
                      "\\n[Install]\\nWantedBy=multi-user.target\\n' >/tmp/fix/kontali-backend.service && chmod -R a+rX /tmp/fix"})
                  .exitCode,
              0);
    // The admin's own unit file, put in place by the admin (a raw unit is root's).
    auto reinstalled = inside({"remedyctl", "unit", "install", "/tmp/fix/kontali-backend.service", "--force"});
    ASSERT_EQ(reinstalled.exitCode, 0) << reinstalled.err;
    auto limited = runFix(item(checked, "memory_limit"));
    ASSERT_EQ(limited.exitCode, 0) << limited.err;
    auto health = runFix(item(checked, "health_check"), {{"PORT", "8090"}});
    ASSERT_EQ(health.exitCode, 0) << health.err;
    auto metrics = runFix(item(checked, "metrics"));
    ASSERT_EQ(metrics.exitCode, 0) << metrics.err;

    // A remedyd started afresh (its own mount namespace) must still know
    // the swapfile: /proc/swaps names it by its path within /srv/swap there.
    inside({"systemctl", "stop", "remedyd.service"});
    auto again = member({"--json", "swap", "create", "/srv/swap/swapfile", "--size", std::to_string(recommended >> 20) + "M"});
    EXPECT_EQ(again.exitCode, 0) << again.err;
    EXPECT_NE(again.out.find("\"changed\":false"), std::string::npos) << again.out;

    // After: every judged item passes (swap counts what is active on this
    // machine, so it is judged against the swap just made).
    auto after = member({"--json", "check", "--unit", kBackend});
    auto fixed = nlohmann::json::parse(after.out);
    EXPECT_EQ(after.exitCode, 0) << after.out;
    EXPECT_EQ(fixed["summary"]["failed"], 0) << fixed.dump(2);
    EXPECT_EQ(fixed["summary"]["not_checked"], 2);
    EXPECT_EQ(fixed["oom_kills"].get<int>() >= 1, true);

    // The metrics, as node_exporter's textfile collector would read them,
    // through Prometheus' own parser; the timer writes them a second after
    // it starts.
    for (int i = 0; i < 100 && inside({"test", "-s", "/var/lib/prometheus/node-exporter/remedy.prom"}).exitCode != 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto parsed = inside({"/usr/bin/python3", "-c",
                          "import sys\n"
                          "from prometheus_client.parser import text_string_to_metric_families as parse\n"
                          "for family in parse(open('/var/lib/prometheus/node-exporter/remedy.prom').read()):\n"
                          "    for s in family.samples:\n"
                          "        print(family.type, s.name, s.labels.get('item', ''), s.labels.get('unit', ''), s.value)\n"});
    ASSERT_EQ(parsed.exitCode, 0) << parsed.err;
    EXPECT_NE(parsed.out.find("gauge remedy_check_status restart_policy kontali-backend.service 1.0\n"), std::string::npos) << parsed.out;
    EXPECT_NE(parsed.out.find("gauge remedy_check_failed_items   0.0\n"), std::string::npos) << parsed.out;
    EXPECT_NE(parsed.out.find("gauge remedy_oom_kills "), std::string::npos) << "the timer runs as root: it may read the kernel log";
    EXPECT_NE(parsed.out.find("gauge remedy_swap_recommended_bytes"), std::string::npos);

    // An outsider gets the checklist and the reason the OOM count is withheld.
    auto outsider = insideAs("remedy-outsider", {"remedyctl", "--json", "check", "--unit", kBackend});
    auto seen = nlohmann::json::parse(outsider.out);
    EXPECT_EQ(seen["summary"]["failed"], 0) << outsider.out;
    EXPECT_TRUE(seen["oom_kills"].is_null());
    ASSERT_EQ(seen["withheld"].size(), 1U);
    EXPECT_NE(seen["withheld"][0].get<std::string>().find("org.remedy.diagnose"), std::string::npos);

    // Leave nothing: the service, its health check, the metrics, the swap.
    EXPECT_EQ(member({"unit", "remove", kBackend}).exitCode, 0);
    EXPECT_EQ(member({"unit", "remove", "remedy-metrics.service"}).exitCode, 0);
    EXPECT_EQ(member({"swap", "remove", "/srv/swap/swapfile"}).exitCode, 0);
    inside({"sh", "-c", "rm /etc/systemd/system/incident.slice; systemctl daemon-reload"});
}

} // namespace
