#pragma once
// Sizes as systemd.resource-control(5) reads them: bytes, or a number with
// a binary suffix (K, M, G, T, P, E: powers of 1024; "KiB" ... too), with a
// fraction, or a sum ("1G 512M"). Memory limits also take "infinity" and a
// percentage of physical memory ("50%", "12.5%"). One grammar for the CLI,
// the bus's string fields and plans.

#include <cstdint>
#include <string>

namespace remedy {

// In bytes, rounded up; throws InvalidArgument, also for 0.
std::uint64_t parseSize(const std::string& text);

// MemoryMax= or MemoryHigh=, as systemd reads it.
struct MemoryLimit {
    enum class Kind { Bytes, Percent, Infinity };
    Kind kind = Kind::Bytes;
    std::uint64_t value = 0;  // bytes, or 1/100 of a percent of physical memory (5000 is 50%)

    static MemoryLimit bytes(std::uint64_t n) { return {Kind::Bytes, n}; }
    static MemoryLimit percent(std::uint64_t permyriad) { return {Kind::Percent, permyriad}; }
    static MemoryLimit infinity() { return {Kind::Infinity, 0}; }

    // As a unit file says it: "2147483648", "50%", "12.5%", "infinity".
    std::string text() const;
    bool operator==(const MemoryLimit&) const = default;
};

// A size, "infinity", or "N%" / "N.N%" / "N.NN%" (more than 0, at most
// 100); throws InvalidArgument.
MemoryLimit parseMemoryLimit(const std::string& text);

// systemd's bus form of a percentage, MemoryMaxScale: a fraction of
// UINT32_MAX. Both ways round to the nearest.
std::uint32_t permyriadToScale(std::uint64_t permyriad);
std::uint64_t scaleToPermyriad(std::uint32_t scale);

} // namespace remedy
