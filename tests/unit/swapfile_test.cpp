// The swapfile core against a real file system (real fallocate, real mkswap)
// with the kernel's swapon faked, so that every step can be made to fail.
// Proof on the real kernel is in the bus tier.

#include "core/config.h"
#include "core/error.h"
#include "core/fstab.h"
#include "core/pending.h"
#include "core/swap_policy.h"
#include "core/swapfile.h"
#include "core/trusted_path.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

using namespace remedy;
namespace fs = std::filesystem;

namespace {

enum class Step { None, Allocate, Signature, SwapOn, SwapOff };

// Real allocation and mkswap; swapon/swapoff recorded instead of done.
class FakeKernel final : public SwapSystem {
public:
    Step failAt = Step::None;
    std::map<std::string, std::optional<int>> active;  // path -> priority

    void allocate(int fd, std::uint64_t size, const Progress& progress) override
    {
        fail(Step::Allocate);
        real_.allocate(fd, size, progress);
    }
    void writeSignature(int fd) override
    {
        fail(Step::Signature);
        real_.writeSignature(fd);
    }
    void swapOn(int fd, std::optional<int> priority) override
    {
        fail(Step::SwapOn);
        active[pathOf(fd)] = priority;
    }
    void swapOff(int fd) override
    {
        fail(Step::SwapOff);
        active.erase(pathOf(fd));
    }
    std::vector<SwapArea> activeAreas() override
    {
        std::vector<SwapArea> areas;
        for (const auto& [path, priority] : active)
            areas.push_back({path, "file", 0, 0, priority.value_or(-2)});
        return areas;
    }

private:
    void fail(Step step) const
    {
        if (failAt == step)
            throw Error(ErrorKind::Failed, "injected failure");
    }
    static std::string pathOf(int fd) { return fs::read_symlink("/proc/self/fd/" + std::to_string(fd)).string(); }
    KernelSwapSystem real_;
};

class Swapfiles : public testing::Test {
protected:
    void SetUp() override
    {
        if (geteuid() != 0)
            GTEST_SKIP() << "needs root (root-owned directories, chown)";
        root_ = fs::path(REMEDY_BUILD_DIR) / ("swapfile-test-" + std::to_string(getpid()));
        fs::remove_all(root_);
        fs::create_directories(root_ / "etc");
        fs::create_directories(root_ / "srv");
        fs::permissions(root_, fs::perms(0755));
        struct statfs info {};
        statfs(root_.c_str(), &info);
        if (info.f_type != EXT4_SUPER_MAGIC && info.f_type != XFS_SUPER_MAGIC)
            GTEST_SKIP() << "the build folder is not on ext4 or xfs";
        write("etc/fstab", kFstab);
        rootFd_ = openRoot(root_.string());
    }

    void TearDown() override
    {
        rootFd_.reset();
        if (!root_.empty())
            fs::remove_all(root_);
    }

    void write(const std::string& relative, const std::string& text) { std::ofstream(root_ / relative) << text; }
    std::string read(const std::string& relative) const
    {
        std::ifstream in(root_ / relative);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }
    bool exists(const std::string& relative) const { return fs::exists(fs::symlink_status(root_ / relative)); }

    SwapfileRequest request(const std::string& path, std::uint64_t size = 16 * MiB)
    {
        SwapfileRequest r;
        r.path = path;
        r.size = size;
        r.reserve = 0;
        return r;
    }

    // Nothing on disk, nothing "active", fstab as it was.
    void expectUntouched(const char* why)
    {
        EXPECT_FALSE(exists("srv/swapfile")) << why;
        EXPECT_EQ(read("etc/fstab"), kFstab) << why;
        EXPECT_TRUE(kernel_.active.empty()) << why;
        for (const auto& entry : fs::directory_iterator(root_ / "srv"))
            ADD_FAILURE() << why << ": left behind " << entry.path();
    }

    // Places for these tests (so that the checks behind the place check are
    // reached), and no free-space floor: the build folder's disk is shared.
    static Config testConfig()
    {
        Config config;
        config.swapfilePlaces = {"/srv/", "/open/", "/users/", "/link/", "/proc/", "/sys/", "/nonexistent/"};
        config.swapReserve = 0;
        config.swapReservePercent = 0;
        return config;
    }

    std::uint64_t available() const
    {
        struct statvfs vfs {};
        statvfs((root_ / "srv").c_str(), &vfs);
        return static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    }

    static constexpr const char* kFstab = "# test\n/dev/vda1 / ext4 defaults 0 1\n";
    Config config_ = testConfig();
    fs::path root_;
    UniqueFd rootFd_;
    FakeKernel kernel_;
};

TEST_F(Swapfiles, CreatesAPersistedActiveSwapfile)
{
    remedy::Swapfiles swapfiles(rootFd_.get(), kernel_, config_);
    auto req = request("/srv/swapfile");
    req.priority = 7;
    double last = 0;
    auto outcome = swapfiles.create(req, [&](double fraction) {
        EXPECT_GE(fraction, last);
        last = fraction;
    });
    EXPECT_TRUE(outcome.changed);
    EXPECT_DOUBLE_EQ(last, 1.0);

    struct stat st {};
    ASSERT_EQ(lstat((root_ / "srv/swapfile").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 0U);
    EXPECT_EQ(st.st_mode & 07777, 0600U);
    EXPECT_EQ(static_cast<std::uint64_t>(st.st_size), 16 * MiB);
    EXPECT_GE(static_cast<std::uint64_t>(st.st_blocks) * 512, 16 * MiB) << "sparse";
    auto data = read("srv/swapfile");
    EXPECT_EQ(data.substr(static_cast<std::size_t>(sysconf(_SC_PAGESIZE)) - 10, 10), "SWAPSPACE2");
    ASSERT_EQ(kernel_.active.size(), 1U);
    EXPECT_EQ(kernel_.active.begin()->second, 7);
    EXPECT_EQ(read("etc/fstab"), std::string(kFstab) + "/srv/swapfile none swap pri=7 0 0\n");
    EXPECT_TRUE(exists("var/backups/remedy")) << "the previous fstab is kept";
}

// A remedyd killed while building leaves the temporary; the next create
// counts its blocks as free (they are about to be) and replaces it, and a
// remove takes it along. Before, a large stale temporary made every later
// create fail with NoSpace, and remove left it.
TEST_F(Swapfiles, AStaleTemporaryNeitherBlocksACreateNorOutlivesARemove)
{
    auto stale = root_ / "srv/.swapfile.remedy-new";
    {
        UniqueFd fd(open(stale.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600));
        ASSERT_TRUE(fd);
        ASSERT_EQ(fallocate(fd.get(), 0, 0, 32 * MiB), 0);
    }
    remedy::Swapfiles swapfiles(rootFd_.get(), kernel_, config_);
    // Room for the new file only if the stale one's 32 MiB come back.
    auto req = request("/srv/swapfile", 32 * MiB);
    req.reserve = available() - 16 * MiB;
    auto dry = swapfiles.create([&] { auto r = req; r.dryRun = true; return r; }(), {});
    EXPECT_TRUE(dry.changed);
    EXPECT_TRUE(exists("srv/.swapfile.remedy-new")) << "a dry run changes nothing";
    ASSERT_NO_THROW(swapfiles.create(req, {}));
    EXPECT_FALSE(exists("srv/.swapfile.remedy-new"));

    ASSERT_NO_THROW(swapfiles.remove("/srv/swapfile", false));
    write("srv/.swapfile.remedy-new", "half built");
    auto removed = swapfiles.remove("/srv/swapfile", false);
    EXPECT_TRUE(removed.changed);
    EXPECT_FALSE(exists("srv/.swapfile.remedy-new"));
    expectUntouched("after remove");
}

TEST_F(Swapfiles, DryRunSaysWhatItWouldDoAndDoesNothing)
{
    remedy::Swapfiles swapfiles(rootFd_.get(), kernel_, config_);
    auto req = request("/srv/swapfile");
    req.dryRun = true;
    auto outcome = swapfiles.create(req, {});
    EXPECT_TRUE(outcome.changed);
    EXPECT_GE(outcome.actions.size(), 4U);
    expectUntouched("dry run");
}

TEST_F(Swapfiles, SecondCreateReportsUnchangedAndWritesNothing)
{
    remedy::Swapfiles swapfiles(rootFd_.get(), kernel_, config_);
    swapfiles.create(request("/srv/swapfile"), {});
    auto fstabTime = fs::last_write_time(root_ / "etc/fstab");
    auto fileTime = fs::last_write_time(root_ / "srv/swapfile");
    auto outcome = swapfiles.create(request("/srv/swapfile"), {});
    EXPECT_FALSE(outcome.changed);
    EXPECT_EQ(fs::last_write_time(root_ / "etc/fstab"), fstabTime);
    EXPECT_EQ(fs::last_write_time(root_ / "srv/swapfile"), fileTime);
}

TEST_F(Swapfiles, EveryFailingStepLeavesTheSystemAsBefore)
{
    for (auto step : {Step::Allocate, Step::Signature, Step::SwapOn}) {
        kernel_.failAt = step;
        remedy::Swapfiles swapfiles(rootFd_.get(), kernel_, config_);
        EXPECT_THROW(swapfiles.create(request("/srv/swapfile"), {}), Error);
        expectUntouched("failure at a kernel step");
    }
}

TEST_F(Swapfiles, FailingFstabWriteTurnsSwapOffAndDeletesTheFile)
{
    // A real failure: the backup folder cannot be made, so fstab is never written.
    fs::create_directories(root_ / "var/backups");
    write("var/backups/remedy", "a file where the folder should be");
    remedy::Swapfiles swapfiles(rootFd_.get(), kernel_, config_);
    EXPECT_THROW(swapfiles.create(request("/srv/swapfile"), {}), Error);
    expectUntouched("failure at the fstab write");
}

TEST_F(Swapfiles, RefusesBadPathsAndChangesNothing)
{
    fs::create_directories(root_ / "open");
    fs::permissions(root_ / "open", fs::perms(01777));
    fs::create_directories(root_ / "users");
    chown((root_ / "users").c_str(), 1000, 1000);
    fs::create_directory_symlink("srv", root_ / "link");
    fs::create_symlink("/etc/passwd", root_ / "srv/swapfile-link");
    remedy::Swapfiles swapfiles(rootFd_.get(), kernel_, config_);
    for (const char* path : {"swapfile", "/srv/../srv/swapfile", "/srv/./swapfile", "/srv//swapfile", "/srv/swapfile/",
                             "/link/swapfile", "/srv/swapfile-link", "/open/swapfile", "/users/swapfile", "/proc/swapfile",
                             "/sys/swapfile", "/nonexistent/swapfile", "/"}) {
        try {
            swapfiles.create(request(path), {});
            ADD_FAILURE() << path << " was accepted";
        } catch (const Error& error) {
            EXPECT_EQ(error.kind(), ErrorKind::InvalidArgument) << path << ": " << error.what();
        }
    }
    fs::remove(root_ / "srv/swapfile-link");
    expectUntouched("bad paths");
}

TEST_F(Swapfiles, OnlyWhereTheAdministratorAllowsAndBeforeThePathIsLookedAt)
{
    fs::create_directories(root_ / "etc/sudoers.d");
    fs::create_directories(root_ / "var/lib/remedy/history");
    fs::create_directory_symlink("srv", root_ / "link");
    remedy::Swapfiles swapfiles(rootFd_.get(), kernel_);  // the defaults: /swapfile and /swap/*
    for (const char* path : {"/etc/nologin", "/etc/sudoers.d/x", "/var/lib/remedy/history/1.json", "/srv/swapfile", "/swapfile2",
                             "/swap", "/swap/deeper/swapfile", "/link/swapfile", "/nonexistent/swapfile", "/proc/swapfile"}) {
        try {
            swapfiles.create(request(path), {});
            ADD_FAILURE() << path << " was accepted";
        } catch (const Error& error) {
            EXPECT_EQ(error.kind(), ErrorKind::InvalidArgument) << path;
            // Not "symbolic link", "does not exist", "under /proc": refused on its name alone.
            EXPECT_NE(std::string(error.what()).find(std::string(path) + " is not where the administrator allows swapfiles (/swapfile, /swap/*)"),
                      std::string::npos)
                << error.what();
        }
    }
    EXPECT_FALSE(exists("etc/nologin"));
    EXPECT_FALSE(exists("etc/sudoers.d/x"));
    EXPECT_FALSE(exists("var/lib/remedy/history/1.json"));
    fs::remove(root_ / "link");
    expectUntouched("places not allowed");

    // A swapfile remedy made where it was allowed, once the administrator
    // narrows the places: neither resized nor removed.
    remedy::Swapfiles permitted(rootFd_.get(), kernel_, config_);
    permitted.create(request("/srv/swapfile"), {});
    EXPECT_THROW(swapfiles.resize(request("/srv/swapfile", 32 * MiB), {}), Error);
    EXPECT_THROW(swapfiles.remove("/srv/swapfile", false), Error);
    EXPECT_THROW(swapfiles.remove("/srv/swapfile", true), Error);
    EXPECT_EQ(fs::file_size(root_ / "srv/swapfile"), 16 * MiB);
    EXPECT_EQ(kernel_.active.size(), 1U);
    // Not even the fstab line of a file that is gone.
    kernel_.active.clear();
    fs::remove(root_ / "srv/swapfile");
    EXPECT_THROW(swapfiles.remove("/srv/swapfile", false), Error);
    EXPECT_EQ(read("etc/fstab"), std::string(kFstab) + "/srv/swapfile none swap defaults 0 0\n");
    EXPECT_TRUE(permitted.remove("/srv/swapfile", false).changed);
    expectUntouched("after the narrowing");

    // A name of remedy's own temporaries, in an allowed directory.
    try {
        permitted.create(request("/srv/.swapfile.remedy-new"), {});
        ADD_FAILURE() << "a temporary's name was accepted";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("names starting with '.' are remedy's temporaries"), std::string::npos) << error.what();
    }
    expectUntouched("a temporary's name");
}

TEST_F(Swapfiles, ACallerMayKeepMoreFreeSpaceButNeverLessThanTheFloor)
{
    if (available() < 400 * MiB)
        GTEST_SKIP() << "needs 400 MiB free in the build folder";
    // A floor that leaves room for 40 MiB more on this file system.
    config_.swapReserve = available() - 40 * MiB;
    remedy::Swapfiles swapfiles(rootFd_.get(), kernel_, config_);
    auto req = request("/srv/swapfile");
    req.reserve = 0;
    try {
        swapfiles.create(req, {});
        ADD_FAILURE() << "a reserve below the floor was accepted";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::InvalidArgument);
        EXPECT_NE(std::string(error.what()).find("reserve 0.0 MiB (0 bytes) is below the "), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find(std::to_string(config_.swapReserve) + " bytes) the administrator keeps free"),
                  std::string::npos)
            << error.what();
    }
    req.reserve = config_.swapReserve - 1;
    EXPECT_THROW(swapfiles.create(req, {}), Error) << "one byte short";
    expectUntouched("a reserve below the floor");

    // Without 'reserve' the floor holds: 80 MiB does not fit, 16 MiB does.
    req.reserve.reset();
    req.size = 80 * MiB;
    try {
        swapfiles.create(req, {});
        ADD_FAILURE() << "80 MiB was accepted with room for 40";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::NoSpace) << error.what();
    }
    // More than the floor: the caller's wish holds.
    req.size = 16 * MiB;
    req.reserve = available();
    try {
        swapfiles.create(req, {});
        ADD_FAILURE() << "a reserve of all the free space was ignored";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::NoSpace) << error.what();
    }
    expectUntouched("no room");
    req.reserve.reset();
    EXPECT_TRUE(swapfiles.create(req, {}).changed);

    // Growing in place holds the stand-in and the growth at once: 16 to
    // 64 MiB needs 64 + 48 MiB, which a floor leaving 88 MiB refuses.
    config_.swapReserve = available() - 88 * MiB;
    remedy::Swapfiles narrower(rootFd_.get(), kernel_, config_);
    auto grow = request("/srv/swapfile", 64 * MiB);
    grow.reserve.reset();
    try {
        narrower.resize(grow, {});
        ADD_FAILURE() << "the resize's peak was not counted";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::NoSpace) << error.what();
    }
    grow.reserve = 0;
    EXPECT_THROW(narrower.resize(grow, {}), Error) << "a resize may not lower the floor either";
    EXPECT_EQ(fs::file_size(root_ / "srv/swapfile"), 16 * MiB);
    EXPECT_FALSE(exists("srv/.swapfile.remedy-resize"));
    config_.swapReserve = available() - 136 * MiB;
    grow.reserve.reset();
    EXPECT_TRUE(remedy::Swapfiles(rootFd_.get(), kernel_, config_).resize(grow, {}).changed);
    EXPECT_EQ(fs::file_size(root_ / "srv/swapfile"), 64 * MiB);
    swapfiles.remove("/srv/swapfile", false);
}

TEST_F(Swapfiles, RefusesAnExistingFileEvenASparseOne)
{
    write("srv/swapfile", "precious data");
    fs::permissions(root_ / "srv/swapfile", fs::perms(0600));
    remedy::Swapfiles swapfiles(rootFd_.get(), kernel_, config_);
    EXPECT_THROW(swapfiles.create(request("/srv/swapfile"), {}), Error);
    EXPECT_EQ(read("srv/swapfile"), "precious data");
    fs::remove(root_ / "srv/swapfile");

    // A sparse file of the right size is no swapfile either.
    { std::ofstream(root_ / "srv/swapfile"); }
    fs::resize_file(root_ / "srv/swapfile", 16 * MiB);
    EXPECT_THROW(swapfiles.create(request("/srv/swapfile"), {}), Error);
    EXPECT_EQ(fs::file_size(root_ / "srv/swapfile"), 16 * MiB);
    fs::remove(root_ / "srv/swapfile");
}

TEST_F(Swapfiles, RefusesSizesBelowTheMinimumOrBeyondTheFreeSpace)
{
    remedy::Swapfiles swapfiles(rootFd_.get(), kernel_, config_);
    EXPECT_THROW(swapfiles.create(request("/srv/swapfile", 4096), {}), Error);
    try {
        swapfiles.create(request("/srv/swapfile", 1ULL << 50), {});
        ADD_FAILURE() << "a petabyte swapfile was accepted";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::NoSpace) << error.what();
    }
    auto req = request("/srv/swapfile");
    req.priority = 40000;
    EXPECT_THROW(swapfiles.create(req, {}), Error);
    expectUntouched("bad sizes");
}

TEST_F(Swapfiles, RemovesOnlyWhatItCanProveIsASwapfile)
{
    remedy::Swapfiles swapfiles(rootFd_.get(), kernel_, config_);
    write("srv/data", std::string(8192, 'x'));
    fs::permissions(root_ / "srv/data", fs::perms(0600));
    EXPECT_THROW(swapfiles.remove("/srv/data", false), Error);
    EXPECT_TRUE(exists("srv/data"));

    swapfiles.create(request("/srv/swapfile"), {});
    auto outcome = swapfiles.remove("/srv/swapfile", false);
    EXPECT_TRUE(outcome.changed);
    EXPECT_FALSE(exists("srv/swapfile"));
    EXPECT_TRUE(kernel_.active.empty());
    EXPECT_EQ(read("etc/fstab"), kFstab);
    EXPECT_FALSE(swapfiles.remove("/srv/swapfile", false).changed);
    fs::remove(root_ / "srv/data");
}

TEST_F(Swapfiles, FailedRemoveLeavesSwapOnAndFstabIntact)
{
    remedy::Swapfiles swapfiles(rootFd_.get(), kernel_, config_);
    swapfiles.create(request("/srv/swapfile"), {});
    auto fstab = read("etc/fstab");
    kernel_.failAt = Step::SwapOff;
    EXPECT_THROW(swapfiles.remove("/srv/swapfile", false), Error);
    EXPECT_TRUE(exists("srv/swapfile"));
    EXPECT_EQ(kernel_.active.size(), 1U);
    EXPECT_EQ(read("etc/fstab"), fstab);
    kernel_.failAt = Step::None;
    swapfiles.remove("/srv/swapfile", false);
}

TEST_F(Swapfiles, ResizeKeepsSwapOnThroughoutAndLeavesNoStandIn)
{
    remedy::Swapfiles swapfiles(rootFd_.get(), kernel_, config_);
    swapfiles.create(request("/srv/swapfile"), {});
    auto outcome = swapfiles.resize(request("/srv/swapfile", 32 * MiB), {});
    EXPECT_TRUE(outcome.changed);
    EXPECT_EQ(fs::file_size(root_ / "srv/swapfile"), 32 * MiB);
    ASSERT_EQ(kernel_.active.size(), 1U);
    EXPECT_EQ(kernel_.active.begin()->first, (root_ / "srv/swapfile").string());
    EXPECT_FALSE(exists("srv/.swapfile.remedy-resize"));
    EXPECT_FALSE(swapfiles.resize(request("/srv/swapfile", 32 * MiB), {}).changed);
    swapfiles.remove("/srv/swapfile", false);
}

TEST_F(Swapfiles, ACreateKilledAtAnyMomentIsFinishedByTheNextOne)
{
    std::mt19937 random(7);
    std::uniform_int_distribution<int> delay(0, 15000);  // microseconds: before, during and after each step
    for (int i = 0; i < 40; ++i) {
        pid_t helper = fork();
        ASSERT_GE(helper, 0);
        if (helper == 0) {
            FakeKernel kernel;
            try {
                remedy::Swapfiles(rootFd_.get(), kernel, config_).create(request("/srv/swapfile"), {});
            } catch (...) {
            }
            _exit(0);
        }
        usleep(static_cast<useconds_t>(delay(random)));
        kill(helper, SIGKILL);
        waitpid(helper, nullptr, 0);

        // The kernel's state died with the fake: as after a reboot, nothing is on.
        FakeKernel kernel;
        remedy::Swapfiles swapfiles(rootFd_.get(), kernel, config_);
        ASSERT_NO_THROW(swapfiles.create(request("/srv/swapfile"), {})) << "after kill " << i;
        EXPECT_EQ(kernel.active.size(), 1U);
        EXPECT_EQ(read("etc/fstab"), std::string(kFstab) + "/srv/swapfile none swap defaults 0 0\n");
        EXPECT_FALSE(exists("srv/.swapfile.remedy-new"));
        swapfiles.remove("/srv/swapfile", false);
        expectUntouched("after the cycle");
    }
}

// The write-ahead record: killed at any moment, a create is rolled back by
// the next remedyd's start (recoverPending) to exactly "before", or, killed
// after it ended, is exactly "after"; never a swapfile without its fstab
// line, a stray temporary, or a record left pending.
TEST_F(Swapfiles, ACreateKilledAtAnyMomentIsBeforeOrAfterOnceRecovered)
{
    // Spread over three times a create as long as one takes here, now.
    long took = 0;
    {
        FakeKernel kernel;
        remedy::Swapfiles swapfiles(rootFd_.get(), kernel, config_);
        auto started = std::chrono::steady_clock::now();
        swapfiles.create(request("/srv/swapfile"), {});
        took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
        swapfiles.remove("/srv/swapfile", false);
    }
    std::mt19937 random(11);
    std::uniform_int_distribution<long> delay(0, 3 * std::max<long>(took, 1000));
    int before = 0;
    int after = 0;
    const std::string persisted = std::string(kFstab) + "/srv/swapfile none swap defaults 0 0\n";
    for (int i = 0; i < 40; ++i) {
        pid_t helper = fork();
        ASSERT_GE(helper, 0);
        if (helper == 0) {
            FakeKernel kernel;
            try {
                remedy::Swapfiles(rootFd_.get(), kernel, config_).create(request("/srv/swapfile"), {});
            } catch (...) {
            }
            _exit(0);
        }
        usleep(static_cast<useconds_t>(delay(random)));
        kill(helper, SIGKILL);
        waitpid(helper, nullptr, 0);

        FakeKernel kernel;
        recoverPending(rootFd_.get(), &kernel, nullptr, config_);
        EXPECT_FALSE(exists("var/lib/remedy/pending/swap-create-" + std::to_string(std::hash<std::string>{}("/srv/swapfile")) + ".json"));
        EXPECT_FALSE(exists("srv/.swapfile.remedy-new")) << "after kill " << i;
        if (exists("srv/swapfile")) {
            EXPECT_EQ(read("etc/fstab"), persisted) << "after kill " << i << ": a swapfile without its line";
            ++after;
            remedy::Swapfiles(rootFd_.get(), kernel, config_).remove("/srv/swapfile", false);
        } else {
            ++before;
        }
        expectUntouched(("after kill " + std::to_string(i)).c_str());
    }
    EXPECT_GT(before, 0);
    EXPECT_GT(after, 0);
}

// Runs `change` in a child killed after a random delay within three times
// `took` (µs), then recovers as the next remedyd would, `kills` times.
template <typename Change, typename Check>
void killDuring(long took, unsigned seed, int kills, Change change, Check check)
{
    std::mt19937 random(seed);
    std::uniform_int_distribution<long> delay(0, 3 * std::max<long>(took, 1000));
    for (int i = 0; i < kills; ++i) {
        pid_t helper = fork();
        ASSERT_GE(helper, 0);
        if (helper == 0) {
            try {
                change();
            } catch (...) {
            }
            _exit(0);
        }
        usleep(static_cast<useconds_t>(delay(random)));
        kill(helper, SIGKILL);
        waitpid(helper, nullptr, 0);
        check(i);
    }
}

template <typename Change>
long timeOf(Change change)
{
    auto started = std::chrono::steady_clock::now();
    change();
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
}

TEST_F(Swapfiles, AResizeKilledAtAnyMomentIsBeforeOrAfterOnceRecovered)
{
    FakeKernel kernel;
    remedy::Swapfiles(rootFd_.get(), kernel, config_).create(request("/srv/swapfile"), {});
    auto grow = [&] { FakeKernel own; remedy::Swapfiles(rootFd_.get(), own, config_).resize(request("/srv/swapfile", 32 * MiB), {}); };
    auto shrink = [&] { FakeKernel own; remedy::Swapfiles(rootFd_.get(), own, config_).resize(request("/srv/swapfile", 16 * MiB), {}); };
    auto took = timeOf(grow);
    shrink();
    const std::string persisted = std::string(kFstab) + "/srv/swapfile none swap defaults 0 0\n";
    int before = 0;
    int after = 0;
    killDuring(took, 12, 40, grow, [&](int i) {
        FakeKernel next;
        auto recovered = recoverPending(rootFd_.get(), &next, nullptr, config_);
        for (const auto& change : recovered)
            EXPECT_TRUE(change.done) << change.outcome;
        EXPECT_FALSE(exists("srv/.swapfile.remedy-resize")) << "kill " << i << ": the stand-in stayed";
        EXPECT_EQ(read("etc/fstab"), persisted) << "kill " << i;
        UniqueFd fd(open((root_ / "srv/swapfile").c_str(), O_RDONLY | O_CLOEXEC));
        ASSERT_TRUE(fd) << "kill " << i << ": the swapfile is gone";
        struct stat st {};
        fstat(fd.get(), &st);
        auto size = static_cast<std::uint64_t>(st.st_size);
        EXPECT_TRUE(size == 16 * MiB || size == 32 * MiB) << "kill " << i << ": " << size << " bytes";
        // Whole at either size: a signature (the tail of page one) that a swapon takes.
        EXPECT_EQ(read("srv/swapfile").substr(static_cast<std::size_t>(sysconf(_SC_PAGESIZE)) - 10, 10), "SWAPSPACE2") << "kill " << i;
        if (size == 32 * MiB) {
            ++after;
            shrink();
        } else {
            ++before;
        }
    });
    EXPECT_GT(before, 0);
    EXPECT_GT(after, 0);
    remedy::Swapfiles(rootFd_.get(), kernel, config_).remove("/srv/swapfile", false);
    expectUntouched("at the end");
}

TEST_F(Swapfiles, ARemoveKilledAtAnyMomentIsBeforeOrAfterOnceRecovered)
{
    FakeKernel kernel;
    auto create = [&] { FakeKernel own; remedy::Swapfiles(rootFd_.get(), own, config_).create(request("/srv/swapfile"), {}); };
    auto remove = [&] { FakeKernel own; remedy::Swapfiles(rootFd_.get(), own, config_).remove("/srv/swapfile", false); };
    create();
    auto took = timeOf(remove);
    create();
    const std::string persisted = std::string(kFstab) + "/srv/swapfile none swap defaults 0 0\n";
    int before = 0;
    int after = 0;
    killDuring(took, 13, 40, remove, [&](int i) {
        FakeKernel next;
        for (const auto& change : recoverPending(rootFd_.get(), &next, nullptr, config_))
            EXPECT_TRUE(change.done) << "kill " << i << ": " << change.outcome;
        if (exists("srv/swapfile")) {
            EXPECT_EQ(read("etc/fstab"), persisted) << "kill " << i << ": a kept swapfile lost its line";
            ++before;
        } else {
            EXPECT_EQ(read("etc/fstab"), kFstab) << "kill " << i << ": a line for a deleted swapfile";
            ++after;
            create();
        }
    });
    // Two thirds of the kills land after the remove ended: those must find it done.
    EXPECT_GT(after, 0);
    remove();
    expectUntouched("at the end");
}

TEST_F(Swapfiles, ARemoveCutShortAfterItsSwapoffIsRolledBackFromItsRecord)
{
    // The record a remove writes before its swapoff, and what the kill left:
    // the file off and unlisted, not yet deleted.
    FakeKernel kernel;
    remedy::Swapfiles(rootFd_.get(), kernel, config_).create(request("/srv/swapfile"), {});
    auto line = read("etc/fstab").substr(std::string(kFstab).size());
    write("etc/fstab", kFstab);
    kernel.active.clear();
    fs::create_directories(root_ / "var/lib/remedy/pending");
    nlohmann::json record = {{"operation", "swap-remove"}, {"target", "/srv/swapfile"}, {"uid", 1000}, {"active", true},
                             {"priority", 7},           {"fstab_line", line.substr(0, line.size() - 1)}};
    write("var/lib/remedy/pending/swap-remove-1.json", record.dump());
    auto recovered = recoverPending(rootFd_.get(), &kernel, nullptr, config_);
    ASSERT_EQ(recovered.size(), 1U);
    EXPECT_TRUE(recovered[0].done);
    EXPECT_EQ(recovered[0].outcome, "rolled back: /srv/swapfile is kept, on, listed in /etc/fstab");
    EXPECT_EQ(read("etc/fstab"), kFstab + line);
    ASSERT_EQ(kernel.active.size(), 1U);
    EXPECT_EQ(kernel.active.begin()->second, 7);
    EXPECT_FALSE(exists("var/lib/remedy/pending/swap-remove-1.json"));
    remedy::Swapfiles(rootFd_.get(), kernel, config_).remove("/srv/swapfile", false);
}

TEST_F(Swapfiles, RecoveringACreateKeepsWhatItDidNotMake)
{
    // A create killed before its file was renamed into place, recovered
    // after someone put a file of their own there and listed it by hand.
    FakeKernel kernel;
    write("srv/swapfile", "theirs");
    write("etc/fstab", std::string(kFstab) + "/srv/swapfile none swap defaults 0 0\n");
    fs::create_directories(root_ / "var/lib/remedy/pending");
    nlohmann::json record = {{"operation", "swap-create"}, {"target", "/srv/swapfile"}, {"uid", 1000},
                             {"existed", false},           {"size", 16 * MiB},          {"listed", false}};
    write("var/lib/remedy/pending/swap-create-1.json", record.dump());
    auto recovered = recoverPending(rootFd_.get(), &kernel, nullptr, config_);
    ASSERT_EQ(recovered.size(), 1U);
    EXPECT_TRUE(recovered[0].done) << recovered[0].outcome;
    EXPECT_EQ(read("srv/swapfile"), "theirs");
    EXPECT_EQ(read("etc/fstab"), std::string(kFstab) + "/srv/swapfile none swap defaults 0 0\n") << "a line it did not add";
    fs::remove(root_ / "srv/swapfile");
    write("etc/fstab", kFstab);
}

TEST_F(Swapfiles, ZeroFillWritesEveryBlockAndReportsProgress)
{
    auto path = root_ / "srv/zeros";
    UniqueFd fd(open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    ASSERT_TRUE(fd);
    std::vector<double> seen;
    zeroFill(fd.get(), 3 * MiB + 4096, [&](double fraction) { seen.push_back(fraction); });
    struct stat st {};
    ASSERT_EQ(fstat(fd.get(), &st), 0);
    EXPECT_EQ(static_cast<std::uint64_t>(st.st_size), 3 * MiB + 4096);
    EXPECT_GE(static_cast<std::uint64_t>(st.st_blocks) * 512, 3 * MiB + 4096) << "holes";
    ASSERT_EQ(seen.size(), 4U);
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
    EXPECT_DOUBLE_EQ(seen.back(), 1.0);
    EXPECT_EQ(read("srv/zeros"), std::string(3 * MiB + 4096, '\0'));
    fs::remove(path);
}

TEST(SwapPolicy, RecommendsAsRedHatDoes)
{
    EXPECT_EQ(recommendSwap(1 * GiB).size, 2 * GiB);
    EXPECT_EQ(recommendSwap(7969164 * KiB).size, 8 * GiB);  // the incident's 7.6 GiB machine
    EXPECT_EQ(recommendSwap(32 * GiB).size, 4 * GiB);
    EXPECT_NE(recommendSwap(32 * GiB).reason.find("Red Hat"), std::string::npos);
}

TEST(SwapPolicy, ParsesSizesWithBinaryUnits)
{
    EXPECT_EQ(parseSize("2G"), 2 * GiB);
    EXPECT_EQ(parseSize("512M"), 512 * MiB);
    EXPECT_EQ(parseSize("1.5GiB"), 3 * GiB / 2);
    EXPECT_EQ(parseSize("4096"), 4096U);
    for (const char* bad : {"", "-1G", "0", "2X", "G", "nan", "1e30T", "50%", "infinity"})
        EXPECT_THROW(parseSize(bad), Error) << bad;
}

TEST(SwapPolicy, TheFloorIsTheLargerOfTheConfiguredBytesAndShare)
{
    Config config;  // 64 MiB, 5 %
    EXPECT_EQ(swapReserveFloor(config, 100 * MiB), 64 * MiB);
    EXPECT_EQ(swapReserveFloor(config, 100 * GiB), 5 * GiB);
    EXPECT_EQ(swapReserveFloor(config, 100 * GiB), defaultReserve(100 * GiB)) << "the defaults are the old ones";
    EXPECT_EQ(swapReserveFloor(config, UINT64_MAX), UINT64_MAX / 100 * 5) << "no overflow";
    config.swapReserve = 0;
    config.swapReservePercent = 0;
    EXPECT_EQ(swapReserveFloor(config, 100 * GiB), 0U);
}

TEST(SwapPolicy, RoundsToPagesAndEnforcesTheMinimum)
{
    EXPECT_EQ(swapfileSize(40960, 4096), 40960U);
    EXPECT_EQ(swapfileSize(40961, 4096), 45056U);
    EXPECT_THROW(swapfileSize(40959, 4096), Error);
}

} // namespace
