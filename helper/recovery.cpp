#include "recovery.h"

#include "audit.h"
#include "context.h"
#include "core/pending.h"
#include "core/plan_runner.h"
#include "version.h"

#include <spdlog/spdlog.h>

namespace remedy {

void recoverInterrupted(const Root& root)
{
    try {
        auto context = openContext(root);
        PlanTools tools{context.root.get(), &context.kernel, &context.systemd, kHealthProbePath, kRemedyctlPath};
        tools.config = context.config;
        tools.anyUnit = true;  // undoing what remedyd itself did
        PlanRunner runner(std::move(tools));
        // Single changes first: a plan's step keeps its own record too, and
        // is undone within the plan before the plan's earlier steps are.
        auto changes = recoverPending(context.root.get(), context.kernel, &context.systemd, context.config);
        auto plans = runner.recover();
        for (const auto& line : plans)
            audit::change(0, "recover", line.substr(0, line.find(':')), false, line);
        for (const auto& change : changes) {
            auto what = change.record.is_object() ? change.record.value("operation", "?") + " " + change.record.value("target", "?") : "?";
            // Changes run one at a time: with a plan cut short, these were
            // its step's, and the plan's own record tells of them.
            if (change.done && plans.empty())
                runner.recordRecovered(change.record, change.outcome);
            audit::change(0, "recover", what, !change.done, what + ": cut short by a stop of remedyd; " + change.outcome);
        }
    } catch (const std::exception& error) {
        // Serving goes on: what is pending stays, and the next start tries again.
        spdlog::error("cannot recover interrupted changes: {}", error.what());
    }
}

} // namespace remedy
