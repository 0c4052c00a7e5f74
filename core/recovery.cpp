#include "recovery.h"

#include "fstab_file.h"
#include "pending.h"

namespace remedy {

std::vector<Recovery> recoverChanges(const PlanTools& tools)
{
    PlanRunner runner(tools);
    std::vector<Recovery> recovered;
    // Single changes first: a plan's step keeps its own record too, and is
    // undone within the plan before the plan's earlier steps are.
    auto changes = recoverPending(tools.root, tools.swap, tools.systemd, tools.config, [&](const nlohmann::json& record) {
        return runner.finishUndo(std::stoull(record.at("target").get<std::string>()));
    });
    auto plans = runner.recover();
    for (const auto& change : changes) {
        auto what = change.record.is_object() ? change.record.value("operation", "?") + " " + change.record.value("target", "?") : "?";
        recovered.push_back({what, "cut short by a stop of remedyd; " + change.outcome, change.done});
    }
    for (const auto& line : plans)
        recovered.push_back({line.substr(0, line.find(':')), line.substr(line.find(':') + 2), true});
    // The outermost change, the oldest, goes on record, unless a plan's own
    // record already tells of it (its apply, or its undo).
    if (!changes.empty() && plans.empty()) {
        const auto& outermost = changes.back();
        if (outermost.done && outermost.record.value("operation", "").rfind("plan-", 0) != 0)
            runner.recordRecovered(outermost.record, outermost.outcome);
    }
    // A write a kill cut short leaves only its temporary (atomic_file.h).
    try {
        FstabFile(tools.root).removeLeftovers();
    } catch (const std::exception&) {
        // No /etc/fstab to write: no temporary of it either.
    }
    runner.removeLeftovers();
    return recovered;
}

} // namespace remedy
