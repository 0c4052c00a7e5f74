// The fstab on disk: edits, backups, and what a writer killed at any moment
// leaves.

#include "core/error.h"
#include "core/fstab_file.h"
#include "core/trusted_path.h"

#include "scratch_root.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

using namespace remedy;
namespace fs = std::filesystem;

namespace {

const std::string kOld = "# fstab\n/dev/vda1 / ext4 defaults 0 1\n";
const std::string kNew = kOld + "/swapfile none swap defaults 0 0\n";

class FstabOnDisk : public remedy::test::ScratchRootTest {
protected:
    void SetUp() override
    {
        if (makeRoot("fstab-test", {"etc"}))
            write("etc/fstab", kOld);
    }
};

TEST_F(FstabOnDisk, KeepsTheTenNewestBackups)
{
    FstabFile file(rootFd_.get());
    for (int i = 0; i < 13; ++i) {
        auto fstab = file.read();
        file.write(fstab, i % 2 ? kOld : kNew);
    }
    std::size_t backups = 0;
    for (const auto& entry : fs::directory_iterator(root_ / "var/backups/remedy")) {
        ++backups;
        auto text = read(entry.path());
        EXPECT_TRUE(text == kOld || text == kNew) << entry.path();
    }
    EXPECT_EQ(backups, static_cast<std::size_t>(FstabFile::kBackups));
}

TEST_F(FstabOnDisk, AnEditIsWrittenOnceAndADryRunWritesNothing)
{
    auto add = [](const Fstab& fstab) { return fstab.withEntry({"/swapfile", "none", "swap", "defaults", 0, 0, 0}); };
    EXPECT_TRUE(editFstab(rootFd_.get(), add, true));
    EXPECT_EQ(read("etc/fstab"), kOld);
    EXPECT_FALSE(exists("var/backups/remedy"));
    EXPECT_TRUE(editFstab(rootFd_.get(), add, false));
    EXPECT_EQ(read("etc/fstab"), kNew);
    EXPECT_FALSE(editFstab(rootFd_.get(), add, false)) << "the entry is there already";
    EXPECT_TRUE(editFstab(rootFd_.get(), [](const Fstab& fstab) { return fstab.withoutEntry("/swapfile"); }, false));
    EXPECT_EQ(read("etc/fstab"), kOld);
    EXPECT_EQ(std::distance(fs::directory_iterator(root_ / "var/backups/remedy"), fs::directory_iterator()), 2) << "one backup a write";
}

TEST_F(FstabOnDisk, RefusesToWriteOverAChangeMadeMeanwhile)
{
    FstabFile file(rootFd_.get());
    auto fstab = file.read();
    std::ofstream(root_ / "etc/fstab") << kOld << "# edited by hand\n";
    try {
        file.write(fstab, kNew);
        FAIL() << "a concurrent edit was overwritten";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::Busy);
    }
    EXPECT_EQ(read(root_ / "etc/fstab"), kOld + "# edited by hand\n");
}

TEST_F(FstabOnDisk, RefusesASymlinkedFstab)
{
    fs::remove(root_ / "etc/fstab");
    std::ofstream(root_ / "elsewhere") << kOld;
    fs::create_symlink("../elsewhere", root_ / "etc/fstab");
    EXPECT_THROW(FstabFile(rootFd_.get()).read(), Error);
}

TEST_F(FstabOnDisk, AWriterKilledAtRandomMomentsLeavesTheOldOrTheNewFile)
{
    // Kills spread over about three writes, however fast this machine is
    // today: timed once here, so a loaded machine gets later kills.
    auto started = std::chrono::steady_clock::now();
    {
        FstabFile file(rootFd_.get());
        for (int i = 0; i < 10; ++i) {
            auto fstab = file.read();
            file.write(fstab, i % 2 ? kOld : kNew);
        }
    }
    auto perWrite = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count() / 10;
    std::mt19937 random(12345);
    std::uniform_int_distribution<long> delay(0, 3 * std::max<long>(perWrite, 100));  // microseconds
    int sawOld = 0;
    int sawNew = 0;
    for (int kill = 0; kill < 200; ++kill) {
        pid_t writer = fork();
        ASSERT_GE(writer, 0);
        if (writer == 0) {
            // Toggles the swap line for ever, as fast as it can.
            FstabFile file(rootFd_.get());
            for (;;) {
                auto fstab = file.read();
                auto next = fstab.find("/swapfile") ? fstab.withoutEntry("/swapfile") : fstab.withEntry({"/swapfile", "none", "swap", "defaults", 0, 0, 0});
                file.write(fstab, *next);
            }
        }
        usleep(static_cast<useconds_t>(delay(random)));
        ::kill(writer, SIGKILL);
        int status = 0;
        waitpid(writer, &status, 0);
        auto text = read(root_ / "etc/fstab");
        ASSERT_TRUE(text == kOld || text == kNew) << "after kill " << kill << ":\n" << text;
        EXPECT_NO_THROW(Fstab::parse(text));
        (text == kOld ? sawOld : sawNew)++;
    }
    // Both states were seen: the kills did land in the middle of the work.
    EXPECT_GT(sawOld, 0);
    EXPECT_GT(sawNew, 0);
    // A later write clears the temporary files killed writers left behind.
    FstabFile file(rootFd_.get());
    auto fstab = file.read();
    file.write(fstab, fstab.text() == kOld ? kNew : kOld);
    for (const auto& entry : fs::directory_iterator(root_ / "etc"))
        EXPECT_EQ(entry.path().filename(), "fstab");
}

} // namespace
