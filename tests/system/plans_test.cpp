// System tier, plans: the whole fix from one file, applied by a member of
// group remedy against the real systemd, kernel and polkit; applied twice,
// undone, refused, failed half-way, and applied by twenty clients at once.

#include "system_tier.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace remedy::test;

namespace {

const std::string kPlanDir = "/tmp/remedy-plans";

const std::string kPlan = R"({"version": 1,
  "description": "the incident's fix, on the sandbox's real disk",
  "swap": {"path": "/srv/swap/swapfile", "size": "64M"},
  "services": [{"name": "kontali-plan.service", "user": "kontali", "working_directory": "/srv/kontali",
                "exec_start": ["/usr/bin/python3", "-m", "http.server", "--bind", "127.0.0.1", "8097"],
                "restart": "always", "memory_max": "256M", "logs_directory": "kontali-plan", "log_rotate": true,
                "health_check": {"url": "http://127.0.0.1:8097/health", "interval": "5s", "timeout": "2s"}}],
  "memory_limits": [{"unit": "kontali-plan.service", "high": "200M"}],
  "metrics": {}})";

class Plans : public SystemTier {
protected:
    void SetUp() override
    {
        inside({"useradd", "--no-create-home", "kontali"});
        ASSERT_EQ(inside({"sh", "-c", "mkdir -p /srv/kontali && echo ok >/srv/kontali/health && chmod -R a+rX /srv/kontali && "
                                      "mkdir -p " + kPlanDir + " && chmod 755 " + kPlanDir})
                      .exitCode,
                  0);
    }

    static std::string planFile(const std::string& name, const std::string& text)
    {
        auto path = kPlanDir + "/" + name;
        EXPECT_EQ(inside({"sh", "-c", "printf '%s' \"$0\" >" + path + " && chmod 644 " + path, text}).exitCode, 0);
        return path;
    }

    // What a plan may touch: files (content and mtime), swap, units.
    static std::string systemState()
    {
        return inside({"sh", "-c",
                       "find /etc/fstab /etc/systemd/system /etc/systemd/system.control /etc/logrotate.d /srv/swap -type f "
                       "-exec stat -c '%n %Y.%y %s' {} + 2>/dev/null | sort; "
                       "find /etc/fstab /etc/systemd/system /etc/systemd/system.control /etc/logrotate.d -type f -exec md5sum {} + "
                       "2>/dev/null | sort; tail -n +2 /proc/swaps; "
                       "systemctl show -p ActiveState -p UnitFileState kontali-plan.service remedy-metrics.timer "
                       "remedy-health-kontali-plan.timer"})
            .out;
    }

    static std::string fstab() { return inside({"cat", "/etc/fstab"}).out; }
};

TEST_F(Plans, PreviewAndDryRunChangeNothingAndASecondApplyChangesNothing)
{
    auto original = fstab();
    auto path = planFile("fix.json", kPlan);
    auto before = systemState();
    auto preview = member({"--json", "plan", path});
    ASSERT_EQ(preview.exitCode, 0) << preview.err;
    auto previewed = nlohmann::json::parse(preview.out);
    EXPECT_EQ(previewed["changed"], true);
    EXPECT_EQ(previewed["steps"].size(), 5U);
    auto dry = member({"--json", "apply", path, "--dry-run"});
    ASSERT_EQ(dry.exitCode, 0) << dry.err;
    EXPECT_EQ(systemState(), before) << "preview and dry run touched the system";

    auto applied = member({"--json", "apply", path});
    ASSERT_EQ(applied.exitCode, 0) << applied.err << applied.out;
    auto report = nlohmann::json::parse(applied.out);
    EXPECT_EQ(report["changed"], true);
    for (const auto& step : report["steps"])
        EXPECT_EQ(step["status"], "changed") << step.dump();
    EXPECT_EQ(show("kontali-plan.service", "ActiveState"), "active");
    EXPECT_NE(inside({"cat", "/proc/swaps"}).out.find("swapfile"), std::string::npos);

    auto after = systemState();
    auto again = member({"--json", "apply", path});
    ASSERT_EQ(again.exitCode, 0) << again.err;
    auto second = nlohmann::json::parse(again.out);
    EXPECT_EQ(second["changed"], false);
    for (const auto& step : second["steps"])
        EXPECT_EQ(step["status"], "unchanged") << step.dump();
    EXPECT_EQ(systemState(), after) << "the second apply moved a file's content or mtime";

    // Undo: everything as it was, fstab byte for byte.
    auto id = report["history_id"].dump();
    auto history = nlohmann::json::parse(member({"--json", "history"}).out)["history"];
    EXPECT_EQ(history.back()["id"].dump(), id);
    EXPECT_EQ(history.back()["uid"], std::stoi(inside({"id", "-u", "remedy-member"}).out));
    auto undone = member({"--json", "undo", id});
    ASSERT_EQ(undone.exitCode, 0) << undone.err;
    EXPECT_EQ(inside({"sh", "-c", "tail -n +2 /proc/swaps"}).out, "");
    EXPECT_NE(inside({"test", "-e", "/srv/swap/swapfile"}).exitCode, 0);
    EXPECT_EQ(show("kontali-plan.service", "LoadState"), "not-found");
    EXPECT_EQ(fstab(), original) << "byte for byte";
    EXPECT_EQ(inside({"sh", "-c", "ls /etc/systemd/system /etc/logrotate.d | grep -c 'kontali-plan\\|remedy-health\\|remedy-metrics'"}).out, "0\n");
}

TEST_F(Plans, UndoGivesBackTheByteIdenticalFstabAndRefusesAfterAHandEdit)
{
    auto original = fstab();
    auto path = planFile("fix.json", kPlan);
    auto applied = nlohmann::json::parse(member({"--json", "apply", path}).out);
    ASSERT_EQ(applied["changed"], true);
    auto id = applied["history_id"].dump();

    inside({"sh", "-c", "echo '# an admin was here' >>/etc/systemd/system/kontali-plan.service"});
    auto refused = member({"undo", id});
    EXPECT_EQ(refused.exitCode, 2) << refused.err;
    EXPECT_NE(refused.err.find("/etc/systemd/system/kontali-plan.service changed since it was applied"), std::string::npos) << refused.err;
    EXPECT_EQ(show("kontali-plan.service", "ActiveState"), "active") << "nothing was touched";

    inside({"sed", "-i", "/an admin was here/d", "/etc/systemd/system/kontali-plan.service"});
    auto undone = member({"undo", id});
    ASSERT_EQ(undone.exitCode, 0) << undone.err;
    EXPECT_EQ(fstab(), original);
    EXPECT_EQ(inside({"sh", "-c", "ls /etc/systemd/system /etc/logrotate.d | grep -c 'kontali-plan\\|remedy-health\\|remedy-metrics'"}).out, "0\n");
}

TEST_F(Plans, AFailingThirdStepUndoesTheFirstTwo)
{
    auto original = fstab();
    auto path = planFile("broken.json", R"({"version": 1,
      "swap": {"path": "/srv/swap/swapfile", "size": "64M"},
      "services": [{"name": "fine-plan.service", "user": "kontali", "exec_start": ["/bin/sleep", "infinity"]},
                   {"name": "broken-plan.service", "user": "kontali", "exec_start": ["/bin/sh", "-c", "exit 3"]}]})");
    auto applied = member({"--json", "apply", path});
    EXPECT_EQ(applied.exitCode, 1) << applied.err;
    auto report = nlohmann::json::parse(applied.out);
    EXPECT_EQ(report["steps"][0]["status"], "undone");
    EXPECT_EQ(report["steps"][1]["status"], "undone");
    EXPECT_EQ(report["steps"][2]["status"], "failed");
    EXPECT_NE(report["error"].get<std::string>().find("step 3 (service broken-plan.service) failed"), std::string::npos) << report["error"];
    EXPECT_NE(applied.err.find("undone: step 2, 1"), std::string::npos) << applied.err;
    EXPECT_EQ(fstab(), original);
    EXPECT_NE(inside({"test", "-e", "/srv/swap/swapfile"}).exitCode, 0);
    EXPECT_EQ(inside({"sh", "-c", "tail -n +2 /proc/swaps"}).out, "");
}

// A plan's fstab step is any mount: root in disguise, so a member's plan
// with one is refused whole, before any step, and an administrator applies it.
TEST_F(Plans, AnFstabStepIsTheAdministratorsNotTheGroups)
{
    auto path = planFile("mount.json", R"({"version": 1,
      "swap": {"path": "/srv/swap/swapfile", "size": "64M"},
      "fstab": [{"source": "tmpfs", "target": "/scratch", "type": "tmpfs", "options": "size=16M"}]})");
    auto before = systemState();
    auto refused = member({"apply", path});
    EXPECT_EQ(refused.exitCode, 4) << refused.err;
    EXPECT_NE(refused.err.find("org.remedy.fstab.manage"), std::string::npos) << refused.err;
    auto preview = member({"plan", path});
    EXPECT_EQ(preview.exitCode, 4) << preview.err;
    EXPECT_EQ(systemState(), before);

    auto applied = inside({"remedyctl", "--json", "apply", path});
    ASSERT_EQ(applied.exitCode, 0) << applied.err;
    EXPECT_EQ(inside({"grep", "-c", "/scratch", "/etc/fstab"}).out, "1\n");
    auto id = nlohmann::json::parse(applied.out)["history_id"].dump();
    ASSERT_EQ(inside({"remedyctl", "undo", id}).exitCode, 0);
    EXPECT_EQ(inside({"grep", "-c", "/scratch", "/etc/fstab"}).out, "0\n");
}

TEST_F(Plans, ACallerGrantedOnlySwapCannotInstallUnitsThroughAPlan)
{
    inside({"useradd", "--no-create-home", "remedy-swaponly"});
    ASSERT_EQ(inside({"sh", "-c",
                      "cat >/etc/polkit-1/rules.d/60-remedy-test.rules <<'RULES'\n"
                      "polkit.addRule(function(action, subject) {\n"
                      "    if (subject.user == 'remedy-swaponly' &&\n"
                      "        (action.id == 'org.remedy.swap.manage' || action.id == 'org.remedy.plan.apply'))\n"
                      "        return polkit.Result.YES;\n"
                      "});\n"
                      "RULES"})
                  .exitCode,
              0);
    auto path = planFile("fix.json", kPlan);
    auto before = systemState();
    // polkitd reads new rules within a moment.
    auto swapOnly = planFile("swap.json", R"({"version": 1, "swap": {"path": "/srv/swap/swapfile", "size": "64M"}})");
    Outcome allowed;
    for (int i = 0; i < 50; ++i) {
        allowed = insideAs("remedy-swaponly", {"remedyctl", "--no-ask-password", "apply", swapOnly, "--dry-run"});
        if (allowed.exitCode == 0)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(allowed.exitCode, 0) << "the swap-only rule: " << allowed.err;

    auto refused = insideAs("remedy-swaponly", {"remedyctl", "--no-ask-password", "apply", path});
    EXPECT_EQ(refused.exitCode, 4) << refused.err;
    // Refused for an action it lacks (fstab's or the units'), before any step.
    EXPECT_NE(refused.err.find("not authorized for org.remedy."), std::string::npos) << refused.err;
    EXPECT_EQ(refused.err.find("org.remedy.swap.manage"), std::string::npos) << refused.err;
    EXPECT_EQ(systemState(), before) << "the swap step ran although the unit steps were refused";
    inside({"rm", "/etc/polkit-1/rules.d/60-remedy-test.rules"});
}

TEST_F(Plans, TwentyClientsApplyingOnePlanMakeOneOfEverything)
{
    auto path = planFile("fix.json", kPlan);
    std::vector<std::thread> clients;
    std::vector<Outcome> outcomes(20);
    for (std::size_t i = 0; i < outcomes.size(); ++i)
        clients.emplace_back([&outcomes, &path, i] { outcomes[i] = member({"--json", "apply", path}); });
    for (auto& client : clients)
        client.join();
    int changed = 0;
    for (const auto& outcome : outcomes) {
        ASSERT_EQ(outcome.exitCode, 0) << outcome.err;
        changed += nlohmann::json::parse(outcome.out)["changed"].get<bool>();
    }
    EXPECT_EQ(changed, 1);
    EXPECT_EQ(inside({"grep", "-c", "/srv/swap/swapfile", "/etc/fstab"}).out, "1\n");
    EXPECT_EQ(inside({"sh", "-c", "tail -n +2 /proc/swaps | wc -l"}).out, "1\n");
    EXPECT_EQ(inside({"sh", "-c", "ls /etc/systemd/system | grep -c '^kontali-plan.service$'"}).out, "1\n");
    auto history = nlohmann::json::parse(member({"--json", "history"}).out)["history"];
    ASSERT_EQ(member({"undo", history.back()["id"].dump()}).exitCode, 0);
}

TEST_F(Plans, TheAnsiblePlaybookReportsChangedThenOk)
{
    auto path = planFile("fix.json", kPlan);
    ASSERT_EQ(inside({"sh", "-c", "mkdir -p /tmp/ansible-home && chown remedy-member /tmp/ansible-home"}).exitCode, 0);
    auto playbook = [&] {
        return insideAs("remedy-member", {"env", "HOME=/tmp/ansible-home", "ANSIBLE_NOCOLOR=1", "ANSIBLE_REMOTE_TMP=/tmp/ansible-home/tmp",
                                          "ANSIBLE_LOCAL_TEMP=/tmp/ansible-home/local", "ansible-playbook", "-i", "localhost,",
                                          "-c", "local", REMEDY_SOURCE_DIR "/examples/ansible/remedy.yml", "-e", "remedy_plan=" + path});
    };
    auto first = playbook();
    ASSERT_EQ(first.exitCode, 0) << first.out << first.err;
    EXPECT_NE(first.out.find("ok=2    changed=1"), std::string::npos) << "remedy.remedy.plan changed, and said what: " << first.out;
    EXPECT_EQ(show("kontali-plan.service", "ActiveState"), "active");
    auto second = playbook();
    ASSERT_EQ(second.exitCode, 0) << second.out << second.err;
    EXPECT_NE(second.out.find("ok=1    changed=0"), std::string::npos) << second.out;
    auto history = nlohmann::json::parse(member({"--json", "history"}).out)["history"];
    ASSERT_EQ(member({"undo", history.back()["id"].dump()}).exitCode, 0);
}

TEST_F(Plans, MalformedPlansAreRefusedBeforeAnythingRuns)
{
    auto before = systemState();
    auto refused = [&](const std::string& name, const std::string& text, const std::string& says) {
        auto got = member({"apply", planFile(name, text)});
        EXPECT_EQ(got.exitCode, 2) << name << ": " << got.err;
        EXPECT_NE(got.err.find(says), std::string::npos) << name << ": " << got.err;
    };
    refused("types.json", R"({"version": 1, "swap": {"path": "/srv/swap/swapfile", "size": 64}})", "swap.size: must be a string");
    refused("unknown.json", R"({"version": 1, "swap": {"path": "/srv/swap/swapfile", "size": "64M", "sise": "1G"}})",
            "swap.sise: is not a field remedy knows");
    refused("version.json", R"({"version": 9, "swap": {"size": "64M"}})", "version: 9 is not a version this remedy reads");
    refused("deep.json", R"({"version": 1, "x": )" + std::string(5000, '[') + std::string(5000, ']') + "}", "nested deeper than 8 levels");
    refused("bad-service.json", R"({"version": 1, "swap": {"path": "/srv/swap/swapfile", "size": "64M"},
        "services": [{"name": "dbus.service", "user": "kontali", "exec_start": ["/bin/true"]}]})",
            "services[0]:");
    auto huge = kPlanDir + "/huge.json";
    inside({"sh", "-c", "{ printf '{\"version\": 1, \"description\": \"'; head -c 10485760 /dev/zero | tr '\\0' x; printf '\"}'; } >" + huge +
                            " && chmod 644 " + huge});
    auto tooLarge = member({"apply", huge});
    EXPECT_EQ(tooLarge.exitCode, 2) << tooLarge.err;
    EXPECT_NE(tooLarge.err.find("at most 1024 KiB"), std::string::npos) << tooLarge.err;
    EXPECT_EQ(systemState(), before);
}

} // namespace
