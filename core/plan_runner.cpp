#include "plan_runner.h"

#include "atomic_file.h"
#include "error.h"
#include "fstab_file.h"
#include "polkit/actions.h"
#include "healthcheck.h"
#include "pending.h"
#include "swap_policy.h"
#include "swapfile.h"
#include "trusted_path.h"
#include "unit_files.h"
#include "unit_state.h"
#include "units.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>

namespace remedy {
namespace {

using Json = nlohmann::json;

constexpr const char* kHistoryDir = "/var/lib/remedy/history";

std::string baseName(const std::string& unit) { return unit.substr(0, unit.rfind('.')); }

std::string isoNow()
{
    auto now = std::time(nullptr);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    return text;
}

// <root>/var/lib/remedy/history, made (root's, 0700: it keeps copies of
// unit files, which may hold secrets) when first needed.
UniqueFd historyDirectory(int root, bool create)
{
    std::string path;
    UniqueFd dir(dup(root));
    for (const char* part : {"var", "lib", "remedy", "history"}) {
        path += std::string("/") + part;
        if (create && mkdirat(dir.get(), part, 0700) != 0 && errno != EEXIST)
            throw Error(ErrorKind::Failed, "cannot create " + path + ": " + std::strerror(errno));
        UniqueFd next(openat(dir.get(), part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!next) {
            if (errno == ENOENT && !create)
                return UniqueFd();
            throw Error(ErrorKind::Failed, "cannot open " + path + ": " + std::strerror(errno));
        }
        dir = std::move(next);
    }
    return dir;
}

bool recordExists(int dir, std::uint64_t id)
{
    struct stat st {};
    return fstatat(dir, (std::to_string(id) + ".json").c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

// The newest record's id (0 for none). Records are 1.json, 2.json, ... with
// no gap (only the newest is ever removed), so a binary search over which
// exist finds it in O(log N) lookups, whatever the history's length.
std::uint64_t lastId(int dir)
{
    if (dir < 0 || !recordExists(dir, 1))
        return 0;
    std::uint64_t present = 1;
    std::uint64_t absent = 2;
    while (recordExists(dir, absent)) {
        present = absent;
        absent *= 2;
    }
    while (absent - present > 1) {
        auto middle = present + (absent - present) / 2;
        (recordExists(dir, middle) ? present : absent) = middle;
    }
    return present;
}

Json readRecord(int dir, std::uint64_t id) { return Json::parse(readFileAt(dir, std::to_string(id) + ".json")); }

void saveRecord(int root, const Json& record)
{
    auto dir = historyDirectory(root, true);
    replaceFileAt(dir.get(), std::to_string(record["id"].get<std::uint64_t>()) + ".json", record.dump(1), 0600);
}

void removeRecord(int root, std::uint64_t id)
{
    auto dir = historyDirectory(root, true);
    unlinkat(dir.get(), (std::to_string(id) + ".json").c_str(), 0);
    fsync(dir.get());
}

Json loadRecord(int root, std::uint64_t id)
{
    auto dir = historyDirectory(root, false);
    if (id == 0 || !dir || !recordExists(dir.get(), id))
        throw Error(ErrorKind::InvalidArgument, "there is no applied plan " + std::to_string(id) + " (remedyctl history lists them)");
    return readRecord(dir.get(), id);
}

// A step that adds a line to fstab: its undo removes that line (and only
// that line; the rest of the file may have changed meanwhile).
bool editsFstab(const PlanStep& step) { return step.kind == StepKind::Fstab || (step.kind == StepKind::Swap && step.swap.persist); }

} // namespace

// What undoing a step needs, taken just before it runs: the files it may
// write, as they are, and the units it may start, as they are.
Json PlanRunner::inverseOf(const PlanStep& step) const
{
    Json inverse = {{"kind", stepName(step.kind)}, {"target", step.target}};
    std::vector<std::string> files;
    std::vector<std::string> units;
    switch (step.kind) {
    case StepKind::Swap: {
        // Whether there was one before, on, and listed: undoing the step
        // (a rollback, a recovery, an undo) must not remove what it found
        // in place, only turn off and unlist what it turned on and listed.
        struct stat st {};
        bool existed = fstatat(tools_.root, step.target.substr(1).c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
        inverse["existed"] = existed;
        if (existed) {
            inverse["active"] = Swapfiles(tools_.root, *tools_.swap, tools_.config).isActive(step.target);
            inverse["listed"] = FstabFile(tools_.root).read().find(step.target).has_value();
        }
        return inverse;
    }
    case StepKind::Fstab:
        inverse["existed"] = FstabFile(tools_.root).read().find(step.target).has_value();
        return inverse;
    case StepKind::Service:
        files = {"/etc/systemd/system/" + step.target, "/etc/logrotate.d/remedy-" + baseName(step.target)};
        units = {step.target};
        if (step.service.hasTimer()) {
            files.push_back("/etc/systemd/system/" + step.service.timerName());
            units = {step.service.timerName(), step.target};
        }
        break;
    case StepKind::Healthcheck: {
        auto name = healthcheckName(step.target);
        files = {"/etc/systemd/system/" + name + ".service", "/etc/systemd/system/" + name + ".timer"};
        units = {name + ".timer"};
        break;
    }
    case StepKind::MemoryLimits:
        files = {"/etc/systemd/system.control/" + step.target + ".d/50-MemoryMax.conf",
                 "/etc/systemd/system.control/" + step.target + ".d/50-MemoryHigh.conf"};
        break;
    case StepKind::Metrics:
        files = {"/etc/systemd/system/remedy-metrics.service", "/etc/systemd/system/remedy-metrics.timer"};
        units = {"remedy-metrics.timer"};
        break;
    }
    inverse.update(captureUnits(tools_.root, *tools_.systemd, files, units));
    return inverse;
}

void PlanRunner::reverse(const Json& inverse)
{
    auto kind = inverse["kind"].get<std::string>();
    auto target = inverse["target"].get<std::string>();
    auto unlist = [&] { editFstab(tools_.root, [&](const Fstab& fstab) { return fstab.withoutEntry(target); }, false); };
    if (kind == "swap") {
        Swapfiles swapfiles(tools_.root, *tools_.swap, tools_.config);
        if (!inverse.value("existed", false)) {
            swapfiles.remove(target, false);
            return;
        }
        if (!inverse.value("listed", true))
            unlist();
        if (!inverse.value("active", true))
            swapfiles.turnOff(target);
        return;
    }
    if (kind == "fstab") {
        if (!inverse.value("existed", false))  // the step found it in place: not the plan's to remove
            unlist();
        return;
    }
    restoreUnits(tools_.root, *tools_.systemd, inverse);
}

void PlanRunner::requireManaged(const std::string& unit, bool plannedHere) const
{
    // A service this plan installs is remedy's; anyone else's needs more
    // than the group's right (a memory limit that starves an admin's service).
    if (!tools_.anyUnit && !plannedHere && !managesUnit(tools_.root, unit))
        throw Error(ErrorKind::NotAuthorized, unit + " is not a service remedy manages; changing it needs " +
                                                  std::string(actions::kUnitAny) + ", which is worth root");
}

Outcome PlanRunner::runStep(const Plan& plan, const PlanStep& step, bool dryRun)
{
    Units units(tools_.root, *tools_.systemd, tools_.probePath, tools_.settle, *tools_.accounts, tools_.config);
    // A unit an earlier step installs is not loaded yet in a dry run.
    auto planned = [&](const std::string& unit) {
        return std::any_of(plan.steps.begin(), plan.steps.end(),
                           [&](const PlanStep& other) { return other.kind == StepKind::Service && other.target == unit; });
    };
    switch (step.kind) {
    case StepKind::Swap: {
        auto request = step.swap;
        if (step.swapAuto)
            request.size = recommendSwap(tools_.memoryTotal()).size;
        request.dryRun = dryRun;
        return Swapfiles(tools_.root, *tools_.swap, tools_.config).create(request, {});
    }
    case StepKind::Fstab:
        if (!editFstab(tools_.root, [&](const Fstab& fstab) { return fstab.withEntry(step.fstab); }, dryRun))
            return {false, {"/etc/fstab has " + describeEntry(step.fstab) + " already"}};
        return {true, {"add to /etc/fstab: " + describeEntry(step.fstab)}};
    case StepKind::Service: return units.installService(step.service, false, dryRun);
    case StepKind::Healthcheck:
        requireManaged(step.target, planned(step.target));
        if (dryRun && planned(step.target) && tools_.systemd->state(step.target).loadState != "loaded")
            return {true, {"install the health check of " + step.target + " (" + step.healthcheck.url + ")"}};
        return units.installHealthcheck(step.healthcheck, dryRun);
    case StepKind::MemoryLimits:
        requireManaged(step.target, planned(step.target));
        if (dryRun && planned(step.target) && tools_.systemd->state(step.target).loadState != "loaded")
            return {true, {"set the memory limits of " + step.target}};
        return setMemoryLimits(*tools_.systemd, step.target, step.memoryMax, step.memoryHigh, dryRun);
    case StepKind::Metrics: return units.installMetrics(step.textfileDirectory, tools_.remedyctlPath, dryRun);
    }
    throw Error(ErrorKind::Failed, "unknown step");
}

Outcome PlanRunner::apply(const Plan& plan, bool dryRun, uid_t caller, const Progress& progress)
{
    Json steps = Json::array();
    for (std::size_t i = 0; i < plan.steps.size(); ++i) {
        const auto& step = plan.steps[i];
        steps.push_back({{"step", i + 1}, {"kind", stepName(step.kind)}, {"target", step.target}, {"action", step.action},
                         {"status", "not_run"}, {"actions", Json::array()}, {"error", nullptr}});
    }
    Json report = {{"changed", false}, {"dry_run", dryRun}, {"history_id", nullptr}, {"steps", steps}, {"error", nullptr}};
    Outcome outcome;
    if (dryRun) {
        // Any refusal here is the caller's error: nothing has run.
        for (std::size_t i = 0; i < plan.steps.size(); ++i) {
            auto result = runStep(plan, plan.steps[i], true);
            report["steps"][i]["status"] = result.changed ? "would_change" : "unchanged";
            report["steps"][i]["actions"] = result.actions;
            outcome.changed = outcome.changed || result.changed;
        }
        report["changed"] = outcome.changed;
        outcome.report = report.dump();
        return outcome;
    }

    Json inverses = Json::array();
    // Write-ahead: the record is on disk, fsync'd, before each step changes
    // anything, with how to undo every step so far and the one about to
    // run. A remedyd killed at any moment leaves a record "applying", which
    // recover() rolls back when remedyd next starts. Records hold what the
    // plan changed, never a copy of a whole file it only added a line to:
    // history on disk grows with the plans, not with fstab.
    auto id = lastId(historyDirectory(tools_.root, false).get()) + 1;
    Json record = {{"id", id},          {"time", isoNow()},      {"uid", caller},          {"actions", planActions(plan)},
                   {"state", "applying"}, {"steps", report["steps"]}, {"undo", inverses}, {"undone", nullptr}};
    // Every step that changed something undone, in reverse, and the run on
    // record as failed. Should even that record not be written, the one
    // written ahead ("applying") stays, and the next start records the
    // rollback (recover).
    auto rollBack = [&](const std::string& why) {
        std::string undone;
        for (auto it = inverses.rbegin(); it != inverses.rend(); ++it) {
            auto index = (*it)["step"].get<std::size_t>() - 1;
            try {
                reverse(*it);
                report["steps"][index]["status"] = "undone";
            } catch (const std::exception& undoError) {
                report["steps"][index]["status"] = "undo_failed";
                report["steps"][index]["error"] = undoError.what();
            }
            undone += (undone.empty() ? "" : ", ") + std::to_string(index + 1);
        }
        outcome.changed = false;
        outcome.failure = why + (undone.empty() ? "" : "; undone: step " + undone);
        report["changed"] = false;
        report["error"] = outcome.failure;
        record["state"] = "failed";
        record["steps"] = report["steps"];
        record["undo"] = Json::array();
        record["undone"] = isoNow();
        record["error"] = outcome.failure;
        try {
            saveRecord(tools_.root, record);
        } catch (const std::exception& error) {
            outcome.failure += std::string("; the history record could not be written (") + error.what() + "), so remedyd writes it when it next starts";
            report["error"] = outcome.failure;
        }
    };
    for (std::size_t i = 0; i < plan.steps.size(); ++i) {
        const auto& step = plan.steps[i];
        auto inverse = inverseOf(step);
        inverse["step"] = i + 1;
        record["undo"] = inverses;
        record["undo"].push_back(inverse);
        record["undo"].back()["pending"] = true;
        bool began = false;  // whether this step ran at all (a cancel lands before it)
        try {
            // Inside the try: a record that cannot be written stops the run
            // before this step, and rolls back the steps before it.
            saveRecord(tools_.root, record);
            // Inside the try: a progress report that throws (the job was
            // cancelled) rolls back the steps before, like a failed step.
            if (progress && i > 0)
                progress(static_cast<double>(i) / static_cast<double>(plan.steps.size()));
            began = true;
            auto result = runStep(plan, step, false);
            report["steps"][i]["status"] = result.changed ? "changed" : "unchanged";
            report["steps"][i]["actions"] = result.actions;
            if (result.changed)
                inverses.push_back(inverse);
        } catch (const std::exception& error) {
            report["steps"][i]["status"] = "failed";
            report["steps"][i]["error"] = error.what();
            // What the failed step itself wrote before it failed goes too
            // (a swap or fstab step undoes its own half: it is one transaction).
            try {
                if (began && inverse.contains("files"))
                    reverse(inverse);
            } catch (const std::exception& undoError) {
                report["steps"][i]["error"] = std::string(error.what()) + "; putting its files back failed: " + undoError.what();
            }
            rollBack("step " + std::to_string(i + 1) + " (" + stepName(step.kind) + " " + step.target + ") failed: " + error.what());
            // A cancel is not the plan's failure: the caller learns it by name.
            if (auto* known = dynamic_cast<const Error*>(&error); known && known->kind() == ErrorKind::Cancelled)
                throw Error(ErrorKind::Cancelled, outcome.failure);
            outcome.report = report.dump();
            return outcome;
        }
    }
    if (progress)
        progress(1.0);
    outcome.changed = !inverses.empty();
    report["changed"] = outcome.changed;
    if (!outcome.changed) {
        removeRecord(tools_.root, id);  // nothing changed, nothing to undo: no history
        outcome.report = report.dump();
        return outcome;
    }
    // What undo will check is still as this run left it: the files the
    // steps wrote, the fstab lines they added, the swapfiles they made.
    Json after = Json::array();
    Json fstabLines = Json::array();
    Json swapfiles = Json::array();
    auto fstab = FstabFile(tools_.root).read();
    for (const auto& inverse : inverses) {
        for (const auto& file : inverse.value("files", Json::array()))
            after.push_back(fileState(tools_.root, file["path"]));
        const auto& step = plan.steps[inverse["step"].get<std::size_t>() - 1];
        if (editsFstab(step))
            if (auto entry = fstab.find(step.target))
                fstabLines.push_back(describeEntry(*entry));
        if (step.kind == StepKind::Swap)
            swapfiles.push_back(step.target);
    }
    record["state"] = "applied";
    record["steps"] = report["steps"];
    record["undo"] = inverses;
    record["after"] = after;
    record["fstab_lines"] = fstabLines;
    record["swapfiles"] = swapfiles;
    try {
        saveRecord(tools_.root, record);
    } catch (const std::exception& error) {
        // Not on record as applied, so not applied: undo would not know of it.
        rollBack(std::string("the plan's history record could not be written: ") + error.what());
        outcome.report = report.dump();
        return outcome;
    }
    report["history_id"] = id;
    outcome.report = report.dump();
    return outcome;
}

Outcome PlanRunner::undo(std::uint64_t id, bool dryRun, const Progress& progress)
{
    auto record = loadRecord(tools_.root, id);
    auto state = record.value("state", "applied");
    if (state != "applied" && !record["undone"].is_null())
        throw Error(ErrorKind::InvalidArgument, "plan " + std::to_string(id) + " " +  (state == "failed" ? "failed and was rolled back" : "was interrupted and recovered") +
                                                    " at " + record["undone"].get<std::string>() + "; there is nothing to undo");
    if (!record["undone"].is_null())
        throw Error(ErrorKind::InvalidArgument, "plan " + std::to_string(id) + " was undone already, at " + record["undone"].get<std::string>());
    // Only the records after this one are read: undoing the newest costs
    // the same at any length of history.
    auto dir = historyDirectory(tools_.root, false);
    for (auto later = id + 1; recordExists(dir.get(), later); ++later) {
        auto laterRecord = readRecord(dir.get(), later);
        if (laterRecord.value("state", "applied") == "applied" && laterRecord["undone"].is_null())
            throw Error(ErrorKind::InvalidArgument, "plan " + std::to_string(later) + " was applied after " + std::to_string(id) +
                                                        "; undo it first (remedyctl undo " + std::to_string(later) + ")");
    }
    // Exactly as the apply left it, or nothing is touched.
    auto refuse = [&](const std::string& what) {
        throw Error(ErrorKind::InvalidArgument, "refusing to undo plan " + std::to_string(id) + ": " + what);
    };
    for (const auto& file : record["after"]) {
        auto now = fileState(tools_.root, file["path"]);
        if (now["content"] != file["content"])
            refuse(file["path"].get<std::string>() + " changed since it was applied");
    }
    auto fstab = FstabFile(tools_.root).read();
    for (const auto& line : record.value("fstab_lines", Json::array())) {
        auto present = std::any_of(fstab.entries().begin(), fstab.entries().end(),
                                   [&](const FstabEntry& entry) { return describeEntry(entry) == line.get<std::string>(); });
        if (!present)
            refuse("its /etc/fstab line \"" + line.get<std::string>() + "\" changed or is gone since it was applied");
    }
    for (const auto& swapfile : record["swapfiles"]) {
        struct stat st {};
        auto relative = swapfile.get<std::string>().substr(1);
        if (fstatat(tools_.root, relative.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            refuse(swapfile.get<std::string>() + " is gone since it was applied");
    }
    Outcome outcome{true, {}};
    const auto& inverses = record["undo"];
    for (auto it = inverses.rbegin(); it != inverses.rend(); ++it)
        outcome.actions.push_back("undo step " + (*it)["step"].dump() + ": " + (*it)["kind"].get<std::string>() + " " +
                                  (*it)["target"].get<std::string>());
    if (dryRun)
        return outcome;
    // Once the first step is reversed, the way back to "applied" is gone
    // (the record holds how to undo, not how to redo): a remedyd killed
    // from here on finishes the undo when it next starts (finishUndo).
    PendingChange pending(tools_.root, {{"operation", "plan-undo"}, {"target", std::to_string(id)}, {"uid", record.value("uid", 0)}});
    std::size_t done = 0;
    try {
        for (auto it = inverses.rbegin(); it != inverses.rend(); ++it) {
            reverse(*it);
            if (progress)
                progress(static_cast<double>(++done) / static_cast<double>(inverses.size()));
        }
        record["undone"] = isoNow();
        saveRecord(tools_.root, record);
    } catch (const std::exception& error) {
        // Half undone, with no way back: the next remedyd finishes it.
        pending.keep();
        auto* known = dynamic_cast<const Error*>(&error);
        throw Error(known ? known->kind() : ErrorKind::Failed, "undo of plan " + std::to_string(id) + " stopped after " + std::to_string(done) +
                                                                 " of its steps: " + error.what() + "; remedyd finishes it when it next starts");
    }
    outcome.report = Json{{"undone", id}}.dump();
    return outcome;
}

std::string PlanRunner::finishUndo(std::uint64_t id)
{
    auto record = loadRecord(tools_.root, id);
    if (!record["undone"].is_null())
        return "finished: plan " + std::to_string(id) + " was undone already";
    // Each step's reversal leaves alone what is already as it was before.
    const auto& inverses = record["undo"];
    for (auto it = inverses.rbegin(); it != inverses.rend(); ++it)
        reverse(*it);
    FstabFile(tools_.root).removeLeftovers();
    record["undone"] = isoNow();
    saveRecord(tools_.root, record);
    return "finished: plan " + std::to_string(id) + " is undone";
}

std::vector<std::string> PlanRunner::recover()
{
    // Plans run one at a time and recover() runs before any other, so only
    // the newest record can have been cut short.
    auto dir = historyDirectory(tools_.root, false);
    auto newest = lastId(dir.get());
    if (newest == 0)
        return {};
    auto record = readRecord(dir.get(), newest);
    if (record.value("state", "") != "applying")
        return {};
    // Rolled back, not finished: the caller was never told it worked,
    // and the record holds how to undo each step, not how to finish it.
    std::string problems;
    const auto& inverses = record["undo"];
    for (auto it = inverses.rbegin(); it != inverses.rend(); ++it) {
        try {
            reverse(*it);  // a step that found its file or line in place undoes only what it added
        } catch (const std::exception& error) {
            problems += std::string(problems.empty() ? "" : "; ") + "step " + (*it)["step"].dump() + ": " + error.what();
        }
    }
    FstabFile(tools_.root).removeLeftovers();
    record["state"] = "interrupted";
    record["undone"] = isoNow();
    record["undo"] = Json::array();
    record["error"] = "remedyd stopped while applying this plan; it was rolled back when remedyd started again" +
                      (problems.empty() ? std::string() : " (not all of it: " + problems + ")");
    saveRecord(tools_.root, record);
    return {"plan " + std::to_string(newest) + ": " + record["error"].get<std::string>()};
}

void PlanRunner::removeLeftovers() const
{
    if (auto dir = historyDirectory(tools_.root, false))
        removeStaleTemporaries(dir.get());
}

void PlanRunner::recordRecovered(const nlohmann::json& pending, const std::string& outcome)
{
    auto operation = pending.at("operation").get<std::string>();
    auto target = pending.at("target").get<std::string>();
    bool finished = outcome.rfind("finished", 0) == 0;
    auto id = lastId(historyDirectory(tools_.root, false).get()) + 1;
    Json step = {{"step", 1},   {"kind", operation},       {"target", target},  {"action", ""},
                 {"status", finished ? "finished" : "undone"}, {"actions", {outcome}}, {"error", nullptr}};
    saveRecord(tools_.root, {{"id", id},
                             {"time", isoNow()},
                             {"uid", pending.value("uid", 0)},
                             {"actions", Json::array()},
                             {"state", "interrupted"},
                             {"steps", {step}},
                             {"undo", Json::array()},
                             {"undone", isoNow()},
                             {"error", "remedyd stopped during " + operation + " " + target + "; when it started again this was " + outcome},
                             {"after", Json::array()},
                             {"fstab_lines", Json::array()},
                             {"swapfiles", Json::array()}});
}

nlohmann::json PlanRunner::history(const HistoryQuery& query) const
{
    // Newest first from `before`, reading only as many records as the page
    // needs, and never more than kMaxHistoryScan: a caller with few records
    // of their own among many of others' pages on with `before`, rather
    // than making remedyd read the whole history for them.
    Json page = Json::array();
    auto dir = historyDirectory(tools_.root, false);
    auto newest = lastId(dir.get());
    auto from = query.before == 0 ? newest : std::min(newest, query.before - 1);
    std::size_t scanned = 0;
    for (auto id = from; id >= 1 && page.size() < query.limit && scanned < kMaxHistoryScan; --id, ++scanned) {
        Json record;
        try {
            record = readRecord(dir.get(), id);
        } catch (const Error&) {
            continue;  // removed meanwhile: a run that changed nothing leaves no record
        }
        if (query.uid && record.value("uid", static_cast<uid_t>(-1)) != *query.uid)
            continue;
        Json steps = Json::array();
        for (const auto& step : record["steps"])
            steps.push_back({{"kind", step["kind"]}, {"target", step["target"]}, {"status", step["status"]}});
        page.push_back({{"id", record["id"]},
                        {"time", record["time"]},
                        {"uid", record["uid"]},
                        {"state", record.value("state", "applied")},
                        {"steps", steps},
                        {"undone", record["undone"]},
                        {"error", record.value("error", Json(nullptr))}});
    }
    std::reverse(page.begin(), page.end());  // oldest first, as a log reads
    return page;
}

std::vector<std::string> PlanRunner::undoActions(std::uint64_t id) const
{
    return loadRecord(tools_.root, id)["actions"].get<std::vector<std::string>>();
}

} // namespace remedy
