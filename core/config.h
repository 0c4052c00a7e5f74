#pragma once
// The administrator's limits on what callers may ask for:
// /etc/remedy/remedyd.conf, "key = value" lines. A caller authorized for an
// action still acts only within these; without the file, the defaults below
// apply, and they are the narrow ones.

#include <cstdint>
#include <string>
#include <vector>

namespace remedy {

inline constexpr const char* kConfigPath = "/etc/remedy/remedyd.conf";

struct Config {
    // Where swapfiles may be created, resized and removed: "/swapfile" is
    // that file, "/swap/" any file directly in that directory.
    std::vector<std::string> swapfilePlaces{"/swapfile", "/swap/"};
    // The free space a swapfile must leave on its file system: the larger
    // of the two. A caller may ask for more ('reserve'), never for less.
    std::uint64_t swapReserve = 64ull * 1024 * 1024;
    unsigned swapReservePercent = 5;
    // Where the metrics timer (run as root) may write its Prometheus file.
    std::vector<std::string> metricsDirectories{"/var/lib/prometheus/node-exporter"};
};

// Parses the file's text; `origin` names it in messages. Throws Failed
// naming the line of an unknown key, a key given twice, a line without '='
// or a bad value: a typo must not quietly widen or narrow what is allowed.
Config parseConfig(const std::string& text, const std::string& origin = kConfigPath);

// <root>/etc/remedy/remedyd.conf; the defaults when it does not exist.
// Throws Failed when it cannot be trusted (not root's, writable by others,
// a symlink, larger than 64 KiB) or does not parse.
Config loadConfig(int root);

// Throws InvalidArgument unless `path` (absolute, normalized) is one of the
// places config.swapfilePlaces allows. Looks at the text only.
void checkSwapfilePlace(const Config& config, const std::string& path);

// The free space a swapfile must leave on a file system of this size.
std::uint64_t swapReserveFloor(const Config& config, std::uint64_t filesystemSize);

} // namespace remedy
