#include "format.h"

#include <array>
#include <cstdio>

namespace remedy::client {

std::string humanBytes(std::uint64_t bytes)
{
    static constexpr std::array kUnits = {"B", "K", "M", "G", "T", "P", "E"};
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < kUnits.size()) {
        value /= 1024;
        ++unit;
    }
    char text[32];
    if (unit == 0)
        std::snprintf(text, sizeof text, "%lluB", static_cast<unsigned long long>(bytes));
    else if (value < 10)
        std::snprintf(text, sizeof text, "%.1f%s", value, kUnits[unit]);
    else
        std::snprintf(text, sizeof text, "%.0f%s", value, kUnits[unit]);
    return text;
}

} // namespace remedy::client
