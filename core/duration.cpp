#include "duration.h"

#include "error.h"

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
    if (unit.empty())
        return number * 1000;
    for (const auto& [name, factor] : kUnits)
        if (unit == name)
            return number * factor;
    throw invalid();
}

} // namespace remedy
