#pragma once
// /org/freedesktop/LogControl1: systemd's convention for a service's log
// settings, where "systemctl service-log-level" looks for them.

#include "authorizer.h"
#include "core/log_level.h"
#include "remedy-adaptor.h"

#include <sdbus-c++/sdbus-c++.h>

#include <string>

namespace remedy {

class LogControl final : public sdbus::AdaptorInterfaces<org::freedesktop::LogControl1_adaptor> {
public:
    static constexpr const char* kObjectPath = "/org/freedesktop/LogControl1";

    LogControl(sdbus::IConnection& bus, Authorizer& authorizer);
    ~LogControl();

    // Sets the level (already authorized) and tells listeners.
    void applyLevel(remedy::LogLevel level);

private:
    std::string LogLevel() override;
    void LogLevel(const std::string& value) override;
    std::string LogTarget() override;
    void LogTarget(const std::string& value) override;
    std::string SyslogIdentifier() override;

    // Property writes cannot carry options, so they are never interactive
    // and are decided on the loop (a non-interactive check takes milliseconds).
    void authorizeNow(const std::string& what);

    Authorizer& authorizer_;
};

// The level named, or InvalidArgument listing the valid names.
remedy::LogLevel logLevelArgument(const std::string& name);

} // namespace remedy
