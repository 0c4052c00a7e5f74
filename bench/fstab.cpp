// fstab GetEntries at 100, 1,000 and 10,000 lines: the cost per line over
// the bus (remedyd reading, parsing with libmount, encoding; the client
// decoding) and of the parse alone in this process (core's Fstab::parse),
// each repeated, as the median and the spread (p10-p90). A linear reader
// costs the same per line at every size.
// Run inside tests/support/bus-env (bench/run does):
//   ./tests/support/bus-env BUILD BUILD/bench/remedy-fstab-bench [REPEATS]

#include "core/fstab.h"

#include <sdbus-c++/sdbus-c++.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using Entries = std::vector<sdbus::Struct<std::string, std::string, std::string, std::string, int32_t, int32_t, int32_t>>;

double percentile(std::vector<double> values, double p)
{
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5)];
}

// An fstab as machines keep them: mostly entries, a comment now and then.
std::string fstabOf(int lines)
{
    std::ostringstream text;
    for (int i = 1; i <= lines; ++i) {
        if (i % 10 == 1)
            text << "# data disks, group " << i / 10 << "\n";
        else
            text << "UUID=" << 10000000 + i << "-1b2c-4d5e-8f90-a1b2c3d4e5f6 /srv/data/disk" << i << " ext4 defaults,noatime 0 2\n";
    }
    return text.str();
}

template <typename Fn>
std::vector<double> perLineUs(int lines, int repeats, Fn&& once)
{
    once();  // warm: remedyd activated, libmount loaded, caches filled
    std::vector<double> costs;
    for (int i = 0; i < repeats; ++i) {
        auto start = Clock::now();
        once();
        costs.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count() / lines);
    }
    return costs;
}

void report(const char* what, int lines, const std::vector<double>& costs)
{
    std::printf("| %s | %d | %zu | %.3f µs | %.3f–%.3f µs |\n", what, lines, costs.size(), percentile(costs, 0.5), percentile(costs, 0.1),
                percentile(costs, 0.9));
}

} // namespace

int main(int argc, char** argv)
{
    const char* root = std::getenv("REMEDY_ROOT");
    if (!root) {
        std::fprintf(stderr, "remedy-fstab-bench: run it inside tests/support/bus-env (REMEDY_ROOT is not set)\n");
        return 2;
    }
    int repeats = argc > 1 ? std::max(3, std::atoi(argv[1])) : 20;
    const std::string path = std::string(root) + "/etc/fstab";
    std::ifstream original(path);
    std::string saved((std::istreambuf_iterator<char>(original)), {});

    auto bus = sdbus::createSystemBusConnection();
    auto remedy = sdbus::createProxy(*bus, "org.remedy.Remedy1", "/org/remedy/Remedy1");
    std::printf("| GetEntries | lines | runs | per line, median | p10–p90 |\n|---|---|---|---|---|\n");
    std::vector<std::pair<int, double>> medians;
    for (int lines : {100, 1000, 10000}) {
        auto text = fstabOf(lines);
        std::ofstream(path, std::ios::trunc) << text;
        std::size_t got = 0;
        auto bus = perLineUs(lines, repeats, [&] {
            Entries entries;
            remedy->callMethod("GetEntries").onInterface("org.remedy.Remedy1.Fstab").storeResultsTo(entries);
            got = entries.size();
        });
        auto parse = perLineUs(lines, repeats, [&] { got = std::max(got, remedy::Fstab::parse(text).entries().size()); });
        report("over the bus", lines, bus);
        report("Fstab::parse alone", lines, parse);
        medians.emplace_back(lines, percentile(bus, 0.5));
        if (got != static_cast<std::size_t>(lines - (lines + 9) / 10))
            std::fprintf(stderr, "remedy-fstab-bench: %zu entries at %d lines\n", got, lines);
    }
    std::ofstream(path, std::ios::trunc) << saved;
    std::printf("\nPer-line cost over the bus, 10,000 lines against 1,000: %.2f× (1.0 is linear)\n",
                medians[2].second / medians[1].second);
    return 0;
}
