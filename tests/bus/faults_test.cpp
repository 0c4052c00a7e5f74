// Faults at every write (the bus tier): the real remedyd, with a disk that
// fails. The bus starts it with the fault library in its environment
// (UpdateActivationEnvironment, which the bus allows root). A first run of each change lists every write, pwrite, fallocate,
// fsync and rename it makes below the root (tests/support/faults.cpp);
// then the change is made again once per call listed, that call failing
// with ENOSPC, and once more with EIO. Each time the change either fails
// with an error that names the cause and leaves everything exactly as
// before (files byte for byte, /proc/swaps, no temporary, nothing
// pending), or, when the failed call was one whose loss does not matter,
// succeeds with everything exactly as after.

#include "bus_helpers.h"
#include "core/proc.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

using namespace remedy::test;
namespace fs = std::filesystem;

namespace {

fs::path root() { return requireEnv("REMEDY_ROOT"); }

pid_t helperPid()
{
    auto got = busctl("root", {"call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                               "GetConnectionUnixProcessID", "s", kBusName});
    return got.exitCode == 0 ? static_cast<pid_t>(std::stol(got.out.substr(2))) : -1;
}

// Everything a change may touch: the files below the root (their content,
// or their size for swapfiles) but remedy's history and fstab's backups
// (records, kept by design), and the swap areas.
std::string state()
{
    std::ostringstream out;
    for (const auto& entry : fs::recursive_directory_iterator(root())) {
        auto relative = fs::relative(entry.path(), root()).string();
        if (!entry.is_regular_file() || relative.rfind("var/lib/remedy/history", 0) == 0 || relative.rfind("var/backups/", 0) == 0 ||
            relative.rfind("srv/", 0) == 0 || relative.rfind("images", 0) == 0 || relative.find("lost+found") != std::string::npos)
            continue;
        out << relative << " " << (entry.file_size() > 65536 ? std::to_string(entry.file_size()) : remedy::readFile(entry.path().string()));
        out << "\n";
    }
    for (const auto& area : remedy::parseSwaps(remedy::readFile("/proc/swaps")))
        if (area.path.rfind(root().string(), 0) == 0)
            out << "swap " << area.path << "\n";
    return out.str();
}

class Faults : public testing::Test {
protected:
    void TearDown() override
    {
        restartHelper(faults(0, "ENOSPC", "", false));
        remedyctlAs(Caller::Root, {"swap", "remove", "/mnt/ext4/swapfile"});
        remedyctlAs(Caller::Root, {"fstab", "remove", "/mnt/faults"});
    }

    // The next remedyd the bus starts, with this environment.
    static void restartHelper(const std::vector<std::string>& env)
    {
        std::vector<std::string> call = {"call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                         "UpdateActivationEnvironment", "a{ss}", std::to_string(env.size() / 2)};
        call.insert(call.end(), env.begin(), env.end());
        auto updated = busctl("root", call);
        ASSERT_EQ(updated.exitCode, 0) << updated.err;
        pid_t helper = helperPid();
        if (helper > 0) {
            kill(helper, SIGTERM);
            for (int i = 0; i < 500 && helperPid() == helper; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        ASSERT_EQ(remedyctlAs(Caller::Root, {"status"}).exitCode, 0);
    }

    // The fault library's settings; `on` false takes them all away.
    static std::vector<std::string> faults(long at, const std::string& code, const std::string& trace = "", bool on = true)
    {
        return {"LD_PRELOAD",         on ? requireEnv("REMEDY_FAULTS_LIBRARY") : "",
                "REMEDY_FAULT_UNDER", on ? root().string() + "/" : "",
                "REMEDY_FAULT_AT",    std::to_string(at),
                "REMEDY_FAULT_ERRNO", code,
                "REMEDY_FAULT_TRACE", trace};
    }

    // Fails each call `change` makes, one at a time; `undo` takes a change
    // that succeeded back. Returns the calls failed.
    static int failEachCall(const std::vector<std::string>& change, const std::vector<std::string>& undo)
    {
        return failEachCall(change, [undo] { return remedyctlAs(Caller::Root, undo).exitCode == 0; });
    }

    // `onFailure`, when given, checks what else a failed change must leave
    // (told which call failed).
    static int failEachCall(const std::vector<std::string>& change, const std::function<bool()>& undo,
                            const std::function<void(const std::string&)>& onFailure = {})
    {
        auto trace = root().parent_path() / "faults.trace";
        fs::remove(trace);
        auto before = state();
        restartHelper(faults(0, "ENOSPC", trace.string()));
        auto done = remedyctlAs(Caller::Root, change);
        EXPECT_EQ(done.exitCode, 0) << done.err;
        auto after = state();
        EXPECT_NE(after, before) << "the change changed nothing";
        std::vector<std::string> calls;
        {
            std::ifstream in(trace);
            for (std::string line; std::getline(in, line);)
                calls.push_back(line);
        }
        EXPECT_GT(calls.size(), 2U);
        EXPECT_TRUE(undo());
        EXPECT_EQ(state(), before);

        int failed = 0;
        for (std::size_t n = 1; n <= calls.size(); ++n) {
            for (std::string code : {"ENOSPC", "EIO"}) {
                restartHelper(faults(static_cast<long>(n), code));
                auto got = remedyctlAs(Caller::Root, change);
                auto now = state();
                if (got.exitCode == 0) {
                    EXPECT_EQ(now, after) << calls[n - 1] << " failing with " << code << ": it succeeded, but not as it does";
                    EXPECT_TRUE(undo());
                } else {
                    ++failed;
                    EXPECT_EQ(now, before) << calls[n - 1] << " failing with " << code << ": " << got.err;
                    auto cause = code == "EIO" ? "Input/output error" : "No space left on device";
                    bool named = got.err.find(cause) != std::string::npos || (code == "ENOSPC" && got.err.find("space") != std::string::npos);
                    EXPECT_TRUE(named) << calls[n - 1] << " failing with " << code << ": the error does not say why: " << got.err;
                    if (onFailure)
                        onFailure(calls[n - 1] + " failing with " + code);
                }
                EXPECT_EQ(state(), now == after ? before : now);
            }
        }
        restartHelper(faults(0, "ENOSPC", "", false));
        std::printf("%zu calls, each failed with ENOSPC and with EIO: %d runs failed cleanly, %zu succeeded whole\n", calls.size(), failed,
                    2 * calls.size() - static_cast<std::size_t>(failed));
        return failed;
    }
};

TEST_F(Faults, AnFstabEditThatCannotWriteChangesNothing)
{
    auto failed = failEachCall({"fstab", "add", "tmpfs", "/mnt/faults", "tmpfs", "-o", "size=1M"}, {"fstab", "remove", "/mnt/faults"});
    std::printf("fstab add: %d faulty calls failed the change cleanly\n", failed);
    EXPECT_GT(failed, 0);
}

TEST_F(Faults, ASwapCreateThatCannotWriteChangesNothing)
{
    auto failed = failEachCall({"swap", "create", "/mnt/ext4/swapfile", "--size", "16M"}, {"swap", "remove", "/mnt/ext4/swapfile"});
    std::printf("swap create: %d faulty calls failed the change cleanly\n", failed);
    EXPECT_GT(failed, 0);
}

TEST_F(Faults, ASwapRemoveThatCannotWriteChangesNothing)
{
    ASSERT_EQ(remedyctlAs(Caller::Root, {"swap", "create", "/mnt/ext4/swapfile", "--size", "16M"}).exitCode, 0);
    auto failed = failEachCall({"swap", "remove", "/mnt/ext4/swapfile"}, {"swap", "create", "/mnt/ext4/swapfile", "--size", "16M"});
    std::printf("swap remove: %d faulty calls failed the change cleanly\n", failed);
    EXPECT_GT(failed, 0);
}

TEST_F(Faults, ASwapResizeThatCannotWriteChangesNothing)
{
    ASSERT_EQ(remedyctlAs(Caller::Root, {"swap", "create", "/mnt/ext4/swapfile", "--size", "16M"}).exitCode, 0);
    auto failed = failEachCall({"swap", "resize", "/mnt/ext4/swapfile", "--size", "24M"}, {"swap", "resize", "/mnt/ext4/swapfile", "--size", "16M"});
    std::printf("swap resize: %d faulty calls failed the change cleanly\n", failed);
    EXPECT_GT(failed, 0);
}

TEST_F(Faults, APlanThatCannotWriteChangesNothingAndIsOnRecordAsFailed)
{
    auto plan = root() / "srv/faults-plan.json";
    std::ofstream(plan) << R"({"version": 1, "swap": {"path": "/mnt/ext4/swapfile", "size": "16M"},
      "fstab": [{"source": "tmpfs", "target": "/mnt/faults", "type": "tmpfs", "options": "size=1M"}]})";
    // Undone by the newest applied plan's id: failed runs are on record
    // too, so ids are not known beforehand.
    auto undo = [] {
        auto history = nlohmann::json::parse(remedyctlAs(Caller::Root, {"--json", "history"}).out)["history"];
        for (auto it = history.rbegin(); it != history.rend(); ++it)
            if ((*it)["state"] == "applied" && (*it)["undone"].is_null())
                return remedyctlAs(Caller::Root, {"undo", (*it)["id"].dump()}).exitCode == 0;
        return false;
    };
    auto failed = failEachCall({"apply", plan.string()}, undo, [](const std::string& why) {
        auto history = nlohmann::json::parse(remedyctlAs(Caller::Root, {"--json", "history"}).out)["history"];
        ASSERT_FALSE(history.empty()) << why;
        EXPECT_EQ(history.back()["state"], "failed") << why << ": " << history.back().dump();
        EXPECT_FALSE(history.back()["undone"].is_null()) << why;
    });
    std::printf("plan apply: %d faulty calls failed the change cleanly\n", failed);
    EXPECT_GT(failed, 0);
    fs::remove(plan);
}

} // namespace
