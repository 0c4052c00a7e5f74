#pragma once
// remedyctl's side of the bus: one connection, the generated proxy, and the
// translation of D-Bus failures into messages and exit codes.

#include "exit_codes.h"
#include "remedy-proxy.h"

#include <sdbus-c++/sdbus-c++.h>

#include <functional>
#include <memory>
#include <vector>
#include <string>

namespace remedy::client {

using Options = std::map<std::string, sdbus::Variant>;

class ManagerProxy final : public sdbus::ProxyInterfaces<org::remedy::Remedy1::Manager_proxy> {
public:
    explicit ManagerProxy(sdbus::IConnection& bus);
    ~ManagerProxy();
};

// /org/remedy/Remedy1's interfaces but Manager.
class RemedyProxy final
    : public sdbus::ProxyInterfaces<org::remedy::Remedy1::Swap_proxy, org::remedy::Remedy1::Fstab_proxy,
                                    org::remedy::Remedy1::Diagnostics_proxy, org::remedy::Remedy1::Units_proxy,
                                    org::remedy::Remedy1::Plan_proxy> {
public:
    explicit RemedyProxy(sdbus::IConnection& bus);
    ~RemedyProxy();

private:
    void onChanged() override {}  // Fstab.Changed: remedyctl asks once and exits
};

// What a job ended with.
struct JobResult {
    bool success = false;
    bool changed = false;
    std::vector<std::string> actions;
    std::string errorName;
    std::string message;
    std::string report = "{}";  // operation-specific JSON
};

class LogControlProxy final : public sdbus::ProxyInterfaces<org::freedesktop::LogControl1_proxy> {
public:
    explicit LogControlProxy(sdbus::IConnection& bus);
    ~LogControlProxy();
};

// A failure the user should read, with the exit code it maps to.
struct Failure {
    ExitCode code;
    std::string name;     // D-Bus error name, for --json
    std::string message;  // human text
};

Failure explain(const sdbus::Error& error);

class HelperClient {
public:
    // host empty: the local system bus; otherwise ssh to [user@]host.
    explicit HelperClient(const std::string& host);
    ManagerProxy& manager() { return manager_; }
    LogControlProxy& logControl() { return logControl_; }
    RemedyProxy& remedy() { return remedy_; }
    // Follows a job to its end; `progress` sees 0..1 as it moves.
    JobResult waitForJob(const sdbus::ObjectPath& path, const std::function<void(double)>& progress);
    // Lets polkit ask for a password where the user can answer.
    void allowInteractiveAuth();

private:
    std::unique_ptr<sdbus::IConnection> bus_;
    ManagerProxy manager_;
    LogControlProxy logControl_;
    RemedyProxy remedy_;
};

} // namespace remedy::client
