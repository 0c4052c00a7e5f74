#pragma once
// The grammar systemd reads durations and sizes in (systemd.time(7),
// systemd.resource-control(5)): a sum of parts, each a number with an
// optional fraction and a unit ("1min 30s", "1.5G", "1G 512M"), or
// "infinity". duration.h and size.h give it their units.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace remedy {

// The sum in the smallest unit (factor 1), fractions rounded up. A bare
// number (the whole text, without a unit) is counted in `bareFactor`.
// Returns nullopt for "infinity" when `allowInfinity`. Throws
// InvalidArgument "'TEXT' " + `what` for anything else, and for a sum that
// does not fit in 64 bits.
std::optional<std::uint64_t> parseQuantity(const std::string& text,
                                           const std::function<std::optional<std::uint64_t>(std::string_view)>& unit,
                                           std::uint64_t bareFactor, bool allowInfinity, const std::string& what);

} // namespace remedy
