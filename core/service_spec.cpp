#include "service_spec.h"

#include "error.h"
#include "trusted_path.h"
#include "unit_files.h"
#include "unit_name.h"

#include <array>
#include <regex>

namespace remedy {
namespace {

[[noreturn]] void invalid(const std::string& field, const std::string& message)
{
    throw Error(ErrorKind::InvalidArgument, field + ": " + message);
}

bool hasControl(const std::string& text)
{
    for (unsigned char c : text)
        if (c < 0x20 || c == 0x7f)
            return true;
    return false;
}

void checkText(const std::string& field, const std::string& text, std::size_t limit)
{
    if (text.size() > limit)
        invalid(field, "longer than " + std::to_string(limit) + " characters");
    if (hasControl(text))
        invalid(field, "has a control character (newline, tab, NUL...)");
}

void checkAbsolute(const std::string& field, const std::string& path)
{
    checkText(field, path, 4096);
    try {
        splitAbsolutePath(path);
    } catch (const Error& error) {
        invalid(field, error.what());
    }
}

// systemd's rule for User=/Group= names (and useradd's): no root, no
// numbers only, nothing a shell or a unit file could misread.
void checkAccount(const std::string& field, const std::string& name)
{
    static const std::regex kAccount("[a-z_][a-z0-9_-]{0,30}");
    if (!std::regex_match(name, kAccount))
        invalid(field, "'" + name + "' is not a valid user or group name");
    if (name == "root")
        invalid(field, "remedy does not install services that run as root; name the account the service runs as");
}

constexpr std::array kRestartPolicies = {"no", "on-success", "on-failure", "on-abnormal", "on-watchdog", "on-abort", "always"};
constexpr std::array kOomPolicies = {"continue", "stop", "kill"};

template <typename List>
bool oneOf(const std::string& value, const List& list)
{
    for (const char* item : list)
        if (value == item)
            return true;
    return false;
}

std::string join(const auto& list)
{
    std::string out;
    for (const char* item : list)
        out += (out.empty() ? "" : ", ") + std::string(item);
    return out;
}

constexpr std::uint64_t kMiB = 1024 * 1024;
constexpr std::uint64_t kHourMs = 3600 * 1000;

} // namespace

std::string quoteForUnit(const std::string& word, bool command)
{
    if (hasControl(word))
        throw Error(ErrorKind::InvalidArgument, "'" + word + "' has a control character");
    std::string quoted = "\"";
    for (char c : word) {
        switch (c) {
        case '\\': quoted += "\\\\"; break;
        case '"': quoted += "\\\""; break;
        case '%': quoted += "%%"; break;
        case '$': quoted += command ? "$$" : "$"; break;
        default: quoted += c;
        }
    }
    return quoted + "\"";
}

void validate(const ServiceSpec& spec, const AccountDirectory& accounts)
{
    validateFields(spec);
    checkServiceAccounts(accounts, spec.user, spec.group);
}

void validateFields(const ServiceSpec& spec)
{
    validateServiceName(spec.name);
    checkText("description", spec.description, 256);
    if (spec.execStart.empty())
        invalid("exec-start", "give the command the service runs");
    checkAbsolute("exec-start", spec.execStart[0]);
    std::size_t total = 0;
    for (const auto& arg : spec.execStart) {
        checkText("exec-start", arg, 4096);
        if (arg == ";")
            invalid("exec-start", "a lone ';' would start a second command line");
        total += arg.size();
    }
    if (total > 32 * 1024)
        invalid("exec-start", "the command line is longer than 32 KiB");
    if (spec.user.empty())
        invalid("user", "give the account the service runs as");
    checkAccount("user", spec.user);
    if (!spec.group.empty())
        checkAccount("group", spec.group);
    if (!spec.workingDirectory.empty())
        checkAbsolute("working-directory", spec.workingDirectory);
    // Both are written unquoted at the end of a line, where systemd reads a
    // trailing '\' as the line going on: the next directive would vanish.
    for (const auto& [field, value] : {std::pair{"description", &spec.description}, std::pair{"working-directory", &spec.workingDirectory}})
        if (!value->empty() && value->back() == '\\')
            invalid(field, "ends with '\\', which systemd reads as a line continuation");
    static const std::regex kVariable("[A-Za-z_][A-Za-z0-9_]{0,127}");
    if (spec.environment.size() > 128)
        invalid("environment", "more than 128 variables");
    for (const auto& [key, value] : spec.environment) {
        if (!std::regex_match(key, kVariable))
            invalid("environment", "'" + key + "' is not a variable name");
        checkText("environment " + key, value, 4096);
    }
    if (!spec.type.empty() && spec.type != "exec" && spec.type != "oneshot")
        invalid("type", "'" + spec.type + "' is not exec or oneshot");
    if (spec.hasTimer() && spec.type == "exec")
        invalid("type", "a service run on a schedule is a oneshot: it runs to its end each time");
    if (!spec.schedule.empty() && spec.everyMs)
        invalid("schedule", "give a calendar schedule or an interval (every), not both");
    if (!spec.schedule.empty()) {
        // Its meaning is systemd's to judge (systemd-analyze calendar, at
        // install); here only what could break the line: a newline, or a
        // specifier, which systemd would expand.
        checkText("schedule", spec.schedule, 256);
        if (spec.schedule.find_first_of("%\\") != std::string::npos)
            invalid("schedule", "'" + spec.schedule + "' has '%' or '\\', which no calendar expression needs");
    }
    if (spec.everyMs && (*spec.everyMs < 1000 || *spec.everyMs > 366 * 24 * kHourMs))
        invalid("every", "must be 1 second to a year");
    if (!spec.restart.empty() && !oneOf(spec.restart, kRestartPolicies))
        invalid("restart", "'" + spec.restart + "' is not one of " + join(kRestartPolicies));
    // systemd refuses these for a oneshot: it would run again and again.
    if (spec.isOneshot() && (spec.restart == "always" || spec.restart == "on-success"))
        invalid("restart", "a oneshot cannot have Restart=" + spec.restart + " (use no or on-failure)");
    if (spec.restartMs > kHourMs)
        invalid("restart-sec", "more than an hour");
    if (spec.startLimitIntervalMs && *spec.startLimitIntervalMs > 24 * kHourMs)
        invalid("start-limit-interval-sec", "more than a day");
    if (spec.startLimitBurst && (*spec.startLimitBurst == 0 || *spec.startLimitBurst > 1000))
        invalid("start-limit-burst", "must be 1 to 1000");
    using Kind = MemoryLimit::Kind;
    for (const auto& [field, value] : {std::pair{"memory-max", spec.memoryMax}, std::pair{"memory-high", spec.memoryHigh}}) {
        if (value && value->kind == Kind::Bytes && value->value < kMiB)
            invalid(field, "less than 1 MiB; no service runs in that");
        if (value && value->kind == Kind::Percent && (value->value == 0 || value->value > 10000))
            invalid(field, "a share of memory must be more than 0% and at most 100%");
    }
    // Comparable only in the same terms (bytes and bytes, % and %).
    if (spec.memoryMax && spec.memoryHigh && spec.memoryMax->kind == spec.memoryHigh->kind && spec.memoryMax->kind != Kind::Infinity &&
        spec.memoryHigh->value > spec.memoryMax->value)
        invalid("memory-high", "above memory-max: the service would be killed before it is throttled");
    if (!spec.oomPolicy.empty() && !oneOf(spec.oomPolicy, kOomPolicies))
        invalid("oom-policy", "'" + spec.oomPolicy + "' is not one of " + join(kOomPolicies));
    if (!spec.logsDirectory.empty()) {
        static const std::regex kLogsDirectory("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}(/[A-Za-z0-9_][A-Za-z0-9._-]{0,63}){0,3}");
        if (!std::regex_match(spec.logsDirectory, kLogsDirectory) || spec.logsDirectory.find("..") != std::string::npos)
            invalid("logs-directory", "'" + spec.logsDirectory + "' must be a relative path below /var/log, such as 'kontali'");
    }
    if (spec.logRotation) {
        if (spec.logsDirectory.empty())
            invalid("log-rotate", "needs logs-directory: remedy rotates the files the service writes there");
        if (spec.logRotation->keep == 0 || spec.logRotation->keep > 1000)
            invalid("log-rotate-keep", "must be 1 to 1000");
        if (spec.logRotation->maxSize < kMiB)
            invalid("log-rotate-max-size", "less than 1 MiB");
    }
}

std::string renderService(const ServiceSpec& spec)
{
    auto text = managedHeader(spec.name);
    // A description is not unquoted by systemd; only its specifiers expand.
    auto description = spec.description.empty() ? spec.name + ", installed by remedy" : spec.description;
    text += "[Unit]\nDescription=" + std::regex_replace(description, std::regex("%"), "%%") + "\n";
    if (spec.startLimitIntervalMs)
        text += "StartLimitIntervalSec=" + std::to_string(*spec.startLimitIntervalMs) + "ms\n";
    if (spec.startLimitBurst)
        text += "StartLimitBurst=" + std::to_string(*spec.startLimitBurst) + "\n";

    // Type=exec: the start job fails when the program cannot be run at all
    // (Type=simple would report success and fail a moment later). A
    // oneshot's start job ends when it does, with its exit status.
    text += "\n[Service]\nType=" + std::string(spec.isOneshot() ? "oneshot" : "exec") + "\nUser=" + spec.user + "\n";
    if (!spec.group.empty())
        text += "Group=" + spec.group + "\n";
    if (!spec.workingDirectory.empty())
        text += "WorkingDirectory=" + std::regex_replace(spec.workingDirectory, std::regex("%"), "%%") + "\n";  // not unquoted by systemd
    for (const auto& [key, value] : spec.environment)
        text += "Environment=" + quoteForUnit(key + "=" + value, false) + "\n";
    text += "ExecStart=";
    for (std::size_t i = 0; i < spec.execStart.size(); ++i)
        text += (i ? " " : "") + quoteForUnit(spec.execStart[i], true);
    auto restart = spec.restart.empty() ? (spec.isOneshot() ? "no" : "always") : spec.restart;
    text += "\nRestart=" + restart + "\nRestartSec=" + std::to_string(spec.restartMs) + "ms\n";
    if (spec.memoryMax)
        text += "MemoryMax=" + spec.memoryMax->text() + "\n";
    if (spec.memoryHigh)
        text += "MemoryHigh=" + spec.memoryHigh->text() + "\n";
    if (!spec.oomPolicy.empty())
        text += "OOMPolicy=" + spec.oomPolicy + "\n";
    if (!spec.logsDirectory.empty())
        text += "LogsDirectory=" + spec.logsDirectory + "\n";
    // A scheduled service is started by its timer, never at boot itself.
    if (!spec.hasTimer())
        text += "\n[Install]\nWantedBy=multi-user.target\n";
    return text;
}

std::string ServiceSpec::timerName() const { return name.substr(0, name.rfind('.')) + ".timer"; }

std::string renderTimer(const ServiceSpec& spec)
{
    auto text = managedHeader(spec.name) + "[Unit]\nDescription=Runs " + spec.name + ", installed by remedy\n\n[Timer]\n";
    if (!spec.schedule.empty())
        text += "OnCalendar=" + spec.schedule + "\n";
    else
        text += "OnBootSec=" + std::to_string(*spec.everyMs) + "ms\nOnUnitActiveSec=" + std::to_string(*spec.everyMs) + "ms\n";
    // systemd's default accuracy is a minute, too coarse for "every 5s".
    return text + "AccuracySec=1s\n\n[Install]\nWantedBy=timers.target\n";
}

std::string renderLogRotation(const ServiceSpec& spec, const std::string& group)
{
    const auto& rotation = spec.logRotation.value();
    // su: the directory is the service's, so rotation runs as the service
    // (root following a link the service planted there would be a hole).
    // copytruncate: the service keeps its log open and is never signalled.
    return managedHeader(spec.name) + "/var/log/" + spec.logsDirectory +
           "/*.log {\n"
           "    su " + spec.user + " " + group + "\n"
           "    daily\n"
           "    rotate " + std::to_string(rotation.keep) + "\n"
           "    maxsize " + std::to_string(rotation.maxSize) + "\n"
           "    missingok\n"
           "    notifempty\n"
           "    compress\n"
           "    delaycompress\n"
           "    copytruncate\n"
           "}\n";
}

} // namespace remedy
