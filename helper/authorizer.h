#pragma once
// The authorization step of every mutating method: polkit is asked off the
// loop (an interactive check can wait minutes for a password), every
// decision is logged, and the method goes on, on the loop, only if every
// action it needs was granted.

#include "authority.h"
#include "event_loop.h"

#include <sdbus-c++/sdbus-c++.h>

#include <functional>
#include <string>
#include <vector>

namespace remedy {

class Authorizer {
public:
    Authorizer(EventLoop& loop, Authority& authority) : loop_(loop), authority_(authority) {}

    // `what` says what the caller asked for, for the log.
    void check(const std::string& sender, std::vector<std::string> actions, bool interactive, const std::string& what,
               std::function<void()> granted, std::function<void(const sdbus::Error&)> refused);

    // Decides now, on the loop, without interaction: for property writes,
    // which cannot carry options. Throws NotAuthorized.
    void checkNow(const std::string& sender, const std::string& action, const std::string& what);

    // Checks in flight at once, each on a thread of its own; more are
    // refused with Busy, not queued. A check that may ask for a password can
    // hold its thread for minutes, so fewer of those.
    static constexpr int kMaxPending = 48;
    static constexpr int kMaxInteractive = 16;

private:
    EventLoop& loop_;
    Authority& authority_;
    int pending_ = 0;      // loop thread only
    int interactive_ = 0;  // loop thread only
};

} // namespace remedy
