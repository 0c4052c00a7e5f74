#include "bus/manager_adaptor.h"

#include "core/describe.h"
#include "core/proc.h"
#include "logging.h"
#include "polkit/actions.h"
#include "version.h"

#include <variant>

namespace remedy {

ManagerAdaptor::ManagerAdaptor(sdbus::IConnection& bus, Requests& requests, LogControlAdaptor& logControl)
    : AdaptorInterfaces(bus, kObjectPath), requests_(requests), logControl_(logControl)
{
    registerAdaptor();
}

ManagerAdaptor::~ManagerAdaptor() { unregisterAdaptor(); }

std::string ManagerAdaptor::Version() { return kVersion; }

std::string ManagerAdaptor::Describe()
{
    // /proc/meminfo and /proc/swaps are world-readable: nothing more is told here.
    return guarded([] {
        auto memory = parseMemInfo(readFile("/proc/meminfo"));
        auto swaps = parseSwaps(readFile("/proc/swaps"));
        return describe(kVersion, memory, swaps).dump();
    });
}

void ManagerAdaptor::SetLogLevel(sdbus::Result<>&& result, std::string level, Options options)
{
    requests_.call(std::move(result), currentSender(getObject()), [&] {
        auto interactive = OptionReader(options, {"auth.interactive"}).flag("auth.interactive");
        auto wanted = logLevelArgument(level);
        return Call<std::monostate>{{{actions::kManage}, {}, interactive, "set log level to " + std::string(logLevelName(wanted))},
                                    Lane::Loop, [this, wanted](const Caller&) {
                                        if (wanted != logging::level())
                                            logControl_.applyLevel(wanted);
                                        return std::monostate{};
                                    }};
    });
}

} // namespace remedy
