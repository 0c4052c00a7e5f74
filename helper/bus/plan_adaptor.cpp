#include "bus/plan_adaptor.h"

#include "core/plan.h"
#include "core/plan_runner.h"
#include "core/swap_system.h"
#include "core/trusted_path.h"
#include "systemd.h"
#include "version.h"

namespace remedy {
namespace {

// The runner with the real kernel and systemd, for one call on the mutation thread.
template <typename Fn>
auto withRunner(const Root& root, Fn&& fn)
{
    auto rootFd = openRoot(root.path);
    KernelSwapSystem kernel;
    Systemd systemd;
    PlanRunner runner({rootFd.get(), &kernel, &systemd, kHealthProbePath, kRemedyctlPath});
    return fn(runner);
}

// The caller's uid, for the history; the bus daemon knows it.
uid_t callerUid(const std::string& sender)
{
    try {
        auto bus = sdbus::createSystemBusConnection();
        auto daemon = sdbus::createProxy(*bus, "org.freedesktop.DBus", "/org/freedesktop/DBus");
        std::uint32_t uid = 0;
        daemon->callMethod("GetConnectionUnixUser").onInterface("org.freedesktop.DBus").withArguments(sender).storeResultsTo(uid);
        return uid;
    } catch (const sdbus::Error&) {
        return static_cast<uid_t>(-1);  // gone already
    }
}

} // namespace

PlanService::PlanService(sdbus::IConnection& bus, Authorizer& authorizer, EventLoop& loop, Jobs& jobs, const Root& root)
    : AdaptorInterfaces(bus, "/org/remedy/Remedy1"), authorizer_(authorizer), loop_(loop), jobs_(jobs), root_(root)
{
    registerAdaptor();
}

PlanService::~PlanService() { unregisterAdaptor(); }

void PlanService::Preview(sdbus::Result<std::string>&& result, std::string text, Options options)
{
    Plan plan;
    if (!checkRequest(result, [&] {
            OptionReader(options, {});
            plan = parsePlan(text);
        }))
        return;
    auto reply = std::make_shared<sdbus::Result<std::string>>(std::move(result));
    loop_.runExclusive<Attempt<Outcome>>(
        [this, plan] { return attempt<Outcome>([&] { return withRunner(root_, [&](PlanRunner& runner) { return runner.apply(plan, true, 0, {}); }); }); },
        [reply](Attempt<Outcome> outcome) {
            if (outcome.value)
                reply->returnResults(outcome.value->report);
            else
                reply->returnError(sdbus::Error(outcome.errorName, outcome.message));
        });
}

void PlanService::Apply(sdbus::Result<sdbus::ObjectPath>&& result, std::string text, Options options)
{
    Plan plan;
    ChangeOptions change;
    if (!checkRequest(result, [&] {
            change = readChangeOptions(options);
            plan = parsePlan(text);
        }))
        return;
    auto sender = currentSender(getObject());
    auto target = "plan run " + std::to_string(++runs_);
    jobs_.startAuthorized(authorizer_, sender, planActions(plan), change.interactive,
                          "apply a plan of " + std::to_string(plan.steps.size()) + " steps", "plan-apply", target, change.dryRun,
                          std::make_shared<sdbus::Result<sdbus::ObjectPath>>(std::move(result)),
                          [this, plan, sender](bool dryRun, const Progress& progress) {
                              auto uid = dryRun ? 0 : callerUid(sender);
                              return withRunner(root_, [&](PlanRunner& runner) { return runner.apply(plan, dryRun, uid, progress); });
                          });
}

void PlanService::Undo(sdbus::Result<sdbus::ObjectPath>&& result, uint64_t id, Options options)
{
    ChangeOptions change;
    std::vector<std::string> actions;
    if (!checkRequest(result, [&] {
            change = readChangeOptions(options);
            auto rootFd = openRoot(root_.path);
            actions = PlanRunner({rootFd.get()}).undoActions(id);
        }))
        return;
    jobs_.startAuthorized(authorizer_, currentSender(getObject()), actions, change.interactive, "undo plan " + std::to_string(id),
                          "plan-undo", "plan run " + std::to_string(++runs_), change.dryRun,
                          std::make_shared<sdbus::Result<sdbus::ObjectPath>>(std::move(result)),
                          [this, id](bool dryRun, const Progress& progress) {
                              return withRunner(root_, [&](PlanRunner& runner) { return runner.undo(id, dryRun, progress); });
                          });
}

std::string PlanService::History()
{
    // Reading the history needs neither the kernel nor systemd.
    return guarded([&] {
        auto rootFd = openRoot(root_.path);
        return PlanRunner({rootFd.get()}).history().dump();
    });
}

} // namespace remedy
