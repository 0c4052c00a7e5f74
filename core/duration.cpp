#include "duration.h"

#include "error.h"

#include <limits>
#include <utility>

namespace remedy {

std::uint64_t parseDurationMs(const std::string& text)
{
    static const std::pair<const char*, std::uint64_t> kUnits[] = {{"ms", 1},       {"s", 1000},     {"sec", 1000},
                                                                   {"min", 60000}, {"m", 60000},    {"h", 3600000}};
    auto invalid = [&text] { return Error(ErrorKind::InvalidArgument, "'" + text + "' is not a duration such as 500ms, 10s or 5min"); };
    std::size_t used = 0;
    unsigned long long number = 0;
    if (text.empty() || text[0] < '0' || text[0] > '9')
        throw invalid();
    try {
        number = std::stoull(text, &used);
    } catch (const std::exception&) {
        throw invalid();
    }
    auto unit = text.substr(used);
    // Too large is refused, never wrapped around to a small duration.
    auto scaled = [&](std::uint64_t factor) {
        if (number > std::numeric_limits<std::uint64_t>::max() / factor)
            throw invalid();
        return number * factor;
    };
    if (unit.empty())
        return scaled(1000);
    for (const auto& [name, factor] : kUnits)
        if (unit == name)
            return scaled(factor);
    throw invalid();
}

} // namespace remedy
