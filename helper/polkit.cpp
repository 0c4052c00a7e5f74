#include "polkit.h"

#include <chrono>

namespace remedy {
namespace {

constexpr const char* kAuthorityInterface = "org.freedesktop.PolicyKit1.Authority";
constexpr std::uint32_t kAllowUserInteraction = 1;
// A person at a password prompt may take minutes; polkit's own agents give up sooner.
constexpr auto kInteractiveTimeout = std::chrono::minutes(5);
constexpr auto kTimeout = std::chrono::seconds(25);
// Bus names remembered with their uid; a flood of new connections evicts, not grows.
constexpr std::size_t kMaxRememberedNames = 4096;

using Subject = sdbus::Struct<std::string, std::map<std::string, sdbus::Variant>>;
using AuthorizationResult = sdbus::Struct<bool, bool, std::map<std::string, std::string>>;

} // namespace

Polkit::Polkit(sdbus::IConnection& bus)
    : authority_(sdbus::createProxy(bus, "org.freedesktop.PolicyKit1", "/org/freedesktop/PolicyKit1/Authority")),
      daemon_(sdbus::createProxy(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus"))
{
}

Polkit::~Polkit() { cancelAll(); }

void Polkit::remember(const std::string& sender, uid_t uid)
{
    if (uids_.size() >= kMaxRememberedNames)
        uids_.clear();
    uids_[sender] = uid;
}

void Polkit::uid(const std::string& sender, std::function<void(std::optional<uid_t>)> done)
{
    if (auto known = uids_.find(sender); known != uids_.end())
        return done(known->second);
    daemon_->callMethodAsync("GetConnectionUnixUser")
        .onInterface("org.freedesktop.DBus")
        .withArguments(sender)
        .uponReplyInvoke([this, sender, done = std::move(done)](const sdbus::Error* error, std::uint32_t uid) {
            if (error)
                return done(std::nullopt);
            remember(sender, uid);
            done(uid);
        });
}

std::optional<uid_t> Polkit::uidNow(const std::string& sender)
{
    if (auto known = uids_.find(sender); known != uids_.end())
        return known->second;
    try {
        std::uint32_t uid = 0;
        daemon_->callMethod("GetConnectionUnixUser").onInterface("org.freedesktop.DBus").withArguments(sender).storeResultsTo(uid);
        remember(sender, uid);
        return uid;
    } catch (const sdbus::Error&) {
        return std::nullopt;
    }
}

void Polkit::check(const std::string& sender, const std::string& action, bool interactive, std::function<void(Decision)> done)
{
    if (stopping_)
        return done({Verdict::Denied, "the helper is stopping"});
    auto id = "remedy-" + std::to_string(nextId_++);
    Subject subject{"system-bus-name", {{"name", sdbus::Variant(sender)}}};
    std::map<std::string, std::string> details;
    auto call = authority_->callMethodAsync("CheckAuthorization")
                    .onInterface(kAuthorityInterface)
                    .withTimeout(interactive ? std::chrono::microseconds(kInteractiveTimeout) : std::chrono::microseconds(kTimeout))
                    .withArguments(subject, action, details, interactive ? kAllowUserInteraction : 0u, id)
                    .uponReplyInvoke([this, id](const sdbus::Error* error, AuthorizationResult result) {
                        auto it = pending_.find(id);
                        if (it == pending_.end())
                            return;  // refused already by cancelAll()
                        auto done = std::move(it->second.done);
                        pending_.erase(it);
                        if (error)
                            return done({Verdict::Denied, "cannot check authorization: " + error->getMessage()});
                        if (result.get<0>())
                            return done({Verdict::Allowed, {}});
                        if (result.get<1>())
                            return done({Verdict::Challenge, "authentication is required and was not possible"});
                        done({Verdict::Denied, "not permitted by polkit policy"});
                    });
    pending_.emplace(id, Pending{std::move(call), std::move(done)});
}

void Polkit::cancelAll()
{
    stopping_ = true;
    auto pending = std::move(pending_);
    pending_.clear();
    for (auto& [id, check] : pending) {
        check.call.cancel();
        try {
            // Fire and forget: the password prompt closes; nobody waits for polkit's word.
            auto message = authority_->createMethodCall(kAuthorityInterface, "CancelCheckAuthorization");
            message << id;
            message.dontExpectReply();
            authority_->callMethod(message);
        } catch (const sdbus::Error&) {
        }
        check.done({Verdict::Denied, "the helper is stopping"});
    }
}

} // namespace remedy
