#pragma once
// Asks polkit whether the caller behind a unique bus name may do an action,
// over the system bus (org.freedesktop.PolicyKit1.Authority), asynchronously
// on the loop, as systemd's own helpers do: no thread waits, however long a
// person takes to type a password. The subject is the bus name, never a PID
// (CVE-2021-3560); any failure to ask is a refusal.

#include <sdbus-c++/sdbus-c++.h>

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace remedy {

enum class Verdict {
    Allowed,
    Challenge,  // polkit would ask for a password, and the caller did not allow that
    Denied,
};

struct Decision {
    Verdict verdict = Verdict::Denied;
    std::string reason;  // why not, for the log and the caller
};

class Polkit {
public:
    explicit Polkit(sdbus::IConnection& bus);
    ~Polkit();

    // `done` runs on the loop with polkit's answer.
    void check(const std::string& sender, const std::string& action, bool interactive, std::function<void(Decision)> done);

    // The uid the bus daemon recorded when `sender` connected (SO_PEERCRED,
    // not /proc, which a caller can change by exec'ing something), or
    // nothing when it is gone. Remembered: unique names are never reused.
    void uid(const std::string& sender, std::function<void(std::optional<uid_t>)> done);
    // The same, answered at once: for property getters, which cannot wait.
    std::optional<uid_t> uidNow(const std::string& sender);

    // Refuses every check in flight and asks polkit to drop them (stopping).
    void cancelAll();

    std::size_t pending() const { return pending_.size(); }

private:
    void remember(const std::string& sender, uid_t uid);

    std::unique_ptr<sdbus::IProxy> authority_;
    std::unique_ptr<sdbus::IProxy> daemon_;
    std::uint64_t nextId_ = 1;
    struct Pending {
        sdbus::PendingAsyncCall call;
        std::function<void(Decision)> done;
    };
    std::map<std::string, Pending> pending_;  // by cancellation id
    std::map<std::string, uid_t> uids_;       // by bus name; bounded
    bool stopping_ = false;
};

} // namespace remedy
