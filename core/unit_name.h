#pragma once
// Unit names as systemd defines them (systemd.unit(5)), and the units
// remedy leaves alone: the system's own.

#include <string>

namespace remedy {

// Throws InvalidArgument unless `name` is a valid, complete systemd service
// name ("app.service", "worker@2.service"): at most 255 characters of
// [A-Za-z0-9:_.@\-], no path, not a template ("worker@.service"), not one of
// the system's own units (dbus, polkit, systemd-*, remedyd itself…).
void validateServiceName(const std::string& name);

} // namespace remedy
