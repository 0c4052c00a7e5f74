#include "authority.h"

#include "dbus/errors.h"
#include "core/lazy_library.h"

#include <polkit/polkit.h>

#include <mutex>

namespace remedy {
namespace {

// libpolkit-gobject-1 and GLib behind it are loaded by the first
// authorization, not by every start: linked, GLib's constructors and
// relocations cost the idle helper 1.7 MiB of RSS (lazy_library.h). The g_*
// functions are found through polkit's own dependencies.
LazyLibrary& libpolkit()
{
    static LazyLibrary library("libpolkit-gobject-1.so.0");
    return library;
}
#define POLKIT(fn) LAZY_CALL(libpolkit(), fn)

} // namespace

struct Authority::Impl {
    std::mutex mutex;
    bool loaded = false;  // all guarded by mutex until set
    GCancellable* cancellable = nullptr;
    GDBusConnection* bus = nullptr;
    PolkitAuthority* authority = nullptr;
    bool cancelled = false;

    ~Impl()
    {
        for (gpointer object : {static_cast<gpointer>(authority), static_cast<gpointer>(bus), static_cast<gpointer>(cancellable)})
            if (object)
                POLKIT(g_object_unref)(object);
    }

    std::string takeMessage(GError* error)
    {
        std::string message = error ? error->message : "unknown error";
        if (error)
            POLKIT(g_error_free)(error);
        return message;
    }

    // Loads polkit and connects on first use; false with `reason` when it cannot.
    bool connect(std::string& reason)
    {
        std::lock_guard lock(mutex);
        if (cancelled) {
            reason = "the helper is stopping";
            return false;
        }
        if (!loaded) {
            try {
                cancellable = POLKIT(g_cancellable_new)();
                loaded = true;
            } catch (const Error& error) {
                reason = std::string("polkit is not available: ") + error.what();
                return false;
            }
        }
        GError* error = nullptr;
        if (!bus && !(bus = POLKIT(g_bus_get_sync)(G_BUS_TYPE_SYSTEM, cancellable, &error))) {
            reason = "cannot connect to the system bus: " + takeMessage(error);
            return false;
        }
        if (!authority && !(authority = POLKIT(polkit_authority_get_sync)(cancellable, &error))) {
            reason = "polkit is not available: " + takeMessage(error);
            return false;
        }
        return true;
    }

    // The uid the bus daemon recorded when the caller connected (SO_PEERCRED):
    // unlike /proc, it cannot be changed by exec'ing something afterwards.
    bool callerUid(const std::string& busName, uid_t& uid, std::string& reason)
    {
        GError* error = nullptr;
        GVariant* reply = POLKIT(g_dbus_connection_call_sync)(
            bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetConnectionUnixUser",
            POLKIT(g_variant_new)("(s)", busName.c_str()), reinterpret_cast<const GVariantType*>("(u)"),
            G_DBUS_CALL_FLAGS_NONE, -1, cancellable, &error);
        if (!reply) {
            reason = "cannot identify the caller: " + takeMessage(error);
            return false;
        }
        guint32 value = 0;
        POLKIT(g_variant_get)(reply, "(u)", &value);
        POLKIT(g_variant_unref)(reply);
        uid = value;
        return true;
    }
};

Authority::Authority() : impl_(std::make_unique<Impl>()) {}
Authority::~Authority() = default;

Decision Authority::check(const std::string& busName, const std::string& actionId, bool interactive)
{
    Decision decision;
    if (!impl_->connect(decision.reason) || !impl_->callerUid(busName, decision.uid, decision.reason))
        return decision;
    if (decision.uid == 0) {
        decision.allowed = true;
        return decision;
    }

    auto* subject = POLKIT(polkit_system_bus_name_new)(busName.c_str());
    auto flags = interactive ? POLKIT_CHECK_AUTHORIZATION_FLAGS_ALLOW_USER_INTERACTION
                             : POLKIT_CHECK_AUTHORIZATION_FLAGS_NONE;
    GError* error = nullptr;
    auto* result = POLKIT(polkit_authority_check_authorization_sync)(impl_->authority, subject, actionId.c_str(), nullptr, flags,
                                               impl_->cancellable, &error);
    POLKIT(g_object_unref)(subject);
    if (!result) {
        decision.reason = "cannot check authorization: " + impl_->takeMessage(error);
        return decision;
    }
    decision.allowed = POLKIT(polkit_authorization_result_get_is_authorized)(result);
    if (!decision.allowed)
        decision.reason = POLKIT(polkit_authorization_result_get_is_challenge)(result) ? "authentication is required and was not possible"
                                                                                     : "not permitted by polkit policy";
    POLKIT(g_object_unref)(result);
    return decision;
}

void Authority::cancelAll()
{
    std::lock_guard lock(impl_->mutex);
    impl_->cancelled = true;
    if (impl_->cancellable)
        POLKIT(g_cancellable_cancel)(impl_->cancellable);
}

} // namespace remedy
