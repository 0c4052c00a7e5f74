#pragma once
// Bounds on every incoming method call, checked before any adaptor decodes
// it. sdbus-c++ turns an a{sv} into a map of Variants, each a message of its
// own, before a handler runs: a 5 MB dict of 100,000 entries costs far more
// than 64 MiB that way. An sd-bus filter runs before sd-bus dispatches a
// call to an object, walks the message without copying it, and answers a
// call beyond the bounds with InvalidArgument; the handler never sees it.

#include <sdbus-c++/IConnection.h>

#include <cstddef>
#include <string>

namespace remedy {

struct RequestBounds {
    std::size_t values = 4096;             // every value, at every depth
    std::size_t depth = 8;                 // containers within containers
    std::size_t stringBytes = 1 << 20;     // one string (a plan is the largest)
    std::size_t totalBytes = 2 << 20;      // all strings together
};

// Installs the check on `bus` for calls to `pathPrefix` and below.
void installRequestBounds(sdbus::IConnection& bus, const char* pathPrefix, RequestBounds bounds = {});

// The sender of the call being dispatched now (loop thread): property
// getters and setters, where sdbus-c++ 1.2 gives no current message, ask
// here who is asking.
const std::string& incomingSender();

} // namespace remedy
