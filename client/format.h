#pragma once
// Human-readable output: sizes as free -h shows them.

#include <cstdint>
#include <string>

namespace remedy::client {

// Whether to colour what goes to `fd`: a terminal, and neither NO_COLOR
// (no-color.org) nor TERM=dumb (or no TERM) says otherwise.
bool colourWanted(int fd);

// 1536 -> "1.5K", 8160437862 -> "7.6G" (binary units, one decimal below 10).
std::string humanBytes(std::uint64_t bytes);

// A progress bar on stderr, drawn only where a person watches (a TTY).
class ProgressBar {
public:
    ProgressBar(bool enabled, std::string label);
    ~ProgressBar();
    void update(double fraction);
    // Ends the bar's line, so what follows starts on a line of its own.
    void finish();

private:
    bool enabled_;
    bool drawn_ = false;
    std::string label_;
};

} // namespace remedy::client
