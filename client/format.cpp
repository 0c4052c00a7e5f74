#include "format.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace remedy::client {

bool colourWanted(int fd)
{
    const char* noColour = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    return isatty(fd) && (!noColour || !*noColour) && term && *term && std::strcmp(term, "dumb") != 0;
}

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

ProgressBar::ProgressBar(bool enabled, std::string label) : enabled_(enabled), label_(std::move(label)) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::finish()
{
    if (drawn_)
        std::fputc('\n', stderr);
    drawn_ = false;
}

void ProgressBar::update(double fraction)
{
    if (!enabled_)
        return;
    constexpr int kWidth = 30;
    int filled = static_cast<int>(fraction * kWidth + 0.5);
    std::fprintf(stderr, "\r%s [%s%s] %3d%%", label_.c_str(), std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(kWidth - filled), '.').c_str(), static_cast<int>(fraction * 100 + 0.5));
    std::fflush(stderr);
    drawn_ = true;
}

} // namespace remedy::client
