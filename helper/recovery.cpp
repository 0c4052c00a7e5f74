#include "recovery.h"

#include "audit.h"
#include "context.h"
#include "core/recovery.h"
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
        for (const auto& recovery : recoverChanges(tools))
            audit::change(0, "recover", recovery.what, !recovery.done, recovery.what + ": " + recovery.outcome);
    } catch (const std::exception& error) {
        // Serving goes on: what is pending stays, and the next start tries again.
        spdlog::error("cannot recover interrupted changes: {}", error.what());
    }
}

} // namespace remedy
