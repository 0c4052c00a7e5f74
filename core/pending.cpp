#include "pending.h"

#include "atomic_file.h"
#include "error.h"
#include "swapfile.h"
#include "unique_fd.h"
#include "unit_state.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <functional>
#include <string_view>

namespace remedy {
namespace {

constexpr const char* kPendingParts[] = {"var", "lib", "remedy", "pending"};
constexpr int kRecoveryAttempts = 3;
constexpr std::string_view kFailedSuffix = ".failed";

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

} // namespace

PendingChange::PendingChange(int root, const nlohmann::json& record)
    : root_(root),
      name_(record.at("operation").get<std::string>() + "-" + std::to_string(std::hash<std::string>{}(record.at("target").get<std::string>())) +
            ".json")
{
    auto dir = pendingDirectory(root, true);
    record_ = record;
    timespec now {};
    clock_gettime(CLOCK_REALTIME, &now);
    record_["started_ns"] = static_cast<std::int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
    replaceFileAt(dir.get(), name_, record_.dump(), 0600);
}

PendingChange::~PendingChange()
{
    if (kept_)
        return;
    if (auto dir = pendingDirectory(root_, false)) {
        unlinkat(dir.get(), name_.c_str(), 0);
        fsync(dir.get());
    }
}

std::vector<RecoveredChange> recoverPending(int root, SwapSystem* swap, ServiceManager* manager, const Config& config,
                                            const std::function<std::string(const nlohmann::json&)>& plans)
{
    std::vector<RecoveredChange> recovered;
    auto dir = pendingDirectory(root, false);
    if (!dir)
        return recovered;
    removeStaleTemporaries(dir.get());  // records a killed remedyd was writing: their changes had not begun
    std::vector<std::pair<nlohmann::json, std::string>> records;
    if (DIR* listing = fdopendir(dup(dir.get()))) {
        rewinddir(listing);  // the dup shares the position removeStaleTemporaries left at the end
        while (auto* entry = readdir(listing)) {
            std::string name = entry->d_name;
            if (name[0] != '.' && !name.ends_with(kFailedSuffix))
                records.emplace_back(nullptr, name);
        }
        closedir(listing);
    }
    for (auto& [record, name] : records) {
        try {
            record = nlohmann::json::parse(readFileAt(dir.get(), name), nullptr, false);
        } catch (const std::exception&) {
            record = nlohmann::json(nlohmann::json::value_t::discarded);  // not a regular file
        }
    }
    // The newest first: a change made within another (a plan's step, a
    // service's health check within its removal) is undone before it.
    auto started = [](const nlohmann::json& record) { return record.is_object() ? record.value("started_ns", std::int64_t(0)) : 0; };
    std::sort(records.begin(), records.end(), [&](const auto& a, const auto& b) { return started(a.first) > started(b.first); });
    for (const auto& [record, name] : records) {
        RecoveredChange change;
        change.record = record;
        try {
            if (record.is_discarded())
                throw Error(ErrorKind::Failed, name + " is not JSON");
            auto operation = change.record.at("operation").get<std::string>();
            if (operation.rfind("swap-", 0) == 0) {
                if (!swap)
                    continue;
                change.outcome = Swapfiles(root, *swap, config).recover(change.record);
            } else if (operation.rfind("plan-", 0) == 0 && plans) {
                change.outcome = plans(change.record);
            } else if (operation == "unit-change") {
                if (!manager)
                    continue;
                restoreUnits(root, *manager, change.record.at("before"));
                change.outcome = "rolled back: its files and units as they were before";
            } else {
                throw Error(ErrorKind::Failed, "unknown operation " + operation);
            }
        } catch (const std::exception& error) {
            // Tried again at the next start, a few times: one that keeps
            // failing is set aside for the administrator (pending/NAME.failed)
            // rather than half-redone at every start.
            auto attempts = change.record.is_object() ? change.record.value("attempts", 0) + 1 : kRecoveryAttempts;
            if (attempts >= kRecoveryAttempts) {
                renameat(dir.get(), name.c_str(), dir.get(), (name + std::string(kFailedSuffix)).c_str());
                change.outcome = std::string("could not be recovered (") + error.what() + "); set aside as /var/lib/remedy/pending/" + name +
                                 std::string(kFailedSuffix) + " after " + std::to_string(attempts) + " attempts";
            } else {
                change.record["attempts"] = attempts;
                try {
                    replaceFileAt(dir.get(), name, change.record.dump(), 0600);
                } catch (const std::exception&) {
                    // Counted again next time.
                }
                change.outcome = std::string("could not be recovered (") + error.what() + "); tried again at the next start";
            }
            recovered.push_back(std::move(change));
            continue;
        }
        change.done = true;
        unlinkat(dir.get(), name.c_str(), 0);
        recovered.push_back(std::move(change));
    }
    fsync(dir.get());
    return recovered;
}

} // namespace remedy
