#include "config.h"

#include "error.h"
#include "healthcheck.h"
#include "swap_policy.h"
#include "trusted_path.h"
#include "unique_fd.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <sstream>

namespace remedy {
namespace {

constexpr std::size_t kMaxConfigSize = 64 * 1024;

std::string trim(const std::string& text)
{
    auto first = text.find_first_not_of(" \t\r");
    if (first == std::string::npos)
        return "";
    return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

std::vector<std::string> words(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string word; in >> word;)
        out.push_back(word);
    return out;
}

// A place is a normalized absolute path; a trailing '/' makes it a directory.
void checkPlace(const std::string& place)
{
    bool directory = place.size() > 1 && place.back() == '/';
    auto path = directory ? place.substr(0, place.size() - 1) : place;
    if (path == "/")
        throw Error(ErrorKind::InvalidArgument, "'/' cannot hold swapfiles here; name a file or a directory below it");
    splitAbsolutePath(path);  // absolute, no "..", ".", "//"
}

std::uint64_t parseReserve(const std::string& value)
{
    // parseSize refuses 0, which is a fair floor for an administrator to set.
    return value == "0" ? 0 : parseSize(value);
}

unsigned parsePercent(const std::string& value)
{
    if (value.empty() || value.size() > 2 || value.find_first_not_of("0123456789") != std::string::npos)
        throw Error(ErrorKind::InvalidArgument, "'" + value + "' is not a whole percentage from 0 to 90");
    auto percent = static_cast<unsigned>(std::stoul(value));
    if (percent > 90)
        throw Error(ErrorKind::InvalidArgument, "'" + value + "' is not a whole percentage from 0 to 90");
    return percent;
}

} // namespace

Config parseConfig(const std::string& text, const std::string& origin)
{
    Config config;
    using Setter = std::function<void(const std::string&)>;
    const std::map<std::string, Setter> keys = {
        {"swapfile_places",
         [&](const std::string& value) {
             config.swapfilePlaces = words(value);
             std::for_each(config.swapfilePlaces.begin(), config.swapfilePlaces.end(), checkPlace);
         }},
        {"swap_reserve", [&](const std::string& value) { config.swapReserve = parseReserve(value); }},
        {"swap_reserve_percent", [&](const std::string& value) { config.swapReservePercent = parsePercent(value); }},
        {"metrics_directories",
         [&](const std::string& value) {
             config.metricsDirectories = words(value);
             for (const auto& directory : config.metricsDirectories)
                 metricsStateDirectory(directory);
         }},
    };
    std::set<std::string> seen;
    std::istringstream in(text);
    int number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        auto fail = [&](const std::string& message) {
            throw Error(ErrorKind::Failed, origin + " line " + std::to_string(number) + ": " + message);
        };
        line = trim(line);
        if (line.empty() || line[0] == '#')
            continue;
        auto equals = line.find('=');
        if (equals == std::string::npos)
            fail("'" + line + "' is not 'key = value'");
        auto key = trim(line.substr(0, equals));
        auto setter = keys.find(key);
        if (setter == keys.end()) {
            std::string known;
            for (const auto& [name, _] : keys)
                known += (known.empty() ? "" : ", ") + name;
            fail("unknown key '" + key + "' (known: " + known + ")");
        }
        if (!seen.insert(key).second)
            fail("'" + key + "' is set twice");
        if (line.find('#', equals) != std::string::npos)
            fail("comments go on lines of their own ('#' in the value of " + key + ")");
        try {
            setter->second(trim(line.substr(equals + 1)));
        } catch (const Error& error) {
            fail(key + ": " + error.what());
        }
    }
    return config;
}

Config loadConfig(int root)
{
    auto fail = [](const std::string& message) { throw Error(ErrorKind::Failed, std::string(kConfigPath) + ": " + message); };
    struct stat st {};
    // Missing file: the defaults. Anything else is opened the trusted way,
    // which refuses symlinks and directories others could change.
    if (fstatat(root, "etc/remedy/remedyd.conf", &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT)
        return Config{};
    UniqueFd dir;
    try {
        dir = openTrustedParent(root, splitAbsolutePath(kConfigPath), kConfigPath);
    } catch (const Error& error) {
        fail(error.what());
    }
    UniqueFd fd(openat(dir.get(), "remedyd.conf", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
    if (!fd && errno == ENOENT)
        return Config{};
    if (!fd)
        fail(errno == ELOOP ? "is a symbolic link; remedy does not follow it" : std::string("cannot open: ") + std::strerror(errno));
    if (fstat(fd.get(), &st) != 0)
        fail(std::string("cannot stat: ") + std::strerror(errno));
    // Whoever can write the file decides what callers may do.
    if (!S_ISREG(st.st_mode))
        fail("is not a regular file");
    if (st.st_uid != 0)
        fail("is owned by uid " + std::to_string(st.st_uid) + ", not root");
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        fail("is writable by others than root");
    if (static_cast<std::uint64_t>(st.st_size) > kMaxConfigSize)
        fail("is larger than " + std::to_string(kMaxConfigSize / 1024) + " KiB");
    std::string text(kMaxConfigSize + 1, '\0');
    std::size_t length = 0;
    while (length < text.size()) {
        ssize_t n = read(fd.get(), text.data() + length, text.size() - length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail(std::string("cannot read: ") + std::strerror(errno));
        if (n == 0)
            break;
        length += static_cast<std::size_t>(n);
    }
    if (length > kMaxConfigSize)
        fail("is larger than " + std::to_string(kMaxConfigSize / 1024) + " KiB");
    text.resize(length);
    return parseConfig(text);
}

void checkSwapfilePlace(const Config& config, const std::string& path)
{
    auto components = splitAbsolutePath(path);
    auto parent = path.substr(0, path.size() - components.back().size());  // with its trailing '/'
    // Names starting with '.' are remedy's own temporaries beside a swapfile.
    bool hidden = components.back().front() == '.';
    for (const auto& place : config.swapfilePlaces)
        if (place == path || (place == parent && !hidden))
            return;
    std::string places;
    for (const auto& place : config.swapfilePlaces)
        places += (places.empty() ? "" : ", ") + (place.back() == '/' ? place + "*" : place);
    throw Error(ErrorKind::InvalidArgument,
                path + " is not where the administrator allows swapfiles (" + (places.empty() ? "nowhere" : places) +
                    (hidden ? "; names starting with '.' are remedy's temporaries" : "") +
                    "); the places are swapfile_places in " + kConfigPath);
}

std::uint64_t swapReserveFloor(const Config& config, std::uint64_t filesystemSize)
{
    return std::max(config.swapReserve, filesystemSize / 100 * config.swapReservePercent);
}

} // namespace remedy
