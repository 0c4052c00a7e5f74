#include "bus/swap_adaptor.h"

#include "core/proc.h"
#include "core/swap_policy.h"
#include "core/trusted_path.h"

namespace remedy {
namespace {

const std::string kSwapAction = "org.remedy.swap.manage";

} // namespace

SwapService::SwapService(sdbus::IConnection& bus, Authorizer& authorizer, Jobs& jobs, const Root& root)
    : AdaptorInterfaces(bus, "/org/remedy/Remedy1"), authorizer_(authorizer), jobs_(jobs), root_(root)
{
    registerAdaptor();
}

SwapService::~SwapService() { unregisterAdaptor(); }

void SwapService::startJob(sdbus::Result<sdbus::ObjectPath>&& result, const std::string& operation, const std::string& path,
                           std::vector<std::string> actions, bool interactive, bool dryRun, const std::string& what, Jobs::Work work)
{
    jobs_.startAuthorized(authorizer_, currentSender(getObject()), std::move(actions), interactive, what, operation, path, dryRun,
                          std::make_shared<sdbus::Result<sdbus::ObjectPath>>(std::move(result)), std::move(work));
}

Jobs::Work SwapService::work(const SwapfileRequest& request, Operation operation)
{
    return [this, request, operation](bool dryRun, const Progress& progress) {
        auto root = openRoot(root_.path);
        auto attempt = request;
        attempt.dryRun = dryRun;
        Swapfiles swapfiles(root.get(), kernel_);
        return (swapfiles.*operation)(attempt, progress);
    };
}

void SwapService::CreateSwapfile(sdbus::Result<sdbus::ObjectPath>&& result, std::string path, uint64_t size, Options options)
{
    SwapfileRequest request;
    bool interactive = false;
    try {
        OptionReader read(options, {"priority", "persist", "reserve", "dry-run", "auth.interactive"});
        request = {path, size, read.int32("priority"), read.flag("persist", true), read.uint64("reserve"), read.flag("dry-run")};
        interactive = read.flag("auth.interactive");
    } catch (const sdbus::Error& error) {
        result.returnError(error);
        return;
    }
    startJob(std::move(result), "swap-create", path, {kSwapAction}, interactive, request.dryRun,
             "create swapfile " + path + " of " + std::to_string(size) + " bytes", work(request, &Swapfiles::create));
}

void SwapService::RemoveSwapfile(sdbus::Result<sdbus::ObjectPath>&& result, std::string path, Options options)
{
    ChangeOptions change;
    try {
        change = readChangeOptions(options);
    } catch (const sdbus::Error& error) {
        result.returnError(error);
        return;
    }
    startJob(std::move(result), "swap-remove", path, {kSwapAction}, change.interactive, change.dryRun, "remove swapfile " + path,
             [this, path](bool dryRun, const Progress&) {
                 auto root = openRoot(root_.path);
                 return Swapfiles(root.get(), kernel_).remove(path, dryRun);
             });
}

void SwapService::ResizeSwapfile(sdbus::Result<sdbus::ObjectPath>&& result, std::string path, uint64_t size, Options options)
{
    SwapfileRequest request;
    bool interactive = false;
    try {
        OptionReader read(options, {"reserve", "dry-run", "auth.interactive"});
        request.path = path;
        request.size = size;
        request.reserve = read.uint64("reserve");
        request.dryRun = read.flag("dry-run");
        interactive = read.flag("auth.interactive");
    } catch (const sdbus::Error& error) {
        result.returnError(error);
        return;
    }
    startJob(std::move(result), "swap-resize", path, {kSwapAction}, interactive, request.dryRun,
             "resize swapfile " + path + " to " + std::to_string(size) + " bytes", work(request, &Swapfiles::resize));
}

std::tuple<uint64_t, std::string> SwapService::RecommendSize()
{
    return guarded([] {
        auto recommendation = recommendSwap(parseMemInfo(readFile("/proc/meminfo")).total);
        return std::tuple<uint64_t, std::string>{recommendation.size, recommendation.reason};
    });
}

std::vector<sdbus::Struct<std::string, std::string, uint64_t, uint64_t, int32_t>> SwapService::Areas()
{
    return guarded([this] {
        std::vector<sdbus::Struct<std::string, std::string, uint64_t, uint64_t, int32_t>> areas;
        for (const auto& area : kernel_.activeAreas())
            areas.emplace_back(area.path, area.type, area.size, area.used, area.priority);
        return areas;
    });
}

uint64_t SwapService::Total()
{
    uint64_t total = 0;
    for (const auto& area : Areas())
        total += std::get<2>(area);
    return total;
}

uint64_t SwapService::Used()
{
    uint64_t used = 0;
    for (const auto& area : Areas())
        used += std::get<3>(area);
    return used;
}

} // namespace remedy
