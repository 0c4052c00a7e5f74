#pragma once
// What every adaptor needs at the D-Bus boundary: options, errors, callers.
// Requests are decoded inside guarded(): any throw becomes the error reply.

#include "dbus/errors.h"
#include "polkit.h"

#include <sdbus-c++/sdbus-c++.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace remedy {

using Options = std::map<std::string, sdbus::Variant>;

// A method's a{sv} options. Unknown keys are refused by name (a typo such
// as "dryrun" must not silently become a real change), and so is a value of
// the wrong type.
class OptionReader {
public:
    OptionReader(const Options& options, std::initializer_list<const char*> known);
    bool flag(const std::string& key, bool fallback = false) const;
    std::optional<std::int32_t> int32(const std::string& key) const;
    std::optional<std::uint32_t> uint32(const std::string& key) const;
    std::optional<std::uint64_t> uint64(const std::string& key) const;
    std::optional<std::string> string(const std::string& key) const;
    std::optional<std::vector<std::string>> strings(const std::string& key) const;

private:
    const sdbus::Variant* find(const std::string& key, const char* signature, const char* typeName) const;
    const Options& options_;
};

// The options of a change that takes no others: dry-run, auth.interactive.
struct ChangeOptions {
    bool dryRun = false;
    bool interactive = false;
};
ChangeOptions readChangeOptions(const Options& options);

sdbus::Error toBusError(ErrorKind kind, const std::string& message);
sdbus::Error toBusError(const Error& error);

// Runs a handler's body, turning any failure into a D-Bus error: an
// exception that escapes a handler would end the helper.
template <typename Fn>
auto guarded(Fn&& fn) -> decltype(fn())
{
    try {
        return fn();
    } catch (const sdbus::Error&) {
        throw;
    } catch (const Error& error) {
        throw toBusError(error);
    } catch (const std::exception& error) {
        throw toBusError(ErrorKind::Failed, error.what());
    }
}

// The sender of the message being handled; valid only inside a handler.
std::string currentSender(sdbus::IObject& object);

// NotAuthorized, or NotAuthorizedCanObtain when a password would do.
sdbus::Error notAuthorized(const Decision& decision, const std::string& action);

} // namespace remedy
