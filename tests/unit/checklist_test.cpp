// The prevention checklist judged from facts: each item's verdict and the
// exact command that fixes it; the Prometheus text.

#include "core/checklist.h"

#include <gtest/gtest.h>

using namespace remedy;

namespace {

constexpr std::uint64_t kGiB = 1024ull * 1024 * 1024;

// The seed's box after the incident: 7.6 GiB, no swap, the backend under
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

TEST(Checklist, TheIncidentFailsWhereTheSeedSaysAndNamesEachFix)
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

} // namespace
