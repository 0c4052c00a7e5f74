#include "authority.h"

#include <polkit/polkit.h>

#include <mutex>

namespace remedy {
namespace {

struct GObjectUnref {
    void operator()(gpointer object) const { g_object_unref(object); }
};
template <typename T>
using GRef = std::unique_ptr<T, GObjectUnref>;

struct GErrorFree {
    void operator()(GError* error) const { g_error_free(error); }
};
using GErrorPtr = std::unique_ptr<GError, GErrorFree>;

} // namespace

struct Authority::Impl {
    GRef<GCancellable> cancellable{g_cancellable_new()};
    std::mutex mutex;
    GRef<GDBusConnection> bus;           // guarded by mutex until set
    GRef<PolkitAuthority> authority;     // guarded by mutex until set

    GDBusConnection* systemBus(std::string& reason)
    {
        std::lock_guard lock(mutex);
        if (!bus) {
            GError* error = nullptr;
            bus.reset(g_bus_get_sync(G_BUS_TYPE_SYSTEM, cancellable.get(), &error));
            if (!bus) {
                reason = std::string("cannot connect to the system bus: ") + GErrorPtr(error)->message;
                return nullptr;
            }
        }
        return bus.get();
    }

    PolkitAuthority* polkit(std::string& reason)
    {
        std::lock_guard lock(mutex);
        if (!authority) {
            GError* error = nullptr;
            authority.reset(polkit_authority_get_sync(cancellable.get(), &error));
            if (!authority) {
                reason = std::string("polkit is not available: ") + GErrorPtr(error)->message;
                return nullptr;
            }
        }
        return authority.get();
    }

    // The uid the bus daemon recorded when the caller connected (SO_PEERCRED),
    // which cannot be spoofed by exec'ing a setuid binary afterwards.
    bool callerUid(const std::string& busName, uid_t& uid, std::string& reason)
    {
        auto* connection = systemBus(reason);
        if (!connection)
            return false;
        GError* error = nullptr;
        GVariant* reply = g_dbus_connection_call_sync(
            connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
            "GetConnectionUnixUser", g_variant_new("(s)", busName.c_str()), G_VARIANT_TYPE("(u)"),
            G_DBUS_CALL_FLAGS_NONE, -1, cancellable.get(), &error);
        if (!reply) {
            reason = std::string("cannot identify the caller: ") + GErrorPtr(error)->message;
            return false;
        }
        guint32 value = 0;
        g_variant_get(reply, "(u)", &value);
        g_variant_unref(reply);
        uid = value;
        return true;
    }
};

Authority::Authority() : impl_(std::make_unique<Impl>()) {}
Authority::~Authority() = default;

Decision Authority::check(const std::string& busName, const std::string& actionId, bool interactive)
{
    Decision decision;
    if (!impl_->callerUid(busName, decision.uid, decision.reason))
        return decision;
    if (decision.uid == 0) {
        decision.allowed = true;
        return decision;
    }
    auto* authority = impl_->polkit(decision.reason);
    if (!authority)
        return decision;

    GRef<PolkitSubject> subject(polkit_system_bus_name_new(busName.c_str()));
    auto flags = interactive ? POLKIT_CHECK_AUTHORIZATION_FLAGS_ALLOW_USER_INTERACTION
                             : POLKIT_CHECK_AUTHORIZATION_FLAGS_NONE;
    GError* error = nullptr;
    GRef<PolkitAuthorizationResult> result(polkit_authority_check_authorization_sync(
        authority, subject.get(), actionId.c_str(), nullptr, flags, impl_->cancellable.get(), &error));
    if (!result) {
        decision.reason = std::string("cannot check authorization: ") + GErrorPtr(error)->message;
        return decision;
    }
    decision.allowed = polkit_authorization_result_get_is_authorized(result.get());
    if (!decision.allowed)
        decision.reason = polkit_authorization_result_get_is_challenge(result.get())
                              ? "authentication is required and was not possible"
                              : "not permitted by polkit policy";
    return decision;
}

void Authority::cancelAll() { g_cancellable_cancel(impl_->cancellable.get()); }

} // namespace remedy
