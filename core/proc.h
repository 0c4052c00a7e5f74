#pragma once
// Parsers for the kernel's memory and swap reports. They take the text of the
// file, so tests feed them captured samples.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace remedy {

struct MemInfo {
    std::uint64_t total = 0;      // MemTotal, bytes
    std::uint64_t available = 0;  // MemAvailable, bytes
    std::uint64_t swapTotal = 0;  // SwapTotal, bytes
    std::uint64_t swapFree = 0;   // SwapFree, bytes
};

struct SwapArea {
    std::string path;  // unescaped: "/swap file", not "/swap\040file"
    std::string type;  // "file" or "partition"
    std::uint64_t size = 0;  // bytes
    std::uint64_t used = 0;  // bytes
    int priority = 0;
};

// Parses /proc/meminfo. Throws remedy::Error when MemTotal is missing or a
// value is not a number of kB: a report we cannot read is not "0 bytes".
MemInfo parseMemInfo(std::string_view text);

// This machine's RAM in bytes (MemTotal of /proc/meminfo).
std::uint64_t systemMemoryTotal();

// Parses /proc/swaps. An empty table (header only) is no swap at all.
std::vector<SwapArea> parseSwaps(std::string_view text);

// Undoes the kernel's octal escaping of white space and backslashes in paths
// (seq_file's mangle_path: "\040" for a space).
std::string unescapeOctal(std::string_view text);

// Reads a whole file (also /proc files, whose size is unknown up front).
std::string readFile(const std::string& path);

} // namespace remedy
