#pragma once
// A service described by its parts (what the incident's kontali-backend.service
// says), checked field by field and rendered into a unit file by remedy, so
// that a caller never writes unit syntax, and so never smuggles a directive
// in through a newline or a quote.

#include "accounts.h"
#include "size.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace remedy {

struct LogRotation {
    unsigned keep = 14;                        // rotated files kept
    std::uint64_t maxSize = 100 * 1024 * 1024; // rotated early when larger, bytes
};

struct ServiceSpec {
    std::string name;  // "kontali-backend.service"
    std::string description;
    std::vector<std::string> execStart;  // argv; argv[0] absolute
    std::string user;                    // required: a regular login user
    std::string group;
    std::string workingDirectory;
    std::vector<std::pair<std::string, std::string>> environment;
    // "exec" (the default: a program that keeps running) or "oneshot" (a
    // job that runs to its end: its exit status 0 is its success).
    std::string type;
    std::string restart;  // empty: "always", or "no" for a oneshot
    std::uint64_t restartMs = 1000;
    // A schedule makes the service a oneshot run by NAME.timer (enabled and
    // started, not the service): `schedule` is an OnCalendar= expression
    // ("*:0/5", "daily"), `everyMs` OnUnitActiveSec= (and OnBootSec=, so it
    // first runs when the timer starts). At most one of them.
    std::string schedule;
    std::optional<std::uint64_t> everyMs;
    std::optional<std::uint64_t> startLimitIntervalMs;  // 0: no start limit
    std::optional<unsigned> startLimitBurst;
    std::optional<MemoryLimit> memoryMax;  // bytes, a share of RAM, or infinity
    std::optional<MemoryLimit> memoryHigh;
    std::string oomPolicy;      // continue, stop, kill; systemd's default when empty
    std::string logsDirectory;  // below /var/log, e.g. "kontali"
    std::optional<LogRotation> logRotation;  // needs logsDirectory

    bool hasTimer() const { return !schedule.empty() || everyMs.has_value(); }
    bool isOneshot() const { return type == "oneshot" || hasTimer(); }
    std::string timerName() const;  // "backup.timer" for "backup.service"
};

// Throws InvalidArgument naming the field at fault: every field, and who
// the service runs as (accounts.h: a regular login user, no group worth
// root), looked up in `accounts`.
void validate(const ServiceSpec& spec, const AccountDirectory& accounts = systemAccounts());

// The fields' form alone, without looking the accounts up: for a plan that
// is parsed now and installed later (the install validates in full).
void validateFields(const ServiceSpec& spec);

// The unit file, starting with remedy's marker line (unit_files.h).
std::string renderService(const ServiceSpec& spec);

// NAME.timer of a spec with a schedule, marked as remedy's too.
std::string renderTimer(const ServiceSpec& spec);

// The /etc/logrotate.d snippet for the service's LogsDirectory, rotated as
// the service's user and `group` (its primary group unless spec.group).
std::string renderLogRotation(const ServiceSpec& spec, const std::string& group);

// One word of a unit file's command line or assignment, quoted so systemd
// reads it back unchanged: specifiers (%) and, when `command`, variable
// expansion ($) are escaped. Throws InvalidArgument on control characters.
std::string quoteForUnit(const std::string& word, bool command);

} // namespace remedy
