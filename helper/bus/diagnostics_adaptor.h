#pragma once
// /org/remedy/Remedy1, interface Diagnostics: gathers the facts (off the
// loop: a scan of every process and the kernel log), the core words them.

#include "authorizer.h"
#include "bus/options.h"
#include "event_loop.h"
#include "remedy-adaptor.h"
#include "root.h"

#include <sdbus-c++/sdbus-c++.h>

#include <functional>
#include <memory>
#include <string>

namespace remedy {

class DiagnosticsService final : public sdbus::AdaptorInterfaces<org::remedy::Remedy1::Diagnostics_adaptor> {
public:
    DiagnosticsService(sdbus::IConnection& bus, Authorizer& authorizer, EventLoop& loop, const Root& root);
    ~DiagnosticsService();

private:
    void Diagnose(sdbus::Result<std::string>&& result, Options options) override;
    void Check(sdbus::Result<std::string>&& result, std::string unit, Options options) override;

    // gather(withheld) writes the report; withheld: why the kernel log is
    // not part of it, or "".
    void report(std::shared_ptr<sdbus::Result<std::string>> reply, std::string withheld,
                std::function<std::string(const std::string&)> gather);

    Authorizer& authorizer_;
    EventLoop& loop_;
    const Root& root_;
};

} // namespace remedy
