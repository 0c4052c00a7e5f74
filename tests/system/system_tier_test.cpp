// System tier: remedy installed into a throwaway systemd (tests/support/sandbox)
// and reached the way users reach it: an unprivileged remedyctl, the system
// bus, activation through systemd, polkit.service.

#include "system_tier.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

using namespace remedy::test;

namespace {

const auto* const kSandbox = testing::AddGlobalTestEnvironment(new Sandbox);

TEST_F(SystemTier, UnprivilegedStatusActivatesTheHardenedUnit)
{
    inside({"systemctl", "stop", "remedyd.service"});
    ASSERT_EQ(unitProperty("ActiveState"), "inactive");

    auto got = insideAs("remedy-member", {"remedyctl", "--json", "status"});
    ASSERT_EQ(got.exitCode, 0) << got.err;
    EXPECT_EQ(nlohmann::json::parse(got.out)["version"], "0.1.0");

    EXPECT_EQ(unitProperty("ActiveState"), "active");
    EXPECT_EQ(unitProperty("Type"), "dbus");
    EXPECT_EQ(unitProperty("BusName"), "org.remedy.Remedy1");
    EXPECT_EQ(unitProperty("NoNewPrivileges"), "yes");
    EXPECT_EQ(unitProperty("ProtectHome"), "read-only");
    EXPECT_EQ(unitProperty("PrivateTmp"), "yes");
    EXPECT_EQ(unitProperty("RestrictAddressFamilies"), "AF_UNIX");
    EXPECT_EQ(unitProperty("MemoryMax"), std::to_string(64 << 20));

    // The process that answered is the unit's main process, running as root.
    auto pid = unitProperty("MainPID");
    auto status = inside({"cat", "/proc/" + pid + "/status"}).out;
    EXPECT_NE(status.find("Uid:\t0\t0\t0\t0"), std::string::npos) << status;
}

// The policy as an admin installs it: the group has the incident's fix
// (here: the kernel log) and not remedyd's own settings.
TEST_F(SystemTier, PolkitGrantsTheMemberAndRefusesTheOutsider)
{
    ASSERT_EQ(inside({"remedyctl", "log-level", "info"}).exitCode, 0);
    auto settings = insideAs("remedy-member", {"remedyctl", "--no-ask-password", "log-level", "debug"});
    EXPECT_EQ(settings.exitCode, 4) << settings.err;
    EXPECT_EQ(inside({"remedyctl", "log-level"}).out, "info\n");

    auto refused = insideAs("remedy-outsider", {"remedyctl", "--no-ask-password", "--json", "diagnose"});
    ASSERT_EQ(refused.exitCode, 0) << refused.err;
    EXPECT_FALSE(nlohmann::json::parse(refused.out)["withheld"].empty()) << refused.out;

    auto granted = insideAs("remedy-member", {"remedyctl", "--no-ask-password", "--json", "diagnose"});
    ASSERT_EQ(granted.exitCode, 0) << granted.err;
    EXPECT_TRUE(nlohmann::json::parse(granted.out)["withheld"].empty()) << granted.out;

    // Both decisions are in the journal, the refusal as a warning.
    auto log = journal();
    EXPECT_NE(log.find("refused uid=1002"), std::string::npos);
    EXPECT_NE(log.find("authorized uid=1001"), std::string::npos);
    auto warnings = inside({"journalctl", "-u", "remedyd.service", "-p", "warning", "--no-pager", "-o", "cat"}).out;
    EXPECT_NE(warnings.find("refused uid=1002"), std::string::npos) << warnings;
    EXPECT_EQ(warnings.find("authorized uid=1001"), std::string::npos) << warnings;

    // Structured: an admin filters by kind and field, and the catalog explains.
    auto refusals = inside({"journalctl", "--no-pager", "-o", "cat", "MESSAGE_ID=5df0264e76b94398b4884a64054e6e5c", "REMEDY_UID=1002",
                            "REMEDY_ACTION=org.remedy.diagnose"})
                        .out;
    EXPECT_NE(refusals.find("refused uid=1002"), std::string::npos) << refusals;
    ASSERT_EQ(inside({"journalctl", "--update-catalog"}).exitCode, 0);
    auto explained = inside({"journalctl", "--no-pager", "-x", "MESSAGE_ID=5df0264e76b94398b4884a64054e6e5c"}).out;
    EXPECT_NE(explained.find("remedy: a request was refused"), std::string::npos) << explained;
}

TEST_F(SystemTier, SystemctlServiceLogLevelWorks)
{
    auto set = inside({"systemctl", "service-log-level", "remedyd.service", "notice"});
    ASSERT_EQ(set.exitCode, 0) << set.err;
    EXPECT_EQ(inside({"systemctl", "service-log-level", "remedyd.service"}).out, "notice\n");
    EXPECT_EQ(insideAs("remedy-outsider", {"remedyctl", "log-level"}).out, "notice\n");
}

TEST_F(SystemTier, ExitsWhenIdleAndCleanly)
{
    ASSERT_EQ(insideAs("remedy-outsider", {"remedyctl", "status"}).exitCode, 0);
    ASSERT_EQ(unitProperty("ActiveState"), "active");
    EXPECT_TRUE(waitForState("inactive", std::chrono::seconds(8)));
    EXPECT_EQ(unitProperty("Result"), "success");
}

TEST_F(SystemTier, StopsCleanlyWhenSystemdStopsIt)
{
    ASSERT_EQ(insideAs("remedy-member", {"remedyctl", "status"}).exitCode, 0);
    ASSERT_EQ(inside({"systemctl", "stop", "remedyd.service"}).exitCode, 0);
    EXPECT_EQ(unitProperty("ActiveState"), "inactive");
    EXPECT_EQ(unitProperty("Result"), "success");
}

TEST_F(SystemTier, SystemdAcceptsTheUnitAndFindsItsManualPages)
{
    auto verified = inside({"systemd-analyze", "verify", "remedyd.service"});
    EXPECT_EQ(verified.exitCode, 0) << verified.out << verified.err;
    EXPECT_EQ(verified.err, "");
}

TEST_F(SystemTier, PkactionShowsEveryAction)
{
    for (const char* action : {"org.remedy.manage", "org.remedy.swap.manage", "org.remedy.fstab.manage",
                               "org.remedy.unit.manage", "org.remedy.diagnose", "org.remedy.plan.apply"}) {
        auto got = inside({"pkaction", "--verbose", "--action-id", action});
        EXPECT_EQ(got.exitCode, 0) << action << ": " << got.err;
        EXPECT_NE(got.out.find("implicit any:      auth_admin"), std::string::npos) << got.out;
    }
}

TEST_F(SystemTier, TheHardenedUnitCanCreateAndRemoveSwap)
{
    // The unit's sandboxing (syscall filter, capabilities, ProtectSystem,
    // PrivateDevices) must leave room for the job it exists for.
    auto created = insideAs("remedy-member", {"remedyctl", "swap", "create", "/srv/swap/swapfile", "--size", "64M"});
    ASSERT_EQ(created.exitCode, 0) << created.err;
    auto swaps = inside({"cat", "/proc/swaps"}).out;
    EXPECT_NE(swaps.find("/srv/swap/swapfile"), std::string::npos) << swaps;
    EXPECT_NE(inside({"cat", "/etc/fstab"}).out.find("/srv/swap/swapfile none swap defaults 0 0"), std::string::npos);
    auto removed = insideAs("remedy-member", {"remedyctl", "swap", "remove", "/srv/swap/swapfile"});
    EXPECT_EQ(removed.exitCode, 0) << removed.err;
    EXPECT_EQ(inside({"cat", "/proc/swaps"}).out.find("/srv/swap/swapfile"), std::string::npos);
}

TEST_F(SystemTier, TheHardenedUnitCanReadTheKernelLog)
{
    // DevicePolicy=closed with DeviceAllow=/dev/kmsg r: the one device it needs.
    auto got = insideAs("remedy-member", {"remedyctl", "--json", "diagnose"});
    ASSERT_EQ(got.exitCode, 0) << got.err;
    auto report = nlohmann::json::parse(got.out);
    EXPECT_TRUE(report["oom_kills"].is_array()) << got.out;
    EXPECT_TRUE(report["withheld"].empty()) << got.out;
}

TEST_F(SystemTier, AMemberSetsAServicesMemoryLimitsThroughSystemd)
{
    ASSERT_EQ(inside({"sh", "-c",
                      "printf '# Managed by remedy\n[Service]\nExecStart=/bin/sleep infinity\n' >/etc/systemd/system/remedy-test-app.service && "
                      "systemctl daemon-reload && systemctl start remedy-test-app.service"})
                  .exitCode,
              0);
    auto show = [](const std::string& property) {
        auto got = inside({"systemctl", "show", "remedy-test-app.service", "-P", property});
        return got.out.substr(0, got.out.find('\n'));
    };

    auto refused = insideAs("remedy-outsider", {"remedyctl", "--no-ask-password", "unit", "limits", "remedy-test-app.service", "--memory-max", "64M"});
    EXPECT_EQ(refused.exitCode, 4) << refused.err;
    EXPECT_EQ(show("MemoryMax"), "infinity");
    // A unit remedy does not manage is beyond the group's right: a memory
    // limit on an admin's service would starve it.
    auto foreign = insideAs("remedy-member", {"remedyctl", "--no-ask-password", "unit", "limits", "admins-app.service", "--memory-max", "1M"});
    EXPECT_EQ(foreign.exitCode, 4) << foreign.err;
    EXPECT_NE(foreign.err.find("not a service remedy manages"), std::string::npos) << foreign.err;

    auto dry = insideAs("remedy-member", {"remedyctl", "--json", "unit", "limits", "remedy-test-app.service", "--memory-max", "64M", "--dry-run"});
    ASSERT_EQ(dry.exitCode, 0) << dry.err;
    EXPECT_EQ(show("MemoryMax"), "infinity");

    auto set = insideAs("remedy-member",
                        {"remedyctl", "--json", "unit", "limits", "remedy-test-app.service", "--memory-max", "64M", "--memory-high", "48M"});
    ASSERT_EQ(set.exitCode, 0) << set.err;
    EXPECT_EQ(nlohmann::json::parse(set.out)["changed"], true);
    EXPECT_EQ(show("MemoryMax"), std::to_string(64 << 20));
    EXPECT_EQ(show("MemoryHigh"), std::to_string(48 << 20));
    // Persistent, as systemctl set-property makes it: a drop-in.
    EXPECT_EQ(inside({"test", "-f", "/etc/systemd/system.control/remedy-test-app.service.d/50-MemoryMax.conf"}).exitCode, 0);

    auto again = insideAs("remedy-member", {"remedyctl", "--json", "unit", "limits", "remedy-test-app.service", "--memory-max", "64M"});
    EXPECT_EQ(nlohmann::json::parse(again.out)["changed"], false);

    for (const char* name : {"dbus.service", "remedyd.service", "systemd-journald.service", "../x.service", "app"}) {
        auto bad = insideAs("remedy-member", {"remedyctl", "unit", "limits", name, "--memory-max", "64M"});
        EXPECT_EQ(bad.exitCode, 2) << name << ": " << bad.err;
    }
    auto missing = inside({"remedyctl", "unit", "limits", "no-such-app.service", "--memory-max", "64M"});
    EXPECT_EQ(missing.exitCode, 2) << missing.err;
    EXPECT_NE(missing.err.find("no-such-app.service"), std::string::npos) << missing.err;
    inside({"sh", "-c", "systemctl stop remedy-test-app.service && rm /etc/systemd/system/remedy-test-app.service && "
                        "rm -r /etc/systemd/system.control/remedy-test-app.service.d && systemctl daemon-reload"});
}

TEST_F(SystemTier, NothingIsInstalledOnTheHost)
{
    ASSERT_EQ(inside({"test", "-f", "/usr/share/dbus-1/system.d/org.remedy.Remedy1.conf"}).exitCode, 0);
    EXPECT_FALSE(std::filesystem::exists("/usr/share/dbus-1/system.d/org.remedy.Remedy1.conf"));
    EXPECT_FALSE(std::filesystem::exists("/usr/libexec/remedyd"));
    EXPECT_NE(run({"getent", "passwd", "remedy-member"}).exitCode, 0);
}

} // namespace
