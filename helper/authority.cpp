#include "authority.h"

#include "polkit_library.h"

#include <mutex>

namespace remedy {

struct Authority::Impl {
    std::mutex mutex;
    const PolkitLibrary* lib = nullptr;  // all guarded by mutex until set
    GCancellable* cancellable = nullptr;
    GDBusConnection* bus = nullptr;
    PolkitAuthority* authority = nullptr;
    bool cancelled = false;

    ~Impl()
    {
        for (gpointer object : {static_cast<gpointer>(authority), static_cast<gpointer>(bus), static_cast<gpointer>(cancellable)})
            if (object)
                lib->objectUnref(object);
    }

    std::string takeMessage(GError* error)
    {
        std::string message = error ? error->message : "unknown error";
        if (error)
            lib->errorFree(error);
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
        if (!lib && !(lib = PolkitLibrary::load(reason)))
            return false;
        if (!cancellable)
            cancellable = lib->cancellableNew();
        GError* error = nullptr;
        if (!bus && !(bus = lib->busGetSync(G_BUS_TYPE_SYSTEM, cancellable, &error))) {
            reason = "cannot connect to the system bus: " + takeMessage(error);
            return false;
        }
        if (!authority && !(authority = lib->authorityGetSync(cancellable, &error))) {
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
        GVariant* reply = lib->connectionCallSync(
            bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetConnectionUnixUser",
            lib->variantNew("(s)", busName.c_str()), reinterpret_cast<const GVariantType*>("(u)"),
            G_DBUS_CALL_FLAGS_NONE, -1, cancellable, &error);
        if (!reply) {
            reason = "cannot identify the caller: " + takeMessage(error);
            return false;
        }
        guint32 value = 0;
        lib->variantGet(reply, "(u)", &value);
        lib->variantUnref(reply);
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

    const auto* lib = impl_->lib;
    auto* subject = lib->systemBusNameNew(busName.c_str());
    auto flags = interactive ? POLKIT_CHECK_AUTHORIZATION_FLAGS_ALLOW_USER_INTERACTION
                             : POLKIT_CHECK_AUTHORIZATION_FLAGS_NONE;
    GError* error = nullptr;
    auto* result = lib->checkAuthorizationSync(impl_->authority, subject, actionId.c_str(), nullptr, flags,
                                               impl_->cancellable, &error);
    lib->objectUnref(subject);
    if (!result) {
        decision.reason = "cannot check authorization: " + impl_->takeMessage(error);
        return decision;
    }
    decision.allowed = lib->resultIsAuthorized(result);
    if (!decision.allowed)
        decision.reason = lib->resultIsChallenge(result) ? "authentication is required and was not possible"
                                                         : "not permitted by polkit policy";
    lib->objectUnref(result);
    return decision;
}

void Authority::cancelAll()
{
    std::lock_guard lock(impl_->mutex);
    impl_->cancelled = true;
    if (impl_->cancellable)
        impl_->lib->cancellableCancel(impl_->cancellable);
}

} // namespace remedy
