#pragma once

#include <cstdint>
#include <string>

namespace remedy {

// "500ms", "10s", "5min", "1h" (a bare number is seconds) in milliseconds.
// Throws InvalidArgument for anything else.
std::uint64_t parseDurationMs(const std::string& text);

} // namespace remedy
