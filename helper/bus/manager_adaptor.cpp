#include "bus/manager_adaptor.h"

#include "core/describe.h"
#include "core/proc.h"
#include "logging.h"
#include "version.h"

namespace remedy {
namespace {

const std::string kManageAction = "org.remedy.manage";

} // namespace

Manager::Manager(sdbus::IConnection& bus, Authorizer& authorizer, LogControl& logControl)
    : AdaptorInterfaces(bus, kObjectPath), authorizer_(authorizer), logControl_(logControl)
{
    registerAdaptor();
}

Manager::~Manager() { unregisterAdaptor(); }

std::string Manager::Version() { return kVersion; }

std::string Manager::Describe()
{
    return guarded([] {
        auto memory = parseMemInfo(readFile("/proc/meminfo"));
        auto swaps = parseSwaps(readFile("/proc/swaps"));
        return describe(kVersion, memory, swaps).dump();
    });
}

void Manager::SetLogLevel(sdbus::Result<>&& result, std::string level, Options options)
{
    auto sender = currentSender(getObject());
    remedy::LogLevel wanted{};
    bool interactive = false;
    try {
        interactive = OptionReader(options, {"auth.interactive"}).flag("auth.interactive");
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
    authorizer_.check(
        sender, {kManageAction}, interactive, "set log level to " + std::string(logLevelName(wanted)),
        [this, reply, wanted] {
            logControl_.applyLevel(wanted);
            reply->returnResults();
        },
        [reply](const sdbus::Error& error) { reply->returnError(error); });
}

} // namespace remedy
