#include "units_service.h"

#include "core/unit_name.h"
#include "jobs.h"
#include "systemd.h"

#include <spdlog/spdlog.h>

namespace remedy {
namespace {

const std::string kUnitAction = "org.remedy.unit.manage";

} // namespace

UnitsService::UnitsService(sdbus::IConnection& bus, Authorizer& authorizer, EventLoop& loop)
    : AdaptorInterfaces(bus, "/org/remedy/Remedy1"), authorizer_(authorizer), loop_(loop)
{
    registerAdaptor();
}

UnitsService::~UnitsService() { unregisterAdaptor(); }

void UnitsService::SetMemoryLimits(sdbus::Result<bool>&& result, std::string unit, uint64_t max, uint64_t high, Options options)
{
    ChangeOptions change;
    try {
        change = readChangeOptions(options);
        guarded([&] { validateServiceName(unit); });
        if (max == 0 && high == 0)
            throw toBusError(ErrorKind::InvalidArgument, "give a memory limit to set: max, high or both");
    } catch (const sdbus::Error& error) {
        result.returnError(error);
        return;
    }
    bool dryRun = change.dryRun;
    bool interactive = change.interactive;
    auto reply = std::make_shared<sdbus::Result<bool>>(std::move(result));
    auto what = "set memory limits of " + unit;
    authorizer_.check(
        currentSender(getObject()), {kUnitAction}, interactive, what,
        [this, reply, unit, max, high, dryRun, what] {
            loop_.runExclusive<Attempt<bool>>(
                [unit, max, high, dryRun] {
                    return attempt<bool>([&] {
                        Systemd systemd;
                        auto current = systemd.memoryLimits(unit);
                        auto wanted = current;
                        if (max != 0)
                            wanted.max = max;
                        if (high != 0)
                            wanted.high = high;
                        bool changed = wanted.max != current.max || wanted.high != current.high;
                        if (changed && !dryRun)
                            systemd.setMemoryLimits(unit, wanted);
                        return changed;
                    });
                },
                [reply, what, dryRun](Attempt<bool> outcome) {
                    if (!outcome.value) {
                        reply->returnError(sdbus::Error(outcome.errorName, outcome.message));
                        return;
                    }
                    spdlog::info("{}: {}", what, dryRun ? "dry run, nothing changed" : *outcome.value ? "changed" : "unchanged");
                    reply->returnResults(*outcome.value);
                });
        },
        [reply](const sdbus::Error& error) { reply->returnError(error); });
}

} // namespace remedy
