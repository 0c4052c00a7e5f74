#pragma once
// The remedyctl verbs. Each returns an exit code (exit_codes.h) and throws
// sdbus::Error for main() to explain.

#include "helper_client.h"

#include <optional>
#include <string>

namespace remedy::client {

struct GlobalOptions {
    bool json = false;
    bool quiet = false;
    bool askPassword = true;
    std::string host;
};

class PolkitAgent;

// `options` plus the caller's wish about passwords: interactive only when an
// agent runs for us (and then with a timeout a person can type in).
Options withAuth(HelperClient& helper, const PolkitAgent& agent, Options options = {});

int status(HelperClient& helper, const GlobalOptions& global);
int diagnose(HelperClient& helper, const GlobalOptions& global);
int logLevel(HelperClient& helper, const GlobalOptions& global, const std::optional<std::string>& level);

} // namespace remedy::client
