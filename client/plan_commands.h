#pragma once
// remedyctl plan, apply, undo, history: the whole fix from one file.

#include "commands.h"

#include <CLI/CLI.hpp>

#include <functional>

namespace remedy::client {

void addPlanCommands(CLI::App& app, std::function<int(HelperClient&, const GlobalOptions&)>& run);

} // namespace remedy::client
