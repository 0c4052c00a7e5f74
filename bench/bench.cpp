// remedyd against systemd-hostnamed on the same private bus, in the same run:
// idle RSS after activation, cold start (activation to first reply), and the
// latency of a property Get over 10,000 calls on one connection.
// Run by bench/run inside tests/support/bus-env.

#include <sdbus-c++/sdbus-c++.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Service {
    std::string label;
    std::string busName;
    std::string path;
    std::string interface;
    std::string property;
};

struct Figures {
    double rssKiB = 0;
    double coldStartMs = 0;
    double p50Us = 0;
    double p99Us = 0;
};

sdbus::IConnection& bus()
{
    static auto connection = sdbus::createSystemBusConnection();
    return *connection;
}

std::unique_ptr<sdbus::IProxy> busDaemon() { return sdbus::createProxy(bus(), "org.freedesktop.DBus", "/org/freedesktop/DBus"); }

bool hasOwner(const std::string& name)
{
    bool owned = false;
    busDaemon()->callMethod("NameHasOwner").onInterface("org.freedesktop.DBus").withArguments(name).storeResultsTo(owned);
    return owned;
}

pid_t ownerPid(const std::string& name)
{
    std::uint32_t pid = 0;
    busDaemon()->callMethod("GetConnectionUnixProcessID").onInterface("org.freedesktop.DBus").withArguments(name).storeResultsTo(pid);
    return static_cast<pid_t>(pid);
}

void stop(const std::string& name)
{
    if (!hasOwner(name))
        return;
    pid_t pid = ownerPid(name);
    kill(pid, SIGTERM);
    while (hasOwner(name) || kill(pid, 0) == 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

void get(sdbus::IProxy& proxy, const Service& service)
{
    sdbus::Variant value = proxy.getProperty(service.property).onInterface(service.interface);
    (void)value;
}

double rssKiB(pid_t pid)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stod(line.substr(6));
    return 0;
}

double percentile(std::vector<double> values, double p)
{
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1))];
}

Figures measure(const Service& service, int coldRuns, int calls)
{
    Figures figures;
    std::vector<double> cold;
    for (int i = 0; i < coldRuns; ++i) {
        stop(service.busName);
        auto proxy = sdbus::createProxy(bus(), service.busName, service.path);
        auto start = Clock::now();
        get(*proxy, service);
        cold.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    figures.coldStartMs = percentile(cold, 0.5);

    // Idle: activated, one call answered, then left alone for a moment.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    figures.rssKiB = rssKiB(ownerPid(service.busName));

    auto proxy = sdbus::createProxy(bus(), service.busName, service.path);
    std::vector<double> latencies;
    latencies.reserve(static_cast<std::size_t>(calls));
    for (int i = 0; i < calls; ++i) {
        auto start = Clock::now();
        get(*proxy, service);
        latencies.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    }
    figures.p50Us = percentile(latencies, 0.5);
    figures.p99Us = percentile(latencies, 0.99);
    stop(service.busName);
    return figures;
}

} // namespace

int main()
{
    const Service remedy{"remedyd", "org.remedy.Remedy1", "/org/remedy/Remedy1", "org.remedy.Remedy1.Manager", "Version"};
    const Service hostnamed{"systemd-hostnamed", "org.freedesktop.hostname1", "/org/freedesktop/hostname1",
                            "org.freedesktop.hostname1", "Hostname"};
    constexpr int kColdRuns = 10;
    constexpr int kCalls = 10000;

    auto anchor = measure(hostnamed, kColdRuns, kCalls);
    auto ours = measure(remedy, kColdRuns, kCalls);

    std::printf("| measure | remedyd | systemd-hostnamed | ratio |\n|---|---|---|---|\n");
    std::printf("| idle RSS after activation | %.0f KiB | %.0f KiB | %.2f |\n", ours.rssKiB, anchor.rssKiB, ours.rssKiB / anchor.rssKiB);
    std::printf("| cold start, median of %d | %.1f ms | %.1f ms | %.2f |\n", kColdRuns, ours.coldStartMs, anchor.coldStartMs,
                ours.coldStartMs / anchor.coldStartMs);
    std::printf("| property Get p50 (%d calls) | %.0f µs | %.0f µs | %.2f |\n", kCalls, ours.p50Us, anchor.p50Us, ours.p50Us / anchor.p50Us);
    std::printf("| property Get p99 | %.0f µs | %.0f µs | %.2f |\n", ours.p99Us, anchor.p99Us, ours.p99Us / anchor.p99Us);
    return 0;
}
