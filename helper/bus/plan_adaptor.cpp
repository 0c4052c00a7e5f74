#include "bus/plan_adaptor.h"

#include "context.h"
#include "core/plan.h"
#include "core/plan_runner.h"
#include "core/trusted_path.h"
#include "polkit/actions.h"
#include "version.h"

namespace remedy {
namespace {

template <typename Fn>
auto withRunner(const Root& root, const Caller& caller, Fn&& fn)
{
    auto context = openContext(root);
    PlanTools tools{context.root.get(), &context.kernel, &context.systemd, kHealthProbePath, kRemedyctlPath};
    tools.config = context.config;
    tools.anyUnit = caller.has(actions::kUnitAny);
    PlanRunner runner(std::move(tools));
    return fn(runner);
}

} // namespace

PlanAdaptor::PlanAdaptor(sdbus::IConnection& bus, Requests& requests, const Root& root)
    : AdaptorInterfaces(bus, "/org/remedy/Remedy1"), requests_(requests), root_(root)
{
    registerAdaptor();
}

PlanAdaptor::~PlanAdaptor() { unregisterAdaptor(); }

void PlanAdaptor::Preview(sdbus::Result<std::string>&& result, std::string text, Options options)
{
    requests_.call(std::move(result), currentSender(getObject()), [&] {
        auto interactive = OptionReader(options, {"auth.interactive"}).flag("auth.interactive");
        auto plan = parsePlan(text);
        // A preview looks at the system as root, step by step: it needs
        // what applying would.
        return Call<std::string>{{planActions(plan), {actions::kUnitAny}, interactive, "preview a plan of " + std::to_string(plan.steps.size()) + " steps"},
                                 Lane::Read, [this, plan](const Caller& caller) {
                                     return withRunner(root_, caller, [&](PlanRunner& runner) { return runner.apply(plan, true, caller.uid, {}).report; });
                                 }};
    });
}

void PlanAdaptor::Apply(sdbus::Result<sdbus::ObjectPath>&& result, std::string text, Options options)
{
    requests_.job(std::move(result), currentSender(getObject()), [&] {
        auto change = readChangeOptions(options);
        auto plan = parsePlan(text);
        return JobCall{{planActions(plan), {actions::kUnitAny}, change.interactive, "apply a plan of " + std::to_string(plan.steps.size()) + " steps"},
                       "plan-apply", "plan run " + std::to_string(++runs_), change.dryRun,
                       [this, plan](const Caller& caller, bool dryRun, const Progress& progress) {
                           return withRunner(root_, caller, [&](PlanRunner& runner) { return runner.apply(plan, dryRun, caller.uid, progress); });
                       },
                       true};
    });
}

void PlanAdaptor::Undo(sdbus::Result<sdbus::ObjectPath>&& result, uint64_t id, Options options)
{
    requests_.job(std::move(result), currentSender(getObject()), [&] {
        auto change = readChangeOptions(options);
        // Which step actions undoing needs is in the record, which only an
        // authorized caller may have read: they are asked for along the way
        // (without a password) and checked once the record is read.
        Ask ask{{actions::kPlan}, {actions::kSwap, actions::kUnit, actions::kFstab}, change.interactive, "undo plan " + std::to_string(id)};
        return JobCall{std::move(ask), "plan-undo", "plan run " + std::to_string(++runs_), change.dryRun,
                       [this, id](const Caller& caller, bool dryRun, const Progress& progress) {
                           return withRunner(root_, caller, [&](PlanRunner& runner) {
                               for (const auto& action : runner.undoActions(id))
                                   if (!caller.has(action))
                                       throw Error(ErrorKind::NotAuthorized, "undoing plan " + std::to_string(id) + " needs " + action);
                               return runner.undo(id, dryRun, progress);
                           });
                       }};
    });
}

void PlanAdaptor::History(sdbus::Result<std::string>&& result, Options options)
{
    // What others changed is theirs to see: a caller sees its own plans,
    // root every plan. Read on the read pool, never behind a change.
    requests_.call(std::move(result), currentSender(getObject()), [&] {
        OptionReader reader(options, {"limit", "before"});
        HistoryQuery query;
        query.limit = reader.uint32("limit").value_or(kDefaultHistoryPage);
        query.before = reader.uint64("before").value_or(0);
        if (query.limit == 0 || query.limit > kMaxHistoryPage)
            throw Error(ErrorKind::InvalidArgument, "limit must be 1 to " + std::to_string(kMaxHistoryPage));
        return Call<std::string>{{{}, {}, false, "read the plan history"}, Lane::Read, [this, query](const Caller& caller) mutable {
                                     if (caller.uid != 0)
                                         query.uid = caller.uid;
                                     auto rootFd = openRoot(root_.path);
                                     return PlanRunner({rootFd.get()}).history(query).dump();
                                 }};
    });
}

} // namespace remedy
