#pragma once
// remedyd's client of systemd (org.freedesktop.systemd1), on a connection of
// its own: it is used from the mutation thread, and an sd-bus connection
// belongs to one thread.

#include <sdbus-c++/sdbus-c++.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace remedy {

struct MemoryLimits {
    std::uint64_t max = UINT64_MAX;   // bytes; UINT64_MAX: no limit
    std::uint64_t high = UINT64_MAX;
};

class Systemd {
public:
    Systemd();

    // The service's limits; throws InvalidArgument when systemd does not
    // know it (not found, or not loaded).
    MemoryLimits memoryLimits(const std::string& unit);

    // Persistent, as "systemctl set-property" sets them (a drop-in).
    void setMemoryLimits(const std::string& unit, const MemoryLimits& limits);

private:
    std::unique_ptr<sdbus::IConnection> bus_;
    std::unique_ptr<sdbus::IProxy> manager_;
};

} // namespace remedy
