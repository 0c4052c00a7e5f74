// Durations and sizes as people write them: parseDurationMs ("5s",
// "500ms", "5min") and parseSize ("2G", "1.5GiB", "4096"), read from plans,
// the command line and the administrator's config.
//
// Promises checked: a duration is accepted exactly when it is digits and
// one of the units, and its value is that number times the unit, never a
// number that wrapped around; a size is accepted only as a positive whole
// number of bytes that fits.

#include "fuzz.h"

#include "core/duration.h"
#include "core/swap_policy.h"

#include <charconv>
#include <cmath>
#include <optional>

using namespace remedy;

namespace {

// What parseDurationMs promises (duration.h), computed without overflow.
std::optional<std::uint64_t> expectedDuration(std::string_view text)
{
    auto digits = text.find_first_not_of("0123456789");
    if (digits == 0)
        return std::nullopt;
    auto unit = digits == std::string_view::npos ? std::string_view() : text.substr(digits);
    std::uint64_t factor = 0;
    if (unit.empty() || unit == "s" || unit == "sec")
        factor = 1000;
    else if (unit == "ms")
        factor = 1;
    else if (unit == "min" || unit == "m")
        factor = 60000;
    else if (unit == "h")
        factor = 3600000;
    else
        return std::nullopt;
    std::uint64_t number = 0;
    auto numeral = text.substr(0, digits);
    auto [end, error] = std::from_chars(numeral.data(), numeral.data() + numeral.size(), number);
    if (error != std::errc() || number > UINT64_MAX / factor)
        return std::nullopt;  // too large: refused, not wrapped
    return number * factor;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size > 256)
        return -1;
    std::string text(fuzz::view(data, size));

    std::optional<std::uint64_t> duration;
    FUZZ_REFUSABLE(duration = parseDurationMs(text));
    auto expected = expectedDuration(text);
    FUZZ_CHECK(duration == expected, "'" + text + "' read as " + (duration ? std::to_string(*duration) : "refused") + ", expected " +
                                         (expected ? std::to_string(*expected) : "refused"));

    FUZZ_REFUSABLE({
        auto bytes = parseSize(text);
        FUZZ_CHECK(bytes > 0, text);
        // Never fewer bytes than the number written (a unit only scales up).
        char* end = nullptr;
        double value = std::strtod(text.c_str(), &end);
        FUZZ_CHECK(static_cast<double>(bytes) >= value, text + " read as " + std::to_string(bytes));
    });
    return 0;
}
