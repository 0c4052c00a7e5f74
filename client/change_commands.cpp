#include "change_commands.h"

#include "agent.h"
#include "dbus/errors.h"
#include "core/swap_policy.h"
#include "format.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <iostream>
#include <memory>

namespace remedy::client {
namespace {

constexpr const char* kDefaultSwapfile = "/swapfile";

struct SwapArguments {
    std::string path = kDefaultSwapfile;
    std::string size;
    std::optional<int> priority;
    bool noPersist = false;
    std::string reserve;
    bool dryRun = false;
};

struct UnitArguments {
    std::string unit;
    std::string memoryMax;
    std::string memoryHigh;
    bool dryRun = false;
};

struct FstabArguments {
    std::string source;
    std::string target;
    std::string fstype;
    std::string options = "defaults";
    int dump = 0;
    int pass = 0;
    bool dryRun = false;
};

} // namespace

std::uint64_t sizeArgument(const std::string& text)
{
    try {
        return parseSize(text);
    } catch (const remedy::Error& error) {
        throw sdbus::Error(errorName(ErrorKind::InvalidArgument), error.what());
    }
}

JobResult followJob(HelperClient& helper, const GlobalOptions& global, const sdbus::ObjectPath& job, const std::string& target)
{
    ProgressBar bar(!global.json && !global.quiet && isatty(STDERR_FILENO), target);
    auto result = helper.waitForJob(job, [&bar](double fraction) { bar.update(fraction); });
    // The last progress signal may still be queued when the job is seen finished.
    if (result.success)
        bar.update(1.0);
    bar.finish();
    if (!result.success)
        throw sdbus::Error(result.errorName.empty() ? errorName(ErrorKind::Failed) : result.errorName, result.message);
    return result;
}

int finishJob(HelperClient& helper, const GlobalOptions& global, const sdbus::ObjectPath& job, const std::string& target,
              bool dryRun, const std::string& done, const char* targetKey)
{
    auto result = followJob(helper, global, job, target);
    if (global.json) {
        std::cout << nlohmann::json{{"changed", result.changed && !dryRun}, {"dry_run", dryRun}, {targetKey, target}, {"actions", result.actions}}
                         .dump()
                  << '\n';
        return kSuccess;
    }
    if (global.quiet)
        return kSuccess;
    if (!result.changed)
        std::cout << "Unchanged: " << (result.actions.empty() ? target : result.actions.front()) << '\n';
    else
        std::cout << (dryRun ? "Would do, in this order:" : done) << '\n';
    if (result.changed)
        for (const auto& action : result.actions)
            std::cout << "  - " << action << '\n';
    return kSuccess;
}

namespace {

int swapStatus(HelperClient& helper, const GlobalOptions& global)
{
    auto areas = helper.remedy().Areas();
    auto [recommended, reason] = helper.remedy().RecommendSize();
    std::uint64_t total = 0;
    std::uint64_t used = 0;
    auto list = nlohmann::json::array();
    for (const auto& area : areas) {
        total += std::get<2>(area);
        used += std::get<3>(area);
        list.push_back({{"path", std::get<0>(area)}, {"type", std::get<1>(area)}, {"size", std::get<2>(area)},
                        {"used", std::get<3>(area)}, {"priority", std::get<4>(area)}});
    }
    if (global.json) {
        std::cout << nlohmann::json{{"areas", list}, {"total", total}, {"used", used}, {"recommended", recommended},
                                    {"recommended_reason", reason}}
                         .dump()
                  << '\n';
        return kSuccess;
    }
    if (global.quiet)
        return kSuccess;
    if (areas.empty())
        std::cout << "No swap is active.\n";
    else
        std::printf("%-40s %-10s %8s %8s %5s\n", "PATH", "TYPE", "SIZE", "USED", "PRIO");
    for (const auto& area : areas)
        std::printf("%-40s %-10s %8s %8s %5d\n", std::get<0>(area).c_str(), std::get<1>(area).c_str(), humanBytes(std::get<2>(area)).c_str(),
                    humanBytes(std::get<3>(area)).c_str(), std::get<4>(area));
    std::cout << "Total " << humanBytes(total) << ", recommended " << humanBytes(recommended) << " (" << reason << ").\n";
    if (total == 0)
        std::cout << "To add it: remedyctl swap create --size " << humanBytes(recommended) << '\n';
    else if (total < recommended)
        std::cout << "That is below the recommendation: see remedyctl swap resize.\n";
    return kSuccess;
}

int swapCreate(HelperClient& helper, const GlobalOptions& global, const SwapArguments& args)
{
    auto size = args.size.empty() ? std::get<0>(helper.remedy().RecommendSize()) : sizeArgument(args.size);
    Options options{{"persist", sdbus::Variant(!args.noPersist)}, {"dry-run", sdbus::Variant(args.dryRun)}};
    if (args.priority)
        options["priority"] = sdbus::Variant(static_cast<std::int32_t>(*args.priority));
    if (!args.reserve.empty())
        options["reserve"] = sdbus::Variant(sizeArgument(args.reserve));
    auto job = authorized(helper, global.askPassword && !args.dryRun, options, [&](const Options& options) { return helper.remedy().CreateSwapfile(args.path, size, options); });
    return finishJob(helper, global, job, args.path, args.dryRun, "Created swap " + args.path + " (" + humanBytes(size) + "):");
}

int swapRemove(HelperClient& helper, const GlobalOptions& global, const SwapArguments& args)
{
    auto job = authorized(helper, global.askPassword && !args.dryRun, {{"dry-run", sdbus::Variant(args.dryRun)}}, [&](const Options& options) { return helper.remedy().RemoveSwapfile(args.path, options); });
    return finishJob(helper, global, job, args.path, args.dryRun, "Removed swap " + args.path + ":");
}

int swapResize(HelperClient& helper, const GlobalOptions& global, const SwapArguments& args)
{
    auto size = sizeArgument(args.size);
    Options options{{"dry-run", sdbus::Variant(args.dryRun)}};
    if (!args.reserve.empty())
        options["reserve"] = sdbus::Variant(sizeArgument(args.reserve));
    auto job = authorized(helper, global.askPassword && !args.dryRun, options, [&](const Options& options) { return helper.remedy().ResizeSwapfile(args.path, size, options); });
    return finishJob(helper, global, job, args.path, args.dryRun, "Resized swap " + args.path + " to " + humanBytes(size) + ":");
}

int swapRecommend(HelperClient& helper, const GlobalOptions& global)
{
    auto [size, reason] = helper.remedy().RecommendSize();
    if (global.json)
        std::cout << nlohmann::json{{"size", size}, {"reason", reason}}.dump() << '\n';
    else if (!global.quiet)
        std::cout << humanBytes(size) << ": " << reason << ".\n";
    return kSuccess;
}

int fstabList(HelperClient& helper, const GlobalOptions& global)
{
    auto [entries, unparsed] = helper.remedy().GetEntriesEx();
    if (global.json) {
        auto list = nlohmann::json::array();
        for (const auto& e : entries)
            list.push_back({{"source", std::get<0>(e)}, {"target", std::get<1>(e)}, {"type", std::get<2>(e)}, {"options", std::get<3>(e)},
                            {"dump", std::get<4>(e)}, {"pass", std::get<5>(e)}, {"line", std::get<6>(e)}});
        auto bad = nlohmann::json::array();
        for (const auto& u : unparsed)
            bad.push_back({{"line", std::get<0>(u)}, {"text", std::get<1>(u)}, {"reason", std::get<2>(u)}});
        std::cout << nlohmann::json{{"entries", list}, {"unparsed", bad}}.dump() << '\n';
        return kSuccess;
    }
    // As findmnt --verify says it: on stderr, the rest listed all the same.
    for (const auto& u : unparsed)
        std::fprintf(stderr, "remedyctl: /etc/fstab line %d cannot be parsed (%s): %s\n", std::get<0>(u), std::get<2>(u).c_str(),
                     std::get<1>(u).c_str());
    if (global.quiet)
        return kSuccess;
    std::printf("%4s  %-40s %-20s %-8s %-20s %s\n", "LINE", "SOURCE", "TARGET", "TYPE", "OPTIONS", "DUMP PASS");
    for (const auto& e : entries)
        std::printf("%4d  %-40s %-20s %-8s %-20s %d %d\n", std::get<6>(e), std::get<0>(e).c_str(), std::get<1>(e).c_str(),
                    std::get<2>(e).c_str(), std::get<3>(e).c_str(), std::get<4>(e), std::get<5>(e));
    return kSuccess;
}

int reportEdit(const GlobalOptions& global, bool changed, bool dryRun, const std::string& what)
{
    if (global.json)
        std::cout << nlohmann::json{{"changed", changed && !dryRun}, {"dry_run", dryRun}}.dump() << '\n';
    else if (!global.quiet)
        std::cout << (changed ? (dryRun ? "Would " : "") + what : "Unchanged: nothing to do") << '\n';
    return kSuccess;
}

int fstabAdd(HelperClient& helper, const GlobalOptions& global, const FstabArguments& args)
{
    bool changed = authorized(helper, global.askPassword && !args.dryRun, {{"dry-run", sdbus::Variant(args.dryRun)}}, [&](const Options& options) { return helper.remedy().AddEntry(args.source, args.target, args.fstype, args.options, args.dump, args.pass,
                                          options); });
    return reportEdit(global, changed, args.dryRun, "add the line to /etc/fstab");
}

int fstabRemove(HelperClient& helper, const GlobalOptions& global, const FstabArguments& args)
{
    bool changed = authorized(helper, global.askPassword && !args.dryRun, {{"dry-run", sdbus::Variant(args.dryRun)}}, [&](const Options& options) { return helper.remedy().RemoveEntry(args.target, options); });
    return reportEdit(global, changed, args.dryRun, "remove the line from /etc/fstab");
}

// "infinity" removes a limit; nothing given leaves it as it is (0 on the bus).
std::uint64_t limitArgument(const std::string& text)
{
    if (text.empty())
        return 0;
    if (text == "infinity")
        return UINT64_MAX;
    // SetMemoryLimits takes bytes: say so rather than "not a size".
    if (!text.empty() && text.back() == '%')
        throw sdbus::Error(errorName(ErrorKind::InvalidArgument),
                           "'" + text + "': unit limits takes bytes or infinity; a share of memory is for service create and plans");
    return sizeArgument(text);
}

int unitLimits(HelperClient& helper, const GlobalOptions& global, const UnitArguments& args)
{
    bool changed = authorized(helper, global.askPassword && !args.dryRun, {{"dry-run", sdbus::Variant(args.dryRun)}}, [&](const Options& options) { return helper.remedy().SetMemoryLimits(args.unit, limitArgument(args.memoryMax), limitArgument(args.memoryHigh),
                                                   options); });
    return reportEdit(global, changed, args.dryRun, "set the memory limits of " + args.unit);
}

} // namespace

void addChangeCommands(CLI::App& app, std::function<int(HelperClient&, const GlobalOptions&)>& run)
{
    auto swapArgs = std::make_shared<SwapArguments>();
    auto fstabArgs = std::make_shared<FstabArguments>();
    auto unitArgs = std::make_shared<UnitArguments>();

    auto* swap = app.add_subcommand("swap", "Swap: show, create, remove, resize swapfiles (action org.remedy.swap.manage)");
    swap->require_subcommand(1);
    swap->add_subcommand("status", "Show active swap, and how much this machine should have")->callback([&run] {
        run = swapStatus;
    });
    auto* create = swap->add_subcommand("create", "Create a swapfile, turn it on and add it to /etc/fstab");
    create->add_option("PATH", swapArgs->path, "Where (default /swapfile); every directory on the way must be root's")->capture_default_str();
    create->add_option("-s,--size", swapArgs->size, "Size, e.g. 2G or 512M (default: the recommended size)");
    create->add_option("-p,--priority", swapArgs->priority, "Swap priority, 0..32767 (default: the kernel's)");
    create->add_flag("--no-persist", swapArgs->noPersist, "Do not add the /etc/fstab line (swap until the next boot)");
    create->add_option("--reserve", swapArgs->reserve, "Free space to leave on the file system (default 5 %, at least 64M)");
    create->add_flag("-n,--dry-run", swapArgs->dryRun, "Show what would be done, and change nothing");
    create->callback([&run, swapArgs] { run = [swapArgs](HelperClient& h, const GlobalOptions& g) { return swapCreate(h, g, *swapArgs); }; });

    auto* remove = swap->add_subcommand("remove", "Turn a swapfile off, remove its /etc/fstab line, delete it");
    remove->add_option("PATH", swapArgs->path, "The swapfile (default /swapfile)")->capture_default_str();
    remove->add_flag("-n,--dry-run", swapArgs->dryRun, "Show what would be done, and change nothing");
    remove->callback([&run, swapArgs] { run = [swapArgs](HelperClient& h, const GlobalOptions& g) { return swapRemove(h, g, *swapArgs); }; });

    auto* resize = swap->add_subcommand("resize", "Resize a swapfile, never with less swap on than before");
    resize->add_option("PATH", swapArgs->path, "The swapfile (default /swapfile)")->capture_default_str();
    resize->add_option("-s,--size", swapArgs->size, "New size, e.g. 4G")->required();
    resize->add_option("--reserve", swapArgs->reserve, "Free space to leave on the file system");
    resize->add_flag("-n,--dry-run", swapArgs->dryRun, "Show what would be done, and change nothing");
    resize->callback([&run, swapArgs] { run = [swapArgs](HelperClient& h, const GlobalOptions& g) { return swapResize(h, g, *swapArgs); }; });

    swap->add_subcommand("recommend", "How much swap this machine should have, and why")->callback([&run] { run = swapRecommend; });

    auto* unit = app.add_subcommand("unit", "systemd units (action org.remedy.unit.manage)");
    unit->require_subcommand(1);
    auto* limits = unit->add_subcommand("limits", "Set a service's MemoryMax= and MemoryHigh=, persistently (as systemctl set-property)");
    limits->add_option("UNIT", unitArgs->unit, "The service, e.g. kontali-backend.service")->required();
    limits->add_option("--memory-max", unitArgs->memoryMax, "Hard limit: the kernel kills the service above it (e.g. 2G, or infinity)");
    limits->add_option("--memory-high", unitArgs->memoryHigh, "Soft limit: the service is throttled above it (e.g. 1536M, or infinity)");
    limits->add_flag("-n,--dry-run", unitArgs->dryRun, "Say whether anything would change, and change nothing");
    limits->callback([&run, unitArgs] { run = [unitArgs](HelperClient& h, const GlobalOptions& g) { return unitLimits(h, g, *unitArgs); }; });

    auto* fstab = app.add_subcommand("fstab", "The file system table (action org.remedy.fstab.manage)");
    fstab->require_subcommand(1);
    fstab->add_subcommand("list", "List /etc/fstab's entries")->callback([&run] { run = fstabList; });
    auto* add = fstab->add_subcommand("add", "Add an entry; unchanged if it is there already");
    add->add_option("SOURCE", fstabArgs->source, "Device, UUID=…, or a swapfile")->required();
    add->add_option("TARGET", fstabArgs->target, "Mount point, or 'none' for swap")->required();
    add->add_option("TYPE", fstabArgs->fstype, "File system type, or 'swap'")->required();
    add->add_option("-o,--options", fstabArgs->options, "Mount options")->capture_default_str();
    add->add_option("--dump", fstabArgs->dump, "dump field (0..9)");
    add->add_option("--pass", fstabArgs->pass, "fsck pass (0..9)");
    add->add_flag("-n,--dry-run", fstabArgs->dryRun, "Show what would be done, and change nothing");
    add->callback([&run, fstabArgs] { run = [fstabArgs](HelperClient& h, const GlobalOptions& g) { return fstabAdd(h, g, *fstabArgs); }; });
    auto* drop = fstab->add_subcommand("remove", "Remove the entry for a mount point (or a swap source)");
    drop->add_option("TARGET", fstabArgs->target, "Mount point, or the swapfile's path")->required();
    drop->add_flag("-n,--dry-run", fstabArgs->dryRun, "Show what would be done, and change nothing");
    drop->callback([&run, fstabArgs] { run = [fstabArgs](HelperClient& h, const GlobalOptions& g) { return fstabRemove(h, g, *fstabArgs); }; });
}

} // namespace remedy::client
