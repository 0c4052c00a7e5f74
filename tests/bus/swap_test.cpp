// Swap and fstab on the bus tier: the real remedyd with --root on a scratch
// system whose mnt/ holds real ext4, xfs and btrfs file systems, the real
// kernel's swapon, real polkit decisions.

#include "bus_helpers.h"
#include "core/proc.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

using namespace remedy::test;
namespace fs = std::filesystem;

namespace {

const std::string kFstab = "# remedy test fstab\n/dev/vda1 / ext4 defaults 0 1\n";

fs::path root() { return requireEnv("REMEDY_ROOT"); }
std::string fstab() { return remedy::readFile((root() / "etc/fstab").string()); }
std::string procSwaps() { return remedy::readFile("/proc/swaps"); }

bool swapIsActive(const std::string& path)
{
    for (const auto& area : remedy::parseSwaps(procSwaps()))
        if (area.path == (root().string() + path))
            return true;
    return false;
}

// Every file under the scratch system, with its size: what "nothing changed"
// compares (with fstab and /proc/swaps).
std::string listing()
{
    std::string text;
    for (const auto& entry : fs::recursive_directory_iterator(root(), fs::directory_options::skip_permission_denied)) {
        if (entry.path().string().find("lost+found") != std::string::npos || entry.path().string().find("var/backups") != std::string::npos)
            continue;
        text += entry.path().string();
        if (entry.is_regular_file())
            text += " " + std::to_string(entry.file_size());
        text += "\n";
    }
    return text;
}

struct Snapshot {
    std::string fstab, swaps, files;
    bool operator==(const Snapshot&) const = default;
};

Snapshot snapshot() { return {fstab(), procSwaps(), listing()}; }

class Swap : public testing::Test {
protected:
    void SetUp() override { std::ofstream(root() / "etc/fstab") << kFstab; }

    void TearDown() override
    {
        for (const auto& path : created_)
            remedyctlAs(Caller::Root, {"swap", "remove", path});
        std::ofstream(root() / "etc/fstab") << kFstab;
    }

    Outcome create(Caller caller, const std::string& path, const std::string& size = "32M", std::vector<std::string> extra = {})
    {
        created_.push_back(path);
        std::vector<std::string> args = {"swap", "create", path, "--size", size};
        args.insert(args.end(), extra.begin(), extra.end());
        return remedyctlAs(caller, args);
    }

    std::vector<std::string> created_;
};

class SwapOnFilesystem : public Swap, public testing::WithParamInterface<std::string> {};

TEST_P(SwapOnFilesystem, CreatesEnablesPersistsAndRemoves)
{
    auto path = "/mnt/" + GetParam() + "/swapfile";
    auto got = create(Caller::Member, path, "32M", {"--priority", "7"});
    ASSERT_EQ(got.exitCode, 0) << got.err;
    EXPECT_TRUE(swapIsActive(path)) << procSwaps();
    auto show = run({"swapon", "--show=NAME,PRIO", "--noheadings", "--raw"});
    EXPECT_NE(show.out.find(root().string() + path + " 7"), std::string::npos) << show.out;
    EXPECT_EQ(fstab(), kFstab + path + " none swap pri=7 0 0\n");
    struct stat st {};
    ASSERT_EQ(stat((root().string() + path).c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 0U);
    EXPECT_EQ(st.st_mode & 07777, 0600U);

    auto removed = remedyctlAs(Caller::Member, {"swap", "remove", path});
    EXPECT_EQ(removed.exitCode, 0) << removed.err;
    EXPECT_FALSE(swapIsActive(path));
    EXPECT_FALSE(fs::exists(root().string() + path));
    EXPECT_EQ(fstab(), kFstab);
}

INSTANTIATE_TEST_SUITE_P(Filesystems, SwapOnFilesystem, testing::Values("ext4", "xfs", "btrfs"));

struct Refusal {
    std::vector<std::string> args;  // after "swap create"
    int exitCode;
    std::string says;
};

TEST_F(Swap, RefusedRequestsChangeNothing)
{
    fs::create_directories(root() / "srv/open");
    fs::permissions(root() / "srv/open", fs::perms(01777));
    fs::create_directory_symlink("../mnt/ext4", root() / "srv/link");
    std::ofstream(root() / "srv/existing") << "precious";
    { std::ofstream(root() / "srv/sparse"); }
    fs::resize_file(root() / "srv/sparse", 32 << 20);

    const std::vector<Refusal> refusals = {
        {{"/mnt/tmpfs/swapfile", "--size", "16M"}, 1, "tmpfs"},
        {{"/mnt/overlay/swapfile", "--size", "16M"}, 1, "overlayfs"},
        {{"swapfile", "--size", "16M"}, 2, "not an absolute path"},
        {{"/mnt/ext4/../ext4/swapfile", "--size", "16M"}, 2, "'..'"},
        {{"/srv/link/swapfile", "--size", "16M"}, 2, "symbolic link"},
        {{"/srv/existing", "--size", "16M"}, 2, "already exists"},
        {{"/srv/sparse", "--size", "32M"}, 2, "already exists"},
        {{"/mnt/ext4/swapfile", "--size", "4K"}, 2, "at least"},
        {{"/mnt/ext4/swapfile", "--size", "1G"}, 1, "not enough space"},
        {{"/srv/open/swapfile", "--size", "16M"}, 2, "writable by everyone"},
        {{"/proc/swapfile", "--size", "16M"}, 2, "under /proc"},
        {{"/sys/swapfile", "--size", "16M"}, 2, "under /sys"},
        {{"/mnt/ext4/swapfile", "--size", "16M", "--priority", "40000"}, 2, "priority"},
        {{"/mnt/ext4/swapfile", "--size", "lots"}, 2, "not a size"},
    };
    auto before = snapshot();
    for (const auto& refusal : refusals) {
        auto args = refusal.args;
        args.insert(args.begin(), {"swap", "create"});
        auto got = remedyctlAs(Caller::Member, args);
        EXPECT_EQ(got.exitCode, refusal.exitCode) << args[2] << ": " << got.err;
        EXPECT_NE(got.err.find(refusal.says), std::string::npos) << args[2] << ": " << got.err;
        EXPECT_TRUE(snapshot() == before) << args[2] << " changed something";
    }
    fs::remove_all(root() / "srv/open");
    fs::remove(root() / "srv/link");
    fs::remove(root() / "srv/existing");
    fs::remove(root() / "srv/sparse");
}

TEST_F(Swap, APersonAtATerminalSeesAProgressBar)
{
    created_.push_back("/mnt/xfs/swapfile");
    auto got = runOnTerminal("runuser -u " + userName(Caller::Member) + " -- " + remedyctl() +
                                 " swap create /mnt/xfs/swapfile --size 64M",
                             "never asked", "");
    EXPECT_EQ(got.exitCode, 0) << got.out << got.err;
    EXPECT_NE(got.out.find("] 100%"), std::string::npos) << got.out;
    EXPECT_NE(got.out.find("Created swap /mnt/xfs/swapfile"), std::string::npos) << got.out;
}

TEST_F(Swap, OutsiderIsRefusedAndNothingChanges)
{
    auto before = snapshot();
    auto got = create(Caller::Outsider, "/mnt/ext4/swapfile");
    EXPECT_EQ(got.exitCode, 4) << got.err;
    EXPECT_NE(got.err.find("org.remedy.swap.manage"), std::string::npos) << got.err;
    EXPECT_TRUE(snapshot() == before);
    EXPECT_EQ(remedyctlAs(Caller::Outsider, {"swap", "remove", "/mnt/ext4/swapfile"}).exitCode, 4);
    EXPECT_EQ(remedyctlAs(Caller::Outsider, {"fstab", "add", "tmpfs", "/mnt/data", "tmpfs"}).exitCode, 4);
    EXPECT_TRUE(snapshot() == before);
}

TEST_F(Swap, TheSwapActionCoversItsOwnFstabLineAndNothingElse)
{
    auto swapOnly = requireEnv("REMEDY_SWAP_ONLY");
    created_.push_back("/mnt/ext4/swapfile");
    auto created = runAs(swapOnly, {remedyctl(), "--no-ask-password", "swap", "create", "/mnt/ext4/swapfile", "--size", "32M"});
    ASSERT_EQ(created.exitCode, 0) << created.err;
    EXPECT_EQ(fstab(), kFstab + "/mnt/ext4/swapfile none swap defaults 0 0\n");
    auto edit = runAs(swapOnly, {remedyctl(), "--no-ask-password", "fstab", "add", "tmpfs", "/mnt/data", "tmpfs"});
    EXPECT_EQ(edit.exitCode, 4) << edit.err;
    EXPECT_NE(edit.err.find("org.remedy.fstab.manage"), std::string::npos) << edit.err;
    EXPECT_EQ(fstab(), kFstab + "/mnt/ext4/swapfile none swap defaults 0 0\n");
}

TEST_F(Swap, DryRunShowsTheStepsAndChangesNothing)
{
    auto before = snapshot();
    auto got = create(Caller::Member, "/mnt/ext4/swapfile", "32M", {"--dry-run"});
    EXPECT_EQ(got.exitCode, 0) << got.err;
    EXPECT_NE(got.out.find("mkswap"), std::string::npos) << got.out;
    EXPECT_NE(got.out.find("/etc/fstab"), std::string::npos) << got.out;
    EXPECT_TRUE(snapshot() == before);
}

TEST_F(Swap, SecondCreateIsUnchangedAndWritesNothing)
{
    ASSERT_EQ(create(Caller::Member, "/mnt/ext4/swapfile").exitCode, 0);
    auto fstabTime = fs::last_write_time(root() / "etc/fstab");
    auto fileTime = fs::last_write_time(root() / "mnt/ext4/swapfile");
    auto before = snapshot();
    auto again = remedyctlAs(Caller::Member, {"--json", "swap", "create", "/mnt/ext4/swapfile", "--size", "32M"});
    ASSERT_EQ(again.exitCode, 0) << again.err;
    EXPECT_EQ(nlohmann::json::parse(again.out)["changed"], false);
    EXPECT_TRUE(snapshot() == before);
    EXPECT_EQ(fs::last_write_time(root() / "etc/fstab"), fstabTime);
    EXPECT_EQ(fs::last_write_time(root() / "mnt/ext4/swapfile"), fileTime);
}

TEST_F(Swap, TwoClientsCreatingTheSameSwapfileGetOneSwapfile)
{
    created_.push_back("/mnt/xfs/swapfile");
    auto attempt = [] {
        return remedyctlAs(Caller::Member, {"--json", "swap", "create", "/mnt/xfs/swapfile", "--size", "64M"});
    };
    auto first = std::async(std::launch::async, attempt);
    auto second = std::async(std::launch::async, attempt);
    int changed = 0;
    for (auto* result : {&first, &second}) {
        auto got = result->get();
        if (got.exitCode == 0) {
            changed += nlohmann::json::parse(got.out)["changed"].get<bool>() ? 1 : 0;
        } else {
            EXPECT_EQ(got.exitCode, 1) << got.err;
            EXPECT_NE(got.err.find("another job"), std::string::npos) << got.err;
        }
    }
    EXPECT_EQ(changed, 1);
    EXPECT_EQ(fstab(), kFstab + "/mnt/xfs/swapfile none swap defaults 0 0\n");
    int areas = 0;
    for (const auto& area : remedy::parseSwaps(procSwaps()))
        areas += area.path == root().string() + "/mnt/xfs/swapfile" ? 1 : 0;
    EXPECT_EQ(areas, 1);
}

TEST_F(Swap, FailedFstabWriteUndoesEveryStep)
{
    // A real failure at the last step: /etc is read-only.
    auto etc = (root() / "etc").string();
    ASSERT_EQ(mount(etc.c_str(), etc.c_str(), nullptr, MS_BIND, nullptr), 0);
    ASSERT_EQ(mount(nullptr, etc.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr), 0);
    auto before = snapshot();
    auto got = create(Caller::Member, "/mnt/ext4/swapfile");
    umount(etc.c_str());
    EXPECT_EQ(got.exitCode, 1) << got.err;
    EXPECT_NE(got.err.find("Read-only"), std::string::npos) << got.err;
    EXPECT_TRUE(snapshot() == before) << "swap: " << procSwaps() << "files: " << listing();
}

TEST_F(Swap, ResizeGrowsTheActiveSwapfileInPlace)
{
    ASSERT_EQ(create(Caller::Member, "/mnt/ext4/swapfile").exitCode, 0);
    auto fstabBefore = fstab();
    auto got = remedyctlAs(Caller::Member, {"swap", "resize", "/mnt/ext4/swapfile", "--size", "48M"});
    ASSERT_EQ(got.exitCode, 0) << got.err;
    EXPECT_EQ(fs::file_size(root() / "mnt/ext4/swapfile"), 48U << 20);
    EXPECT_TRUE(swapIsActive("/mnt/ext4/swapfile"));
    EXPECT_FALSE(fs::exists(root() / "mnt/ext4/.swapfile.remedy-resize"));
    EXPECT_EQ(fstab(), fstabBefore);
}

TEST_F(Swap, RemoveRefusesAFileItCannotProveIsASwapfile)
{
    std::ofstream(root() / "srv/data") << std::string(8192, 'x');
    fs::permissions(root() / "srv/data", fs::perms(0600));
    auto got = remedyctlAs(Caller::Member, {"swap", "remove", "/srv/data"});
    EXPECT_EQ(got.exitCode, 2) << got.err;
    EXPECT_NE(got.err.find("no swap signature"), std::string::npos) << got.err;
    EXPECT_TRUE(fs::exists(root() / "srv/data"));
    fs::remove(root() / "srv/data");
}

TEST_F(Swap, StatusListsActiveAreasAndTheRecommendation)
{
    ASSERT_EQ(create(Caller::Member, "/mnt/btrfs/swapfile").exitCode, 0);
    auto got = remedyctlAs(Caller::Outsider, {"--json", "swap", "status"});
    ASSERT_EQ(got.exitCode, 0) << got.err;
    auto doc = nlohmann::json::parse(got.out);
    bool listed = false;
    for (const auto& area : doc["areas"])
        listed = listed || area["path"] == root().string() + "/mnt/btrfs/swapfile";
    EXPECT_TRUE(listed) << got.out;
    EXPECT_GT(doc["recommended"].get<std::uint64_t>(), 0U);
    EXPECT_NE(doc["recommended_reason"].get<std::string>().find("Red Hat"), std::string::npos);
}

// Any fstab line is root in disguise (a mount over /etc), so the group is
// refused and nothing changes; an administrator (root here) edits it.
TEST_F(Swap, FstabEntriesAreTheAdministratorsAddedOnceAndRemovedByteForByte)
{
    auto member = remedyctlAs(Caller::Member, {"fstab", "add", "tmpfs", "/mnt/data", "tmpfs"});
    EXPECT_EQ(member.exitCode, 4) << member.err;
    EXPECT_NE(member.err.find("org.remedy.fstab.manage"), std::string::npos) << member.err;
    EXPECT_NE(member.err.find("worth root"), std::string::npos) << member.err;
    EXPECT_EQ(fstab(), kFstab);

    auto add = remedyctlAs(Caller::Root, {"--json", "fstab", "add", "tmpfs", "/mnt/data", "tmpfs", "-o", "size=10M,mode=0755"});
    ASSERT_EQ(add.exitCode, 0) << add.err;
    EXPECT_EQ(nlohmann::json::parse(add.out)["changed"], true);
    EXPECT_EQ(fstab(), kFstab + "tmpfs /mnt/data tmpfs size=10M,mode=0755 0 0\n");
    auto again = remedyctlAs(Caller::Root, {"--json", "fstab", "add", "tmpfs", "/mnt/data", "tmpfs", "-o", "size=10M,mode=0755"});
    EXPECT_EQ(nlohmann::json::parse(again.out)["changed"], false);
    auto conflicting = remedyctlAs(Caller::Root, {"fstab", "add", "/dev/vdb", "/mnt/data", "ext4"});
    EXPECT_EQ(conflicting.exitCode, 1);
    EXPECT_NE(conflicting.err.find("line 3"), std::string::npos) << conflicting.err;

    auto list = remedyctlAs(Caller::Outsider, {"--json", "fstab", "list"});
    ASSERT_EQ(list.exitCode, 0) << list.err;
    EXPECT_EQ(nlohmann::json::parse(list.out)["entries"][1]["target"], "/mnt/data");

    ASSERT_EQ(remedyctlAs(Caller::Root, {"fstab", "remove", "/mnt/data"}).exitCode, 0);
    EXPECT_EQ(fstab(), kFstab);
}

TEST_F(Swap, AnFstabLibmountCannotParseIsNeverRewritten)
{
    const std::string broken = kFstab + "/dev/vdb1 /data ext4 defaults zero 2\n";
    std::ofstream(root() / "etc/fstab") << broken;
    auto got = remedyctlAs(Caller::Root, {"fstab", "add", "tmpfs", "/mnt/data", "tmpfs"});
    EXPECT_EQ(got.exitCode, 2) << got.err;
    EXPECT_NE(got.err.find("line 3"), std::string::npos) << got.err;
    auto swap = create(Caller::Member, "/mnt/ext4/swapfile");
    EXPECT_EQ(swap.exitCode, 2) << swap.err;
    EXPECT_EQ(fstab(), broken);
    EXPECT_FALSE(fs::exists(root() / "mnt/ext4/swapfile"));
}

// Before: one bad line made GetEntries itself fail; findmnt lists the rest.
TEST_F(Swap, AnFstabWithABadLineIsReadAndTheLineNamedButNotWritten)
{
    const std::string broken = kFstab + "/dev/vdb1 /data ext4 defaults zero 2\ntmpfs /scratch tmpfs size=1G 0 0\n";
    std::ofstream(root() / "etc/fstab") << broken;
    auto raw = busctl(userName(Caller::Outsider), {"--json=short", "call", kBusName, kPath, "org.remedy.Remedy1.Fstab", "GetEntries"});
    ASSERT_EQ(raw.exitCode, 0) << raw.err;
    auto entries = nlohmann::json::parse(raw.out)["data"][0];
    ASSERT_EQ(entries.size(), 2U) << raw.out;
    EXPECT_EQ(entries[1][1], "/scratch");
    EXPECT_EQ(entries[1][6], 4);

    auto list = remedyctlAs(Caller::Outsider, {"--json", "fstab", "list"});
    ASSERT_EQ(list.exitCode, 0) << list.err;
    auto json = nlohmann::json::parse(list.out);
    EXPECT_EQ(json["entries"].size(), 2U) << list.out;
    ASSERT_EQ(json["unparsed"].size(), 1U) << list.out;
    EXPECT_EQ(json["unparsed"][0]["line"], 3);
    EXPECT_EQ(json["unparsed"][0]["text"], "/dev/vdb1 /data ext4 defaults zero 2");
    EXPECT_NE(json["unparsed"][0]["reason"].get<std::string>().find("numbers"), std::string::npos) << list.out;
    auto human = remedyctlAs(Caller::Outsider, {"fstab", "list"});
    EXPECT_EQ(human.exitCode, 0) << human.err;
    EXPECT_NE(human.out.find("/scratch"), std::string::npos) << human.out;
    EXPECT_NE(human.err.find("line 3 cannot be parsed"), std::string::npos) << human.err;

    auto add = busctl("root", {"call", kBusName, kPath, "org.remedy.Remedy1.Fstab", "AddEntry", "ssssiia{sv}", "tmpfs", "/mnt/data",
                               "tmpfs", "defaults", "0", "0", "0"});
    EXPECT_NE(add.exitCode, 0);
    EXPECT_NE(add.err.find("line 3"), std::string::npos) << add.err;
    EXPECT_NE(add.err.find("zero 2"), std::string::npos) << add.err;
    EXPECT_EQ(fstab(), broken);
}

// Before: the next edit added the newline the file did not end with.
TEST_F(Swap, AnFstabWithoutAFinalNewlineKeepsItSo)
{
    const std::string bare = kFstab.substr(0, kFstab.size() - 1);
    std::ofstream(root() / "etc/fstab") << bare;
    ASSERT_EQ(remedyctlAs(Caller::Root, {"fstab", "add", "tmpfs", "/mnt/data", "tmpfs"}).exitCode, 0);
    EXPECT_EQ(fstab(), bare + "\ntmpfs /mnt/data tmpfs defaults 0 0");
    ASSERT_EQ(remedyctlAs(Caller::Root, {"fstab", "remove", "/mnt/data"}).exitCode, 0);
    EXPECT_EQ(fstab(), bare);
}

TEST_F(Swap, ASymlinkSwappedInDuringTheCallIsNeverFollowed)
{
    // /srv/race flips between a real directory and a link to mnt/ext4 while
    // remedy creates swapfiles in it: they may be refused, but never land
    // behind the link.
    fs::create_directories(root() / "srv/race-dir");
    fs::create_directory_symlink("../mnt/ext4", root() / "srv/race-link");
    fs::rename(root() / "srv/race-dir", root() / "srv/race");
    auto race = (root() / "srv/race").string();
    auto link = (root() / "srv/race-link").string();
    int created = 0;
    for (int i = 0; i < 15; ++i) {
        std::atomic<bool> stop{false};
        std::thread flipper([&] {
            while (!stop)
                renameat2(AT_FDCWD, race.c_str(), AT_FDCWD, link.c_str(), RENAME_EXCHANGE);
        });
        auto got = remedyctlAs(Caller::Member, {"swap", "create", "/srv/race/swapfile", "--size", "16M", "--no-persist"});
        stop = true;
        flipper.join();
        EXPECT_TRUE(got.exitCode == 0 || got.exitCode == 2) << got.err;
        EXPECT_FALSE(fs::exists(root() / "mnt/ext4/swapfile")) << "a swapfile landed behind the link";
        if (fs::is_symlink(race))
            renameat2(AT_FDCWD, race.c_str(), AT_FDCWD, link.c_str(), RENAME_EXCHANGE);
        if (got.exitCode == 0) {
            ++created;
            EXPECT_EQ(remedyctlAs(Caller::Root, {"swap", "remove", "/srv/race/swapfile"}).exitCode, 0);
        }
    }
    RecordProperty("created", created);
    for (const char* name : {"srv/race", "srv/race-link"}) {
        if (fs::is_symlink(root() / name))
            fs::remove(root() / name);
        else
            fs::remove_all(root() / name);
    }
    EXPECT_FALSE(fs::exists(root() / "mnt/ext4/swapfile"));
}

} // namespace
