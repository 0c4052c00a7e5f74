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

// A plan of 30 fstab lines, applied as root and cancelled as soon as its job
// exists: the lines it had added are gone, the record says so, and the job
// ends with Error.Cancelled. A plan may also finish before the Cancel lands
// (then Cancel is refused as too late, and the plan is undone); a few tries
// make sure one lands midway.
TEST(Cancel, ACancelledPlanIsRolledBackAndSaysCancelled)
{
    std::string plan = R"({"version": 1, "fstab": [)";
    for (int i = 0; i < 30; ++i)
        plan += std::string(i ? ", " : "") + R"({"source": "tmpfs", "target": "/mnt/cancel/)" + std::to_string(i) + R"(", "type": "tmpfs"})";
    plan += "]}";
    auto fstab = root() / "etc/fstab";
    auto contents = [&] {
        std::ifstream in(fstab);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    const auto before = contents();
    sd_bus* bus = nullptr;
    ASSERT_GE(sd_bus_open_system(&bus), 0);
    auto property = [&](const std::string& job, const char* name, char type, void* out) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        int got = sd_bus_get_property_trivial(bus, "org.remedy.Remedy1", job.c_str(), "org.remedy.Remedy1.Job", name, &error, type, out);
        sd_bus_error_free(&error);
        return got;
    };
    int cancelled = 0;
    for (int attempt = 0; attempt < 5 && cancelled == 0; ++attempt) {
        sd_bus_message* reply = nullptr;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        ASSERT_GE(sd_bus_call_method(bus, "org.remedy.Remedy1", "/org/remedy/Remedy1", "org.remedy.Remedy1.Plan", "Apply", &error, &reply, "sa{sv}",
                                     plan.c_str(), 0),
                  0)
            << error.message;
        const char* path = nullptr;
        ASSERT_GE(sd_bus_message_read(reply, "o", &path), 0);
        std::string job = path;
        sd_bus_message_unref(reply);
        int refused = sd_bus_call_method(bus, "org.remedy.Remedy1", job.c_str(), "org.remedy.Remedy1.Job", "Cancel", &error, nullptr, "a{sv}", 0);
        std::string refusal = refused < 0 && error.message ? error.message : "";
        sd_bus_error_free(&error);
        int finished = 0;
        for (int wait = 0; wait < 300 && !finished; ++wait) {
            ASSERT_GE(property(job, "Finished", 'b', &finished), 0);
            if (!finished)
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        ASSERT_TRUE(finished);
        char* name = nullptr;
        sd_bus_get_property_string(bus, "org.remedy.Remedy1", job.c_str(), "org.remedy.Remedy1.Job", "ErrorName", nullptr, &name);
        std::string errorName = name ? name : "";
        free(name);
        if (refused >= 0) {
            EXPECT_EQ(errorName, "org.remedy.Remedy1.Error.Cancelled");
            EXPECT_EQ(contents(), before) << "a cancelled plan left lines behind";
            auto newest = nlohmann::json::parse(remedyctlAs(Caller::Root, {"--json", "history", "-n", "1"}).out)["history"][0];
            EXPECT_EQ(newest["state"], "failed") << newest.dump();
            EXPECT_NE(newest["error"].get<std::string>().find("cancelled"), std::string::npos) << newest.dump();
            ++cancelled;
        } else {
            // Too late: it had finished.
            EXPECT_NE(refusal.find("finished already"), std::string::npos) << refusal;
            EXPECT_EQ(errorName, "");
            auto newest = nlohmann::json::parse(remedyctlAs(Caller::Root, {"--json", "history", "-n", "1"}).out)["history"][0];
            ASSERT_EQ(remedyctlAs(Caller::Root, {"undo", newest["id"].dump()}).exitCode, 0);
        }
    }
    sd_bus_flush_close_unref(bus);
    EXPECT_EQ(cancelled, 1) << "no Cancel landed while the plan ran";
    EXPECT_EQ(contents(), before);
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

} // namespace
