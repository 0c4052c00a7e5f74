#include "bus/diagnostics_adaptor.h"

#include "context.h"
#include "core/gather.h"
#include "core/unit_name.h"
#include "polkit/actions.h"

namespace remedy {
namespace {

// A caller without the right gets the report without the kernel log, and is told so.
std::string withheld(const Caller& caller)
{
    if (caller.has(actions::kDiagnose))
        return "";
    return "OOM kills: reading the kernel log needs polkit action " + std::string(actions::kDiagnose) +
           "; an administrator can grant it by adding you to group 'remedy'";
}

} // namespace

DiagnosticsAdaptor::DiagnosticsAdaptor(sdbus::IConnection& bus, Requests& requests, const Root& root)
    : AdaptorInterfaces(bus, "/org/remedy/Remedy1"), requests_(requests), root_(root)
{
    registerAdaptor();
}

DiagnosticsAdaptor::~DiagnosticsAdaptor() { unregisterAdaptor(); }

void DiagnosticsAdaptor::Diagnose(sdbus::Result<std::string>&& result, Options options)
{
    requests_.call(std::move(result), currentSender(getObject()), [&] {
        auto interactive = OptionReader(options, {"auth.interactive"}).flag("auth.interactive");
        return Call<std::string>{{{}, {actions::kDiagnose}, interactive, "diagnose"}, Lane::Read, [this](const Caller& caller) {
                                     auto context = openContext(root_);
                                     return diagnosisReport(liveHost(), context.systemd, withheld(caller));
                                 }};
    });
}

void DiagnosticsAdaptor::Check(sdbus::Result<std::string>&& result, std::string unit, Options options)
{
    requests_.call(std::move(result), currentSender(getObject()), [&] {
        auto interactive = OptionReader(options, {"auth.interactive"}).flag("auth.interactive");
        if (!unit.empty())
            validateServiceName(unit);
        return Call<std::string>{{{}, {actions::kDiagnose}, interactive, "check"}, Lane::Read, [this, unit](const Caller& caller) {
                                     auto context = openContext(root_);
                                     return checklistReport(context.root.get(), liveHost(), context.systemd, unit, withheld(caller));
                                 }};
    });
}

} // namespace remedy
