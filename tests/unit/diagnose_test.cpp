#include "core/diagnosis.h"
#include "core/gather.h"
#include "core/oom.h"
#include "core/processes.h"
#include "core/proc.h"
#include "fake_host.h"
#include "fake_systemd.h"

#include <gtest/gtest.h>

#include <unistd.h>

using namespace remedy;
using remedy::test::FakeHost;
using remedy::test::FakeSystemd;

namespace {

// /dev/kmsg as captured on this project's test machine when a process went
// over a 64 MiB memory cgroup limit (80 records, trimmed by nothing).
std::string capturedCgroupKill() { return readFile(REMEDY_SOURCE_DIR "/tests/unit/data/kmsg-memcg-oom.txt"); }

// A global kill, in the kernel's format (mm/oom_kill.c, 6.x): the
// incident's backend, in its unit's cgroup.
constexpr const char* kGlobalKill =
    "4,2210,88123456789,-;uvicorn invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0\n"
    "6,2290,88123499001,-;oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,"
    "task_memcg=/system.slice/kontali-backend.service,task=uvicorn,pid=632846,uid=1000\n"
    "3,2291,88123499050,-;Out of memory: Killed process 632846 (uvicorn) total-vm:1843200kB, anon-rss:301260kB, "
    "file-rss:10240kB, shmem-rss:0kB, UID:1000 pgtables:1234kB oom_score_adj:0\n";

} // namespace

TEST(OomKills, FindsTheCapturedCgroupKill)
{
    auto kills = parseOomKills(capturedCgroupKill());
    ASSERT_EQ(kills.size(), 1U);
    const auto& kill = kills[0];
    EXPECT_TRUE(kill.cgroupLimit);
    EXPECT_EQ(kill.process, "python3");
    EXPECT_EQ(kill.pid, 11178);
    EXPECT_EQ(kill.uid, 0U);
    EXPECT_EQ(kill.anonRss, 65148ULL * 1024);
    EXPECT_EQ(kill.fileRss, 6528ULL * 1024);
    EXPECT_EQ(kill.sinceBootUs, 7682494129ULL);
    EXPECT_NE(kill.cgroup.find("remedy-oom-sample"), std::string::npos) << kill.cgroup;
}

TEST(OomKills, FindsAGlobalKillAndItsUnit)
{
    auto kills = parseOomKills(kGlobalKill);
    ASSERT_EQ(kills.size(), 1U);
    EXPECT_FALSE(kills[0].cgroupLimit);
    EXPECT_EQ(kills[0].process, "uvicorn");
    EXPECT_EQ(kills[0].pid, 632846);
    EXPECT_EQ(kills[0].uid, 1000U);
    EXPECT_EQ(kills[0].unit, "kontali-backend.service");
}

TEST(OomKills, SkipsTruncatedAndMalformedRecords)
{
    std::string text = kGlobalKill;
    text += "3,2300,88200000000,-;Out of memory: Killed process 7 (cut\n";                                    // truncated
    text += "3,2301,88200000001,-;Out of memory: Killed process x (sh) anon-rss:1kB, file-rss:1kB, shmem-rss:0kB, UID:0\n";  // bad pid
    text += "3,2302;Out of memory: Killed process 8 (sh) anon-rss:1kB, file-rss:1kB, shmem-rss:0kB, UID:0\n";  // bad header
    text += "Out of memory: Killed process 9 (sh) anon-rss:1kB, file-rss:1kB, shmem-rss:0kB, UID:0\n";         // no header
    text += "3,2303,88200000002,-;Out of memory: Killed process 10 (sh) anon-rss:lots, file-rss:1kB, shmem-rss:0kB, UID:0\n";
    text += " SUBSYSTEM=memory\n";
    text += "3,2304,88200000003";  // cut mid-record
    auto kills = parseOomKills(text);
    ASSERT_EQ(kills.size(), 1U);
    EXPECT_EQ(kills[0].pid, 632846);
}

TEST(OomKills, NamesTheInnermostUnitOfACgroup)
{
    EXPECT_EQ(unitOfCgroup("/system.slice/kontali-backend.service"), "kontali-backend.service");
    EXPECT_EQ(unitOfCgroup("/user.slice/user-1000.slice/session-3.scope"), "session-3.scope");
    EXPECT_EQ(unitOfCgroup("/system.slice/app.service/worker"), "app.service");
    EXPECT_EQ(unitOfCgroup("/process_api/abc"), "");
    EXPECT_EQ(unitOfCgroup(""), "");
}

TEST(Processes, ReadsResidentMemoryFromStatm)
{
    EXPECT_EQ(residentBytes("732 459 431 6 0 89 0\n", 4096), 459ULL * 4096);
    EXPECT_FALSE(residentBytes("732", 4096).has_value());
    EXPECT_FALSE(residentBytes("732 many 1", 4096).has_value());
}

TEST(Processes, PrefersTheUnifiedCgroupLine)
{
    EXPECT_EQ(cgroupPath("9:name=systemd:/system.slice/a.service\n0::/system.slice/b.service\n"), "/system.slice/b.service");
    EXPECT_EQ(cgroupPath("9:name=systemd:/system.slice/a.service\n4:memory:/x\n"), "/system.slice/a.service");
}

TEST(Processes, GroupsWorkersOfOneProgram)
{
    std::vector<ProcessMemory> processes = {{1, "uvicorn", 100, "kontali-backend.service"},
                                            {2, "uvicorn", 120, "kontali-backend.service"},
                                            {3, "next-server", 800, ""},
                                            {4, "uvicorn", 80, "other.service"}};
    auto programs = groupByProgram(processes);
    ASSERT_EQ(programs.size(), 2U);
    EXPECT_EQ(programs[0].program, "next-server");
    EXPECT_EQ(programs[1].program, "uvicorn");
    EXPECT_EQ(programs[1].processes, 3);
    EXPECT_EQ(programs[1].rss, 300U);
    EXPECT_EQ(programs[1].units, (std::vector<std::string>{"kontali-backend.service", "other.service"}));
}

TEST(Processes, ReadsThisProcess)
{
    auto processes = readProcesses();
    bool found = false;
    for (const auto& process : processes)
        found = found || (process.pid == getpid() && process.rss > 0);
    EXPECT_TRUE(found);
}

TEST(Processes, ParsesPressureAndRefusesGarbage)
{
    auto pressure = parsePressure("some avg10=1.50 avg60=0.25 avg300=0.00 total=1521\nfull avg10=0.75 avg60=12.00 avg300=0.00 total=1089\n");
    ASSERT_TRUE(pressure.has_value());
    EXPECT_DOUBLE_EQ(pressure->someAvg10, 1.5);
    EXPECT_DOUBLE_EQ(pressure->fullAvg60, 12.0);
    EXPECT_FALSE(parsePressure("some avg10=x avg60=0 avg300=0\nfull avg10=0 avg60=0 avg300=0\n").has_value());
    EXPECT_FALSE(parsePressure("").has_value());
}

TEST(Diagnosis, SaysWhatLikelyHappenedFromTheFactsOnly)
{
    DiagnosisFacts facts;
    facts.memory = {8160437862ULL, 5368709120ULL, 0, 0};
    facts.oomKills = parseOomKills(kGlobalKill);
    facts.bootEpochUs = 1770500000LL * 1000000;
    auto doc = diagnose(facts);
    ASSERT_EQ(doc["findings"].size(), 2U);
    EXPECT_NE(doc["findings"][0].get<std::string>().find("No swap"), std::string::npos);
    auto kill = doc["findings"][1].get<std::string>();
    EXPECT_NE(kill.find("uvicorn (pid 632846, unit kontali-backend.service"), std::string::npos) << kill;
    EXPECT_NE(kill.find("no swap to fall back on"), std::string::npos) << kill;
    EXPECT_EQ(doc["oom_kills"][0]["kind"], "global");
    EXPECT_EQ(doc["oom_kills"][0]["rss"], (301260ULL + 10240) * 1024);
}

TEST(Diagnosis, WithheldKernelLogIsSaidNotHidden)
{
    DiagnosisFacts facts;
    facts.memory = {8ULL << 30, 4ULL << 30, 0, 0};
    facts.swaps = {{"/swapfile", "file", 2ULL << 30, 0, -2}};
    facts.withheld = {"OOM kills: reading the kernel log needs org.remedy.diagnose"};
    auto doc = diagnose(facts);
    EXPECT_TRUE(doc["oom_kills"].is_null());
    EXPECT_EQ(doc["withheld"].size(), 1U);
    EXPECT_TRUE(doc["findings"].empty());
    EXPECT_EQ(doc["swap"]["total"], 2ULL << 30);
}

namespace {

UnitState loaded(const std::string& restart, std::uint32_t restarts = 0)
{
    UnitState state{"loaded", "active", "running"};
    state.result = "success";
    state.restart = restart;
    state.nRestarts = restarts;
    return state;
}

class DiagnosisReport : public testing::Test {
protected:
    nlohmann::json report(const std::string& withheld = "") { return nlohmann::json::parse(diagnosisReport(host_, systemd_, withheld)); }

    FakeHost host_;
    FakeSystemd systemd_;
};

} // namespace

// After a reboot the kernel's ring buffer is empty: the kill that caused
// the trouble is still named, from the journal, at its own boot's time.
TEST_F(DiagnosisReport, AKillFromBeforeTheRebootIsStillNamedAtItsOwnTime)
{
    host_.earlier = {{host_.boot - 86400LL * 1000000, kGlobalKill}};  // a boot a day earlier
    auto doc = report();
    ASSERT_EQ(doc["oom_kills"].size(), 1U) << doc.dump();
    EXPECT_EQ(doc["oom_kills"][0]["time"], "2026-02-07T22:02:03Z") << "that boot plus the kernel's stamp";
    EXPECT_EQ(report("withheld for the test")["oom_kills"], nullptr) << "the journal is withheld with the kernel log";
}

TEST_F(DiagnosisReport, AUnitTheKernelLogNamesInAKillIsReportedWithWhatItLacks)
{
    host_.kmsg = kGlobalKill;
    host_.processList = {{1, "uvicorn", 100, "kontali-backend.service"}, {2, "uvicorn", 200, "kontali-backend.service"}};
    systemd_.units["kontali-backend.service"] = loaded("no");
    systemd_.units["quiet.service"] = loaded("always");
    systemd_.units["restarted.service"] = loaded("always", 3);
    systemd_.units["remedy-health-restarted.timer"] = {"loaded", "active", "waiting"};
    auto doc = report();
    ASSERT_EQ(doc["oom_kills"].size(), 1U);
    EXPECT_EQ(doc["oom_kills"][0]["time"], "2026-02-08T22:02:03Z") << "boot plus the kernel's stamp";
    ASSERT_EQ(doc["units"].size(), 2U) << doc["units"].dump() << ": quiet.service was neither killed nor restarted";
    EXPECT_EQ(doc["units"][0]["unit"], "kontali-backend.service");
    EXPECT_FALSE(doc["units"][0]["health_check"].get<bool>());
    EXPECT_EQ(doc["units"][1]["unit"], "restarted.service");
    EXPECT_TRUE(doc["units"][1]["health_check"].get<bool>());
    auto findings = doc["findings"].dump();
    EXPECT_NE(findings.find("kontali-backend.service has no restart policy (Restart=no)"), std::string::npos) << findings;
    EXPECT_EQ(doc["processes"][0]["processes"], 2);
    EXPECT_TRUE(doc["pressure"].is_null()) << "a kernel without PSI";
    EXPECT_TRUE(doc["withheld"].empty());
    EXPECT_TRUE(doc["unavailable"].empty());
}

TEST_F(DiagnosisReport, AWithheldCallerGetsNoKillsAndTheReason)
{
    host_.kmsg = kGlobalKill;
    systemd_.units["kontali-backend.service"] = loaded("no");
    const std::string reason = "OOM kills: reading the kernel log needs polkit action org.remedy.diagnose";
    auto doc = report(reason);
    EXPECT_EQ(host_.kmsgReads, 0) << "the kernel log was read for a caller who may not read it";
    EXPECT_TRUE(doc["oom_kills"].is_null());
    EXPECT_EQ(doc["withheld"], nlohmann::json::array({reason}));
    EXPECT_TRUE(doc["units"].empty()) << "only the withheld log names the unit";
    EXPECT_EQ(doc["memory"]["total"], 8ULL << 30) << "the rest of the report is there";
}

TEST_F(DiagnosisReport, AKernelLogThatCannotBeReadIsSaidNotHidden)
{
    host_.kmsgReadable = false;
    auto doc = report();
    EXPECT_TRUE(doc["oom_kills"].is_null());
    EXPECT_EQ(doc["withheld"], nlohmann::json::array({"OOM kills: cannot open /dev/kmsg: Operation not permitted"}));
}

// systemd is asked once for all its services, then only about those that
// matter: the cost does not grow one query per service (issue 14).
TEST_F(DiagnosisReport, AsksSystemdAboutEveryServiceAtOnceAndOnlyAboutTheFewThatMatter)
{
    host_.kmsg = kGlobalKill;
    for (int i = 0; i < 500; ++i)
        systemd_.units["quiet-" + std::to_string(i) + ".service"] = loaded("always");
    systemd_.units["kontali-backend.service"] = loaded("no");
    systemd_.units["restarted.service"] = loaded("always", 3);
    auto doc = report();
    ASSERT_EQ(doc["units"].size(), 2U) << doc["units"].dump();
    EXPECT_EQ(systemd_.listed, 1);
    EXPECT_EQ(systemd_.asked.count("quiet-0.service"), 0U) << "a quiet service was asked about on its own";
    EXPECT_EQ(systemd_.asked["kontali-backend.service"], 1);
    EXPECT_LE(systemd_.asked.size(), 4U) << "the two services and their health-check timers";
}
