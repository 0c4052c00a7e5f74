#pragma once
// remedyctl swap …, fstab … and unit …: the commands that change the system.

#include "commands.h"

#include <CLI/CLI.hpp>

#include <functional>

namespace remedy::client {

// "2G", "512M": bytes; a bad size is a usage error.
std::uint64_t sizeArgument(const std::string& text);

// Waits for a job with a progress bar on a terminal; throws its error.
JobResult followJob(HelperClient& helper, const GlobalOptions& global, const sdbus::ObjectPath& job, const std::string& target);

// followJob(), then the outcome the same way for every command: the actions,
// or JSON {"changed", "dry_run", targetKey: target, "actions"}.
int finishJob(HelperClient& helper, const GlobalOptions& global, const sdbus::ObjectPath& job, const std::string& target,
              bool dryRun, const std::string& done, const char* targetKey = "path");

// Adds the swap, fstab and unit commands to the app; `run` is set to the chosen
// command's action once the command line is parsed.
void addChangeCommands(CLI::App& app, std::function<int(HelperClient&, const GlobalOptions&)>& run);

} // namespace remedy::client
