#pragma once
// The system tier's fixture: remedy installed into a throwaway systemd
// (tests/support/sandbox), one sandbox for every test of the suite.

#include "process.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

namespace remedy::test {


inline const std::string kSandboxScript = REMEDY_SOURCE_DIR "/tests/support/sandbox";

// Booted once for the whole binary (registered in system_tier_test.cpp):
// every suite of the tier works in the same sandbox.
class Sandbox : public testing::Environment {
public:
    static std::string dir_;

    void SetUp() override
    {
        dir_ = "/tmp/remedy-system-" + std::to_string(getpid());
        // A real ext4 disk at /srv/swap for swap (the sandbox's / is an
        // overlay), sparse, large enough for the size remedy recommends; this test runs in a mount namespace of its own
        // (tests/CMakeLists.txt), so /srv is a tmpfs here only.
        ASSERT_EQ(run({"sh", "-c",
                       "truncate -s 16G " + dir_ + ".img && mkfs.ext4 -q " + dir_ + ".img && mount -t tmpfs -o mode=0755 srv /srv && "
                       "mkdir /srv/swap && mount -o loop " + dir_ + ".img /srv/swap"})
                      .exitCode,
                  0);
        setenv("REMEDY_SANDBOX_BINDS", "/srv/swap", 1);
        auto started = run({kSandboxScript, "start", dir_, REMEDY_BUILD_DIR});
        ASSERT_EQ(started.exitCode, 0) << started.err;
        // The admin's way to tune the helper: a drop-in. A short idle timeout
        // lets the test watch it exit.
        ASSERT_EQ(inside({"mkdir", "-p", "/etc/systemd/system/remedyd.service.d"}).exitCode, 0);
        ASSERT_EQ(inside({"sh", "-c",
                          "printf '[Service]\\nExecStart=\\nExecStart=/usr/libexec/remedyd --idle-timeout 2\\n' "
                          ">/etc/systemd/system/remedyd.service.d/idle.conf && systemctl daemon-reload"})
                      .exitCode,
                  0);
        // The administrator allows swapfiles on the swap disk, as remedyd(8) says.
        ASSERT_EQ(inside({"sh", "-c",
                          "mkdir -p /etc/remedy && printf 'swapfile_places = /swapfile /srv/swap/\\n' >/etc/remedy/remedyd.conf"})
                      .exitCode,
                  0);
    }

    void TearDown() override
    {
        run({"swapoff", "/srv/swap/swapfile"});
        auto stopped = run({kSandboxScript, "stop", dir_});
        EXPECT_EQ(stopped.exitCode, 0) << stopped.err;
        run({"umount", "/srv/swap"});
        std::filesystem::remove(dir_ + ".img");
        EXPECT_FALSE(std::filesystem::exists(dir_));
    }

    static Outcome inside(std::vector<std::string> argv)
    {
        argv.insert(argv.begin(), {kSandboxScript, "run", dir_});
        return run(argv);
    }
};

inline std::string Sandbox::dir_;

class SystemTier : public testing::Test {
protected:
    static Outcome inside(std::vector<std::string> argv) { return Sandbox::inside(std::move(argv)); }

    static Outcome insideAs(const std::string& user, std::vector<std::string> argv)
    {
        argv.insert(argv.begin(), {"runuser", "-u", user, "--"});
        return inside(argv);
    }

    // remedyctl as a member of group remedy.
    static Outcome member(std::vector<std::string> argv)
    {
        argv.insert(argv.begin(), "remedyctl");
        return insideAs("remedy-member", argv);
    }

    static std::string unitProperty(const std::string& property) { return show("remedyd.service", property); }

    static std::string show(const std::string& unit, const std::string& property)
    {
        auto got = inside({"systemctl", "show", unit, "-P", property});
        return got.out.substr(0, got.out.find('\n'));
    }

    static bool waitForState(const std::string& state, std::chrono::seconds limit)
    {
        auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            if (unitProperty("ActiveState") == state)
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return false;
    }

    static std::string journal()
    {
        return inside({"journalctl", "-u", "remedyd.service", "-o", "json", "--no-pager"}).out;
    }

};

} // namespace remedy::test
