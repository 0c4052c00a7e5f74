#pragma once
// The write-ahead record of a single change (a plan keeps its own in its
// history record): <root>/var/lib/remedy/pending/<key>.json is on disk,
// fsync'd, before the change touches anything, and goes when the change
// has ended, done or undone. One left behind is a change a killed remedyd
// cut short; remedyd rolls it back when it next starts (recoverPending).

#include "service_manager.h"
#include "swap_system.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace remedy {

class PendingChange {
public:
    // record: {"operation", "target", ...}; key names it among the others.
    PendingChange(int root, std::string key, const nlohmann::json& record);
    ~PendingChange();
    PendingChange(const PendingChange&) = delete;
    PendingChange& operator=(const PendingChange&) = delete;

private:
    int root_;
    std::string key_;
};

// Rolls back every change left pending, forgets it, and says what it did,
// one line each.
std::vector<std::string> recoverPending(int root, SwapSystem& swap);

} // namespace remedy
