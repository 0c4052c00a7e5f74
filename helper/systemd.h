#pragma once
// remedyd's client of systemd (org.freedesktop.systemd1), on a connection of
// its own: it is used from the mutation thread, and an sd-bus connection
// belongs to one thread. Jobs are waited for the way systemctl waits: by
// JobRemoved, subscribed to before the job is queued.

#include "core/service_manager.h"

#include <sdbus-c++/sdbus-c++.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace remedy {

struct MemoryLimits {
    std::uint64_t max = UINT64_MAX;   // bytes; UINT64_MAX: no limit
    std::uint64_t high = UINT64_MAX;
};

class Systemd final : public ServiceManager {
public:
    Systemd();

    // The service's limits; throws InvalidArgument when systemd does not
    // know it (not found, or not loaded).
    MemoryLimits memoryLimits(const std::string& unit);

    // Persistent, as "systemctl set-property" sets them (a drop-in).
    void setMemoryLimits(const std::string& unit, const MemoryLimits& limits);

    UnitState state(const std::string& unit) override;
    std::map<std::string, UnitState> services() override;
    void reload() override;
    void enable(const std::vector<std::string>& units) override;
    void disable(const std::vector<std::string>& units) override;
    std::string start(const std::string& unit) override;
    std::string restart(const std::string& unit) override;
    std::string stop(const std::string& unit) override;
    UnitState killAndWait(const std::string& unit, int signal, const std::function<bool(const UnitState&)>& until,
                          std::chrono::milliseconds timeout) override;
    void setMemoryLimits(const std::string& unit, std::uint64_t max, std::uint64_t high) override { setMemoryLimits(unit, {max, high}); }
    std::vector<std::string> journal(const std::string& unit, unsigned lines, std::uint64_t since) override;
    void verifyUnits(const std::vector<std::pair<std::string, std::string>>& units) override;
    void verifyCalendar(const std::string& expression) override;
    void verifyLogRotation(const std::string& content) override;

private:
    std::string runJob(const char* method, const std::string& unit);
    sdbus::ObjectPath load(const std::string& unit);
    void subscribe();
    // Dispatches what comes on the bus until `done` says so (true), or
    // `deadline` passes (false); waits on the bus between, never sleeps.
    bool dispatchUntil(std::chrono::steady_clock::time_point deadline, const std::function<bool()>& done);
    std::map<std::string, sdbus::Variant> properties(const sdbus::ObjectPath& path, const char* interface);

    std::unique_ptr<sdbus::IConnection> bus_;
    std::unique_ptr<sdbus::IProxy> manager_;
    bool subscribed_ = false;
    sdbus::Slot jobsRemoved_;
    std::map<std::string, std::string> finishedJobs_;  // job path -> result
};

} // namespace remedy
