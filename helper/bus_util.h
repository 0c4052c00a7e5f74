#pragma once
// What every adaptor needs at the D-Bus boundary: options, errors, callers.

#include "authority.h"
#include "core/error.h"

#include <sdbus-c++/sdbus-c++.h>

#include <map>
#include <string>

namespace remedy {

using Options = std::map<std::string, sdbus::Variant>;

// Reads a boolean option; a value of the wrong type is the caller's error.
bool boolOption(const Options& options, const std::string& key, bool fallback);

// Refuses options this method does not know, naming them: a typo such as
// "dryrun" must not silently become a real change.
void rejectUnknownOptions(const Options& options, std::initializer_list<const char*> known);

sdbus::Error toBusError(ErrorKind kind, const std::string& message);
sdbus::Error toBusError(const Error& error);

// The sender of the message being handled; valid only inside a handler.
std::string currentSender(sdbus::IObject& object);

// One log line for every authorization decision: who, what, and the verdict.
void logDecision(const Decision& decision, const std::string& sender, const std::string& action, const std::string& what);

sdbus::Error notAuthorized(const Decision& decision, const std::string& action);

} // namespace remedy
