#pragma once

#include <string>

namespace remedy {

// Where the helper acts (--root): "/" on a real system, a scratch folder in
// the tests. Its etc/fstab and the paths callers name are below it.
struct Root {
    std::string path = "/";
};

} // namespace remedy
