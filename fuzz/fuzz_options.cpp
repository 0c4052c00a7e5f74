// A method's a{sv} options as remedyd decodes them (helper/bus/options.h:
// OptionReader, readChangeOptions), built from the input without a bus.
//
// Input: one option a line, "SIGNATURE KEY VALUE": b (0/1), i, u, t, d, s,
// "as" (comma-separated), "v" (a variant holding a string).
//
// Promises checked: a dict with a key the method does not know is refused
// with InvalidArgument naming it; one with only known keys is accepted; a
// value is returned only when its type is the one asked for, otherwise
// InvalidArgument; nothing else is ever thrown.

#include "fuzz.h"

#include "bus/options.h"

#include <algorithm>
#include <charconv>

using namespace remedy;

namespace {

template <typename T>
T number(std::string_view text)
{
    T value{};
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

std::vector<std::string> split(std::string_view text, char separator)
{
    std::vector<std::string> out;
    while (!text.empty()) {
        auto at = text.find(separator);
        out.emplace_back(text.substr(0, at));
        if (at == std::string_view::npos)
            break;
        text.remove_prefix(at + 1);
    }
    return out;
}

Options optionsFrom(std::string_view input)
{
    Options options;
    for (const auto& line : split(input, '\n')) {
        auto space = line.find(' ');
        if (space == std::string::npos)
            continue;
        auto signature = line.substr(0, space);
        auto rest = std::string_view(line).substr(space + 1);
        auto second = rest.find(' ');
        std::string key(rest.substr(0, second));
        auto value = second == std::string_view::npos ? std::string_view() : rest.substr(second + 1);
        if (signature == "b")
            options[key] = sdbus::Variant(value == "1");
        else if (signature == "i")
            options[key] = sdbus::Variant(number<std::int32_t>(value));
        else if (signature == "u")
            options[key] = sdbus::Variant(number<std::uint32_t>(value));
        else if (signature == "t")
            options[key] = sdbus::Variant(number<std::uint64_t>(value));
        else if (signature == "d")
            options[key] = sdbus::Variant(static_cast<double>(number<std::int64_t>(value)));
        else if (signature == "s")
            options[key] = sdbus::Variant(std::string(value));
        else if (signature == "as")
            options[key] = sdbus::Variant(split(value, ','));
        else if (signature == "v")
            options[key] = sdbus::Variant(sdbus::Variant(std::string(value)));
    }
    return options;
}

bool invalidArgument(const sdbus::Error& error) { return error.getName() == errorName(ErrorKind::InvalidArgument); }

template <typename Read>
void readAs(const sdbus::Variant& value, const char* signature, Read&& read)
{
    try {
        read();
        FUZZ_CHECK(value.peekValueType() == signature, value.peekValueType() + " read as " + signature);
    } catch (const sdbus::Error& error) {
        FUZZ_CHECK(invalidArgument(error) && value.peekValueType() != signature, error.getName() + ": " + error.getMessage());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size > 64 * 1024)
        return -1;
    Options options;
    try {
        options = optionsFrom(fuzz::view(data, size));
    } catch (const sdbus::Error&) {
        return 0;  // a value sd-bus would not put in a message (a string that is not UTF-8)
    }

    const std::initializer_list<const char*> known = {"priority", "persist", "reserve", "exec-start", "user", "dry-run", "auth.interactive"};
    std::optional<std::string> unknown;  // the first, in the dict's order
    for (const auto& [key, value] : options)
        if (std::find(known.begin(), known.end(), key) == known.end() && !unknown)
            unknown = key;
    try {
        OptionReader read(options, known);
        FUZZ_CHECK(!unknown, "unknown option '" + *unknown + "' accepted");
        for (const auto& option : options) {
            const auto& key = option.first;  // clang 14 cannot capture a structured binding
            const auto& value = option.second;
            readAs(value, "b", [&] { read.flag(key); });
            readAs(value, "i", [&] { read.int32(key); });
            readAs(value, "u", [&] { read.uint32(key); });
            readAs(value, "t", [&] { read.uint64(key); });
            readAs(value, "s", [&] { read.string(key); });
            readAs(value, "as", [&] { read.strings(key); });
        }
        FUZZ_CHECK(read.flag("absent", true) && !read.string("absent"), "an absent option read as present");
    } catch (const sdbus::Error& error) {
        FUZZ_CHECK(invalidArgument(error) && unknown && error.getMessage().find("'" + *unknown + "'") != std::string::npos,
                   error.getName() + ": " + error.getMessage());
    }
    try {
        readChangeOptions(options);
    } catch (const sdbus::Error& error) {
        FUZZ_CHECK(invalidArgument(error), error.getName() + ": " + error.getMessage());
    }
    return 0;
}
