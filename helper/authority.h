#pragma once
// Asks polkit whether the caller behind a unique bus name may do an action.
// The subject is the bus name, never a PID (CVE-2021-3560). Root passes
// without asking; any failure to ask is a refusal.

#include <sys/types.h>

#include <memory>
#include <string>

namespace remedy {

struct Decision {
    bool allowed = false;
    uid_t uid = static_cast<uid_t>(-1);  // from the bus daemon; -1 when it could not say
    std::string reason;                  // why it was refused, for the log and the caller
};

class Authority {
public:
    Authority();
    ~Authority();
    Authority(const Authority&) = delete;
    Authority& operator=(const Authority&) = delete;

    // Blocks until polkit answers; with `interactive` that can take minutes,
    // so callers run it off the event loop. Thread-safe.
    Decision check(const std::string& busName, const std::string& actionId, bool interactive);

    // Ends every check in flight with a refusal (the helper is stopping).
    void cancelAll();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace remedy
