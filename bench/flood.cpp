// A member's call latency, idle and under a flood of 50 looping outsiders,
// for remedyd and, as the anchor, systemd-hostnamed on the same private bus,
// in the same run (issue 10: "the member's calls keep their latency within
// 2x of an idle helper's"). The test suite asserts only that the member's
// calls work under the flood (tests/bus/hostile_test.cpp, HostileFlood);
// the time they take is measured here.
//
// Run it (as root; bench/run does, after the other benches):
//   REMEDY_IDLE_TIMEOUT=60 ./tests/support/bus-env build build/bench/remedy-flood-bench
// or with a build directory of your own:
//   REMEDY_IDLE_TIMEOUT=60 ./tests/support/bus-env BUILD BUILD/bench/remedy-flood-bench [ROUNDS [small-plan]]
// (ROUNDS: 6 by default, about 80 s; small-plan: the outsiders preview a
// one-service plan instead of a 1,000-step one.)
//
// How: 50 children with remedy-outsider's credentials, each with its own
// connection, loop while told to: against remedyd a Preview of a 1,000-step
// plan, Diagnose and CreateSwapfile (all refused or answered without the
// kernel log); against hostnamed Describe, SetStaticHostname (refused by
// polkit) and a property Get. A child with remedy-member's credentials makes
// the timed calls. Idle and flood blocks are interleaved, for both daemons,
// in an order that rotates every round, so that all four see the same
// machine (two shared cores are noise, one block after another is not a
// comparison). Each block makes up to 20 calls of each kind and lasts at
// most 4 s; a member's call is given up after 5 s. Failed calls (Busy,
// timeouts) are counted, not timed.

#include <systemd/sd-bus.h>

#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr int kOutsiders = 50;
constexpr int kCallsPerBlock = 20;
constexpr auto kBlockLimit = 4s;
constexpr std::uint64_t kMemberTimeoutUsec = 5'000'000;
constexpr std::uint64_t kOutsiderTimeoutUsec = 5'000'000;

// What the shared page tells the outsiders to do.
enum Target : int { kIdle = 0, kFloodRemedy = 1, kFloodHostnamed = 2, kQuit = 3 };

std::string env(const char* name)
{
    const char* value = std::getenv(name);
    if (!value || !*value)
        throw std::runtime_error(std::string(name) + " is not set: run this inside tests/support/bus-env");
    return value;
}

// Drops to `user`'s uid, gid and groups; the bus daemon then sees that user.
void become(const std::string& user)
{
    const passwd* entry = getpwnam(user.c_str());
    if (!entry)
        _exit(111);
    uid_t uid = entry->pw_uid;
    gid_t gid = entry->pw_gid;
    std::vector<gid_t> groups(64);
    int count = static_cast<int>(groups.size());
    if (getgrouplist(user.c_str(), gid, groups.data(), &count) < 0)
        count = 0;
    if (setgroups(static_cast<std::size_t>(count), groups.data()) != 0 || setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0)
        _exit(111);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

// One call; 0: answered, 1: a D-Bus error (Busy, refused), 2: no answer in time or at all.
int invoke(sd_bus* bus, const char* destination, const char* path, const char* interface, const char* member, std::uint64_t timeoutUsec,
           const std::function<int(sd_bus_message*)>& append)
{
    sd_bus_message* m = nullptr;
    sd_bus_message* reply = nullptr;
    sd_bus_error error = SD_BUS_ERROR_NULL;
    int r = sd_bus_message_new_method_call(bus, &m, destination, path, interface, member);
    if (r >= 0 && append)
        r = append(m);
    if (r >= 0)
        r = sd_bus_call(bus, m, timeoutUsec, &error, &reply);
    int status = 0;
    if (r < 0)
        status = sd_bus_error_is_set(&error) && !sd_bus_error_has_name(&error, SD_BUS_ERROR_TIMEOUT) &&
                         !sd_bus_error_has_name(&error, SD_BUS_ERROR_NO_REPLY)
                     ? 1
                     : 2;
    sd_bus_error_free(&error);
    sd_bus_message_unref(m);
    sd_bus_message_unref(reply);
    return status;
}

int noOptions(sd_bus_message* m) { return sd_bus_message_append(m, "a{sv}", 0); }

std::string thousandSteps()
{
    std::string text = R"({"version": 1, "services": [)";
    for (int i = 0; i < 1000; ++i)
        text += std::string(i ? "," : "") + R"({"name": "flood)" + std::to_string(i) +
                R"(.service", "user": "remedy-outsider", "exec_start": ["/bin/true"]})";
    return text + "]}";
}

const char* kRemedy = "org.remedy.Remedy1";
const char* kRemedyPath = "/org/remedy/Remedy1";
const char* kHostnamed = "org.freedesktop.hostname1";
const char* kHostnamedPath = "/org/freedesktop/hostname1";

const char* kSmallPlan = R"({"version": 1, "services": [{"name": "flood.service", "user": "remedy-outsider", "exec_start": ["/bin/true"]}]})";

[[noreturn]] void outsider(const std::atomic<int>* target, bool smallPlan)
{
    become(env("REMEDY_OUTSIDER"));
    sd_bus* bus = nullptr;
    if (sd_bus_open_system(&bus) < 0)
        _exit(112);
    auto plan = smallPlan ? std::string(kSmallPlan) : thousandSteps();
    for (unsigned i = 0;; ++i) {
        int now = target->load();
        if (now == kQuit)
            break;
        if (now == kIdle) {
            std::this_thread::sleep_for(5ms);
            continue;
        }
        if (now == kFloodRemedy) {
            switch (i % 3) {
            case 0:
                invoke(bus, kRemedy, kRemedyPath, "org.remedy.Remedy1.Plan", "Preview", kOutsiderTimeoutUsec,
                       [&](sd_bus_message* m) { return sd_bus_message_append(m, "sa{sv}", plan.c_str(), 0); });
                break;
            case 1:
                invoke(bus, kRemedy, kRemedyPath, "org.remedy.Remedy1.Diagnostics", "Diagnose", kOutsiderTimeoutUsec, noOptions);
                break;
            default:
                invoke(bus, kRemedy, kRemedyPath, "org.remedy.Remedy1.Swap", "CreateSwapfile", kOutsiderTimeoutUsec,
                       [](sd_bus_message* m) { return sd_bus_message_append(m, "sta{sv}", "/mnt/ext4/flood", std::uint64_t{16} << 20, 0); });
            }
        } else {
            switch (i % 3) {
            case 0:
                invoke(bus, kHostnamed, kHostnamedPath, kHostnamed, "Describe", kOutsiderTimeoutUsec, {});
                break;
            case 1:
                invoke(bus, kHostnamed, kHostnamedPath, kHostnamed, "SetStaticHostname", kOutsiderTimeoutUsec,
                       [](sd_bus_message* m) { return sd_bus_message_append(m, "sb", "flood", 0); });
                break;
            default:
                invoke(bus, kHostnamed, kHostnamedPath, "org.freedesktop.DBus.Properties", "Get", kOutsiderTimeoutUsec,
                       [](sd_bus_message* m) { return sd_bus_message_append(m, "ss", kHostnamed, "Hostname"); });
            }
        }
    }
    sd_bus_flush_close_unref(bus);
    _exit(0);
}

// The member's timed calls.
struct Kind {
    const char* label;
    const char* destination;
    const char* path;
    const char* interface;
    const char* member;
    std::function<int(sd_bus_message*)> append;
    Target flood;  // the daemon it asks
};

std::vector<Kind> kinds()
{
    return {
        {"remedyd Describe (no authorization)", kRemedy, kRemedyPath, "org.remedy.Remedy1.Manager", "Describe", {}, kFloodRemedy},
        {"remedyd SetLogLevel (polkit)", kRemedy, kRemedyPath, "org.remedy.Remedy1.Manager", "SetLogLevel",
         [](sd_bus_message* m) { return sd_bus_message_append(m, "sa{sv}", "info", 0); }, kFloodRemedy},
        {"remedyd CreateSwapfile dry run (polkit, job)", kRemedy, kRemedyPath, "org.remedy.Remedy1.Swap", "CreateSwapfile",
         [](sd_bus_message* m) { return sd_bus_message_append(m, "sta{sv}", "/mnt/ext4/bench", std::uint64_t{16} << 20, 1, "dry-run", "b", 1); },
         kFloodRemedy},
        {"hostnamed Describe", kHostnamed, kHostnamedPath, kHostnamed, "Describe", {}, kFloodHostnamed},
        {"hostnamed Get Hostname", kHostnamed, kHostnamedPath, "org.freedesktop.DBus.Properties", "Get",
         [](sd_bus_message* m) { return sd_bus_message_append(m, "ss", kHostnamed, "Hostname"); }, kFloodHostnamed},
    };
}

struct Sample {
    double us;
    std::int32_t status;
};

// The member child: told a kind and a count, makes the calls, sends back the samples.
[[noreturn]] void memberProber(int commands, int results)
{
    become(env("REMEDY_MEMBER"));
    sd_bus* bus = nullptr;
    if (sd_bus_open_system(&bus) < 0)
        _exit(112);
    auto all = kinds();
    std::int32_t request[2];
    while (read(commands, request, sizeof request) == static_cast<ssize_t>(sizeof request)) {
        const auto& kind = all[static_cast<std::size_t>(request[0])];
        std::vector<Sample> samples;
        auto deadline = Clock::now() + kBlockLimit;
        for (int i = 0; i < request[1] && Clock::now() < deadline; ++i) {
            auto start = Clock::now();
            int status = invoke(bus, kind.destination, kind.path, kind.interface, kind.member, kMemberTimeoutUsec, kind.append);
            samples.push_back({std::chrono::duration<double, std::micro>(Clock::now() - start).count(), status});
        }
        auto count = static_cast<std::int32_t>(samples.size());
        if (write(results, &count, sizeof count) != sizeof count ||
            write(results, samples.data(), sizeof(Sample) * samples.size()) != static_cast<ssize_t>(sizeof(Sample) * samples.size()))
            break;
    }
    sd_bus_flush_close_unref(bus);
    _exit(0);
}

bool readExact(int fd, void* data, std::size_t size)
{
    auto* bytes = static_cast<char*>(data);
    while (size > 0) {
        auto n = read(fd, bytes, size);
        if (n <= 0)
            return false;
        bytes += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1))];
}

struct Tally {
    std::vector<double> answered;
    int errors = 0;    // a D-Bus error: Busy, refused
    int noAnswer = 0;  // timed out, or the daemon gone
};

} // namespace

int main(int argc, char** argv)
{
    int rounds = argc > 1 ? std::atoi(argv[1]) : 6;
    bool smallPlan = argc > 2 && std::string(argv[2]) == "small-plan";
    signal(SIGPIPE, SIG_IGN);  // a child gone is an error of write(), not the end of the bench
    auto* target = static_cast<std::atomic<int>*>(mmap(nullptr, sizeof(std::atomic<int>), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    if (target == MAP_FAILED)
        return 1;
    new (target) std::atomic<int>(kIdle);

    std::vector<pid_t> children;
    for (int i = 0; i < kOutsiders; ++i) {
        pid_t pid = fork();
        if (pid == 0)
            outsider(target, smallPlan);
        children.push_back(pid);
    }
    int commands[2];
    int results[2];
    if (pipe(commands) != 0 || pipe(results) != 0)
        return 1;
    pid_t prober = fork();
    if (prober == 0) {
        close(commands[1]);
        close(results[0]);
        memberProber(commands[0], results[1]);
    }
    close(commands[0]);
    close(results[1]);

    auto all = kinds();
    auto block = [&](std::size_t kind, int calls, Tally& into) {
        std::int32_t request[2] = {static_cast<std::int32_t>(kind), calls};
        if (write(commands[1], request, sizeof request) != sizeof request)
            throw std::runtime_error("the member's prober is gone");
        std::int32_t count = 0;
        if (!readExact(results[0], &count, sizeof count))
            throw std::runtime_error("the member's prober is gone");
        std::vector<Sample> samples(static_cast<std::size_t>(count));
        if (!readExact(results[0], samples.data(), sizeof(Sample) * samples.size()))
            throw std::runtime_error("the member's prober is gone");
        for (const auto& sample : samples) {
            if (sample.status == 0)
                into.answered.push_back(sample.us);
            else if (sample.status == 1)
                ++into.errors;
            else
                ++into.noAnswer;
        }
    };
    // Both daemons activated, and the member's connection warm.
    for (std::size_t k = 0; k < all.size(); ++k) {
        Tally warm;
        block(k, 3, warm);
    }

    std::map<std::size_t, Tally> idle, flooded;
    for (int round = 0; round < rounds; ++round) {
        // Four blocks a round: each daemon idle and flooded, in an order that rotates.
        for (int step = 0; step < 4; ++step) {
            int which = (step + round) % 4;
            Target daemon = which < 2 ? kFloodRemedy : kFloodHostnamed;
            bool flood = which % 2 == 1;
            target->store(flood ? daemon : kIdle);
            std::this_thread::sleep_for(flood ? 300ms : 200ms);  // the flood under way, or drained
            for (std::size_t k = 0; k < all.size(); ++k)
                if (all[k].flood == daemon)
                    block(k, kCallsPerBlock, flood ? flooded[k] : idle[k]);
        }
        target->store(kIdle);
        std::fprintf(stderr, "round %d of %d\n", round + 1, rounds);
    }
    target->store(kQuit);
    close(commands[1]);
    for (auto pid : children)
        waitpid(pid, nullptr, 0);
    waitpid(prober, nullptr, 0);

    std::printf("| member's call (%d outsiders looping; remedyd's preview %s) | idle p50 | idle p99 | flood p50 | flood p99 | ratio p50 | ratio p99 | "
                "failed under flood |\n",
                kOutsiders, smallPlan ? "a one-service plan" : "a 1,000-step plan");
    std::printf("|---|---|---|---|---|---|---|---|\n");
    auto cell = [](const std::vector<double>& values, double p) {
        return values.empty() ? std::string("n/a") : std::to_string(static_cast<long>(percentile(values, p))) + " µs";
    };
    auto ratio = [](const std::vector<double>& flood, const std::vector<double>& calm, double p) {
        if (flood.empty() || calm.empty())
            return std::string("n/a");
        char text[32];
        std::snprintf(text, sizeof text, "%.2f", percentile(flood, p) / percentile(calm, p));
        return std::string(text);
    };
    for (std::size_t k = 0; k < all.size(); ++k) {
        const auto& a = idle[k];
        const auto& b = flooded[k];
        std::printf("| %s | %s | %s | %s | %s | %s | %s | %d of %zu (%d errors, %d unanswered) |\n", all[k].label, cell(a.answered, 0.5).c_str(),
                    cell(a.answered, 0.99).c_str(), cell(b.answered, 0.5).c_str(), cell(b.answered, 0.99).c_str(),
                    ratio(b.answered, a.answered, 0.5).c_str(), ratio(b.answered, a.answered, 0.99).c_str(), b.errors + b.noAnswer,
                    b.answered.size() + static_cast<std::size_t>(b.errors + b.noAnswer), b.errors, b.noAnswer);
    }
    std::printf("\n%d rounds; idle failures: ", rounds);
    for (std::size_t k = 0; k < all.size(); ++k)
        std::printf("%s%d", k ? "/" : "", idle[k].errors + idle[k].noAnswer);
    std::printf(". Ratios are flood over idle; the target is 2 or less (issue 10).\n");
    return 0;
}
