#include "bus/fstab_adaptor.h"

#include "core/fstab_file.h"
#include "core/trusted_path.h"
#include "jobs.h"

#include <spdlog/spdlog.h>

namespace remedy {
namespace {

const std::string kFstabAction = "org.remedy.fstab.manage";

} // namespace

FstabService::FstabService(sdbus::IConnection& bus, Authorizer& authorizer, EventLoop& loop, const Root& root)
    : AdaptorInterfaces(bus, "/org/remedy/Remedy1"), authorizer_(authorizer), loop_(loop), root_(root)
{
    registerAdaptor();
}

FstabService::~FstabService() { unregisterAdaptor(); }

std::vector<sdbus::Struct<std::string, std::string, std::string, std::string, int32_t, int32_t, int32_t>> FstabService::GetEntries()
{
    return guarded([this] {
        auto root = openRoot(root_.path);
        auto fstab = FstabFile(root.get()).read();
        std::vector<sdbus::Struct<std::string, std::string, std::string, std::string, int32_t, int32_t, int32_t>> entries;
        for (const auto& e : fstab.entries())
            entries.emplace_back(e.source, e.target, e.fstype, e.options, e.freq, e.passno, e.line);
        return entries;
    });
}

void FstabService::change(sdbus::Result<bool>&& result, const Options& options, const std::string& what,
                          std::function<std::optional<std::string>(const Fstab&)> edit)
{
    ChangeOptions change;
    try {
        change = readChangeOptions(options);
    } catch (const sdbus::Error& error) {
        result.returnError(error);
        return;
    }
    bool dryRun = change.dryRun;
    bool interactive = change.interactive;
    auto reply = std::make_shared<sdbus::Result<bool>>(std::move(result));
    authorizer_.check(
        currentSender(getObject()), {kFstabAction}, interactive, what,
        [this, reply, dryRun, what, edit = std::move(edit)] {
            loop_.runExclusive<Attempt<bool>>(
                [this, dryRun, edit] {
                    return attempt<bool>([&] {
                        auto root = openRoot(root_.path);
                        FstabFile file(root.get());
                        auto fstab = file.read();
                        auto text = edit(fstab);
                        if (text && !dryRun)
                            file.write(fstab, *text);
                        return text.has_value();
                    });
                },
                [reply, what](Attempt<bool> outcome) {
                    if (!outcome.value) {
                        reply->returnError(sdbus::Error(outcome.errorName, outcome.message));
                        return;
                    }
                    spdlog::info("fstab: {}: {}", what, *outcome.value ? "changed" : "unchanged");
                    reply->returnResults(*outcome.value);
                });
        },
        [reply](const sdbus::Error& error) { reply->returnError(error); });
}

void FstabService::AddEntry(sdbus::Result<bool>&& result, std::string source, std::string target, std::string fstype,
                            std::string fsoptions, int32_t dump, int32_t pass, Options options)
{
    FstabEntry entry{source, target, fstype, fsoptions, dump, pass, 0};
    change(std::move(result), options, "add fstab entry " + describeEntry(entry),
           [entry](const Fstab& fstab) { return fstab.withEntry(entry); });
}

void FstabService::RemoveEntry(sdbus::Result<bool>&& result, std::string identity, Options options)
{
    change(std::move(result), options, "remove fstab entry for " + identity,
           [identity](const Fstab& fstab) { return fstab.withoutEntry(identity); });
}

} // namespace remedy
