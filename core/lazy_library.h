#pragma once
// A shared library loaded on first use instead of at start. remedyd sits
// idle most of its life, and what a library costs an idle process (its
// relocations, its constructors, its own dependencies) is paid only by the
// calls that need it. The function's type comes from the library's header,
// so every call is still checked by the compiler:
//
//     LAZY_CALL(libmount(), mnt_new_table)()

#include <string>

namespace remedy {

class LazyLibrary {
public:
    explicit LazyLibrary(const char* soname) : soname_(soname) {}
    LazyLibrary(const LazyLibrary&) = delete;
    LazyLibrary& operator=(const LazyLibrary&) = delete;

    // The address of `name`, loading the library first if need be (never
    // unloaded). Thread-safe. Throws remedy::Error naming what is missing.
    void* symbol(const char* name);

private:
    const char* soname_;
};

} // namespace remedy

// The function `fn` from `library`, typed as its header declares it; looked
// up once per call site.
#define LAZY_CALL(library, fn) \
    ([]() -> decltype(&fn) { \
        static const auto resolved = reinterpret_cast<decltype(&fn)>((library).symbol(#fn)); \
        return resolved; \
    }())
