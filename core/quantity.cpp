#include "quantity.h"

#include "error.h"

namespace remedy {
namespace {

bool isSpace(char c) { return c == ' ' || c == '\t'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
// A unit's letters: ASCII, and the two-byte UTF-8 of µ and μ.
bool isUnitByte(char c)
{
    auto b = static_cast<unsigned char>(c);
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b >= 0x80;
}

} // namespace

std::optional<std::uint64_t> parseQuantity(const std::string& text,
                                           const std::function<std::optional<std::uint64_t>(std::string_view)>& unit,
                                           std::uint64_t bareFactor, bool allowInfinity, const std::string& what)
{
    auto invalid = [&](const std::string& why = "") {
        return Error(ErrorKind::InvalidArgument, "'" + text + "' " + what + why);
    };
    std::size_t first = 0, last = text.size();
    while (first < last && isSpace(text[first]))
        ++first;
    while (last > first && isSpace(text[last - 1]))
        --last;
    std::string_view body(text.data() + first, last - first);
    if (body == "infinity") {
        if (!allowInfinity)
            throw invalid(" (infinity is not allowed here)");
        return std::nullopt;
    }
    if (body.empty())
        throw invalid();

    // 128 bits: a sum of parts checked against 64 without overflowing itself
    // (__extension__: GCC's and clang's, which -Wpedantic would flag).
    __extension__ using Wide = unsigned __int128;
    constexpr Wide kMax = UINT64_MAX;
    Wide sum = 0;
    std::size_t at = 0;
    int parts = 0;
    while (at < body.size()) {
        if (!isDigit(body[at]))
            throw invalid();
        Wide whole = 0;
        for (; at < body.size() && isDigit(body[at]); ++at) {
            whole = whole * 10 + static_cast<unsigned>(body[at] - '0');
            if (whole > kMax)
                throw invalid(" (too large)");
        }
        // Up to 18 digits of a fraction count; more cannot change a 64-bit sum's rounding much.
        Wide fraction = 0, scale = 1;
        if (at < body.size() && body[at] == '.') {
            ++at;
            if (at >= body.size() || !isDigit(body[at]))
                throw invalid();
            for (; at < body.size() && isDigit(body[at]); ++at)
                if (scale < 1000000000000000000ull)
                    fraction = fraction * 10 + static_cast<unsigned>(body[at] - '0'), scale *= 10;
        }
        while (at < body.size() && isSpace(body[at]))
            ++at;
        auto start = at;
        while (at < body.size() && isUnitByte(body[at]))
            ++at;
        auto name = body.substr(start, at - start);
        std::uint64_t factor = bareFactor;
        if (name.empty()) {
            if (parts > 0 || at < body.size())
                throw invalid(" (a number without its unit)");
        } else {
            auto known = unit(name);
            if (!known)
                throw invalid(" (unknown unit '" + std::string(name) + "')");
            factor = *known;
        }
        sum += whole * factor + (fraction * factor + scale - 1) / scale;
        if (sum > kMax)
            throw invalid(" (too large)");
        while (at < body.size() && isSpace(body[at]))
            ++at;
        ++parts;
    }
    return static_cast<std::uint64_t>(sum);
}

} // namespace remedy
