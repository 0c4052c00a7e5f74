#pragma once
// remedyctl check: the incident's Prevention Checklist, live; as text, JSON or
// Prometheus metrics; and the timer that keeps the metrics fresh.

#include "commands.h"

#include <CLI/CLI.hpp>

#include <functional>

namespace remedy::client {

void addCheckCommand(CLI::App& app, std::function<int(HelperClient&, const GlobalOptions&)>& run);

} // namespace remedy::client
