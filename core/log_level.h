#pragma once
// Log levels by their syslog names, as systemd's LogControl1 interface and
// "systemctl service-log-level" speak them.

#include <optional>
#include <string>
#include <string_view>

namespace remedy {

enum class LogLevel { Emerg, Alert, Crit, Err, Warning, Notice, Info, Debug };

std::optional<LogLevel> parseLogLevel(std::string_view name);
std::string_view logLevelName(LogLevel level);
// "emerg, alert, …, debug": for error messages and help texts.
std::string logLevelNames();

enum class LogTarget { Auto, Console, Journal, Null };

std::optional<LogTarget> parseLogTarget(std::string_view name);
std::string_view logTargetName(LogTarget target);
std::string logTargetNames();

} // namespace remedy
