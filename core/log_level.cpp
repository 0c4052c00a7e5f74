#include "log_level.h"

#include <array>
#include <utility>

namespace remedy {
namespace {

constexpr std::array kLevels = {
    std::pair{LogLevel::Emerg, "emerg"}, std::pair{LogLevel::Alert, "alert"},
    std::pair{LogLevel::Crit, "crit"},   std::pair{LogLevel::Err, "err"},
    std::pair{LogLevel::Warning, "warning"}, std::pair{LogLevel::Notice, "notice"},
    std::pair{LogLevel::Info, "info"},   std::pair{LogLevel::Debug, "debug"},
};

constexpr std::array kTargets = {
    std::pair{LogTarget::Auto, "auto"}, std::pair{LogTarget::Console, "console"},
    std::pair{LogTarget::Journal, "journal"}, std::pair{LogTarget::Null, "null"},
};

template <typename Table, typename Value>
std::optional<Value> lookup(const Table& table, std::string_view name)
{
    for (const auto& [value, text] : table)
        if (name == text)
            return value;
    return std::nullopt;
}

template <typename Table, typename Value>
std::string_view nameOf(const Table& table, Value value)
{
    for (const auto& [candidate, text] : table)
        if (candidate == value)
            return text;
    return "";
}

template <typename Table>
std::string joinNames(const Table& table)
{
    std::string names;
    for (const auto& entry : table)
        names += (names.empty() ? "" : ", ") + std::string(entry.second);
    return names;
}

} // namespace

std::optional<LogLevel> parseLogLevel(std::string_view name) { return lookup<decltype(kLevels), LogLevel>(kLevels, name); }
std::string_view logLevelName(LogLevel level) { return nameOf(kLevels, level); }
std::string logLevelNames() { return joinNames(kLevels); }

std::optional<LogTarget> parseLogTarget(std::string_view name) { return lookup<decltype(kTargets), LogTarget>(kTargets, name); }
std::string_view logTargetName(LogTarget target) { return nameOf(kTargets, target); }
std::string logTargetNames() { return joinNames(kTargets); }

} // namespace remedy
