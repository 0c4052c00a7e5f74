#pragma once
// remedyctl service …, unit install|remove, health …, verify-restart: the
// incident report's "Install as Systemd Service", health check and restart test.

#include "commands.h"

#include <CLI/CLI.hpp>

#include <functional>

namespace remedy::client {

// Adds the commands; the "unit" command must exist (addChangeCommands).
void addServiceCommands(CLI::App& app, std::function<int(HelperClient&, const GlobalOptions&)>& run);

// "500ms", "2s", "1min", "1h"; a bare number is seconds.
std::uint64_t durationMs(const std::string& text);

} // namespace remedy::client
