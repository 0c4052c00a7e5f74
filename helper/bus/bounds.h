#pragma once
// Bounds on every incoming method call, checked before any adaptor decodes
// it. sdbus-c++ turns an a{sv} into a map of Variants, each a message of its
// own, before a handler runs: a 5 MB dict of 100,000 entries costs far more
// than 64 MiB that way. A match on method calls runs before sd-bus
// dispatches to an object, walks the message without copying it, and
// answers a call beyond the bounds with InvalidArgument; the handler never
// sees it.

#include <sdbus-c++/IConnection.h>

#include <cstddef>

namespace remedy {

struct RequestBounds {
    std::size_t values = 4096;             // every value, at every depth
    std::size_t depth = 8;                 // containers within containers
    std::size_t stringBytes = 1 << 20;     // one string (a plan is the largest)
    std::size_t totalBytes = 2 << 20;      // all strings together
};

// Installs the check on `bus` for calls to `pathPrefix` and below.
void installRequestBounds(sdbus::IConnection& bus, const char* pathPrefix, RequestBounds bounds = {});

} // namespace remedy
