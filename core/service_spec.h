#pragma once
// A service described by its parts (what the incident's kontali-backend.service
// says), checked field by field and rendered into a unit file by remedy, so
// that a caller never writes unit syntax, and so never smuggles a directive
// in through a newline or a quote.

#include "accounts.h"

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
    std::string restart = "always";
    std::uint64_t restartMs = 1000;
    std::optional<std::uint64_t> startLimitIntervalMs;  // 0: no start limit
    std::optional<unsigned> startLimitBurst;
    std::optional<std::uint64_t> memoryMax;  // bytes
    std::optional<std::uint64_t> memoryHigh;
    std::string oomPolicy;      // continue, stop, kill; systemd's default when empty
    std::string logsDirectory;  // below /var/log, e.g. "kontali"
    std::optional<LogRotation> logRotation;  // needs logsDirectory
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

// The /etc/logrotate.d snippet for the service's LogsDirectory, rotated as
// the service's user and `group` (its primary group unless spec.group).
std::string renderLogRotation(const ServiceSpec& spec, const std::string& group);

// One word of a unit file's command line or assignment, quoted so systemd
// reads it back unchanged: specifiers (%) and, when `command`, variable
// expansion ($) are escaped. Throws InvalidArgument on control characters.
std::string quoteForUnit(const std::string& word, bool command);

} // namespace remedy
