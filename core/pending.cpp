#include "pending.h"

#include "atomic_file.h"
#include "error.h"
#include "fstab_file.h"
#include "unique_fd.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace remedy {
namespace {

constexpr const char* kPendingParts[] = {"var", "lib", "remedy", "pending"};

// <root>/var/lib/remedy/pending (root's, 0700), made when `create`.
UniqueFd pendingDirectory(int root, bool create)
{
    UniqueFd dir(dup(root));
    for (const char* part : kPendingParts) {
        if (create && mkdirat(dir.get(), part, 0700) != 0 && errno != EEXIST)
            throw Error(ErrorKind::Failed, std::string("cannot create /var/lib/remedy/pending: ") + std::strerror(errno));
        UniqueFd next(openat(dir.get(), part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!next)
            return UniqueFd();
        dir = std::move(next);
    }
    return dir;
}

// A swapfile a create was making: off, gone (and its temporary), and its
// fstab line gone. What was there before a create began is never touched:
// the create refuses a path that exists, and finishes one that is a swapfile
// without recording anything pending.
void rollBackSwapCreate(int root, SwapSystem& swap, const std::string& path)
{
    auto slash = path.rfind('/');
    auto directory = path.substr(0, slash);
    auto name = path.substr(slash + 1);
    UniqueFd parent(openat(root, directory == "" ? "." : directory.substr(1).c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (parent) {
        UniqueFd file(openat(parent.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
        if (file) {
            try {
                swap.swapOff(file.get());
            } catch (const std::exception&) {
                // Not on: nothing to turn off.
            }
            unlinkat(parent.get(), name.c_str(), 0);
        }
        unlinkat(parent.get(), ("." + name + ".remedy-new").c_str(), 0);
    }
    editFstab(root, [&](const Fstab& fstab) { return fstab.find(path) ? fstab.withoutEntry(path) : std::nullopt; }, false);
    FstabFile(root).removeLeftovers();
}

} // namespace

PendingChange::PendingChange(int root, std::string key, const nlohmann::json& record) : root_(root), key_(std::move(key))
{
    auto dir = pendingDirectory(root, true);
    replaceFileAt(dir.get(), key_ + ".json", record.dump(), 0600);
}

PendingChange::~PendingChange()
{
    if (auto dir = pendingDirectory(root_, false)) {
        unlinkat(dir.get(), (key_ + ".json").c_str(), 0);
        fsync(dir.get());
    }
}

std::vector<std::string> recoverPending(int root, SwapSystem& swap)
{
    std::vector<std::string> recovered;
    auto dir = pendingDirectory(root, false);
    if (!dir)
        return recovered;
    std::vector<std::string> names;
    if (DIR* listing = fdopendir(dup(dir.get()))) {
        while (auto* entry = readdir(listing))
            if (entry->d_name[0] != '.')
                names.emplace_back(entry->d_name);
        closedir(listing);
    }
    for (const auto& name : names) {
        std::string line;
        try {
            auto record = nlohmann::json::parse(readFileAt(dir.get(), name));
            auto operation = record.at("operation").get<std::string>();
            auto target = record.at("target").get<std::string>();
            if (operation == "swap-create")
                rollBackSwapCreate(root, swap, target);
            line = operation + " " + target + ": cut short by a stop of remedyd, rolled back";
        } catch (const std::exception& error) {
            line = name + ": cannot roll back (" + error.what() + "); left as it was";
        }
        unlinkat(dir.get(), name.c_str(), 0);
        recovered.push_back(line);
    }
    fsync(dir.get());
    return recovered;
}

} // namespace remedy
