// Scale curves (issue 14), inside a throwaway systemd (bench/scale boots it
// and runs this there, as root, against the remedyd systemd activates):
//
//   remedy-scale-bench diagnose-vs-cgtop N ROUNDS
//       Diagnose (a D-Bus call) against `systemd-cgtop -n1 -b` (a command),
//       in turns, with N services loaded.
//   remedy-scale-bench diagnose-during-swap DIR MIB ROUNDS
//       Diagnose idle against Diagnose while remedyd makes a MIB swapfile in
//       DIR (a file system without fallocate, so it is zero-filled), blocks in
//       turns.
//   remedy-scale-bench rss DIAGNOSES FSTAB_LINES
//       remedyd's RSS idle, after DIAGNOSES Diagnose calls and after reading
//       and editing a FSTAB_LINES-line /etc/fstab; hostnamed's idle RSS.
//   remedy-scale-bench gets ROUNDS SECONDS CLIENTS...
//       Property Get latency with CLIENTS concurrent connections, remedyd
//       (Version) against hostnamed (Hostname), blocks in turns.
//
// Every figure is a median with its spread (p10–p90 over the samples, or the
// range of per-round ratios): the machine has two shared cores.

#include <systemd/sd-bus.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr const char* kRemedy = "org.remedy.Remedy1";
constexpr const char* kRemedyPath = "/org/remedy/Remedy1";
constexpr const char* kHostnamed = "org.freedesktop.hostname1";

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5)];
}

// "12.3 (10.1–15.2)": median and p10–p90.
std::string spread(const std::vector<double>& values, const char* unit, const char* format = "%.1f")
{
    char median[32], low[32], high[32], out[128];
    std::snprintf(median, sizeof median, format, percentile(values, 0.5));
    std::snprintf(low, sizeof low, format, percentile(values, 0.1));
    std::snprintf(high, sizeof high, format, percentile(values, 0.9));
    std::snprintf(out, sizeof out, "%s%s%s (%s–%s)", median, *unit ? " " : "", unit, low, high);
    return out;
}

class Bus {
public:
    Bus()
    {
        if (sd_bus_open_system(&bus_) < 0)
            throw std::runtime_error("cannot connect to the system bus");
        sd_bus_set_method_call_timeout(bus_, 120'000'000);
    }
    ~Bus() { sd_bus_flush_close_unref(bus_); }
    Bus(const Bus&) = delete;
    Bus& operator=(const Bus&) = delete;
    sd_bus* get() { return bus_; }

    // A method call whose only argument is an empty a{sv}; throws on error.
    sd_bus_message* callWithOptions(const char* interface, const char* method, const char* path = nullptr, std::uint64_t size = 0)
    {
        sd_bus_message* call = nullptr;
        sd_bus_message_new_method_call(bus_, &call, kRemedy, kRemedyPath, interface, method);
        if (path)
            sd_bus_message_append(call, "s", path);
        if (size)
            sd_bus_message_append(call, "t", size);
        sd_bus_message_append(call, "a{sv}", 0);
        return send(call);
    }
    sd_bus_message* send(sd_bus_message* call)
    {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message* reply = nullptr;
        int r = sd_bus_call(bus_, call, 0, &error, &reply);
        sd_bus_message_unref(call);
        if (r < 0) {
            std::string what = error.message ? error.message : std::strerror(-r);
            sd_bus_error_free(&error);
            throw std::runtime_error(what);
        }
        return reply;
    }
    double diagnose()
    {
        auto start = Clock::now();
        sd_bus_message_unref(callWithOptions("org.remedy.Remedy1.Diagnostics", "Diagnose"));
        return ms(Clock::now() - start);
    }
    std::string getString(const char* service, const char* path, const char* interface, const char* property)
    {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        char* value = nullptr;
        if (sd_bus_get_property_string(bus_, service, path, interface, property, &error, &value) < 0) {
            std::string what = error.message ? error.message : "?";
            sd_bus_error_free(&error);
            throw std::runtime_error(std::string("Get ") + property + ": " + what);
        }
        std::string out = value;
        std::free(value);
        return out;
    }
    bool jobFinished(const std::string& job)
    {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        int finished = 0;
        sd_bus_get_property_trivial(bus_, kRemedy, job.c_str(), "org.remedy.Remedy1.Job", "Finished", &error, 'b', &finished);
        sd_bus_error_free(&error);
        return finished;
    }
    pid_t pidOf(const char* name)
    {
        sd_bus_message* reply = nullptr;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        std::uint32_t pid = 0;
        if (sd_bus_call_method(bus_, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetConnectionUnixProcessID",
                               &error, &reply, "s", name) >= 0)
            sd_bus_message_read(reply, "u", &pid);
        sd_bus_error_free(&error);
        sd_bus_message_unref(reply);
        return static_cast<pid_t>(pid);
    }

private:
    sd_bus* bus_ = nullptr;
};

std::string startJob(Bus& bus, const char* method, const std::string& path, std::uint64_t size = 0)
{
    auto reply = bus.callWithOptions("org.remedy.Remedy1.Swap", method, path.c_str(), size);
    const char* job = nullptr;
    sd_bus_message_read(reply, "o", &job);
    std::string out = job;
    sd_bus_message_unref(reply);
    return out;
}

void waitJob(Bus& bus, const std::string& job)
{
    while (!bus.jobFinished(job))
        std::this_thread::sleep_for(5ms);
}

// The time a command takes, output thrown away.
double runMs(const std::vector<const char*>& argv)
{
    auto start = Clock::now();
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        std::vector<char*> args;
        for (auto* arg : argv)
            args.push_back(const_cast<char*>(arg));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error(std::string(argv[0]) + " failed");
    return ms(Clock::now() - start);
}

double rssKiB(pid_t pid)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stod(line.substr(6));
    throw std::runtime_error("no process " + std::to_string(pid));
}

int diagnoseVsCgtop(int services, int rounds)
{
    Bus bus;
    const std::vector<const char*> cgtop = {"systemd-cgtop", "-n1", "-b"};
    bus.diagnose();  // activation and first-use costs are not what is measured
    runMs(cgtop);
    std::vector<double> diagnose, anchor, ratios;
    for (int i = 0; i < rounds; ++i) {
        double d = 0, c = 0;
        if (i % 2) {
            d = bus.diagnose();
            c = runMs(cgtop);
        } else {
            c = runMs(cgtop);
            d = bus.diagnose();
        }
        diagnose.push_back(d);
        anchor.push_back(c);
        ratios.push_back(d / c);
    }
    std::printf("| %d | %s | %s | %s |\n", services, spread(diagnose, "ms").c_str(), spread(anchor, "ms").c_str(),
                spread(ratios, "", "%.2f").c_str());
    return 0;
}

int diagnoseDuringSwap(const std::string& dir, std::uint64_t mib, int rounds)
{
    Bus bus;
    auto path = dir + "/bench-swapfile";
    bus.diagnose();
    std::vector<double> idle, busy;
    std::vector<double> jobMs;
    for (int i = 0; i < rounds; ++i) {
        auto idleBlock = [&] {
            for (int k = 0; k < 100; ++k)
                idle.push_back(bus.diagnose());
        };
        if (i % 2 == 0)
            idleBlock();
        auto start = Clock::now();
        auto job = startJob(bus, "CreateSwapfile", path, mib << 20);
        std::size_t before = busy.size();
        while (!bus.jobFinished(job))
            busy.push_back(bus.diagnose());
        jobMs.push_back(ms(Clock::now() - start));
        if (busy.size() == before)
            std::fprintf(stderr, "round %d: the swapfile was done before a Diagnose answered\n", i);
        waitJob(bus, startJob(bus, "RemoveSwapfile", path));
        if (i % 2 == 1)
            idleBlock();
    }
    std::printf("| Diagnose, idle | %zu | %s | %.1f ms |\n", idle.size(), spread(idle, "ms").c_str(), percentile(idle, 0.99));
    std::printf("| Diagnose while a %llu MiB swapfile is zero-filled (%s each) | %zu | %s | %.1f ms |\n",
                static_cast<unsigned long long>(mib), spread(jobMs, "ms", "%.0f").c_str(), busy.size(), spread(busy, "ms").c_str(),
                percentile(busy, 0.99));
    std::printf("| ratio, busy / idle | | %.2f | %.2f |\n", percentile(busy, 0.5) / percentile(idle, 0.5),
                percentile(busy, 0.99) / percentile(idle, 0.99));
    return 0;
}

int rss(int diagnoses, int fstabLines)
{
    Bus bus;
    // Both activated, one call answered, then left alone a moment.
    bus.getString(kRemedy, kRemedyPath, "org.remedy.Remedy1.Manager", "Version");
    bus.getString(kHostnamed, "/org/freedesktop/hostname1", kHostnamed, "Hostname");
    std::this_thread::sleep_for(500ms);
    pid_t remedyd = bus.pidOf(kRemedy);
    double idle = rssKiB(remedyd);
    double hostnamed = rssKiB(bus.pidOf(kHostnamed));
    double peak = idle;
    for (int i = 0; i < diagnoses; ++i) {
        bus.diagnose();
        if (i % 100 == 0)
            peak = std::max(peak, rssKiB(remedyd));
    }
    std::this_thread::sleep_for(500ms);
    double afterDiagnose = rssKiB(remedyd);

    {
        std::ofstream fstab("/etc/fstab", std::ios::app);
        for (int i = 0; i < fstabLines; ++i)
            fstab << "tmpfs /srv/bench-" << i << " tmpfs defaults,size=1M 0 0\n";
    }
    for (int i = 0; i < 3; ++i) {
        sd_bus_message* call = nullptr;
        sd_bus_message_new_method_call(bus.get(), &call, kRemedy, kRemedyPath, "org.remedy.Remedy1.Fstab", "GetEntries");
        sd_bus_message_unref(bus.send(call));
        peak = std::max(peak, rssKiB(remedyd));
        sd_bus_message_new_method_call(bus.get(), &call, kRemedy, kRemedyPath, "org.remedy.Remedy1.Fstab", "AddEntry");
        sd_bus_message_append(call, "ssssii", "tmpfs", "/srv/bench-added", "tmpfs", "defaults", 0, 0);
        sd_bus_message_append(call, "a{sv}", 0);
        sd_bus_message_unref(bus.send(call));
        sd_bus_message_new_method_call(bus.get(), &call, kRemedy, kRemedyPath, "org.remedy.Remedy1.Fstab", "RemoveEntry");
        sd_bus_message_append(call, "s", "/srv/bench-added");
        sd_bus_message_append(call, "a{sv}", 0);
        sd_bus_message_unref(bus.send(call));
        peak = std::max(peak, rssKiB(remedyd));
    }
    std::this_thread::sleep_for(500ms);
    double afterFstab = rssKiB(remedyd);
    if (bus.pidOf(kRemedy) != remedyd)
        throw std::runtime_error("remedyd restarted during the run");
    std::printf("| idle, after activation | %.0f KiB | 1.00 | %.2f |\n", idle, idle / hostnamed);
    std::printf("| after %d Diagnose calls | %.0f KiB | %.2f | |\n", diagnoses, afterDiagnose, afterDiagnose / idle);
    std::printf("| after reading and editing a %d-line fstab (3 × GetEntries, AddEntry, RemoveEntry) | %.0f KiB | %.2f | |\n",
                fstabLines, afterFstab, afterFstab / idle);
    std::printf("| peak seen during the work | %.0f KiB | %.2f | |\n", peak, peak / idle);
    std::printf("| systemd-hostnamed, idle | %.0f KiB | | 1.00 |\n", hostnamed);
    return 0;
}

// `clients` connections Get a property as fast as they are answered for
// `seconds`; every call's latency, in µs.
std::vector<double> getLoad(const char* service, const char* path, const char* interface, const char* property, int clients,
                            double seconds)
{
    std::vector<std::vector<double>> latencies(static_cast<std::size_t>(clients));
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c)
        threads.emplace_back([&, c] {
            Bus bus;
            bus.getString(service, path, interface, property);  // connected and answered once
            ++ready;
            while (!go)
                std::this_thread::sleep_for(1ms);
            auto end = Clock::now() + std::chrono::duration<double>(seconds);
            auto& mine = latencies[static_cast<std::size_t>(c)];
            while (Clock::now() < end) {
                auto start = Clock::now();
                bus.getString(service, path, interface, property);
                mine.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
            }
        });
    while (ready < clients)
        std::this_thread::sleep_for(1ms);
    go = true;
    for (auto& thread : threads)
        thread.join();
    std::vector<double> all;
    for (auto& mine : latencies)
        all.insert(all.end(), mine.begin(), mine.end());
    return all;
}

int gets(int rounds, double seconds, const std::vector<int>& clientCounts)
{
    for (int clients : clientCounts) {
        std::vector<double> p99Remedy, p99Hostnamed, ratios, p50Ratios;
        std::size_t callsRemedy = 0, callsHostnamed = 0;
        for (int i = 0; i < rounds; ++i) {
            std::vector<double> r, h;
            auto remedy = [&] { r = getLoad(kRemedy, kRemedyPath, "org.remedy.Remedy1.Manager", "Version", clients, seconds); };
            auto hostnamed = [&] { h = getLoad(kHostnamed, "/org/freedesktop/hostname1", kHostnamed, "Hostname", clients, seconds); };
            if (i % 2) {
                remedy();
                hostnamed();
            } else {
                hostnamed();
                remedy();
            }
            callsRemedy += r.size();
            callsHostnamed += h.size();
            p99Remedy.push_back(percentile(r, 0.99) / 1000);
            p99Hostnamed.push_back(percentile(h, 0.99) / 1000);
            ratios.push_back(percentile(r, 0.99) / percentile(h, 0.99));
            p50Ratios.push_back(percentile(r, 0.5) / percentile(h, 0.5));
        }
        std::printf("| %d | %.0f / %.0f | %s | %s | %s | %.2f |\n", clients, static_cast<double>(callsRemedy) / (rounds * seconds),
                    static_cast<double>(callsHostnamed) / (rounds * seconds), spread(p99Remedy, "ms", "%.2f").c_str(),
                    spread(p99Hostnamed, "ms", "%.2f").c_str(), spread(ratios, "", "%.2f").c_str(), percentile(p50Ratios, 0.5));
    }
    return 0;
}

int usage()
{
    std::fprintf(stderr,
                 "usage: remedy-scale-bench diagnose-vs-cgtop N ROUNDS | diagnose-during-swap DIR MIB ROUNDS |\n"
                 "       rss DIAGNOSES FSTAB_LINES | gets ROUNDS SECONDS CLIENTS...\n");
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.size() == 3 && args[0] == "diagnose-vs-cgtop")
            return diagnoseVsCgtop(std::stoi(args[1]), std::stoi(args[2]));
        if (args.size() == 4 && args[0] == "diagnose-during-swap")
            return diagnoseDuringSwap(args[1], std::stoull(args[2]), std::stoi(args[3]));
        if (args.size() == 3 && args[0] == "rss")
            return rss(std::stoi(args[1]), std::stoi(args[2]));
        if (args.size() >= 4 && args[0] == "gets") {
            std::vector<int> clients;
            for (std::size_t i = 3; i < args.size(); ++i)
                clients.push_back(std::stoi(args[i]));
            return gets(std::stoi(args[1]), std::stod(args[2]), clients);
        }
    } catch (const std::exception& error) {
        std::fprintf(stderr, "remedy-scale-bench: %s\n", error.what());
        return 1;
    }
    return usage();
}
