#include "bus_util.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace remedy {

bool boolOption(const Options& options, const std::string& key, bool fallback)
{
    auto it = options.find(key);
    if (it == options.end())
        return fallback;
    if (it->second.peekValueType() != "b")
        throw toBusError(ErrorKind::InvalidArgument, "option '" + key + "' must be a boolean (b), not '" + it->second.peekValueType() + "'");
    return it->second.get<bool>();
}

void rejectUnknownOptions(const Options& options, std::initializer_list<const char*> known)
{
    for (const auto& [key, value] : options) {
        bool ok = std::any_of(known.begin(), known.end(), [&key](const char* name) { return key == name; });
        if (!ok)
            throw toBusError(ErrorKind::InvalidArgument, "unknown option '" + key + "'");
    }
}

sdbus::Error toBusError(ErrorKind kind, const std::string& message) { return sdbus::Error(errorName(kind), message); }
sdbus::Error toBusError(const Error& error) { return toBusError(error.kind(), error.what()); }

std::string currentSender(sdbus::IObject& object)
{
    const auto* message = object.getCurrentlyProcessedMessage();
    return message ? message->getSender() : std::string();
}

void logDecision(const Decision& decision, const std::string& sender, const std::string& action, const std::string& what)
{
    auto uid = decision.uid == static_cast<uid_t>(-1) ? std::string("?") : std::to_string(decision.uid);
    if (decision.allowed)
        spdlog::info("authorized uid={} sender={} action={}: {}", uid, sender, action, what);
    else
        spdlog::warn("refused uid={} sender={} action={}: {}: {}", uid, sender, action, what, decision.reason);
}

sdbus::Error notAuthorized(const Decision& decision, const std::string& action)
{
    return toBusError(ErrorKind::NotAuthorized,
                      "not authorized for " + action + " (" + decision.reason +
                          "); an administrator can grant it by adding you to group 'remedy'");
}

} // namespace remedy
