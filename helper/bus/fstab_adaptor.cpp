#include "bus/fstab_adaptor.h"

#include "core/utf8.h"

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

namespace {

// An entry whose fields are not UTF-8 (a Latin-1 mount point: mount reads
// bytes) cannot go into a D-Bus string; it is listed as not shown instead.
constexpr std::size_t kMaxUnparsed = 64;  // bad lines listed at most: the reply stays small

FstabAdaptor::Entries entriesOf(Fstab&& fstab, FstabAdaptor::Unparsed* unparsed)
{
    auto parsed = std::move(fstab).takeEntries();
    FstabAdaptor::Entries entries;
    entries.reserve(parsed.size());
    for (auto& e : parsed) {
        if (!validUtf8(e.source) || !validUtf8(e.target) || !validUtf8(e.fstype) || !validUtf8(e.options)) {
            if (unparsed && unparsed->size() < kMaxUnparsed)
                unparsed->emplace_back(e.line, printableLine(describeEntry(e)), "not UTF-8: a D-Bus string cannot carry it");
            continue;
        }
        entries.emplace_back(std::move(e.source), std::move(e.target), std::move(e.fstype), std::move(e.options), e.freq, e.passno, e.line);
    }
    return entries;
}

} // namespace

// /etc/fstab is world-readable: these tell nobody more than the file does.
// Read on the read pool: a long fstab holds up neither the loop nor a change.
void FstabAdaptor::GetEntries(sdbus::Result<Entries>&& result)
{
    requests_.call(std::move(result), currentSender(getObject()), [&] {
        return Call<Entries>{{{}, {}, false, "read fstab"}, Lane::Read,
                             [this](const Caller&) { return entriesOf(FstabFile(openRoot(root_.path).get()).read(), nullptr); }};
    });
}

void FstabAdaptor::GetEntriesEx(sdbus::Result<Entries, Unparsed>&& result)
{
    requests_.call(std::move(result), currentSender(getObject()), [&] {
        return Call<std::tuple<Entries, Unparsed>>{{{}, {}, false, "read fstab"}, Lane::Read, [this](const Caller&) {
                                                       auto fstab = FstabFile(openRoot(root_.path).get()).read();
                                                       Unparsed unparsed;
                                                       for (const auto& problem : fstab.problems())
                                                           if (unparsed.size() < kMaxUnparsed)
                                                               unparsed.emplace_back(problem.line, problem.text, problem.reason);
                                                       auto entries = entriesOf(std::move(fstab), &unparsed);
                                                       return std::tuple(std::move(entries), std::move(unparsed));
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
