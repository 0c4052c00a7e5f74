#pragma once
// The write-ahead record of a single change (a plan keeps its own in its
// history record): <root>/var/lib/remedy/pending/<operation>-<hash>.json
// is on disk, fsync'd, before the change touches anything, and goes when
// the change has ended, done or undone. One left behind is a change a
// killed remedyd cut short; when remedyd next starts, recoverPending puts
// the system back as it was before (or finishes a change that had passed
// the point of no return: a resize that had emptied the old file).

#include "config.h"
#include "service_manager.h"
#include "swap_system.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace remedy {

class PendingChange {
public:
    // record: {"operation", "target", "uid", ...what recovering it needs}.
    PendingChange(int root, const nlohmann::json& record);
    ~PendingChange();
    PendingChange(const PendingChange&) = delete;
    PendingChange& operator=(const PendingChange&) = delete;

    // Leaves the record for the next remedyd: a change that failed in a
    // way only its recovery can end.
    void keep() { kept_ = true; }

    const nlohmann::json& record() const { return record_; }

private:
    int root_;
    std::string name_;
    nlohmann::json record_;
    bool kept_ = false;
};

struct RecoveredChange {
    nlohmann::json record;  // as PendingChange wrote it (null when unreadable)
    std::string outcome;    // what recovery did, a sentence
    bool done = false;      // recovered and forgotten; false: left for the next start
};

// Recovers every change left pending, innermost first (a plan's step's own
// record before the plan's), and forgets each it could recover; one that
// failed stays for the next start. `swap` and `manager` may be null (no
// systemd): then a change to what they manage stays pending. Operations of plans ("plan-*")
// go to `plans`, which returns what it did.
std::vector<RecoveredChange> recoverPending(int root, SwapSystem* swap, ServiceManager* manager, const Config& config,
                                            const std::function<std::string(const nlohmann::json&)>& plans = {});

} // namespace remedy
