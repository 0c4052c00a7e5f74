#pragma once
// /org/remedy/Remedy1, interface Diagnostics: decodes, hands to the request
// pipeline, encodes; the core gathers the facts and words them.

#include "bus/options.h"
#include "remedy-adaptor.h"
#include "requests.h"
#include "root.h"

#include <sdbus-c++/sdbus-c++.h>

#include <string>

namespace remedy {

class DiagnosticsAdaptor final : public sdbus::AdaptorInterfaces<org::remedy::Remedy1::Diagnostics_adaptor> {
public:
    DiagnosticsAdaptor(sdbus::IConnection& bus, Requests& requests, const Root& root);
    ~DiagnosticsAdaptor();

private:
    void Diagnose(sdbus::Result<std::string>&& result, Options options) override;
    void Check(sdbus::Result<std::string>&& result, std::string unit, Options options) override;

    Requests& requests_;
    const Root& root_;
};

} // namespace remedy
