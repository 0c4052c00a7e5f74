// The kill battery on the bus tier: the real remedyd, SIGKILLed by its PID
// at random moments of real work (the real kernel's swapon, real files),
// then the next call — which activates a new remedyd, which recovers first.
// After every kill the system is exactly "before" or "after", history says
// which, and the next call works. REMEDY_KILLS sets the kills per operation
// (default 25; `REMEDY_KILLS=500 ctest -L bus -R crash` for the long run).

#include "bus_helpers.h"
#include "core/proc.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <random>
#include <thread>

using namespace remedy::test;
namespace fs = std::filesystem;

namespace {

const std::string kSwapfile = "/mnt/ext4/swapfile";

fs::path root() { return requireEnv("REMEDY_ROOT"); }
std::string fstab() { return remedy::readFile((root() / "etc/fstab").string()); }

bool swapIsActive()
{
    for (const auto& area : remedy::parseSwaps(remedy::readFile("/proc/swaps")))
        if (area.path == root().string() + kSwapfile)
            return true;
    return false;
}

int kills()
{
    const char* value = std::getenv("REMEDY_KILLS");
    return value ? std::atoi(value) : 25;
}

pid_t helperPid()
{
    auto got = busctl("root", {"call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                               "GetConnectionUnixProcessID", "s", kBusName});
    return got.exitCode == 0 ? static_cast<pid_t>(std::stol(got.out.substr(2))) : -1;
}

class Crash : public testing::Test {
protected:
    void SetUp() override { original_ = fstab(); }
    void TearDown() override
    {
        remedyctlAs(Caller::Root, {"swap", "remove", kSwapfile});
        std::ofstream(root() / "etc/fstab") << original_;
    }

    // Runs `argv` as root while killing remedyd at a random moment within
    // three times the operation's length; returns after the next call.
    void killDuring(const std::vector<std::string>& argv, long spreadUs, std::mt19937& random)
    {
        ASSERT_EQ(remedyctlAs(Caller::Root, {"status"}).exitCode, 0);
        pid_t helper = helperPid();
        ASSERT_GT(helper, 0);
        auto call = std::async(std::launch::async, [argv] { return remedyctlAs(Caller::Root, argv); });
        std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<long>(0, spreadUs)(random)));
        kill(helper, SIGKILL);
        call.get();
        // Gone from the bus before the next call: a call sent while the bus
        // daemon has not yet seen the socket close goes to the dead one.
        for (int i = 0; i < 500 && helperPid() == helper; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        // The next call works, and is served by a remedyd that recovered first.
        auto next = remedyctlAs(Caller::Root, {"status"});
        ASSERT_EQ(next.exitCode, 0) << next.err;
    }

    // How long `argv` takes here, now, in microseconds; then undone by `undo`.
    static long timed(const std::vector<std::string>& argv, const std::vector<std::string>& undo)
    {
        auto started = std::chrono::steady_clock::now();
        EXPECT_EQ(remedyctlAs(Caller::Root, argv).exitCode, 0);
        auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
        EXPECT_EQ(remedyctlAs(Caller::Root, undo).exitCode, 0);
        return std::max<long>(took, 1000);
    }

    std::string original_;
};

TEST_F(Crash, ASwapCreateKilledAnywhereIsBeforeOrAfter)
{
    const std::vector<std::string> create = {"swap", "create", kSwapfile, "--size", "64M"};
    auto spread = 3 * timed(create, {"swap", "remove", kSwapfile});
    std::mt19937 random(1);
    int before = 0;
    int after = 0;
    for (int i = 0; i < kills(); ++i) {
        killDuring(create, spread, random);
        bool exists = fs::exists(fs::symlink_status(root() / "mnt/ext4/swapfile"));
        EXPECT_FALSE(fs::exists(fs::symlink_status(root() / "mnt/ext4/.swapfile.remedy-new"))) << "kill " << i;
        if (exists) {
            EXPECT_TRUE(swapIsActive()) << "kill " << i << ": a finished swapfile that is off";
            EXPECT_EQ(fstab(), original_ + kSwapfile + " none swap defaults 0 0\n") << "kill " << i;
            ++after;
            ASSERT_EQ(remedyctlAs(Caller::Root, {"swap", "remove", kSwapfile}).exitCode, 0);
        } else {
            EXPECT_FALSE(swapIsActive()) << "kill " << i << ": swap on with no file";
            EXPECT_EQ(fstab(), original_) << "kill " << i << ": a line with no swapfile";
            ++before;
        }
    }
    std::printf("swap create: %d kills, %d before, %d after, 0 torn\n", kills(), before, after);
    EXPECT_GT(before + after, 0);
}

TEST_F(Crash, APlanKilledAnywhereIsBeforeOrAfterAndOnRecord)
{
    auto plan = root() / "srv/crash-plan.json";
    std::ofstream(plan) << R"({"version": 1, "swap": {"path": ")" + kSwapfile + R"(", "size": "64M"},
      "fstab": [{"source": "tmpfs", "target": "/mnt/crash", "type": "tmpfs", "options": "size=1M"}]})";
    auto lastId = [] {
        auto history = nlohmann::json::parse(remedyctlAs(Caller::Root, {"--json", "history"}).out)["history"];
        return history.empty() ? nlohmann::json() : history.back();
    };
    auto started = std::chrono::steady_clock::now();
    auto applied = remedyctlAs(Caller::Root, {"--json", "apply", plan.string()});
    auto spread = 3 * std::max<long>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count(), 1000);
    ASSERT_EQ(applied.exitCode, 0) << applied.err;
    ASSERT_EQ(remedyctlAs(Caller::Root, {"undo", lastId()["id"].dump()}).exitCode, 0);

    std::mt19937 random(2);
    int before = 0;
    int after = 0;
    for (int i = 0; i < kills(); ++i) {
        auto previous = lastId();
        killDuring({"apply", plan.string()}, spread, random);
        auto last = lastId();
        if (last != previous && last["state"] == "applied") {
            EXPECT_TRUE(swapIsActive()) << "kill " << i;
            EXPECT_NE(fstab().find("/mnt/crash"), std::string::npos) << "kill " << i;
            ++after;
            ASSERT_EQ(remedyctlAs(Caller::Root, {"undo", last["id"].dump()}).exitCode, 0) << "kill " << i;
        } else {
            // Killed before its record, or rolled back and recorded as interrupted.
            if (last != previous) {
                EXPECT_EQ(last["state"], "interrupted") << "kill " << i << ": " << last.dump();
            }
            ++before;
        }
        EXPECT_FALSE(swapIsActive()) << "kill " << i;
        EXPECT_FALSE(fs::exists(fs::symlink_status(root() / "mnt/ext4/swapfile"))) << "kill " << i;
        EXPECT_EQ(fstab(), original_) << "kill " << i << ": torn";
    }
    std::printf("plan apply: %d kills, %d before, %d after, 0 torn\n", kills(), before, after);
    fs::remove(plan);
}

} // namespace
