// Plan history at scale: History, Apply and the undo of the newest plan at
// 1, 100 and 1,000 recorded plans, through the bus as root, against the
// same remedyd. Each size's state (the history directory and the fstab its
// plans wrote) is built once by real Apply calls and kept aside; the rounds
// then put the sizes back in turn, in a shuffled order, so that every size
// sees the same machine (two shared cores: one size after the other would
// be noise). Run by bench/run inside tests/support/bus-env, as root.

#include <sdbus-c++/sdbus-c++.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Options = std::map<std::string, sdbus::Variant>;
const char* kPlanInterface = "org.remedy.Remedy1.Plan";
const char* kJobInterface = "org.remedy.Remedy1.Job";

sdbus::IConnection& bus()
{
    static auto connection = [] {
        auto made = sdbus::createSystemBusConnection();
        made->enterEventLoopAsync();  // for the jobs' Completed signals
        return made;
    }();
    return *connection;
}

sdbus::IProxy& remedy()
{
    static auto proxy = sdbus::createProxy(bus(), "org.remedy.Remedy1", "/org/remedy/Remedy1");
    return *proxy;
}

// Starts a job (Apply or Undo) and waits for its Completed signal.
template <typename Start>
bool runJob(Start&& start)
{
    sdbus::ObjectPath path = start();
    std::mutex mutex;
    std::condition_variable done;
    bool completed = false;
    bool success = false;
    auto job = sdbus::createProxy(bus(), "org.remedy.Remedy1", path);
    job->uponSignal("Completed").onInterface(kJobInterface).call([&](bool ok, const std::string&) {
        std::lock_guard lock(mutex);
        completed = true;
        success = ok;
        done.notify_all();
    });
    job->finishRegistration();
    // It may have ended before the handler was there.
    if (job->getProperty("Finished").onInterface(kJobInterface).get<bool>()) {
        std::lock_guard lock(mutex);
        if (!completed)
            success = job->getProperty("Success").onInterface(kJobInterface).get<bool>();
        completed = true;
    }
    std::unique_lock lock(mutex);
    done.wait(lock, [&] { return completed; });
    return success;
}

std::string planFor(const std::string& name)
{
    return R"({"version": 1, "fstab": [{"source": "tmpfs", "target": "/mnt/bench/)" + name + R"(", "type": "tmpfs", "options": "size=1M"}]})";
}

std::uint64_t apply(const std::string& name)
{
    std::uint64_t id = 0;
    bool ok = runJob([&] {
        sdbus::ObjectPath job;
        remedy().callMethod("Apply").onInterface(kPlanInterface).withArguments(planFor(name), Options{}).storeResultsTo(job);
        return job;
    });
    if (!ok) {
        std::fprintf(stderr, "history bench: applying %s failed\n", name.c_str());
        std::exit(1);
    }
    std::string page;
    remedy().callMethod("History").onInterface(kPlanInterface).withArguments(Options{{"limit", sdbus::Variant(std::uint32_t{1})}}).storeResultsTo(page);
    auto at = page.find("\"id\":");
    id = std::stoull(page.substr(at + 5));
    return id;
}

void undo(std::uint64_t id)
{
    bool ok = runJob([&] {
        sdbus::ObjectPath job;
        remedy().callMethod("Undo").onInterface(kPlanInterface).withArguments(id, Options{}).storeResultsTo(job);
        return job;
    });
    if (!ok) {
        std::fprintf(stderr, "history bench: undoing %llu failed\n", static_cast<unsigned long long>(id));
        std::exit(1);
    }
}

double ms(Clock::time_point since) { return std::chrono::duration<double, std::milli>(Clock::now() - since).count(); }

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// The state of one size, kept aside while another is measured.
struct State {
    fs::path history;
    fs::path fstab;
};

} // namespace

int main()
{
    const char* rootEnv = std::getenv("REMEDY_ROOT");
    if (!rootEnv) {
        std::fprintf(stderr, "history bench: run it inside tests/support/bus-env (REMEDY_ROOT)\n");
        return 2;
    }
    const fs::path root = rootEnv;
    const fs::path history = root / "var/lib/remedy/history";
    const fs::path fstab = root / "etc/fstab";
    const std::vector<int> sizes = {1, 100, 1000};
    const int rounds = std::getenv("ROUNDS") ? std::atoi(std::getenv("ROUNDS")) : 15;
    const std::string original = [&] {
        std::ifstream in(fstab);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }();

    // Build each size by real applies, growing the previous one.
    std::map<int, State> states;
    fs::remove_all(history);
    int made = 0;
    auto built = Clock::now();
    for (int size : sizes) {
        for (; made < size; ++made)
            apply("p" + std::to_string(made));
        State state{root / ("bench-history-" + std::to_string(size)), root / ("bench-fstab-" + std::to_string(size))};
        fs::remove_all(state.history);
        fs::copy(history, state.history, fs::copy_options::recursive);
        fs::copy_file(fstab, state.fstab, fs::copy_options::overwrite_existing);
        states[size] = state;
    }
    std::printf("built 1,000 plans by Apply in %.0f s; history on disk: ", ms(built) / 1000);
    for (int size : sizes) {
        std::uintmax_t bytes = 0;
        for (const auto& file : fs::directory_iterator(states[size].history))
            bytes += fs::file_size(file.path());
        std::printf("%d plans %.1f KiB%s", size, static_cast<double>(bytes) / 1024, size == sizes.back() ? "\n" : ", ");
    }

    std::map<int, std::vector<double>> historyMs, newestMs, applyMs, undoMs;
    std::mt19937 random(7);
    auto order = sizes;
    for (int round = 0; round < rounds; ++round) {
        std::shuffle(order.begin(), order.end(), random);
        for (int size : order) {
            fs::remove_all(history);
            fs::copy(states[size].history, history, fs::copy_options::recursive);
            fs::copy_file(states[size].fstab, fstab, fs::copy_options::overwrite_existing);
            auto started = Clock::now();
            std::string page;
            remedy().callMethod("History").onInterface(kPlanInterface).withArguments(Options{}).storeResultsTo(page);
            historyMs[size].push_back(ms(started));
            started = Clock::now();
            remedy().callMethod("History").onInterface(kPlanInterface).withArguments(Options{{"limit", sdbus::Variant(std::uint32_t{1})}}).storeResultsTo(page);
            newestMs[size].push_back(ms(started));
            started = Clock::now();
            auto id = apply("round" + std::to_string(round));
            applyMs[size].push_back(ms(started));
            started = Clock::now();
            undo(id);
            undoMs[size].push_back(ms(started));
        }
    }
    fs::remove_all(history);
    std::ofstream(fstab) << original;
    for (const auto& [size, state] : states) {
        fs::remove_all(state.history);
        fs::remove(state.fstab);
    }

    std::printf("\n| plans recorded | History (a page: the newest 50) | History (the newest) | Apply (one fstab line) | undo of the newest |\n|---|---|---|---|---|\n");
    for (int size : sizes) {
        auto cell = [&](const std::vector<double>& values, const std::vector<double>& base) {
            char text[96];
            auto sorted = values;
            std::sort(sorted.begin(), sorted.end());
            std::snprintf(text, sizeof text, "%.2f ms (%.2f–%.2f), %.2f×", median(values), sorted[sorted.size() / 10],
                          sorted[sorted.size() * 9 / 10], median(values) / median(base));
            return std::string(text);
        };
        std::printf("| %d | %s | %s | %s | %s |\n", size, cell(historyMs[size], historyMs[1]).c_str(), cell(newestMs[size], newestMs[1]).c_str(),
                    cell(applyMs[size], applyMs[1]).c_str(),
                    cell(undoMs[size], undoMs[1]).c_str());
    }
    std::printf("\nmedian of %d interleaved rounds (10th–90th percentile), ratio to 1 plan\n", rounds);
    return 0;
}
