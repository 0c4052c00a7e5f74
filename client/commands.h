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

int status(HelperClient& helper, const GlobalOptions& global);
int logLevel(HelperClient& helper, const GlobalOptions& global, const std::optional<std::string>& level);

} // namespace remedy::client
