#pragma once
// The remedyctl verbs. Each returns an exit code (exit_codes.h) and throws
// sdbus::Error for main() to explain.

#include "agent.h"
#include "dbus/errors.h"
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

// Makes `call(options)` without asking for a password first, as udisksctl
// does; only when remedyd answers that polkit would accept one
// (NotAuthorizedCanObtain) and `mayAsk` (a terminal, not --no-ask-password),
// starts a polkit agent for this process and calls again, interactively,
// with a timeout a person can type in.
template <typename Call>
auto authorized(HelperClient& helper, bool mayAsk, Options options, Call&& call)
{
    options["auth.interactive"] = sdbus::Variant(false);
    try {
        return call(options);
    } catch (const sdbus::Error& error) {
        if (!mayAsk || error.getName() != kNotAuthorizedCanObtain)
            throw;
        PolkitAgent agent(true);
        if (!agent.running())
            throw;
        helper.allowInteractiveAuth();
        options["auth.interactive"] = sdbus::Variant(true);
        return call(options);
    }
}

int status(HelperClient& helper, const GlobalOptions& global);
int diagnose(HelperClient& helper, const GlobalOptions& global);
int logLevel(HelperClient& helper, const GlobalOptions& global, const std::optional<std::string>& level);

} // namespace remedy::client
