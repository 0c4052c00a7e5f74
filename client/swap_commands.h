#pragma once
// remedyctl swap … and remedyctl fstab …

#include "commands.h"

#include <CLI/CLI.hpp>

#include <functional>

namespace remedy::client {

// Adds the swap and fstab commands to the app; `run` is set to the chosen
// command's action once the command line is parsed.
void addSwapCommands(CLI::App& app, std::function<int(HelperClient&, const GlobalOptions&)>& run);

} // namespace remedy::client
