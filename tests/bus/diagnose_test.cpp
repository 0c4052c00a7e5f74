// Diagnostics on the bus tier: a real OOM kill by the real kernel, found by
// the real remedyd in /dev/kmsg; the outsider told what was withheld.

#include "bus_helpers.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace remedy::test;
namespace fs = std::filesystem;

namespace {

// A memory cgroup of our own with a small limit, v1 or v2 as the machine has.
class MemoryCgroup {
public:
    explicit MemoryCgroup(const std::string& name)
    {
        std::ifstream self("/proc/self/cgroup");
        std::string line;
        std::string v1;
        std::string v2;
        while (std::getline(self, line)) {
            if (line.find(":memory:") != std::string::npos)
                v1 = line.substr(line.find(":memory:") + 8);
            if (line.rfind("0::", 0) == 0)
                v2 = line.substr(3);
        }
        if (fs::exists("/sys/fs/cgroup/memory/memory.limit_in_bytes")) {
            path_ = fs::path("/sys/fs/cgroup/memory" + v1) / name;
            limitFile_ = "memory.limit_in_bytes";
        } else {
            path_ = fs::path("/sys/fs/cgroup" + v2) / name;
            limitFile_ = "memory.max";
        }
        fs::create_directory(path_);
        std::ofstream(path_ / limitFile_) << (32 << 20);
    }
    ~MemoryCgroup() { fs::remove(path_); }

    // Runs argv inside the cgroup and waits for it; returns its wait status.
    int run(const char* const argv[]) const
    {
        pid_t child = fork();
        if (child == 0) {
            std::ofstream(path_ / "cgroup.procs") << getpid() << std::flush;
            execvp(argv[0], const_cast<char* const*>(argv));
            _exit(127);
        }
        int status = 0;
        waitpid(child, &status, 0);
        return status;
    }

private:
    fs::path path_;
    std::string limitFile_;
};

} // namespace

TEST(Diagnose, FindsARealCgroupOomKillForAMember)
{
    auto name = "remedy-test-oom-" + std::to_string(getpid());
    {
        MemoryCgroup cgroup(name);
        // tail keeps a line in memory, and /dev/zero has no line end.
        const char* const hog[] = {"tail", "/dev/zero", nullptr};
        int status = cgroup.run(hog);
        ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "status " << status;
    }
    auto got = remedyctlAs(Caller::Member, {"--json", "diagnose"});
    ASSERT_EQ(got.exitCode, 0) << got.err;
    auto report = nlohmann::json::parse(got.out);
    ASSERT_TRUE(report["oom_kills"].is_array()) << got.out;
    bool found = false;
    for (const auto& kill : report["oom_kills"])
        found = found || (kill["process"] == "tail" && kill["kind"] == "cgroup" &&
                          kill["cgroup"].get<std::string>().find(name) != std::string::npos && kill["rss"].get<std::uint64_t>() > 0);
    EXPECT_TRUE(found) << report["oom_kills"].dump(2);
    bool explained = false;
    for (const auto& finding : report["findings"])
        explained = explained || (finding.get<std::string>().find("tail (pid") != std::string::npos &&
                                  finding.get<std::string>().find("memory limit") != std::string::npos);
    EXPECT_TRUE(explained) << report["findings"].dump(2);
    EXPECT_TRUE(report["withheld"].empty());
}

TEST(Diagnose, AnOutsiderGetsTheRestAndIsToldWhatWasWithheld)
{
    auto got = remedyctlAs(Caller::Outsider, {"--json", "diagnose"});
    ASSERT_EQ(got.exitCode, 0) << got.err;
    auto report = nlohmann::json::parse(got.out);
    EXPECT_TRUE(report["oom_kills"].is_null());
    ASSERT_EQ(report["withheld"].size(), 1U);
    EXPECT_NE(report["withheld"][0].get<std::string>().find("org.remedy.diagnose"), std::string::npos);
    EXPECT_GT(report["memory"]["total"].get<std::uint64_t>(), 0U);
    EXPECT_FALSE(report["processes"].empty());

    auto human = remedyctlAs(Caller::Outsider, {"diagnose"});
    EXPECT_EQ(human.exitCode, 0) << human.err;
    EXPECT_NE(human.out.find("Withheld: OOM kills"), std::string::npos) << human.out;
    EXPECT_NE(human.out.find("PROGRAM"), std::string::npos) << human.out;
}
