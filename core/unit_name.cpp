#include "unit_name.h"

#include "error.h"

#include <array>
#include <string_view>

namespace remedy {
namespace {

[[noreturn]] void invalid(const std::string& message) { throw Error(ErrorKind::InvalidArgument, message); }

constexpr std::string_view kSuffix = ".service";
constexpr std::array kSystemUnits = {"dbus", "polkit", "remedyd", "getty", "serial-getty", "console-getty",
                                     "user", "user-runtime-dir", "ssh", "sshd", "cron", "rsyslog"};

bool startsWith(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

} // namespace

void validateServiceName(const std::string& name)
{
    if (name.empty() || name.size() > 255)
        invalid("unit name '" + name + "' must have 1 to 255 characters");
    for (unsigned char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' || c == '_' ||
                  c == '.' || c == '@' || c == '-' || c == '\\';
        if (!ok)
            invalid("unit name '" + name + "' has a character systemd does not allow in unit names");
    }
    if (name.size() <= kSuffix.size() || name.substr(name.size() - kSuffix.size()) != kSuffix)
        invalid("'" + name + "' is not a service: remedy manages units ending in .service");
    auto prefix = std::string_view(name).substr(0, name.size() - kSuffix.size());
    if (prefix.find('.') != std::string_view::npos && prefix.find('@') == std::string_view::npos)
        invalid("'" + name + "' has more than one '.'");
    auto at = prefix.find('@');
    if (at == 0)
        invalid("'" + name + "' has no name before '@'");
    if (at != std::string_view::npos && at + 1 == prefix.size())
        invalid("'" + name + "' is a template; name an instance, such as " + std::string(prefix) + "1.service");
    auto base = prefix.substr(0, at);
    if (startsWith(base, "systemd-"))
        invalid(name + " belongs to systemd; remedy leaves the system's own units alone");
    for (const char* system : kSystemUnits)
        if (base == system)
            invalid(name + " is one of the system's own units; remedy leaves it alone");
}

} // namespace remedy
