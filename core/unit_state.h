#pragma once
// Files and units as they are now, and putting them back: what undoing a
// change to services needs, whether a plan's step or a single install cut
// short by a killed remedyd (pending.h). Captured before the change
// writes anything; restored in the order that leaves no unit running from
// a file that is going away.

#include "service_manager.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace remedy {

// {"path", "content" (the file's text, or null: no file)}.
nlohmann::json fileState(int root, const std::string& path);

// Puts a file back as fileState found it: its content, or no file (and no
// drop-in directory left empty by that: those are remedy's). A file that
// is already so is not written, so not even its mtime moves.
void restoreFile(int root, const std::string& path, const nlohmann::json& content);

// {"files": [fileState...], "units": [{"name", "active", "enabled"}]}.
nlohmann::json captureUnits(int root, ServiceManager& manager, const std::vector<std::string>& files,
                            const std::vector<std::string>& units);

// Stops and disables what was not running or enabled, puts the files back,
// reloads systemd, enables what was enabled, and restarts what was running.
void restoreUnits(int root, ServiceManager& manager, const nlohmann::json& captured);

} // namespace remedy
