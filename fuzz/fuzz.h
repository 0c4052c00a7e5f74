#pragma once
// What every fuzz target shares. A target feeds its input to one parser and
// then checks what the parser promised, not only that it did not crash:
// a broken promise ends the run with the input libFuzzer found, as a crash
// does.
//
// Parsers throw remedy::Error for input they refuse: that is their answer,
// not a failure. Any other exception escaping a parser is a finding (the
// helper would report it as Failed with a message meant for no one), so the
// targets let it through to libFuzzer.

#include "core/error.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <optional>
#include <string_view>

namespace remedy::fuzz {

inline std::string_view view(const std::uint8_t* data, std::size_t size)
{
    return {reinterpret_cast<const char*>(data), size};
}

// A broken promise: says which, shows the values (escaped), and aborts so
// libFuzzer keeps the input as a crash.
[[noreturn]] inline void broken(const char* file, int line, const char* what, const std::string& detail)
{
    std::fprintf(stderr, "\n%s:%d: broken promise: %s\n", file, line, what);
    if (!detail.empty()) {
        std::string shown;
        for (unsigned char c : detail) {
            if (c == '\n' || (c >= 0x20 && c < 0x7f && c != '\\')) {
                shown += static_cast<char>(c);
            } else {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
                shown += escaped;
            }
        }
        std::fprintf(stderr, "%s\n", shown.c_str());
    }
    std::abort();
}

} // namespace remedy::fuzz

#define FUZZ_CHECK(condition, detail) \
    do { \
        if (!(condition)) \
            ::remedy::fuzz::broken(__FILE__, __LINE__, #condition, (detail)); \
    } while (0)

// Runs `body`; remedy::Error is the parser refusing the input.
#define FUZZ_REFUSABLE(body) \
    do { \
        try { \
            body; \
        } catch (const ::remedy::Error&) { \
        } \
    } while (0)
