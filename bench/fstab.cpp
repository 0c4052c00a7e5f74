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
#include <malloc.h>
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
double perLineUs(int lines, Fn&& once)
{
    auto start = Clock::now();
    once();
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count() / lines;
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

    // This client keeps its memory as remedyd does (helper/main.cpp), so
    // that the figures are remedyd's and the bus's, not this allocator's.
    mallopt(M_TRIM_THRESHOLD, 4 << 20);
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    auto bus = sdbus::createSystemBusConnection();
    auto remedy = sdbus::createProxy(*bus, "org.remedy.Remedy1", "/org/remedy/Remedy1");
    const std::vector<int> sizes = {100, 1000, 10000};
    std::vector<std::string> texts;
    for (int lines : sizes)
        texts.push_back(fstabOf(lines));
    // The sizes in turn, each repeat, so that a busy moment of this shared
    // machine falls on all of them alike.
    std::vector<std::vector<double>> overBus(sizes.size()), parse(sizes.size());
    for (int repeat = -1; repeat < repeats; ++repeat) {  // -1: warming (activation, libmount loaded)
        for (std::size_t i = 0; i < sizes.size(); ++i) {
            std::ofstream(path, std::ios::trunc) << texts[i];
            Entries entries;
            auto cost = perLineUs(sizes[i], [&] {
                remedy->callMethod("GetEntries").onInterface("org.remedy.Remedy1.Fstab").storeResultsTo(entries);
            });
            auto alone = perLineUs(sizes[i], [&] { remedy::Fstab::parse(texts[i]); });
            if (entries.size() != static_cast<std::size_t>(sizes[i] - (sizes[i] + 9) / 10))
                std::fprintf(stderr, "remedy-fstab-bench: %zu entries at %d lines\n", entries.size(), sizes[i]);
            if (repeat >= 0)
                overBus[i].push_back(cost), parse[i].push_back(alone);
        }
    }
    std::printf("| GetEntries | lines | runs | per line, median | p10–p90 |\n|---|---|---|---|---|\n");
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        report("over the bus", sizes[i], overBus[i]);
        report("Fstab::parse alone", sizes[i], parse[i]);
    }
    std::ofstream(path, std::ios::trunc) << saved;
    std::printf("\nPer-line cost, 10,000 lines against 1,000: %.2f× over the bus, %.2f× parse alone (1.0 is linear)\n",
                percentile(overBus[2], 0.5) / percentile(overBus[1], 0.5), percentile(parse[2], 0.5) / percentile(parse[1], 0.5));
    return 0;
}
