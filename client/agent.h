#pragma once
// A polkit text agent for this terminal, as systemctl starts one: only when
// stdin is a TTY, we are not root, and the user did not say --no-ask-password.

#include <sys/types.h>

namespace remedy::client {

class PolkitAgent {
public:
    // Starts pkttyagent when the conditions hold and waits until it has
    // registered; running() says whether it did.
    explicit PolkitAgent(bool allowed);
    ~PolkitAgent();
    PolkitAgent(const PolkitAgent&) = delete;
    PolkitAgent& operator=(const PolkitAgent&) = delete;

    bool running() const { return pid_ > 0; }

private:
    pid_t pid_ = -1;
};

} // namespace remedy::client
