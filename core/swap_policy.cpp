#include "swap_policy.h"

#include "error.h"

#include <cmath>
#include <cstdlib>

namespace remedy {
namespace {

std::string gib(std::uint64_t bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / static_cast<double>(GiB));
    return text;
}

} // namespace

Recommendation recommendSwap(std::uint64_t ram)
{
    if (ram <= 2 * GiB)
        return {2 * ram, "RAM is " + gib(ram) + ": up to 2 GiB of RAM, Red Hat recommends twice the RAM"};
    if (ram <= 8 * GiB) {
        // Whole GiB, rounded up: 7.6 GiB of RAM gets 8 GiB.
        auto size = (ram + GiB - 1) / GiB * GiB;
        return {size, "RAM is " + gib(ram) + ": between 2 and 8 GiB of RAM, Red Hat recommends as much swap as RAM"};
    }
    return {4 * GiB, "RAM is " + gib(ram) + ": above 8 GiB of RAM, Red Hat recommends at least 4 GiB"};
}

std::uint64_t swapfileSize(std::uint64_t requested, std::uint64_t pageSize)
{
    const std::uint64_t minimum = 10 * pageSize;
    if (requested < minimum)
        throw Error(ErrorKind::InvalidArgument,
                    "a swapfile needs at least " + std::to_string(minimum) + " bytes (10 pages); asked for " + std::to_string(requested));
    if (requested > UINT64_MAX - pageSize)
        throw Error(ErrorKind::InvalidArgument, "the size is too large");
    return (requested + pageSize - 1) / pageSize * pageSize;
}

std::uint64_t defaultReserve(std::uint64_t filesystemSize) { return std::max<std::uint64_t>(filesystemSize / 20, 64 * MiB); }

} // namespace remedy
