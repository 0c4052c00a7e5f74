#include "requests.h"

#include "audit.h"

#include <algorithm>

namespace remedy {

// A caller's place in the caps; given back, on the loop, when the last copy goes.
struct Requests::Admission {
    Requests& requests;
    EventLoop& loop;
    std::string sender;
    uid_t uid = static_cast<uid_t>(-1);  // counted per uid once known
    ~Admission()
    {
        loop.post([&requests = requests, sender = sender, uid = uid] { requests.release(sender, uid); });
    }
};

void Requests::release(const std::string& sender, uid_t uid)
{
    --pending_;
    if (--perSender_[sender] <= 0)
        perSender_.erase(sender);
    if (uid != static_cast<uid_t>(-1) && --perUid_[uid] <= 0)
        perUid_.erase(uid);
}

void Requests::authorize(const std::string& sender, Ask ask, Granted granted, Refused refused)
{
    if (pending_ >= kMaxPending || perSender_[sender] >= kMaxPerSender) {
        if (perSender_[sender] == 0)
            perSender_.erase(sender);
        return refused(toBusError(ErrorKind::Busy, "too many requests in flight; try again when your earlier ones are answered"));
    }
    ++pending_;
    ++perSender_[sender];
    std::shared_ptr<Admission> admission(new Admission{*this, loop_, sender});
    loop_.started();
    polkit_.uid(sender, [this, sender, admission, ask = std::move(ask), granted = std::move(granted),
                         refused = std::move(refused)](std::optional<uid_t> uid) mutable {
        loop_.finished();
        if (!uid)
            return refused(toBusError(ErrorKind::NotAuthorized, "cannot identify the caller: it left the bus"));
        if (*uid != 0 && perUid_[*uid] >= kMaxPerUid)
            return refused(toBusError(ErrorKind::Busy, "too many requests of this user in flight; try again shortly"));
        ++perUid_[*uid];
        admission->uid = *uid;
        authorize(Caller{sender, *uid, {}, admission}, std::move(ask), std::move(granted), std::move(refused));
    });
}

void Requests::authorize(Caller caller, Ask ask, Granted granted, Refused refused)
{
    checkNext(std::make_shared<const Ask>(std::move(ask)), 0, std::move(caller), std::move(granted), std::move(refused));
}

void Requests::checkNext(std::shared_ptr<const Ask> ask, std::size_t index, Caller caller, Granted granted, Refused refused)
{
    auto required = ask->actions.size();
    if (index == required + ask->optional.size())
        return granted(std::move(caller));
    const auto& action = index < required ? ask->actions[index] : ask->optional[index - required];
    if (caller.uid == 0) {
        audit::decision(0, caller.sender, action, ask->what, true, {});
        caller.granted.push_back(action);
        return checkNext(ask, index + 1, std::move(caller), std::move(granted), std::move(refused));
    }
    // Only a required action may ask for a password: an optional one is a
    // question the caller did not ask.
    bool interactive = ask->interactive && index < required;
    if (interactive && interactive_ >= kMaxInteractive)
        return refused(toBusError(ErrorKind::Busy, "too many requests are waiting for a password; try again shortly"));
    interactive_ += interactive ? 1 : 0;
    loop_.started();
    auto sender = caller.sender;  // not caller.sender below: the callback takes caller first
    polkit_.check(sender, action, interactive,
                  [this, ask, index, required, action, interactive, caller = std::move(caller), granted = std::move(granted),
                   refused = std::move(refused)](Decision decision) mutable {
                      loop_.finished();
                      interactive_ -= interactive ? 1 : 0;
                      bool allowed = decision.verdict == Verdict::Allowed;
                      audit::decision(caller.uid, caller.sender, action, ask->what, allowed, decision.reason);
                      if (allowed)
                          caller.granted.push_back(action);
                      if (!allowed && index < required)
                          return refused(notAuthorized(decision, action));
                      checkNext(ask, index + 1, std::move(caller), std::move(granted), std::move(refused));
                  });
}

} // namespace remedy
