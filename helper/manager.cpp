#include "manager.h"

#include "core/describe.h"
#include "core/log_level.h"
#include "core/proc.h"
#include "logging.h"
#include "version.h"

#include <spdlog/spdlog.h>

namespace remedy {
namespace {

const std::string kManageAction = "org.remedy.manage";
const char* const kLogControl = org::freedesktop::LogControl1_adaptor::INTERFACE_NAME;

remedy::LogLevel levelArgument(const std::string& name)
{
    auto level = parseLogLevel(name);
    if (!level)
        throw toBusError(ErrorKind::InvalidArgument, "invalid log level '" + name + "'; expected one of: " + logLevelNames());
    return *level;
}

} // namespace

Manager::Manager(sdbus::IConnection& bus, EventLoop& loop, Authority& authority)
    : AdaptorInterfaces(bus, kObjectPath), loop_(loop), authority_(authority)
{
    registerAdaptor();
}

Manager::~Manager() { unregisterAdaptor(); }

std::string Manager::Version() { return kVersion; }

std::string Manager::Describe()
{
    try {
        auto memory = parseMemInfo(readFile("/proc/meminfo"));
        auto swaps = parseSwaps(readFile("/proc/swaps"));
        return describe(kVersion, memory, swaps).dump();
    } catch (const Error& error) {
        throw toBusError(error);
    }
}

void Manager::SetLogLevel(sdbus::Result<>&& result, std::string level, Options options)
{
    auto sender = currentSender(getObject());
    remedy::LogLevel wanted{};
    bool interactive = false;
    try {
        rejectUnknownOptions(options, {"auth.interactive"});
        interactive = boolOption(options, "auth.interactive", false);
        wanted = levelArgument(level);
    } catch (const sdbus::Error& error) {
        result.returnError(error);
        return;
    }
    if (wanted == logging::level()) {
        result.returnResults();
        return;
    }

    auto reply = std::make_shared<sdbus::Result<>>(std::move(result));
    loop_.runInBackground<Decision>(
        [this, sender, interactive] { return authority_.check(sender, kManageAction, interactive); },
        [this, reply, sender, wanted](Decision decision) {
            logDecision(decision, sender, kManageAction, "set log level to " + std::string(logLevelName(wanted)));
            if (!decision.allowed) {
                reply->returnError(notAuthorized(decision, kManageAction));
                return;
            }
            logging::setLevel(wanted);
            getObject().emitPropertiesChangedSignal(kLogControl, {"LogLevel"});
            reply->returnResults();
        });
}

std::string Manager::LogLevel() { return std::string(logLevelName(logging::level())); }

void Manager::LogLevel(const std::string& value)
{
    auto wanted = levelArgument(value);
    if (wanted == logging::level())
        return;
    authorizeNow(kManageAction, "set log level to " + value);
    logging::setLevel(wanted);
    getObject().emitPropertiesChangedSignal(kLogControl, {"LogLevel"});
}

std::string Manager::LogTarget() { return std::string(logTargetName(logging::target())); }

void Manager::LogTarget(const std::string& value)
{
    auto wanted = parseLogTarget(value);
    if (!wanted)
        throw toBusError(ErrorKind::InvalidArgument, "invalid log target '" + value + "'; expected one of: " + logTargetNames());
    if (*wanted == logging::target())
        return;
    authorizeNow(kManageAction, "set log target to " + value);
    logging::setTarget(*wanted);
    getObject().emitPropertiesChangedSignal(kLogControl, {"LogTarget"});
}

std::string Manager::SyslogIdentifier() { return "remedyd"; }

void Manager::authorizeNow(const std::string& action, const std::string& what)
{
    auto sender = currentSender(getObject());
    auto decision = authority_.check(sender, action, false);
    logDecision(decision, sender, action, what);
    if (!decision.allowed)
        throw notAuthorized(decision, action);
}

} // namespace remedy
