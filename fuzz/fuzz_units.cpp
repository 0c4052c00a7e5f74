// Durations and sizes as people write them, in systemd's grammar:
// parseDurationMs ("5s", "1min 30s", "1.5s", "2d") and parseSize /
// parseMemoryLimit ("2G", "1G 512M", "50%", "infinity"), read from plans,
// the command line and the administrator's config.
//
// Promises checked: a duration of one whole number and one unit is that
// number times the unit, rounded up to ms, and refused when it is more
// than 2^64 µs, never wrapped around; a size is accepted only as a
// positive whole number of bytes that fits; a memory limit reads back from
// its own text.

#include "fuzz.h"

#include "core/duration.h"
#include "core/error.h"
#include "core/size.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>

using namespace remedy;

namespace {

// What parseDurationMs promises (duration.h) for "<digits><unit>",
// computed without overflow; nothing for any other form.
std::optional<std::optional<std::uint64_t>> expectedDuration(std::string_view text)
{
    auto digits = text.find_first_not_of("0123456789");
    if (digits == 0 || text.empty())
        return std::nullopt;
    auto unit = digits == std::string_view::npos ? std::string_view() : text.substr(digits);
    std::uint64_t factor = 0;  // µs
    if (unit.empty() || unit == "s" || unit == "sec")
        factor = 1000000;
    else if (unit == "ms")
        factor = 1000;
    else if (unit == "us")
        factor = 1;
    else if (unit == "min" || unit == "m")
        factor = 60000000;
    else if (unit == "h")
        factor = 3600000000;
    else if (unit == "d")
        factor = 86400000000;
    else
        return std::nullopt;
    std::uint64_t number = 0;
    auto numeral = text.substr(0, digits);
    auto [end, error] = std::from_chars(numeral.data(), numeral.data() + numeral.size(), number);
    if (error != std::errc() || number > UINT64_MAX / factor)
        return std::optional<std::uint64_t>();  // too large: refused, not wrapped
    auto us = number * factor;
    return std::optional<std::uint64_t>(us / 1000 + (us % 1000 != 0));
}

// The number a size starts with, as written: digits and an optional
// fraction after leading blanks. Not strtod's reading, which would take
// "6E44K" (six exbibytes and 44 KiB) as 6e44.
double leadingNumber(std::string_view text)
{
    auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos)
        return 0;
    auto last = text.find_first_not_of("0123456789", first);
    if (last != std::string_view::npos && text[last] == '.')
        last = text.find_first_not_of("0123456789", last + 1);
    return std::strtod(std::string(text.substr(first, last - first)).c_str(), nullptr);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size > 256)
        return -1;
    std::string text(fuzz::view(data, size));

    std::optional<std::uint64_t> duration;
    FUZZ_REFUSABLE(duration = parseDurationMs(text));
    if (auto expected = expectedDuration(text))
        FUZZ_CHECK(duration == *expected, "'" + text + "' read as " + (duration ? std::to_string(*duration) : "refused") + ", expected " +
                                              (*expected ? std::to_string(**expected) : "refused"));

    FUZZ_REFUSABLE({
        auto limit = parseMemoryLimit(text);
        FUZZ_CHECK(parseMemoryLimit(limit.text()) == limit, text + " reads back as " + limit.text());
    });

    FUZZ_REFUSABLE({
        auto bytes = parseSize(text);
        FUZZ_CHECK(bytes > 0, text);
        // Never fewer bytes than the number written (a unit only scales up).
        FUZZ_CHECK(static_cast<double>(bytes) >= leadingNumber(text), text + " read as " + std::to_string(bytes));
    });
    return 0;
}
