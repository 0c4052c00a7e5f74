#pragma once

#include "core/config.h"

#include <string>

namespace remedy {

// Where the helper acts (--root): "/" on a real system, a scratch folder in
// the tests. Its etc/fstab and the paths callers name are below it, and so
// is the administrator's etc/remedy/remedyd.conf, read once at start.
struct Root {
    std::string path = "/";
    Config config{};
};

} // namespace remedy
