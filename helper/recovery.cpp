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
        auto lines = PlanRunner(std::move(tools)).recover();
        for (auto& line : recoverPending(context.root.get(), context.kernel))
            lines.push_back(std::move(line));
        for (const auto& line : lines)
            audit::change(0, "recover", line.substr(0, line.find(':')), false, line);
    } catch (const std::exception& error) {
        // Serving goes on: the record stays "applying", and the next start tries again.
        spdlog::error("cannot recover interrupted changes: {}", error.what());
    }
}

} // namespace remedy
