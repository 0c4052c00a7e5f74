#pragma once
// /org/remedy/Remedy1, interface Manager. A thin adaptor: it reads the
// arguments, authorizes, calls the core, maps errors, replies.

#include "authorizer.h"
#include "bus/options.h"
#include "bus/log_control_adaptor.h"
#include "remedy-adaptor.h"

#include <sdbus-c++/sdbus-c++.h>

#include <string>

namespace remedy {

class Manager final : public sdbus::AdaptorInterfaces<org::remedy::Remedy1::Manager_adaptor> {
public:
    static constexpr const char* kObjectPath = "/org/remedy/Remedy1";

    Manager(sdbus::IConnection& bus, Authorizer& authorizer, LogControl& logControl);
    ~Manager();

private:
    std::string Version() override;
    std::string Describe() override;
    void SetLogLevel(sdbus::Result<>&& result, std::string level, Options options) override;

    Authorizer& authorizer_;
    LogControl& logControl_;
};

} // namespace remedy
