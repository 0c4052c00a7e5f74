#include "authorizer.h"

#include "bus/options.h"

namespace remedy {

void Authorizer::check(const std::string& sender, std::vector<std::string> actions, bool interactive, const std::string& what,
                       std::function<void()> granted, std::function<void(const sdbus::Error&)> refused)
{
    using Decisions = std::vector<Decision>;
    if (pending_ >= kMaxPending || (interactive && interactive_ >= kMaxInteractive)) {
        refused(toBusError(ErrorKind::Busy, "too many requests are waiting for authorization; try again shortly"));
        return;
    }
    ++pending_;
    interactive_ += interactive ? 1 : 0;
    loop_.runInBackground<Decisions>(
        [this, sender, actions, interactive] {
            Decisions decisions;
            for (const auto& action : actions) {
                decisions.push_back(authority_.check(sender, action, interactive));
                if (!decisions.back().allowed)
                    break;
            }
            return decisions;
        },
        [this, sender, actions, what, interactive, granted = std::move(granted), refused = std::move(refused)](Decisions decisions) {
            --pending_;
            interactive_ -= interactive ? 1 : 0;
            for (std::size_t i = 0; i < decisions.size(); ++i) {
                logDecision(decisions[i], sender, actions[i], what);
                if (!decisions[i].allowed) {
                    refused(notAuthorized(decisions[i], actions[i]));
                    return;
                }
            }
            granted();
        });
}

void Authorizer::checkNow(const std::string& sender, const std::string& action, const std::string& what)
{
    auto decision = authority_.check(sender, action, false);
    logDecision(decision, sender, action, what);
    if (!decision.allowed)
        throw notAuthorized(decision, action);
}

} // namespace remedy
