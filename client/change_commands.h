#pragma once
// remedyctl swap …, fstab … and unit …: the commands that change the system.

#include "commands.h"

#include <CLI/CLI.hpp>

#include <functional>

namespace remedy::client {

// Adds the swap, fstab and unit commands to the app; `run` is set to the chosen
// command's action once the command line is parsed.
void addChangeCommands(CLI::App& app, std::function<int(HelperClient&, const GlobalOptions&)>& run);

} // namespace remedy::client
