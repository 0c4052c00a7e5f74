// The prevention checklist judged from facts: each item's verdict and the
// exact command that fixes it; the Prometheus text; the facts gathered from
// a machine (faked) and a root directory.

#include "core/checklist.h"
#include "core/gather.h"
#include "core/proc.h"
#include "core/unit_files.h"
#include "fake_host.h"
#include "fake_systemd.h"
#include "scratch_root.h"

#include <gtest/gtest.h>

using namespace remedy;
using remedy::test::FakeHost;
using remedy::test::FakeSystemd;

namespace {

constexpr std::uint64_t kGiB = 1024ull * 1024 * 1024;

// The machine after the incident: 7.6 GiB, no swap, the backend under
// systemd but with no restart policy, no limit, no health check.
ChecklistFacts incident()
{
    ChecklistFacts facts;
    facts.memoryTotal = 8160437862;
    facts.recommendedSwap = 8160437862;
    ServiceFacts backend;
    backend.name = "kontali-backend.service";
    backend.state = {"loaded", "active", "running", "/etc/systemd/system/kontali-backend.service", "enabled", "success", "no", 4242};
    backend.logsToFiles = true;
    facts.services.push_back(backend);
    facts.serviceAsked = true;
    facts.oomKills = 1;
    return facts;
}

const nlohmann::json& find(const nlohmann::json& report, const std::string& id)
{
    for (const auto& item : report["items"])
        if (item["id"] == id)
            return item;
    static const nlohmann::json missing;
    ADD_FAILURE() << "no item " << id;
    return missing;
}

TEST(Checklist, TheIncidentFailsWhereItsReportSaysAndNamesEachFix)
{
    auto report = checklist(incident());
    EXPECT_EQ(find(report, "swap")["status"], "fail");
    EXPECT_EQ(find(report, "swap")["fix"], "remedyctl swap create --size 7783M");
    EXPECT_EQ(find(report, "swap")["detail"], "none active, 7.6G recommended for 7.6G of RAM");
    EXPECT_EQ(find(report, "swap_persisted")["status"], "fail");
    EXPECT_EQ(find(report, "service_systemd")["status"], "pass");
    EXPECT_EQ(find(report, "restart_policy")["status"], "fail");
    EXPECT_EQ(find(report, "restart_policy")["detail"], "Restart=no");
    EXPECT_EQ(find(report, "memory_limit")["fix"], "remedyctl unit limits kontali-backend.service --memory-max 1792M")
        << "a quarter of RAM in 256 MiB steps";
    EXPECT_EQ(find(report, "health_check")["fix"], "remedyctl health add kontali-backend.service --url http://127.0.0.1:PORT/health");
    EXPECT_EQ(find(report, "log_rotation")["status"], "fail");
    EXPECT_EQ(find(report, "metrics")["fix"], "remedyctl check --install-metrics-timer");
    EXPECT_EQ(find(report, "database_pool")["status"], "not_checked");
    EXPECT_TRUE(find(report, "database_pool")["fix"].is_null());
    EXPECT_EQ(report["summary"], (nlohmann::json{{"passed", 1}, {"failed", 7}, {"not_checked", 2}}));
    EXPECT_EQ(report["oom_kills"], 1);
}

TEST(Checklist, EveryJudgedItemPassesOnceTheFixesAreIn)
{
    auto facts = incident();
    facts.swaps = {{"/swapfile", "file", 8 * kGiB - 4096, 0, -2}};  // /proc/swaps: the header page left out
    facts.recommendedSwap = 8 * kGiB;
    facts.fstabSwaps = {"/swapfile"};
    auto& backend = facts.services.front();
    backend.state.restart = "always";
    backend.state.memoryMax = 2 * kGiB;
    backend.healthCheck = true;
    backend.logRotation = true;
    facts.metricsTimer = true;
    auto report = checklist(facts);
    EXPECT_EQ(report["summary"], (nlohmann::json{{"passed", 8}, {"failed", 0}, {"not_checked", 2}})) << report.dump(2);
    for (const auto& item : report["items"]) {
        if (item["status"] == "pass") {
            EXPECT_TRUE(item["fix"].is_null()) << item["id"];
        }
    }
}

TEST(Checklist, TooLittleSwapIsGrownInPlaceAndUnpersistedSwapGetsItsLine)
{
    auto facts = incident();
    facts.swaps = {{"/swapfile", "file", 2 * kGiB - 4096, 0, -2}};
    facts.recommendedSwap = 8 * kGiB;
    auto report = checklist(facts);
    EXPECT_EQ(find(report, "swap")["fix"], "remedyctl swap resize /swapfile --size 8G");
    EXPECT_EQ(find(report, "swap_persisted")["fix"], "remedyctl fstab add /swapfile none swap");
}

TEST(Checklist, AServiceThatIsNotThereFailsEveryServiceItemWithTheInstallCommand)
{
    auto facts = incident();
    facts.services.front().state = {"not-found", "inactive", "dead"};
    auto report = checklist(facts);
    for (const auto* id : {"service_systemd", "restart_policy", "memory_limit", "health_check", "log_rotation"}) {
        EXPECT_EQ(find(report, id)["status"], "fail") << id;
        EXPECT_EQ(find(report, id)["fix"].get<std::string>().rfind("remedyctl service create kontali-backend.service --user USER", 0), 0U);
    }
    facts.services.clear();
    facts.serviceAsked = false;
    EXPECT_EQ(find(checklist(facts), "service_systemd")["detail"], "remedy installed no service here; name yours with --unit");
}

TEST(Checklist, PrometheusTextHasAGaugePerJudgedItemAndEscapesLabels)
{
    auto facts = incident();
    facts.services.front().name = "odd\"name\\.service";
    facts.services.front().state.nRestarts = 3;
    auto text = prometheusText(checklist(facts));
    EXPECT_NE(text.find("# TYPE remedy_check_status gauge\n"), std::string::npos);
    EXPECT_NE(text.find("remedy_check_status{item=\"swap\",unit=\"\"} 0\n"), std::string::npos) << text;
    EXPECT_NE(text.find("remedy_check_status{item=\"service_systemd\",unit=\"odd\\\"name\\\\.service\"} 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("remedy_unit_restarts{unit=\"odd\\\"name\\\\.service\"} 3\n"), std::string::npos) << text;
    EXPECT_NE(text.find("remedy_check_failed_items 7\n"), std::string::npos);
    EXPECT_NE(text.find("remedy_oom_kills 1\n"), std::string::npos);
    EXPECT_EQ(text.find("database_pool"), std::string::npos) << "not judged, not exported";
    facts.oomKills.reset();
    EXPECT_EQ(prometheusText(checklist(facts)).find("remedy_oom_kills"), std::string::npos) << "withheld, not zero";
}

TEST(Checklist, SizesReadBackAsRemedyctlArguments)
{
    EXPECT_EQ(sizeArgument(4 * kGiB), "4G");
    EXPECT_EQ(sizeArgument(1536ull << 20), "1536M");
    EXPECT_EQ(sizeArgument((1ull << 20) + 1), "2M") << "rounded up, never below what is needed";
}

const std::string kSwapsHeader = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";

const nlohmann::json& find(const nlohmann::json& report, const std::string& id, const std::string& unit)
{
    for (const auto& item : report["items"])
        if (item["id"] == id && item["unit"] == unit)
            return item;
    static const nlohmann::json missing;
    ADD_FAILURE() << "no item " << id << " of " << unit;
    return missing;
}

class ChecklistReport : public remedy::test::ScratchRootTest {
protected:
    void SetUp() override { makeRoot("checklist-test", {"etc/systemd/system", "etc/logrotate.d"}); }
    nlohmann::json report(const std::string& unit = "", const std::string& withheld = "")
    {
        return nlohmann::json::parse(checklistReport(rootFd_.get(), host_, systemd_, unit, withheld));
    }
    void writeManaged(const std::string& path, const std::string& unit) { write(path, managedHeader(unit) + "[Service]\n"); }

    FakeHost host_;
    FakeSystemd systemd_;
};

TEST_F(ChecklistReport, ASwapfileShownByItsPathWithinItsMountGetsItsFstabPathBack)
{
    write("etc/fstab", "/srv/swap/swapfile none swap defaults 0 0\n");
    host_.procFiles["swaps"] = kSwapsHeader + "/swapfile                               file\t\t2097148\t\t0\t\t-2\n";
    host_.withinMounts["/srv/swap/swapfile"] = "/swapfile";
    EXPECT_EQ(find(report(), "swap_persisted")["status"], "pass");
    // A /swapfile here is another file: the area is that one, not in fstab.
    host_.files.insert("/swapfile");
    EXPECT_EQ(find(report(), "swap_persisted")["detail"], "/swapfile is not in /etc/fstab");
}

TEST_F(ChecklistReport, ASwapNamedByUuidInFstabCountsForThePartitionsOnly)
{
    write("etc/fstab", "UUID=0a1b2c3d none swap sw 0 0\n");
    host_.procFiles["swaps"] = kSwapsHeader + "/dev/vda2                               partition\t2097148\t\t0\t\t-2\n";
    EXPECT_EQ(find(report(), "swap_persisted")["status"], "pass");
    host_.procFiles["swaps"] += "/swapfile                               file\t\t2097148\t\t0\t\t-3\n";
    EXPECT_EQ(find(report(), "swap_persisted")["detail"], "/swapfile is not in /etc/fstab");
}

TEST_F(ChecklistReport, RemedysServicesAreJudgedOnTheirLogRotationAndHealthCheck)
{
    writeManaged("etc/systemd/system/app.service", "app.service");
    writeManaged("etc/systemd/system/worker.service", "worker.service");
    writeManaged("etc/systemd/system/remedy-health-app.service", "app.service");  // remedy's own
    write("etc/systemd/system/admins.service", "[Service]\n");                  // not remedy's
    write("etc/logrotate.d/remedy-app", managedHeader("app.service") + "/var/log/app/*.log {\n}\n");
    systemd_.units["app.service"] = {"loaded", "active", "running"};
    systemd_.units["app.service"].logsDirectory = {"app"};
    systemd_.units["remedy-health-app.timer"] = {"loaded", "active", "waiting"};
    systemd_.units["worker.service"] = {"loaded", "active", "running"};
    systemd_.units["worker.service"].standardOutput = "append:/var/log/worker.log";
    systemd_.units["remedy-metrics.timer"] = {"loaded", "active", "waiting"};

    auto doc = report();
    ASSERT_EQ(doc["units"].size(), 2U) << doc["units"].dump();
    EXPECT_EQ(doc["units"][0]["unit"], "app.service");
    EXPECT_EQ(doc["units"][1]["unit"], "worker.service");
    EXPECT_EQ(find(doc, "log_rotation", "app.service")["detail"], "/etc/logrotate.d/remedy-app");
    EXPECT_EQ(find(doc, "health_check", "app.service")["status"], "pass");
    EXPECT_EQ(find(doc, "log_rotation", "worker.service")["detail"], "it writes log files that nothing rotates");
    EXPECT_EQ(find(doc, "health_check", "worker.service")["status"], "fail");
    EXPECT_EQ(find(doc, "metrics")["status"], "pass");
    EXPECT_EQ(report("admins.service")["units"][0]["unit"], "admins.service") << "a unit asked for is checked, remedy's or not";
}

TEST_F(ChecklistReport, AWithheldCallerGetsNoKillCountAndTheReason)
{
    host_.kmsg = readFile(REMEDY_SOURCE_DIR "/tests/unit/data/kmsg-memcg-oom.txt");
    EXPECT_EQ(report()["oom_kills"], 1);
    host_.kmsgReads = 0;
    auto doc = report("", "OOM kills: not for you");
    EXPECT_EQ(host_.kmsgReads, 0);
    EXPECT_TRUE(doc["oom_kills"].is_null());
    EXPECT_EQ(doc["withheld"], nlohmann::json::array({"OOM kills: not for you"}));
}

} // namespace
