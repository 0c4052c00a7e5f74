#include "bus/fstab_adaptor.h"

#include "core/fstab_file.h"
#include "core/trusted_path.h"
#include "polkit/actions.h"

namespace remedy {

FstabAdaptor::FstabAdaptor(sdbus::IConnection& bus, Requests& requests, const Root& root)
    : AdaptorInterfaces(bus, "/org/remedy/Remedy1"), requests_(requests), root_(root)
{
    registerAdaptor();
}

FstabAdaptor::~FstabAdaptor() { unregisterAdaptor(); }

void FstabAdaptor::GetEntries(sdbus::Result<Entries>&& result)
{
    // /etc/fstab is world-readable: this tells nobody more than the file
    // does. Read on the read pool: a long fstab holds up neither the loop
    // nor a change.
    requests_.call(std::move(result), currentSender(getObject()), [&] {
        return Call<Entries>{{{}, {}, false, "read fstab"}, Lane::Read, [this](const Caller&) {
                                 auto root = openRoot(root_.path);
                                 auto fstab = FstabFile(root.get()).read();
                                 Entries entries;
                                 for (const auto& e : fstab.entries())
                                     entries.emplace_back(e.source, e.target, e.fstype, e.options, e.freq, e.passno, e.line);
                                 return entries;
                             }};
    });
}

void FstabAdaptor::AddEntry(sdbus::Result<bool>&& result, std::string source, std::string target, std::string fstype,
                            std::string fsoptions, int32_t dump, int32_t pass, Options options)
{
    requests_.call(std::move(result), currentSender(getObject()), [&] {
        auto change = readChangeOptions(options);
        FstabEntry entry{source, target, fstype, fsoptions, dump, pass, 0};
        return Call<bool>{{{actions::kFstab}, {}, change.interactive, "add fstab entry " + describeEntry(entry)},
                          Lane::Change,
                          [this, entry, dryRun = change.dryRun](const Caller&) {
                              auto root = openRoot(root_.path);
                              return editFstab(root.get(), [&](const Fstab& fstab) { return fstab.withEntry(entry); }, dryRun);
                          }};
    });
}

void FstabAdaptor::RemoveEntry(sdbus::Result<bool>&& result, std::string identity, Options options)
{
    requests_.call(std::move(result), currentSender(getObject()), [&] {
        auto change = readChangeOptions(options);
        return Call<bool>{{{actions::kFstab}, {}, change.interactive, "remove fstab entry for " + identity},
                          Lane::Change,
                          [this, identity, dryRun = change.dryRun](const Caller&) {
                              auto root = openRoot(root_.path);
                              return editFstab(root.get(), [&](const Fstab& fstab) { return fstab.withoutEntry(identity); }, dryRun);
                          }};
    });
}

} // namespace remedy
