#include "polkit_library.h"

#include <dlfcn.h>

namespace remedy {
namespace {

constexpr const char* kLibrary = "libpolkit-gobject-1.so.0";

template <typename Function>
bool resolve(void* handle, const char* name, Function& out, std::string& error)
{
    out = reinterpret_cast<Function>(dlsym(handle, name));
    if (!out)
        error = std::string("cannot find ") + name + " in " + kLibrary;
    return out != nullptr;
}

struct Loaded {
    PolkitLibrary library{};
    std::string error;
    bool ok = false;

    Loaded()
    {
        // Never unloaded: GLib does not support it.
        void* handle = dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            error = std::string("cannot load ") + kLibrary + ": " + dlerror();
            return;
        }
        auto& l = library;
        ok = resolve(handle, "polkit_authority_get_sync", l.authorityGetSync, error) &&
             resolve(handle, "polkit_system_bus_name_new", l.systemBusNameNew, error) &&
             resolve(handle, "polkit_authority_check_authorization_sync", l.checkAuthorizationSync, error) &&
             resolve(handle, "polkit_authorization_result_get_is_authorized", l.resultIsAuthorized, error) &&
             resolve(handle, "polkit_authorization_result_get_is_challenge", l.resultIsChallenge, error) &&
             resolve(handle, "g_object_unref", l.objectUnref, error) &&
             resolve(handle, "g_error_free", l.errorFree, error) &&
             resolve(handle, "g_cancellable_new", l.cancellableNew, error) &&
             resolve(handle, "g_cancellable_cancel", l.cancellableCancel, error) &&
             resolve(handle, "g_bus_get_sync", l.busGetSync, error) &&
             resolve(handle, "g_dbus_connection_call_sync", l.connectionCallSync, error) &&
             resolve(handle, "g_variant_new", l.variantNew, error) &&
             resolve(handle, "g_variant_get", l.variantGet, error) &&
             resolve(handle, "g_variant_unref", l.variantUnref, error);
    }
};

} // namespace

const PolkitLibrary* PolkitLibrary::load(std::string& error)
{
    static const Loaded loaded;  // C++ guarantees one thread-safe initialization
    if (!loaded.ok)
        error = loaded.error;
    return loaded.ok ? &loaded.library : nullptr;
}

} // namespace remedy
