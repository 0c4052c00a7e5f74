#pragma once
// Durations as systemd.time(7) writes them: "500ms", "1.5s", "1min 30s",
// "2d", "1h30min", "90" (a bare number is seconds). One grammar for the CLI,
// the bus's string fields and plans.

#include <cstdint>
#include <string>

namespace remedy {

inline constexpr std::uint64_t kInfiniteDuration = UINT64_MAX;

// In milliseconds, rounded up (a duration that is not zero never becomes
// zero). Units: us/usec/µs, ms/msec, s/sec/second(s), m/min/minute(s),
// h/hr/hour(s), d/day(s), w/week(s), M/month(s) (30.44 d), y/year(s)
// (365.25 d); parts may be separated by spaces and have a fraction.
// "infinity" is kInfiniteDuration when `allowInfinity`. Throws
// InvalidArgument for anything else, and for a sum beyond 2^64 µs.
std::uint64_t parseDurationMs(const std::string& text, bool allowInfinity = false);

} // namespace remedy
