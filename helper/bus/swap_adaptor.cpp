#include "bus/swap_adaptor.h"

#include "context.h"
#include "core/proc.h"
#include "core/swap_policy.h"
#include "core/swapfile.h"
#include "polkit/actions.h"

#include <spdlog/spdlog.h>

namespace remedy {

// A job that runs `operation` of core/swapfile.h on this thread's Swapfiles.
template <typename Operation>
Jobs::Work SwapAdaptor::work(Operation operation) const
{
    return [this, operation](const Caller& caller, bool dryRun, const Progress& progress) {
        auto context = openContext(root_);
        Swapfiles swapfiles(context.root.get(), context.kernel, context.config, caller.uid);
        return operation(swapfiles, dryRun, progress);
    };
}

SwapAdaptor::SwapAdaptor(sdbus::IConnection& bus, Requests& requests, const Root& root)
    : AdaptorInterfaces(bus, "/org/remedy/Remedy1"), requests_(requests), root_(root)
{
    registerAdaptor();
}

SwapAdaptor::~SwapAdaptor() { unregisterAdaptor(); }

void SwapAdaptor::CreateSwapfile(sdbus::Result<sdbus::ObjectPath>&& result, std::string path, uint64_t size, Options options)
{
    requests_.job(std::move(result), currentSender(getObject()), [&] {
        OptionReader read(options, {"priority", "persist", "reserve", "dry-run", "auth.interactive"});
        SwapfileRequest request{path, size, read.int32("priority"), read.flag("persist", true), read.uint64("reserve"), read.flag("dry-run")};
        return JobCall{{{actions::kSwap}, {}, read.flag("auth.interactive"), "create swapfile " + path + " of " + std::to_string(size) + " bytes"},
                       "swap-create", path, request.dryRun, work([request](Swapfiles& swapfiles, bool dryRun, const Progress& progress) {
                           auto attempt = request;
                           attempt.dryRun = dryRun;
                           return swapfiles.create(attempt, progress);
                       }),
                       true};
    });
}

void SwapAdaptor::RemoveSwapfile(sdbus::Result<sdbus::ObjectPath>&& result, std::string path, Options options)
{
    requests_.job(std::move(result), currentSender(getObject()), [&] {
        auto change = readChangeOptions(options);
        return JobCall{{{actions::kSwap}, {}, change.interactive, "remove swapfile " + path}, "swap-remove", path, change.dryRun,
                       work([path](Swapfiles& swapfiles, bool dryRun, const Progress&) { return swapfiles.remove(path, dryRun); })};
    });
}

void SwapAdaptor::ResizeSwapfile(sdbus::Result<sdbus::ObjectPath>&& result, std::string path, uint64_t size, Options options)
{
    requests_.job(std::move(result), currentSender(getObject()), [&] {
        OptionReader read(options, {"reserve", "dry-run", "auth.interactive"});
        SwapfileRequest request{path, size, std::nullopt, true, read.uint64("reserve"), read.flag("dry-run")};
        return JobCall{{{actions::kSwap}, {}, read.flag("auth.interactive"), "resize swapfile " + path + " to " + std::to_string(size) + " bytes"},
                       "swap-resize", path, request.dryRun, work([request](Swapfiles& swapfiles, bool dryRun, const Progress& progress) {
                           auto attempt = request;
                           attempt.dryRun = dryRun;
                           return swapfiles.resize(attempt, progress);
                       })};
    });
}

std::tuple<uint64_t, std::string> SwapAdaptor::RecommendSize()
{
    return guarded([] {
        auto recommendation = recommendSwap(parseMemInfo(readFile("/proc/meminfo")).total);
        return std::tuple<uint64_t, std::string>{recommendation.size, recommendation.reason};
    });
}

void SwapAdaptor::announceAreas()
{
    try {
        getObject().emitPropertiesChangedSignal(INTERFACE_NAME, {"Areas", "Total"});
    } catch (const sdbus::Error& error) {
        spdlog::warn("cannot announce the swap areas: {}", error.getMessage());
    }
}

std::vector<sdbus::Struct<std::string, std::string, uint64_t, uint64_t, int32_t>> SwapAdaptor::Areas()
{
    // /proc/swaps is world-readable: nothing here that `swapon --show` does not tell anyone.
    return guarded([] {
        std::vector<sdbus::Struct<std::string, std::string, uint64_t, uint64_t, int32_t>> areas;
        for (const auto& area : KernelSwapSystem().activeAreas())
            areas.emplace_back(area.path, area.type, area.size, area.used, area.priority);
        return areas;
    });
}

uint64_t SwapAdaptor::Total()
{
    uint64_t total = 0;
    for (const auto& area : Areas())
        total += std::get<2>(area);
    return total;
}

uint64_t SwapAdaptor::Used()
{
    uint64_t used = 0;
    for (const auto& area : Areas())
        used += std::get<3>(area);
    return used;
}

} // namespace remedy
