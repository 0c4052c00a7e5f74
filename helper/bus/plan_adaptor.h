#pragma once
// /org/remedy/Remedy1, interface Plan: a thin adaptor over core/plan.h and
// core/plan_runner.h.

#include "authorizer.h"
#include "bus/options.h"
#include "event_loop.h"
#include "jobs.h"
#include "remedy-adaptor.h"
#include "root.h"

#include <sdbus-c++/sdbus-c++.h>

namespace remedy {

class PlanService final : public sdbus::AdaptorInterfaces<org::remedy::Remedy1::Plan_adaptor> {
public:
    PlanService(sdbus::IConnection& bus, Authorizer& authorizer, EventLoop& loop, Jobs& jobs, const Root& root);
    ~PlanService();

private:
    void Preview(sdbus::Result<std::string>&& result, std::string plan, Options options) override;
    void Apply(sdbus::Result<sdbus::ObjectPath>&& result, std::string plan, Options options) override;
    void Undo(sdbus::Result<sdbus::ObjectPath>&& result, uint64_t id, Options options) override;
    std::string History() override;

    Authorizer& authorizer_;
    EventLoop& loop_;
    Jobs& jobs_;
    const Root& root_;
    std::uint64_t runs_ = 0;  // each run a job target of its own: plans queue, never Busy
};

} // namespace remedy
