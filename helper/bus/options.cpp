#include "bus/options.h"

#include "polkit/actions.h"

#include <algorithm>

namespace remedy {

OptionReader::OptionReader(const Options& options, std::initializer_list<const char*> known) : options_(options)
{
    for (const auto& [key, value] : options) {
        bool ok = std::any_of(known.begin(), known.end(), [&key](const char* name) { return key == name; });
        if (!ok)
            throw toBusError(ErrorKind::InvalidArgument, "unknown option '" + key + "'");
    }
}

const sdbus::Variant* OptionReader::find(const std::string& key, const char* signature, const char* typeName) const
{
    auto it = options_.find(key);
    if (it == options_.end())
        return nullptr;
    if (it->second.peekValueType() != signature)
        throw toBusError(ErrorKind::InvalidArgument, "option '" + key + "' must be " + typeName + " (" + signature + "), not '" +
                                                         it->second.peekValueType() + "'");
    return &it->second;
}

bool OptionReader::flag(const std::string& key, bool fallback) const
{
    const auto* value = find(key, "b", "a boolean");
    return value ? value->get<bool>() : fallback;
}

std::optional<std::int32_t> OptionReader::int32(const std::string& key) const
{
    const auto* value = find(key, "i", "a 32-bit integer");
    return value ? std::optional(value->get<std::int32_t>()) : std::nullopt;
}

std::optional<std::uint64_t> OptionReader::uint64(const std::string& key) const
{
    const auto* value = find(key, "t", "an unsigned 64-bit integer");
    return value ? std::optional(value->get<std::uint64_t>()) : std::nullopt;
}

std::optional<std::uint32_t> OptionReader::uint32(const std::string& key) const
{
    const auto* value = find(key, "u", "an unsigned 32-bit integer");
    return value ? std::optional(value->get<std::uint32_t>()) : std::nullopt;
}

std::optional<std::string> OptionReader::string(const std::string& key) const
{
    const auto* value = find(key, "s", "a string");
    return value ? std::optional(value->get<std::string>()) : std::nullopt;
}

std::optional<std::vector<std::string>> OptionReader::strings(const std::string& key) const
{
    const auto* value = find(key, "as", "an array of strings");
    return value ? std::optional(value->get<std::vector<std::string>>()) : std::nullopt;
}

ChangeOptions readChangeOptions(const Options& options)
{
    OptionReader read(options, {"dry-run", "auth.interactive"});
    return {read.flag("dry-run"), read.flag("auth.interactive")};
}

sdbus::Error toBusError(ErrorKind kind, const std::string& message) { return sdbus::Error(errorName(kind), message); }
sdbus::Error toBusError(const Error& error) { return toBusError(error.kind(), error.what()); }

std::string currentSender(sdbus::IObject& object)
{
    const auto* message = object.getCurrentlyProcessedMessage();
    return message ? message->getSender() : std::string();
}

sdbus::Error notAuthorized(const Decision& decision, const std::string& action)
{
    auto how = actions::grantedToGroup(action) ? "an administrator can grant it by adding you to group 'remedy'"
               : actions::rootEquivalent(action) ? "it is worth root, so an administrator grants it only on purpose (remedyd(8), AUTHORIZATION)"
                                                 : "an administrator can grant it with a polkit rule (remedyd(8), AUTHORIZATION)";
    auto message = "not authorized for " + action + " (" + decision.reason + "); " + how;
    if (decision.verdict == Verdict::Challenge)
        return sdbus::Error(kNotAuthorizedCanObtain, message);
    return toBusError(ErrorKind::NotAuthorized, message);
}

} // namespace remedy
