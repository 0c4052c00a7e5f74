#include "size.h"

#include "error.h"
#include "quantity.h"

#include <algorithm>
#include <utility>

namespace remedy {

std::uint64_t parseSize(const std::string& text)
{
    static const std::pair<std::string_view, std::uint64_t> kUnits[] = {
        {"B", 1},          {"K", 1ull << 10}, {"k", 1ull << 10}, {"KiB", 1ull << 10}, {"M", 1ull << 20}, {"MiB", 1ull << 20},
        {"G", 1ull << 30}, {"GiB", 1ull << 30}, {"T", 1ull << 40}, {"TiB", 1ull << 40}, {"P", 1ull << 50}, {"PiB", 1ull << 50},
        {"E", 1ull << 60}, {"EiB", 1ull << 60},
    };
    auto unit = [](std::string_view name) -> std::optional<std::uint64_t> {
        for (const auto& [known, factor] : kUnits)
            if (name == known)
                return factor;
        return std::nullopt;
    };
    auto bytes = *parseQuantity(text, unit, 1, false, "is not a size (examples: 2G, 512M, 1.5G, 1073741824; K, M, G, T are powers of 1024)");
    if (bytes == 0)
        throw Error(ErrorKind::InvalidArgument, "'" + text + "' is not a size: it is zero");
    return bytes;
}

MemoryLimit parseMemoryLimit(const std::string& text)
{
    if (text == "infinity")
        return MemoryLimit::infinity();
    if (text.empty() || text.back() != '%')
        return MemoryLimit::bytes(parseSize(text));
    // "N%", "N.N%", "N.NN%": systemd's own precision (a permyriad).
    auto number = text.substr(0, text.size() - 1);
    auto dot = number.find('.');
    auto whole = number.substr(0, dot);
    auto fraction = dot == std::string::npos ? std::string() : number.substr(dot + 1);
    auto digits = [](const std::string& s) { return s.find_first_not_of("0123456789") == std::string::npos; };
    if (whole.empty() || whole.size() > 3 || !digits(whole) || fraction.size() > 2 || !digits(fraction) ||
        (dot != std::string::npos && fraction.empty()))
        throw Error(ErrorKind::InvalidArgument, "'" + text + "' is not a percentage of memory such as 50% or 12.5%");
    fraction.resize(2, '0');
    auto permyriad = std::stoull(whole) * 100 + std::stoull(fraction);
    if (permyriad == 0 || permyriad > 10000)
        throw Error(ErrorKind::InvalidArgument, "'" + text + "': a share of memory must be more than 0% and at most 100%");
    return MemoryLimit::percent(permyriad);
}

std::string MemoryLimit::text() const
{
    switch (kind) {
    case Kind::Infinity: return "infinity";
    case Kind::Percent: {
        auto out = std::to_string(value / 100);
        if (auto rest = value % 100)
            out += rest % 10 ? "." + std::to_string(rest / 10) + std::to_string(rest % 10) : "." + std::to_string(rest / 10);
        return out + "%";
    }
    case Kind::Bytes: break;
    }
    return std::to_string(value);
}

std::uint32_t permyriadToScale(std::uint64_t permyriad)
{
    return static_cast<std::uint32_t>((std::min<std::uint64_t>(permyriad, 10000) * UINT32_MAX + 5000) / 10000);
}

std::uint64_t scaleToPermyriad(std::uint32_t scale) { return (static_cast<std::uint64_t>(scale) * 10000 + UINT32_MAX / 2) / UINT32_MAX; }

} // namespace remedy
