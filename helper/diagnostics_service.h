#pragma once
// /org/remedy/Remedy1, interface Diagnostics: gathers the facts (off the
// loop: a scan of every process and the kernel log), the core words them.

#include "authorizer.h"
#include "bus_util.h"
#include "event_loop.h"
#include "remedy-adaptor.h"

#include <sdbus-c++/sdbus-c++.h>

#include <string>

namespace remedy {

class DiagnosticsService final : public sdbus::AdaptorInterfaces<org::remedy::Remedy1::Diagnostics_adaptor> {
public:
    DiagnosticsService(sdbus::IConnection& bus, Authorizer& authorizer, EventLoop& loop);
    ~DiagnosticsService();

private:
    void Diagnose(sdbus::Result<std::string>&& result, Options options) override;

    // withheld: why the kernel log is not part of this report, or "".
    void report(std::shared_ptr<sdbus::Result<std::string>> reply, std::string withheld);

    Authorizer& authorizer_;
    EventLoop& loop_;
};

} // namespace remedy
