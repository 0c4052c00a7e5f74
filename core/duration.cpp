#include "duration.h"

#include "error.h"
#include "quantity.h"

#include <utility>

namespace remedy {

std::uint64_t parseDurationMs(const std::string& text, bool allowInfinity)
{
    constexpr std::uint64_t kSec = 1000000, kDay = 86400 * kSec;
    static const std::pair<std::string_view, std::uint64_t> kUnits[] = {
        {"us", 1}, {"usec", 1}, {"µs", 1}, {"μs", 1},
        {"ms", 1000}, {"msec", 1000},
        {"s", kSec}, {"sec", kSec}, {"second", kSec}, {"seconds", kSec},
        {"m", 60 * kSec}, {"min", 60 * kSec}, {"minute", 60 * kSec}, {"minutes", 60 * kSec},
        {"h", 3600 * kSec}, {"hr", 3600 * kSec}, {"hour", 3600 * kSec}, {"hours", 3600 * kSec},
        {"d", kDay}, {"day", kDay}, {"days", kDay},
        {"w", 7 * kDay}, {"week", 7 * kDay}, {"weeks", 7 * kDay},
        {"M", 2629800 * kSec}, {"month", 2629800 * kSec}, {"months", 2629800 * kSec},
        {"y", 31557600 * kSec}, {"year", 31557600 * kSec}, {"years", 31557600 * kSec},
    };
    auto unit = [](std::string_view name) -> std::optional<std::uint64_t> {
        for (const auto& [known, factor] : kUnits)
            if (name == known)
                return factor;
        return std::nullopt;
    };
    auto sum = parseQuantity(text, unit, kSec, allowInfinity,
                             "is not a duration such as 500ms, 1.5s, 1min 30s or 2d");
    if (!sum)
        return kInfiniteDuration;
    return *sum / 1000 + (*sum % 1000 != 0);
}

} // namespace remedy
