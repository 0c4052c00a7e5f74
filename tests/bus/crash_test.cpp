// The kill battery on the bus tier: the real remedyd, SIGKILLed by its PID
// at random moments of real work (the real kernel's swapon, real files),
// then the next call — which activates a new remedyd, which recovers first.
// After every kill the system is exactly "before" or "after", history says
// which, and the next call works. REMEDY_KILLS sets the kills per operation
// (default 40: 240 kills in all; `REMEDY_KILLS=170` for the 1,000-kill run, README).

#include "bus_helpers.h"
#include "core/proc.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/swap.h>
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
// Kills land within twice an operation's length: half inside it, half
// after it (where "after" must hold too, and the next call work).
constexpr long kSpread = 2;

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
    return value ? std::atoi(value) : 40;
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
    // `spreadUs`; returns after the next call.
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

    // The newest history entry (null for none).
    static nlohmann::json newest()
    {
        auto history = nlohmann::json::parse(remedyctlAs(Caller::Root, {"--json", "history"}).out)["history"];
        return history.empty() ? nlohmann::json() : history.back();
    }

    // What recovery put on record for a single change since `previous`
    // (the newest entry before the kill): null when nothing was recovered,
    // else "undone" or "finished", checked to be an interrupted entry of
    // `operation` on `target`.
    static nlohmann::json recovered(const nlohmann::json& previous, const std::string& operation, const std::string& target, int kill)
    {
        auto last = newest();
        if (last == previous)
            return nullptr;
        EXPECT_EQ(last["state"], "interrupted") << "kill " << kill << ": " << last.dump();
        EXPECT_EQ(last["steps"][0]["kind"], operation) << "kill " << kill;
        EXPECT_EQ(last["steps"][0]["target"], target) << "kill " << kill;
        EXPECT_FALSE(last["undone"].is_null()) << "kill " << kill;
        return last["steps"][0]["status"];
    }

    static std::uint64_t sizeOf(const fs::path& path) { return fs::file_size(path); }

    // Nothing of the crash tests' plan (a swapfile and an fstab line) left.
    void expectNoPlan(int kill) const
    {
        EXPECT_FALSE(swapIsActive()) << "kill " << kill;
        EXPECT_FALSE(fs::exists(fs::symlink_status(root() / "mnt/ext4/swapfile"))) << "kill " << kill;
        EXPECT_EQ(fstab(), original_) << "kill " << kill << ": torn";
    }

    std::string original_;
};

const std::string kSwapLine = kSwapfile + " none swap defaults 0 0\n";

TEST_F(Crash, ASwapCreateKilledAnywhereIsBeforeOrAfter)
{
    const std::vector<std::string> create = {"swap", "create", kSwapfile, "--size", "64M"};
    auto spread = kSpread * timed(create, {"swap", "remove", kSwapfile});
    std::mt19937 random(1);
    int before = 0;
    int after = 0;
    int recoveries = 0;
    for (int i = 0; i < kills(); ++i) {
        auto previous = newest();
        killDuring(create, spread, random);
        auto status = recovered(previous, "swap-create", kSwapfile, i);
        recoveries += !status.is_null();
        EXPECT_TRUE(status.is_null() || status == "undone") << "kill " << i << ": " << status;
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
    std::printf("swap create: %d kills, %d before, %d after, %d recovered, 0 torn\n", kills(), before, after, recoveries);
}

TEST_F(Crash, ASwapResizeKilledAnywhereKeepsOneSizeOrTheOtherAndSwapOn)
{
    ASSERT_EQ(remedyctlAs(Caller::Root, {"swap", "create", kSwapfile, "--size", "32M"}).exitCode, 0);
    const std::vector<std::string> grow = {"swap", "resize", kSwapfile, "--size", "48M"};
    const std::vector<std::string> shrink = {"swap", "resize", kSwapfile, "--size", "32M"};
    auto spread = kSpread * timed(grow, shrink);
    std::mt19937 random(3);
    int before = 0, after = 0, recoveries = 0;
    for (int i = 0; i < kills(); ++i) {
        auto previous = newest();
        killDuring(grow, spread, random);
        auto file = root() / "mnt/ext4/swapfile";
        ASSERT_TRUE(fs::exists(file)) << "kill " << i << ": the swapfile is gone";
        EXPECT_FALSE(fs::exists(fs::symlink_status(root() / "mnt/ext4/.swapfile.remedy-resize"))) << "kill " << i << ": the stand-in stayed";
        EXPECT_TRUE(swapIsActive()) << "kill " << i << ": swap off";
        EXPECT_EQ(fstab(), original_ + kSwapLine) << "kill " << i;
        auto size = sizeOf(file);
        auto status = recovered(previous, "swap-resize", kSwapfile, i);
        recoveries += !status.is_null();
        if (size == 48 * 1024 * 1024) {
            EXPECT_TRUE(status.is_null() || status == "finished") << "kill " << i << ": " << status;
            ++after;
            ASSERT_EQ(remedyctlAs(Caller::Root, shrink).exitCode, 0) << "kill " << i;
        } else {
            EXPECT_EQ(size, 32U * 1024 * 1024) << "kill " << i << ": torn";
            EXPECT_TRUE(status.is_null() || status == "undone") << "kill " << i << ": " << status;
            ++before;
        }
    }
    std::printf("swap resize: %d kills, %d before, %d after, %d recovered, 0 torn\n", kills(), before, after, recoveries);
}

TEST_F(Crash, ASwapRemoveKilledAnywhereIsBeforeOrAfter)
{
    const std::vector<std::string> create = {"swap", "create", kSwapfile, "--size", "32M"};
    const std::vector<std::string> remove = {"swap", "remove", kSwapfile};
    ASSERT_EQ(remedyctlAs(Caller::Root, create).exitCode, 0);
    auto spread = kSpread * timed(remove, create);
    std::mt19937 random(4);
    int before = 0, after = 0, recoveries = 0;
    for (int i = 0; i < kills(); ++i) {
        auto previous = newest();
        killDuring(remove, spread, random);
        auto status = recovered(previous, "swap-remove", kSwapfile, i);
        recoveries += !status.is_null();
        if (fs::exists(fs::symlink_status(root() / "mnt/ext4/swapfile"))) {
            EXPECT_TRUE(swapIsActive()) << "kill " << i << ": kept, but off";
            EXPECT_EQ(fstab(), original_ + kSwapLine) << "kill " << i << ": kept, but unlisted";
            EXPECT_TRUE(status.is_null() || status == "undone") << "kill " << i << ": " << status;
            ++before;
        } else {
            EXPECT_FALSE(swapIsActive()) << "kill " << i;
            EXPECT_EQ(fstab(), original_) << "kill " << i << ": a line for a deleted swapfile";
            ++after;
            ASSERT_EQ(remedyctlAs(Caller::Root, create).exitCode, 0) << "kill " << i;
        }
    }
    std::printf("swap remove: %d kills, %d before, %d after, %d recovered, 0 torn\n", kills(), before, after, recoveries);
}

TEST_F(Crash, AnFstabAddOrRemoveKilledAnywhereIsBeforeOrAfter)
{
    const std::vector<std::string> add = {"fstab", "add", "tmpfs", "/mnt/crash", "tmpfs", "-o", "size=1M"};
    const std::vector<std::string> remove = {"fstab", "remove", "/mnt/crash"};
    const std::string with = original_ + "tmpfs /mnt/crash tmpfs size=1M 0 0\n";
    auto spread = kSpread * timed(add, remove);
    std::mt19937 random(5);
    int before = 0, after = 0;
    for (int i = 0; i < kills(); ++i) {
        bool adding = i % 2 == 0;
        auto was = fstab();
        killDuring(adding ? add : remove, spread, random);
        auto now = fstab();
        EXPECT_TRUE(now == original_ || now == with) << "kill " << i << ": torn:\n" << now;
        ++(now == was ? before : after);
        for (const auto& entry : fs::directory_iterator(root() / "etc"))
            EXPECT_EQ(entry.path().filename().string().find(".remedy-"), std::string::npos) << "kill " << i << ": left " << entry.path();
    }
    std::printf("fstab add/remove: %d kills, %d before, %d after, 0 torn\n", kills(), before, after);
}

TEST_F(Crash, AnUndoKilledAnywhereIsFinishedOrNotBegun)
{
    auto plan = root() / "srv/crash-undo-plan.json";
    std::ofstream(plan) << R"({"version": 1, "swap": {"path": ")" + kSwapfile + R"(", "size": "32M"},
      "fstab": [{"source": "tmpfs", "target": "/mnt/crash", "type": "tmpfs", "options": "size=1M"}]})";
    auto apply = [&] {
        auto applied = remedyctlAs(Caller::Root, {"--json", "apply", plan.string()});
        EXPECT_EQ(applied.exitCode, 0) << applied.err;
        return nlohmann::json::parse(applied.out)["history_id"].dump();
    };
    auto started = std::chrono::steady_clock::now();
    ASSERT_EQ(remedyctlAs(Caller::Root, {"undo", apply()}).exitCode, 0);
    auto spread = kSpread * std::max<long>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count(), 1000);
    std::mt19937 random(6);
    int kept = 0, undone = 0;
    for (int i = 0; i < kills(); ++i) {
        auto id = apply();
        killDuring({"undo", id}, spread, random);
        auto record = newest();
        ASSERT_EQ(record["id"].dump(), id) << "kill " << i << ": an undo put an entry of its own on record";
        if (record["undone"].is_null()) {
            EXPECT_TRUE(swapIsActive()) << "kill " << i << ": on record as applied, but torn";
            EXPECT_NE(fstab().find("/mnt/crash"), std::string::npos) << "kill " << i << ": on record as applied, but torn";
            ++kept;
            ASSERT_EQ(remedyctlAs(Caller::Root, {"undo", id}).exitCode, 0) << "kill " << i;
        } else {
            ++undone;
        }
        expectNoPlan(i);
    }
    std::printf("plan undo: %d kills, %d not begun, %d finished, 0 torn\n", kills(), kept, undone);
    fs::remove(plan);
}

TEST_F(Crash, ARemoveCutShortIsRolledBackAtTheNextStartAndShownInHistoryAndStatus)
{
    // What a remedyd killed just after its swapoff and fstab write left:
    // its write-ahead record, the file off and unlisted, not yet deleted.
    ASSERT_EQ(remedyctlAs(Caller::Root, {"swap", "create", kSwapfile, "--size", "32M"}).exitCode, 0);
    pid_t helper = helperPid();
    ASSERT_GT(helper, 0);
    kill(helper, SIGKILL);
    for (int i = 0; i < 500 && helperPid() == helper; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(swapoff((root() / "mnt/ext4/swapfile").c_str()), 0);
    std::ofstream(root() / "etc/fstab") << original_;
    fs::create_directories(root() / "var/lib/remedy/pending");
    std::ofstream(root() / "var/lib/remedy/pending/swap-remove-1.json")
        << nlohmann::json{{"operation", "swap-remove"}, {"target", kSwapfile},   {"uid", 0},
                          {"active", true},             {"priority", nullptr}, {"fstab_line", kSwapLine.substr(0, kSwapLine.size() - 1)}}
               .dump();

    auto status = remedyctlAs(Caller::Root, {"status"});  // activates a new remedyd, which recovers first
    ASSERT_EQ(status.exitCode, 0) << status.err;
    EXPECT_TRUE(swapIsActive());
    EXPECT_EQ(fstab(), original_ + kSwapLine);
    EXPECT_FALSE(fs::exists(root() / "var/lib/remedy/pending/swap-remove-1.json"));
    EXPECT_NE(status.out.find("Recovered: swap-remove " + kSwapfile + ", cut short by a stop of remedyd, rolled back at "), std::string::npos)
        << status.out;
    auto last = newest();
    EXPECT_EQ(last["state"], "interrupted");
    EXPECT_EQ(last["steps"][0]["kind"], "swap-remove");
    EXPECT_EQ(last["steps"][0]["status"], "undone");
    auto listed = remedyctlAs(Caller::Root, {"history"});
    EXPECT_NE(listed.out.find("interrupted"), std::string::npos) << listed.out;
    EXPECT_NE(listed.out.find("(cut short, rolled back) swap-remove " + kSwapfile), std::string::npos) << listed.out;
    // Not undone again, and not a plan to undo.
    auto undo = remedyctlAs(Caller::Root, {"undo", last["id"].dump()});
    EXPECT_NE(undo.exitCode, 0);
    EXPECT_NE(undo.err.find("was interrupted and recovered"), std::string::npos) << undo.err;
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
    auto spread = kSpread * std::max<long>(
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
        expectNoPlan(i);
    }
    std::printf("plan apply: %d kills, %d before, %d after, 0 torn\n", kills(), before, after);
    fs::remove(plan);
}

} // namespace
