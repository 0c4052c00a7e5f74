#pragma once
// remedyctl's side of the bus: one connection, the generated proxy, and the
// translation of D-Bus failures into messages and exit codes.

#include "exit_codes.h"
#include "remedy-proxy.h"

#include <sdbus-c++/sdbus-c++.h>

#include <memory>
#include <string>

namespace remedy::client {

using Options = std::map<std::string, sdbus::Variant>;

class RemedyProxy final
    : public sdbus::ProxyInterfaces<org::remedy::Remedy1::Manager_proxy, org::freedesktop::LogControl1_proxy> {
public:
    explicit RemedyProxy(sdbus::IConnection& bus);
    ~RemedyProxy();
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
    RemedyProxy& remedy() { return *proxy_; }
    // Lets polkit ask for a password where the user can answer.
    void allowInteractiveAuth();

private:
    std::unique_ptr<sdbus::IConnection> bus_;
    std::unique_ptr<RemedyProxy> proxy_;
};

} // namespace remedy::client
