#pragma once
// Runs a plan (plan.h): each step through the same core as the single
// commands, in order. Transactional: when a step fails, the steps this run
// changed are undone, in reverse, and the report says so. A run that
// changed something is recorded under <root>/var/lib/remedy/history/ with
// what is needed to reverse it; undo() reverses it exactly, and refuses
// when any file it would touch changed since.

#include "accounts.h"
#include "config.h"
#include "outcome.h"
#include "plan.h"
#include "proc.h"
#include "service_manager.h"
#include "swap_system.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <sys/types.h>

namespace remedy {

struct PlanTools {
    int root = -1;
    SwapSystem* swap = nullptr;
    ServiceManager* systemd = nullptr;
    std::string probePath{};      // remedy-healthcheck
    std::string remedyctlPath{};  // for the metrics timer
    std::chrono::milliseconds settle = std::chrono::seconds(1);  // Units: a service must stay up this long
    Config config{};                                             // the administrator's limits (loadConfig)
    const AccountDirectory* accounts = &systemAccounts();        // who services may run as
    // Whether steps may touch units remedy does not manage (a memory limit
    // or health check of an admin's service): the caller's unit.manage-any.
    bool anyUnit = false;
    // The RAM a "size": "auto" swap step is sized for (recommendSwap).
    std::function<std::uint64_t()> memoryTotal = systemMemoryTotal;
};

// A page of history (PlanRunner::history).
inline constexpr std::size_t kDefaultHistoryPage = 50;
inline constexpr std::size_t kMaxHistoryPage = 1000;
inline constexpr std::size_t kMaxHistoryScan = 1000;  // records one History call reads at most
struct HistoryQuery {
    std::size_t limit = kDefaultHistoryPage;
    std::uint64_t before = 0;     // only records older than this id; 0: from the newest
    std::optional<uid_t> uid{};  // only this caller's records
};

class PlanRunner {
public:
    explicit PlanRunner(PlanTools tools) : tools_(std::move(tools)) {}

    // Report (Outcome.report): {"changed", "dry_run", "history_id" (n|null),
    // "steps": [{"step", "kind", "target", "action", "status":
    // "changed"|"unchanged"|"would_change"|"failed"|"undone"|"not_run",
    // "actions", "error"}], "error" (s|null)}. A failed step is not thrown:
    // Outcome.failure says what failed, the report says what was undone.
    Outcome apply(const Plan& plan, bool dryRun, uid_t caller, const Progress& progress);

    // Reverses a recorded run; throws InvalidArgument with the reason when
    // it cannot (unknown, undone already, changed since).
    Outcome undo(std::uint64_t id, bool dryRun, const Progress& progress);

    // Finishes an undo of `id` a killed remedyd cut short (its write-ahead
    // record, pending.h, is "plan-undo"), and says so.
    std::string finishUndo(std::uint64_t id);

    // Rolls back every plan a remedyd killed mid-way left "applying", and
    // records each as "interrupted"; what it did, one line each. Run when
    // remedyd starts, before it serves anyone.
    std::vector<std::string> recover();

    // Deletes the temporaries of history records a killed remedyd was writing.
    void removeLeftovers() const;

    // Puts on record a single change (pending.h) that a killed remedyd cut
    // short and recoverPending ended, as an "interrupted" run of one step
    // (kind: its operation), so `remedyctl history` shows it with the plans.
    void recordRecovered(const nlohmann::json& pending, const std::string& outcome);

    // [{"id", "time", "uid", "state": "applied"|"failed"|"interrupted",
    // "steps": [{kind, target, status}], "undone", "error"}], oldest first:
    // the newest `limit` records before `before` (0: the newest), of `uid`
    // alone when it is set.
    nlohmann::json history(const HistoryQuery& query = {}) const;

    // The polkit actions undoing `id` needs.
    std::vector<std::string> undoActions(std::uint64_t id) const;

private:
    Outcome runStep(const Plan& plan, const PlanStep& step, bool dryRun);
    void requireManaged(const std::string& unit, bool plannedHere) const;
    nlohmann::json inverseOf(const PlanStep& step) const;
    void reverse(const nlohmann::json& inverse);

    PlanTools tools_;
};

} // namespace remedy
