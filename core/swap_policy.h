#pragma once
// How much swap a machine should have, and what a swapfile's size may be.

#include "size.h"  // parseSize

#include <cstdint>
#include <string>

namespace remedy {

inline constexpr std::uint64_t KiB = 1024;
inline constexpr std::uint64_t MiB = 1024 * KiB;
inline constexpr std::uint64_t GiB = 1024 * MiB;

struct Recommendation {
    std::uint64_t size = 0;  // bytes
    std::string reason;      // one sentence a person can check
};

// Red Hat's table (RHEL 9, "Recommended system swap space"): RAM <= 2 GiB:
// twice the RAM; 2-8 GiB: as much as RAM; above 8 GiB: at least 4 GiB.
Recommendation recommendSwap(std::uint64_t ram);

// The size rounded up to whole pages; throws InvalidArgument below the
// kernel's minimum (mkswap needs 10 pages).
std::uint64_t swapfileSize(std::uint64_t requested, std::uint64_t pageSize);

// The free space a swapfile must leave on its file system by default:
// 5 % of the file system, at least 64 MiB.
std::uint64_t defaultReserve(std::uint64_t filesystemSize);

} // namespace remedy
