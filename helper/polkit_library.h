#pragma once
// libpolkit-gobject-1, and the GLib calls that go with it, loaded on the
// first authorization instead of at start. GLib's constructors and
// relocations cost an idle helper about 1.7 MiB of RSS, and most calls
// (reads) never need polkit. The function types come from the headers, so
// the compiler still checks every call.

#include <polkit/polkit.h>

#include <string>

namespace remedy {

struct PolkitLibrary {
    decltype(&polkit_authority_get_sync) authorityGetSync;
    decltype(&polkit_system_bus_name_new) systemBusNameNew;
    decltype(&polkit_authority_check_authorization_sync) checkAuthorizationSync;
    decltype(&polkit_authorization_result_get_is_authorized) resultIsAuthorized;
    decltype(&polkit_authorization_result_get_is_challenge) resultIsChallenge;
    decltype(&g_object_unref) objectUnref;
    decltype(&g_error_free) errorFree;
    decltype(&g_cancellable_new) cancellableNew;
    decltype(&g_cancellable_cancel) cancellableCancel;
    decltype(&g_bus_get_sync) busGetSync;
    decltype(&g_dbus_connection_call_sync) connectionCallSync;
    decltype(&g_variant_new) variantNew;
    decltype(&g_variant_get) variantGet;
    decltype(&g_variant_unref) variantUnref;

    // Loads the library once (thread-safe); nullptr with `error` set when it
    // cannot, which callers treat as a refusal.
    static const PolkitLibrary* load(std::string& error);
};

} // namespace remedy
