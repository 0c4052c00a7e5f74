#pragma once
// /org/remedy/Remedy1, interface Manager: the version, a description of the
// machine's memory, and remedyd's own log level.

#include "bus/log_control_adaptor.h"
#include "bus/options.h"
#include "remedy-adaptor.h"
#include "requests.h"

#include <sdbus-c++/sdbus-c++.h>

#include <string>

namespace remedy {

class ManagerAdaptor final : public sdbus::AdaptorInterfaces<org::remedy::Remedy1::Manager_adaptor> {
public:
    static constexpr const char* kObjectPath = "/org/remedy/Remedy1";

    ManagerAdaptor(sdbus::IConnection& bus, Requests& requests, LogControlAdaptor& logControl);
    ~ManagerAdaptor();

private:
    std::string Version() override;
    std::string Describe() override;
    void SetLogLevel(sdbus::Result<>&& result, std::string level, Options options) override;

    Requests& requests_;
    LogControlAdaptor& logControl_;
};

} // namespace remedy
