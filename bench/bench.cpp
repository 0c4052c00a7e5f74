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

double coldStart(const Service& service)
{
    stop(service.busName);
    auto proxy = sdbus::createProxy(bus(), service.busName, service.path);
    auto start = Clock::now();
    get(*proxy, service);
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The two services are measured in turns, call by call, so that both see
// the same machine: on two shared cores, one run after the other is noise.
std::pair<Figures, Figures> measure(const Service& a, const Service& b, int coldRuns, int calls)
{
    std::vector<double> coldA, coldB;
    for (int i = 0; i < coldRuns; ++i) {
        if (i % 2) {
            coldA.push_back(coldStart(a));
            coldB.push_back(coldStart(b));
        } else {
            coldB.push_back(coldStart(b));
            coldA.push_back(coldStart(a));
        }
    }
    Figures figuresA, figuresB;
    figuresA.coldStartMs = percentile(coldA, 0.5);
    figuresB.coldStartMs = percentile(coldB, 0.5);

    // Idle: activated, one call answered, then left alone for a moment.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    figuresA.rssKiB = rssKiB(ownerPid(a.busName));
    figuresB.rssKiB = rssKiB(ownerPid(b.busName));

    auto proxyA = sdbus::createProxy(bus(), a.busName, a.path);
    auto proxyB = sdbus::createProxy(bus(), b.busName, b.path);
    std::vector<double> latencyA, latencyB;
    auto timed = [](sdbus::IProxy& proxy, const Service& service) {
        auto start = Clock::now();
        get(proxy, service);
        return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
    };
    for (int i = 0; i < calls; ++i) {
        if (i % 2) {  // neither always goes first
            latencyA.push_back(timed(*proxyA, a));
            latencyB.push_back(timed(*proxyB, b));
        } else {
            latencyB.push_back(timed(*proxyB, b));
            latencyA.push_back(timed(*proxyA, a));
        }
    }
    figuresA.p50Us = percentile(latencyA, 0.5);
    figuresA.p99Us = percentile(latencyA, 0.99);
    figuresB.p50Us = percentile(latencyB, 0.5);
    figuresB.p99Us = percentile(latencyB, 0.99);
    stop(a.busName);
    stop(b.busName);
    return {figuresA, figuresB};
}

} // namespace

int main()
{
    const Service remedy{"remedyd", "org.remedy.Remedy1", "/org/remedy/Remedy1", "org.remedy.Remedy1.Manager", "Version"};
    const Service hostnamed{"systemd-hostnamed", "org.freedesktop.hostname1", "/org/freedesktop/hostname1",
                            "org.freedesktop.hostname1", "Hostname"};
    constexpr int kColdRuns = 10;
    constexpr int kCalls = 10000;

    auto [ours, anchor] = measure(remedy, hostnamed, kColdRuns, kCalls);

    std::printf("| measure | remedyd | systemd-hostnamed | ratio |\n|---|---|---|---|\n");
    std::printf("| idle RSS after activation | %.0f KiB | %.0f KiB | %.2f |\n", ours.rssKiB, anchor.rssKiB, ours.rssKiB / anchor.rssKiB);
    std::printf("| cold start, median of %d | %.1f ms | %.1f ms | %.2f |\n", kColdRuns, ours.coldStartMs, anchor.coldStartMs,
                ours.coldStartMs / anchor.coldStartMs);
    std::printf("| property Get p50 (%d calls) | %.0f µs | %.0f µs | %.2f |\n", kCalls, ours.p50Us, anchor.p50Us, ours.p50Us / anchor.p50Us);
    std::printf("| property Get p99 | %.0f µs | %.0f µs | %.2f |\n", ours.p99Us, anchor.p99Us, ours.p99Us / anchor.p99Us);
    return 0;
}
