#pragma once
// /org/remedy/Remedy1, interface Plan: decodes, hands to the request
// pipeline, encodes; core/plan.h and core/plan_runner.h do the work.

#include "bus/options.h"
#include "remedy-adaptor.h"
#include "requests.h"
#include "root.h"

#include <sdbus-c++/sdbus-c++.h>

namespace remedy {

class PlanAdaptor final : public sdbus::AdaptorInterfaces<org::remedy::Remedy1::Plan_adaptor> {
public:
    PlanAdaptor(sdbus::IConnection& bus, Requests& requests, const Root& root);
    ~PlanAdaptor();

private:
    void Preview(sdbus::Result<std::string>&& result, std::string plan, Options options) override;
    void Apply(sdbus::Result<sdbus::ObjectPath>&& result, std::string plan, Options options) override;
    void Undo(sdbus::Result<sdbus::ObjectPath>&& result, uint64_t id, Options options) override;
    void History(sdbus::Result<std::string>&& result, Options options) override;

    Requests& requests_;
    const Root& root_;
    std::uint64_t runs_ = 0;  // each run a job target of its own: plans queue, never Busy
};

} // namespace remedy
