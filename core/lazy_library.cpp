#include "lazy_library.h"

#include "error.h"

#include <dlfcn.h>

#include <map>
#include <mutex>

namespace remedy {
namespace {

std::mutex gMutex;

// Handles by soname, so each library is opened once however many
// LazyLibrary objects name it.
void* handleFor(const char* soname)
{
    static std::map<std::string, void*> handles;
    std::lock_guard lock(gMutex);
    auto& handle = handles[soname];
    if (!handle) {
        handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
        if (!handle)
            throw Error(ErrorKind::Failed, std::string("cannot load ") + soname + ": " + dlerror());
    }
    return handle;
}

} // namespace

void* LazyLibrary::symbol(const char* name)
{
    void* address = dlsym(handleFor(soname_), name);
    if (!address)
        throw Error(ErrorKind::Failed, std::string("cannot find ") + name + " in " + soname_);
    return address;
}

} // namespace remedy
