#include "bus/log_control_adaptor.h"

#include "bus/bounds.h"
#include "bus/options.h"
#include "logging.h"

namespace remedy {

remedy::LogLevel logLevelArgument(const std::string& name)
{
    auto level = parseLogLevel(name);
    if (!level)
        throw toBusError(ErrorKind::InvalidArgument, "invalid log level '" + name + "'; expected one of: " + logLevelNames());
    return *level;
}

LogControlAdaptor::LogControlAdaptor(sdbus::IConnection& bus, Polkit& polkit) : AdaptorInterfaces(bus, kObjectPath), polkit_(polkit)
{
    registerAdaptor();
}

LogControlAdaptor::~LogControlAdaptor() { unregisterAdaptor(); }

void LogControlAdaptor::applyLevel(remedy::LogLevel level)
{
    logging::setLevel(level);
    getObject().emitPropertiesChangedSignal(INTERFACE_NAME, {"LogLevel"});
}

std::string LogControlAdaptor::LogLevel() { return std::string(logLevelName(logging::level())); }

void LogControlAdaptor::LogLevel(const std::string& value)
{
    auto wanted = logLevelArgument(value);
    if (wanted == logging::level())
        return;
    requireRoot();
    applyLevel(wanted);
}

std::string LogControlAdaptor::LogTarget() { return std::string(logTargetName(logging::target())); }

void LogControlAdaptor::LogTarget(const std::string& value)
{
    auto wanted = parseLogTarget(value);
    if (!wanted)
        throw toBusError(ErrorKind::InvalidArgument, "invalid log target '" + value + "'; expected one of: " + logTargetNames());
    if (*wanted == logging::target())
        return;
    requireRoot();
    logging::setTarget(*wanted);
    getObject().emitPropertiesChangedSignal(INTERFACE_NAME, {"LogTarget"});
}

std::string LogControlAdaptor::SyslogIdentifier() { return "remedyd"; }

void LogControlAdaptor::requireRoot()
{
    auto uid = polkit_.uidNow(incomingSender());  // a setter has no current message (bounds.h)
    if (uid != 0u)
        throw toBusError(ErrorKind::NotAuthorized,
                         "only root may set this property; others ask with org.remedy.Remedy1.Manager.SetLogLevel (polkit action org.remedy.manage)");
}

} // namespace remedy
