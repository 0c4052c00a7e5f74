#include "helper_client.h"

#include "dbus/errors.h"

#include <array>
#include <poll.h>
#include <chrono>
#include <string_view>

namespace remedy::client {
namespace {

constexpr const char* kBusName = "org.remedy.Remedy1";


bool startsWith(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

} // namespace

ManagerProxy::ManagerProxy(sdbus::IConnection& bus) : ProxyInterfaces(bus, kBusName, "/org/remedy/Remedy1") { registerProxy(); }
ManagerProxy::~ManagerProxy() { unregisterProxy(); }

RemedyProxy::RemedyProxy(sdbus::IConnection& bus) : ProxyInterfaces(bus, kBusName, "/org/remedy/Remedy1") { registerProxy(); }
RemedyProxy::~RemedyProxy() { unregisterProxy(); }

namespace {

class JobProxy final : public sdbus::ProxyInterfaces<org::remedy::Remedy1::Job_proxy, sdbus::Properties_proxy> {
public:
    JobProxy(sdbus::IConnection& bus, const std::string& path, const std::function<void(double)>& progress)
        : ProxyInterfaces(bus, kBusName, path), progress_(progress)
    {
        registerProxy();
    }
    ~JobProxy() { unregisterProxy(); }

    bool completed = false;

private:
    void onCompleted(const bool&, const std::string&) override { completed = true; }
    void onPropertiesChanged(const std::string&, const std::map<std::string, sdbus::Variant>& changed,
                             const std::vector<std::string>&) override
    {
        auto it = changed.find("Progress");
        if (it != changed.end() && progress_)
            progress_(it->second.get<double>());
    }

    const std::function<void(double)>& progress_;
};

} // namespace

LogControlProxy::LogControlProxy(sdbus::IConnection& bus) : ProxyInterfaces(bus, kBusName, "/org/freedesktop/LogControl1")
{
    registerProxy();
}
LogControlProxy::~LogControlProxy() { unregisterProxy(); }

HelperClient::HelperClient(const std::string& host)
    : bus_(host.empty() ? sdbus::createSystemBusConnection() : sdbus::createRemoteSystemBusConnection(host)),
      manager_(*bus_),
      logControl_(*bus_),
      remedy_(*bus_)
{
}

JobResult HelperClient::waitForJob(const sdbus::ObjectPath& path, const std::function<void(double)>& progress)
{
    // Subscribed before the first look: a job that ends in between is seen
    // either by the signal or by the Finished property.
    JobProxy job(*bus_, path, progress);
    bool finished = job.Finished();
    while (!finished && !job.completed) {
        while (bus_->processPendingRequest()) {
        }
        if (job.completed)
            break;
        auto poll = bus_->getEventLoopPollData();
        pollfd fd{poll.fd, poll.events, 0};
        int timeout = poll.getPollTimeout();
        ::poll(&fd, 1, timeout < 0 || timeout > 1000 ? 1000 : timeout);
        finished = job.Finished();  // after every wake-up, at least once a second: a lost signal never hangs us
    }
    auto state = job.GetAll(org::remedy::Remedy1::Job_proxy::INTERFACE_NAME);  // one round trip, not five
    JobResult result;
    result.success = state.at("Success").get<bool>();
    result.changed = state.at("Changed").get<bool>();
    result.actions = state.at("Actions").get<std::vector<std::string>>();
    result.errorName = state.at("ErrorName").get<std::string>();
    result.message = state.at("Message").get<std::string>();
    result.report = state.at("Report").get<std::string>();
    return result;
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
    if (name == errorName(ErrorKind::NotAuthorized) || name == kNotAuthorizedCanObtain)
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
