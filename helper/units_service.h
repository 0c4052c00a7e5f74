#pragma once
// /org/remedy/Remedy1, interface Units: a thin adaptor; systemd does the work.

#include "authorizer.h"
#include "bus_util.h"
#include "event_loop.h"
#include "remedy-adaptor.h"

#include <sdbus-c++/sdbus-c++.h>

namespace remedy {

class UnitsService final : public sdbus::AdaptorInterfaces<org::remedy::Remedy1::Units_adaptor> {
public:
    UnitsService(sdbus::IConnection& bus, Authorizer& authorizer, EventLoop& loop);
    ~UnitsService();

private:
    void SetMemoryLimits(sdbus::Result<bool>&& result, std::string unit, uint64_t max, uint64_t high, Options options) override;

    Authorizer& authorizer_;
    EventLoop& loop_;
};

} // namespace remedy
