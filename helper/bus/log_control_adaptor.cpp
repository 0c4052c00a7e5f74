#include "bus/log_control_adaptor.h"

#include "bus/options.h"
#include "logging.h"

namespace remedy {
namespace {

const std::string kManageAction = "org.remedy.manage";

} // namespace

remedy::LogLevel logLevelArgument(const std::string& name)
{
    auto level = parseLogLevel(name);
    if (!level)
        throw toBusError(ErrorKind::InvalidArgument, "invalid log level '" + name + "'; expected one of: " + logLevelNames());
    return *level;
}

LogControl::LogControl(sdbus::IConnection& bus, Authorizer& authorizer)
    : AdaptorInterfaces(bus, kObjectPath), authorizer_(authorizer)
{
    registerAdaptor();
}

LogControl::~LogControl() { unregisterAdaptor(); }

void LogControl::applyLevel(remedy::LogLevel level)
{
    logging::setLevel(level);
    getObject().emitPropertiesChangedSignal(INTERFACE_NAME, {"LogLevel"});
}

std::string LogControl::LogLevel() { return std::string(logLevelName(logging::level())); }

void LogControl::LogLevel(const std::string& value)
{
    auto wanted = logLevelArgument(value);
    if (wanted == logging::level())
        return;
    authorizeNow("set log level to " + value);
    applyLevel(wanted);
}

std::string LogControl::LogTarget() { return std::string(logTargetName(logging::target())); }

void LogControl::LogTarget(const std::string& value)
{
    auto wanted = parseLogTarget(value);
    if (!wanted)
        throw toBusError(ErrorKind::InvalidArgument, "invalid log target '" + value + "'; expected one of: " + logTargetNames());
    if (*wanted == logging::target())
        return;
    authorizeNow("set log target to " + value);
    logging::setTarget(*wanted);
    getObject().emitPropertiesChangedSignal(INTERFACE_NAME, {"LogTarget"});
}

std::string LogControl::SyslogIdentifier() { return "remedyd"; }

void LogControl::authorizeNow(const std::string& what) { authorizer_.checkNow(currentSender(getObject()), kManageAction, what); }

} // namespace remedy
