#pragma once
// /org/remedy/Remedy1: Manager and LogControl1. A thin adaptor: it reads the
// arguments, authorizes, calls the core, maps errors, replies.

#include "authority.h"
#include "bus_util.h"
#include "event_loop.h"
#include "remedy-adaptor.h"

#include <sdbus-c++/sdbus-c++.h>

#include <map>
#include <string>

namespace remedy {

class Manager final
    : public sdbus::AdaptorInterfaces<org::remedy::Remedy1::Manager_adaptor, org::freedesktop::LogControl1_adaptor> {
public:
    static constexpr const char* kObjectPath = "/org/remedy/Remedy1";

    Manager(sdbus::IConnection& bus, EventLoop& loop, Authority& authority);
    ~Manager();

private:
    // org.remedy.Remedy1.Manager
    std::string Version() override;
    std::string Describe() override;
    void SetLogLevel(sdbus::Result<>&& result, std::string level, Options options) override;

    // org.freedesktop.LogControl1
    std::string LogLevel() override;
    void LogLevel(const std::string& value) override;
    std::string LogTarget() override;
    void LogTarget(const std::string& value) override;
    std::string SyslogIdentifier() override;

    // Property writes cannot carry options, so they are never interactive
    // and are decided on the loop (a non-interactive check takes milliseconds).
    void authorizeNow(const std::string& action, const std::string& what);

    EventLoop& loop_;
    Authority& authority_;
};

} // namespace remedy
