#include "helper_client.h"

#include "core/error.h"

#include <array>
#include <chrono>
#include <string_view>

namespace remedy::client {
namespace {

constexpr const char* kBusName = "org.remedy.Remedy1";


bool startsWith(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

} // namespace

ManagerProxy::ManagerProxy(sdbus::IConnection& bus) : ProxyInterfaces(bus, kBusName, "/org/remedy/Remedy1") { registerProxy(); }
ManagerProxy::~ManagerProxy() { unregisterProxy(); }

LogControlProxy::LogControlProxy(sdbus::IConnection& bus) : ProxyInterfaces(bus, kBusName, "/org/freedesktop/LogControl1")
{
    registerProxy();
}
LogControlProxy::~LogControlProxy() { unregisterProxy(); }

HelperClient::HelperClient(const std::string& host)
    : bus_(host.empty() ? sdbus::createSystemBusConnection() : sdbus::createRemoteSystemBusConnection(host)),
      manager_(*bus_),
      logControl_(*bus_)
{
}

void HelperClient::allowInteractiveAuth()
{
    // A person typing a password needs longer than sd-bus' 25 s default.
    bus_->setMethodCallTimeout(std::chrono::minutes(5));
}

Failure explain(const sdbus::Error& error)
{
    const auto& name = error.getName();
    const auto& message = error.getMessage();
    if (name == errorName(ErrorKind::NotAuthorized))
        return {kNotAuthorized, name, message};
    if (name == errorName(ErrorKind::InvalidArgument))
        return {kUsage, name, message};
    if (startsWith(name, kErrorPrefix))
        return {kFailure, name, message};
    if (name == "org.freedesktop.DBus.Error.AccessDenied")
        return {kNotAuthorized, name, "the bus refused the call: " + message};

    static constexpr std::array kUnreachableErrors = {
        "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner",
        "org.freedesktop.DBus.Error.NoReply",        "org.freedesktop.DBus.Error.Timeout",
        "org.freedesktop.DBus.Error.TimedOut",       "org.freedesktop.DBus.Error.NoServer",
        "org.freedesktop.DBus.Error.Disconnected",   "org.freedesktop.DBus.Error.FileNotFound",
        "org.freedesktop.DBus.Error.UnknownObject",  "org.freedesktop.DBus.Error.UnknownInterface",
        "org.freedesktop.DBus.Error.UnknownMethod",
    };
    bool unreachable = startsWith(name, "org.freedesktop.DBus.Error.Spawn.") || startsWith(name, "org.freedesktop.systemd1.") ||
                       name == "org.sdbuscpp.Error";
    for (const auto* candidate : kUnreachableErrors)
        unreachable = unreachable || name == candidate;
    if (unreachable)
        return {kUnreachable, name,
                "cannot reach remedyd (" + message +
                    "); is remedy installed, and is the system bus running? See 'systemctl status remedyd'"};
    return {kFailure, name, message};
}

} // namespace remedy::client
