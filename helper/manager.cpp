#include "manager.h"

#include "core/describe.h"
#include "core/proc.h"
#include "logging.h"
#include "version.h"

namespace remedy {
namespace {

const std::string kManageAction = "org.remedy.manage";

} // namespace

Manager::Manager(sdbus::IConnection& bus, EventLoop& loop, Authority& authority, LogControl& logControl)
    : AdaptorInterfaces(bus, kObjectPath), loop_(loop), authority_(authority), logControl_(logControl)
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
        wanted = logLevelArgument(level);
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
            logControl_.applyLevel(wanted);
            reply->returnResults();
        });
}

} // namespace remedy
