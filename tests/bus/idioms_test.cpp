// The interface's idioms on the bus tier. Change signals: a client learns
// that swap or fstab changed without polling, whoever changed it (here: root
// by hand, behind remedy's back, with the real kernel's swapon and a rename
// onto fstab). Jobs that can be cancelled undo what they did.

#include "bus_helpers.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <systemd/sd-bus.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

using namespace remedy::test;
namespace fs = std::filesystem;

namespace {

// A subscriber on the system bus that counts the signals of one match.
class Subscriber {
public:
    explicit Subscriber(const std::string& match)
    {
        EXPECT_GE(sd_bus_open_system(&bus_), 0);
        EXPECT_GE(sd_bus_add_match(bus_, nullptr, match.c_str(), &Subscriber::count, this), 0);
        // The match is in place at the bus daemon once a call round-trips.
        sd_bus_message* reply = nullptr;
        sd_bus_call_method(bus_, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetId", nullptr, &reply, "");
        sd_bus_message_unref(reply);
    }
    ~Subscriber() { sd_bus_flush_close_unref(bus_); }

    // Whether a signal came within the time; what the last one carried.
    bool await(std::chrono::milliseconds within)
    {
        auto deadline = std::chrono::steady_clock::now() + within;
        while (seen_ == 0 && std::chrono::steady_clock::now() < deadline) {
            if (sd_bus_process(bus_, nullptr) > 0)
                continue;
            sd_bus_wait(bus_, 100'000);
        }
        return seen_ > 0;
    }
    int seen() const { return seen_; }
    const std::string& lastContents() const { return contents_; }

private:
    static int count(sd_bus_message* message, void* self, sd_bus_error*)
    {
        auto* subscriber = static_cast<Subscriber*>(self);
        ++subscriber->seen_;
        const char* signature = sd_bus_message_get_signature(message, true);
        subscriber->contents_ = signature ? signature : "";
        const char* interface = nullptr;
        if (sd_bus_message_read(message, "s", &interface) > 0 && interface)
            subscriber->contents_ += std::string(" ") + interface;
        return 0;
    }

    sd_bus* bus_ = nullptr;
    int seen_ = 0;
    std::string contents_;
};

fs::path root() { return requireEnv("REMEDY_ROOT"); }

// remedyd runs: watches are set up when it starts.
void activate() { ASSERT_EQ(remedyctlAs(Caller::Root, {"status"}).exitCode, 0); }

TEST(ChangeSignals, AnFstabReplacedByHandIsAnnounced)
{
    Subscriber changed("type='signal',sender='org.remedy.Remedy1',interface='org.remedy.Remedy1.Fstab',member='Changed'");
    activate();
    auto fstab = root() / "etc/fstab";
    std::string before;
    {
        std::ifstream in(fstab);
        before.assign(std::istreambuf_iterator<char>(in), {});
    }
    // The way editors and remedy write it: a new file renamed onto the name.
    std::ofstream(root() / "etc/fstab.new") << before << "# a comment added by hand\n";
    fs::rename(root() / "etc/fstab.new", fstab);
    EXPECT_TRUE(changed.await(std::chrono::seconds(2))) << "no Fstab.Changed";
    std::ofstream(fstab, std::ios::trunc) << before;
}

TEST(ChangeSignals, AnotherFileInEtcIsNotAnnounced)
{
    Subscriber changed("type='signal',sender='org.remedy.Remedy1',interface='org.remedy.Remedy1.Fstab',member='Changed'");
    activate();
    std::ofstream(root() / "etc/remedy-signals-test") << "x\n";
    EXPECT_FALSE(changed.await(std::chrono::milliseconds(500))) << changed.seen() << " Fstab.Changed for another file";
    fs::remove(root() / "etc/remedy-signals-test");
}

TEST(ChangeSignals, ASwaponByHandChangesTheSwapProperties)
{
    auto file = root() / "mnt/ext4/signals-swap";
    ASSERT_EQ(run({"sh", "-c", "fallocate -l 16M " + file.string() + " && chmod 600 " + file.string() + " && mkswap -q " + file.string()}).exitCode,
              0);
    const std::string match = "type='signal',sender='org.remedy.Remedy1',path='/org/remedy/Remedy1',"
                              "interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',arg0='org.remedy.Remedy1.Swap'";
    {
        Subscriber on(match);
        activate();
        ASSERT_EQ(run({"swapon", file.string()}).exitCode, 0);
        EXPECT_TRUE(on.await(std::chrono::seconds(2))) << "no PropertiesChanged on swapon";
        EXPECT_EQ(on.lastContents(), "sa{sv}as org.remedy.Remedy1.Swap");
    }
    {
        Subscriber off(match);
        activate();
        ASSERT_EQ(run({"swapoff", file.string()}).exitCode, 0);
        EXPECT_TRUE(off.await(std::chrono::seconds(2))) << "no PropertiesChanged on swapoff";
    }
    fs::remove(file);
}

// Applies `plan` as root and cancels its job as soon as it exists; waits for
// the end. Whether the Cancel landed (else the plan had finished: Cancel is
// refused as too late), and the job's ErrorName.
struct CancelOutcome {
    bool landed = false;
    std::string errorName;
    std::string refusal;
};

CancelOutcome applyThenCancel(const std::string& plan)
{
    CancelOutcome outcome;
    sd_bus* bus = nullptr;
    EXPECT_GE(sd_bus_open_system(&bus), 0);
    sd_bus_message* reply = nullptr;
    sd_bus_error error = SD_BUS_ERROR_NULL;
    int called = sd_bus_call_method(bus, "org.remedy.Remedy1", "/org/remedy/Remedy1", "org.remedy.Remedy1.Plan", "Apply", &error, &reply, "sa{sv}",
                                    plan.c_str(), 0);
    EXPECT_GE(called, 0) << (error.message ? error.message : "");
    const char* path = nullptr;
    if (called >= 0)
        sd_bus_message_read(reply, "o", &path);
    std::string job = path ? path : "";
    sd_bus_message_unref(reply);
    sd_bus_error_free(&error);
    if (!job.empty()) {
        outcome.landed = sd_bus_call_method(bus, "org.remedy.Remedy1", job.c_str(), "org.remedy.Remedy1.Job", "Cancel", &error, nullptr, "a{sv}", 0) >= 0;
        outcome.refusal = error.message ? error.message : "";
        sd_bus_error_free(&error);
        int finished = 0;
        for (int wait = 0; wait < 300 && !finished; ++wait) {
            sd_bus_get_property_trivial(bus, "org.remedy.Remedy1", job.c_str(), "org.remedy.Remedy1.Job", "Finished", nullptr, 'b', &finished);
            if (!finished)
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        EXPECT_TRUE(finished) << job;
        char* name = nullptr;
        sd_bus_get_property_string(bus, "org.remedy.Remedy1", job.c_str(), "org.remedy.Remedy1.Job", "ErrorName", nullptr, &name);
        outcome.errorName = name ? name : "";
        free(name);
    }
    sd_bus_flush_close_unref(bus);
    return outcome;
}

nlohmann::json newestRun() { return nlohmann::json::parse(remedyctlAs(Caller::Root, {"--json", "history", "-n", "1"}).out)["history"][0]; }

std::string thirtyFstabLines()
{
    std::string lines;
    for (int i = 0; i < 30; ++i)
        lines += std::string(i ? ", " : "") + R"({"source": "tmpfs", "target": "/mnt/cancel/)" + std::to_string(i) + R"(", "type": "tmpfs"})";
    return lines;
}

std::string readText(const fs::path& file)
{
    std::ifstream in(file);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// A plan of 30 fstab lines, applied as root and cancelled as soon as its job
// exists: the lines it had added are gone, the record says so, and the job
// ends with Error.Cancelled. A plan may also finish before the Cancel lands
// (then Cancel is refused as too late, and the plan is undone); a few tries
// make sure one lands midway.
TEST(Cancel, ACancelledPlanIsRolledBackAndSaysCancelled)
{
    const std::string plan = R"({"version": 1, "fstab": [)" + thirtyFstabLines() + "]}";
    const auto before = readText(root() / "etc/fstab");
    int cancelled = 0;
    for (int attempt = 0; attempt < 5 && cancelled == 0; ++attempt) {
        auto outcome = applyThenCancel(plan);
        if (outcome.landed) {
            EXPECT_EQ(outcome.errorName, "org.remedy.Remedy1.Error.Cancelled");
            EXPECT_EQ(readText(root() / "etc/fstab"), before) << "a cancelled plan left lines behind";
            auto newest = newestRun();
            EXPECT_EQ(newest["state"], "failed") << newest.dump();
            EXPECT_NE(newest["error"].get<std::string>().find("cancelled"), std::string::npos) << newest.dump();
            ++cancelled;
        } else {
            EXPECT_NE(outcome.refusal.find("finished already"), std::string::npos) << outcome.refusal;
            EXPECT_EQ(outcome.errorName, "");
            ASSERT_EQ(remedyctlAs(Caller::Root, {"undo", newestRun()["id"].dump()}).exitCode, 0);
        }
    }
    EXPECT_EQ(cancelled, 1) << "no Cancel landed while the plan ran";
    EXPECT_EQ(readText(root() / "etc/fstab"), before);
}

// A swapfile the administrator had made and turned off, still listed: a plan
// whose first step turns it on, cancelled (or, if it finished first,
// undone), leaves it as it was: there, off, listed. Before, the rollback
// removed the file and its line.
TEST(Cancel, ARolledBackPlanKeepsTheSwapfileItFoundAndTurnsItOffAgain)
{
    const std::string path = "/mnt/ext4/cancel-kept";
    const auto file = root() / path.substr(1);
    ASSERT_EQ(remedyctlAs(Caller::Root, {"swap", "create", path, "--size", "64M"}).exitCode, 0);
    ASSERT_EQ(run({"swapoff", file.string()}).exitCode, 0);
    const auto before = readText(root() / "etc/fstab");
    ASSERT_NE(before.find(path), std::string::npos);
    auto outcome = applyThenCancel(R"({"version": 1, "swap": {"path": ")" + path + R"(", "size": "64M"}, "fstab": [)" + thirtyFstabLines() + "]}");
    if (!outcome.landed) {
        ASSERT_EQ(remedyctlAs(Caller::Root, {"undo", newestRun()["id"].dump()}).exitCode, 0);
    }
    EXPECT_TRUE(fs::exists(file)) << "the administrator's swapfile was deleted";
    EXPECT_EQ(readText("/proc/swaps").find(file.string()), std::string::npos) << "left on";
    EXPECT_EQ(readText(root() / "etc/fstab"), before) << "its line, or the plan's, changed";
    ASSERT_EQ(run({"swapon", file.string()}).exitCode, 0);
    EXPECT_EQ(remedyctlAs(Caller::Root, {"swap", "remove", path}).exitCode, 0);
}

// Only what undoes itself may be cancelled; anyone else's job not at all.
TEST(Cancel, AJobThatCannotStopSafelySaysSoAndAStrangerIsDenied)
{
    auto started = busctl("root", {"call", kBusName, kPath, "org.remedy.Remedy1.Swap", "RemoveSwapfile", "sa{sv}", "/mnt/ext4/cancel-absent", "1",
                                   "dry-run", "b", "true"});
    ASSERT_EQ(started.exitCode, 0) << started.err;
    auto job = started.out.substr(started.out.find('"') + 1);
    job = job.substr(0, job.find('"'));
    auto cancelable = busctl("root", {"get-property", kBusName, job, "org.remedy.Remedy1.Job", "Cancelable"});
    EXPECT_EQ(cancelable.out, "b false\n");
    auto cancel = busctl("root", {"call", kBusName, job, "org.remedy.Remedy1.Job", "Cancel", "a{sv}", "0"});
    EXPECT_NE(cancel.err.find("cannot be stopped midway"), std::string::npos) << cancel.err;
    auto stranger = busctl(userName(Caller::Outsider), {"call", kBusName, job, "org.remedy.Remedy1.Job", "Cancel", "a{sv}", "0"});
    EXPECT_NE(stranger.exitCode, 0);
    // org.freedesktop.DBus.Error.AccessDenied, which busctl prints as its errno.
    EXPECT_NE(stranger.err.find("Access denied"), std::string::npos) << stranger.err;
}

// A Latin-1 byte in an fstab entry (mount reads bytes; D-Bus strings are
// UTF-8): anyone's GetEntries is answered without it, GetEntriesEx says
// why, and remedyd stays up. Before, the reply could not be serialized and
// remedyd ended.
TEST(FstabReading, AnEntryThatIsNotUtf8IsLeftOutNotFatal)
{
    const auto fstab = root() / "etc/fstab";
    const auto before = readText(fstab);
    std::ofstream(fstab) << before << "/dev/sdz1 /mnt/caf\xe9 ext4 defaults 0 2\n";
    activate();
    auto pid = busctl("root", {"call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetConnectionUnixProcessID", "s",
                               kBusName});
    auto entries = busctl(userName(Caller::Outsider), {"call", kBusName, kPath, "org.remedy.Remedy1.Fstab", "GetEntries"});
    EXPECT_EQ(entries.exitCode, 0) << entries.err;
    EXPECT_EQ(entries.out.find("/dev/sdz1"), std::string::npos) << entries.out;
    auto ex = busctl(userName(Caller::Outsider), {"call", kBusName, kPath, "org.remedy.Remedy1.Fstab", "GetEntriesEx"});
    EXPECT_EQ(ex.exitCode, 0) << ex.err;
    EXPECT_NE(ex.out.find("caf\\\\xe9"), std::string::npos) << ex.out;
    EXPECT_NE(ex.out.find("not UTF-8"), std::string::npos) << ex.out;
    auto after = busctl("root", {"call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetConnectionUnixProcessID", "s",
                                 kBusName});
    EXPECT_EQ(after.out, pid.out) << "remedyd ended";
    std::ofstream(fstab, std::ios::trunc) << before;
}

// History's paging options are bounded, and no page shows an outsider
// anyone else's runs, however far back it reaches.
TEST(HistoryPaging, LimitsAreBoundedAndAnOutsiderSeesNoOnesRuns)
{
    auto history = [](const std::string& user, std::vector<std::string> options) {
        std::vector<std::string> args = {"call", kBusName, kPath, "org.remedy.Remedy1.Plan", "History", "a{sv}"};
        args.insert(args.end(), options.begin(), options.end());
        return busctl(user, args);
    };
    for (const auto& limit : {"0", "1001"}) {
        auto refused = history(userName(Caller::Outsider), {"1", "limit", "u", limit});
        EXPECT_NE(refused.exitCode, 0) << limit;
        EXPECT_NE(refused.err.find("limit must be 1 to 1000"), std::string::npos) << refused.err;
    }
    auto plan = root() / "srv/paging-plan.json";
    std::ofstream(plan) << R"({"version": 1, "fstab": [{"source": "tmpfs", "target": "/mnt/paging", "type": "tmpfs"}]})";
    ASSERT_EQ(remedyctlAs(Caller::Root, {"apply", plan.string()}).exitCode, 0);
    fs::remove(plan);
    auto mine = history("root", {"1", "limit", "u", "1"});
    EXPECT_NE(mine.out.find("/mnt/paging"), std::string::npos) << mine.out;
    for (const auto& before : {"0", "18446744073709551615"}) {
        auto seen = history(userName(Caller::Outsider), {"2", "limit", "u", "1000", "before", "t", before});
        EXPECT_EQ(seen.exitCode, 0) << seen.err;
        EXPECT_EQ(seen.out, "s \"[]\"\n") << before;
    }
    ASSERT_EQ(remedyctlAs(Caller::Root, {"undo", nlohmann::json::parse(remedyctlAs(Caller::Root, {"--json", "history", "-n", "1"}).out)["history"][0]["id"].dump()})
                  .exitCode,
              0);
}

} // namespace
