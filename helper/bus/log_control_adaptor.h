#pragma once
// /org/freedesktop/LogControl1: systemd's convention for a service's log
// settings, where "systemctl service-log-level" looks for them.

#include "core/log_level.h"
#include "polkit.h"
#include "remedy-adaptor.h"

#include <sdbus-c++/sdbus-c++.h>

#include <string>

namespace remedy {

class LogControlAdaptor final : public sdbus::AdaptorInterfaces<org::freedesktop::LogControl1_adaptor> {
public:
    static constexpr const char* kObjectPath = "/org/freedesktop/LogControl1";

    LogControlAdaptor(sdbus::IConnection& bus, Polkit& polkit);
    ~LogControlAdaptor();

    // Sets the level (already authorized) and tells listeners.
    void applyLevel(remedy::LogLevel level);

private:
    std::string LogLevel() override;
    void LogLevel(const std::string& value) override;
    std::string LogTarget() override;
    void LogTarget(const std::string& value) override;
    std::string SyslogIdentifier() override;

    // A property write cannot wait for polkit (the getter and setter answer
    // at once) nor carry options, so it is root's, as systemd's own
    // LogControl1 is; everyone else has Manager.SetLogLevel.
    void requireRoot();

    Polkit& polkit_;
};

// The level named, or InvalidArgument listing the valid names.
remedy::LogLevel logLevelArgument(const std::string& name);

} // namespace remedy
