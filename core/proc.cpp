#include "proc.h"

#include "error.h"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <cerrno>
#include <cstring>

namespace remedy {
namespace {

std::vector<std::string_view> splitLines(std::string_view text)
{
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        auto end = text.find('\n');
        lines.push_back(text.substr(0, end));
        if (end == std::string_view::npos)
            break;
        text.remove_prefix(end + 1);
    }
    return lines;
}

std::vector<std::string_view> splitFields(std::string_view line)
{
    std::vector<std::string_view> fields;
    std::size_t pos = 0;
    while (pos < line.size()) {
        pos = line.find_first_not_of(" \t", pos);
        if (pos == std::string_view::npos)
            break;
        auto end = line.find_first_of(" \t", pos);
        fields.push_back(line.substr(pos, end - pos));
        pos = end;
    }
    return fields;
}

template <typename T>
bool parseNumber(std::string_view text, T& out)
{
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && ptr == text.data() + text.size();
}

std::uint64_t kibToBytes(std::string_view field, std::string_view what)
{
    std::uint64_t kib = 0;
    if (!parseNumber(field, kib) || kib > UINT64_MAX / 1024)
        throw Error(ErrorKind::Failed, "cannot read " + std::string(what) + ": '" + std::string(field) + "' is not a size");
    return kib * 1024;
}

} // namespace

MemInfo parseMemInfo(std::string_view text)
{
    MemInfo info;
    bool haveTotal = false;
    bool haveAvailable = false;
    for (auto line : splitLines(text)) {
        auto colon = line.find(':');
        if (colon == std::string_view::npos)
            continue;
        auto key = line.substr(0, colon);
        auto fields = splitFields(line.substr(colon + 1));
        std::uint64_t* target = nullptr;
        if (key == "MemTotal") {
            target = &info.total;
            haveTotal = true;
        } else if (key == "MemAvailable") {
            target = &info.available;
            haveAvailable = true;
        } else if (key == "SwapTotal") {
            target = &info.swapTotal;
        } else if (key == "SwapFree") {
            target = &info.swapFree;
        }
        if (!target)
            continue;
        if (fields.size() != 2 || fields[1] != "kB")
            throw Error(ErrorKind::Failed, "cannot read /proc/meminfo: malformed line '" + std::string(line) + "'");
        *target = kibToBytes(fields[0], "/proc/meminfo " + std::string(key));
    }
    if (!haveTotal)
        throw Error(ErrorKind::Failed, "cannot read /proc/meminfo: no MemTotal line");
    if (!haveAvailable)  // kernels before 3.14: the free memory is the honest lower bound
        info.available = 0;
    return info;
}

std::vector<SwapArea> parseSwaps(std::string_view text)
{
    std::vector<SwapArea> areas;
    auto lines = splitLines(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        auto fields = splitFields(lines[i]);
        if (fields.empty() || (i == 0 && fields[0] == "Filename"))
            continue;
        if (fields.size() != 5)
            throw Error(ErrorKind::Failed, "cannot read /proc/swaps: malformed line '" + std::string(lines[i]) + "'");
        SwapArea area;
        area.path = unescapeOctal(fields[0]);
        area.type = std::string(fields[1]);
        area.size = kibToBytes(fields[2], "/proc/swaps size");
        area.used = kibToBytes(fields[3], "/proc/swaps used");
        if (!parseNumber(fields[4], area.priority))
            throw Error(ErrorKind::Failed, "cannot read /proc/swaps: bad priority '" + std::string(fields[4]) + "'");
        areas.push_back(std::move(area));
    }
    return areas;
}

std::string unescapeOctal(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 3 < text.size()) {
            auto digits = text.substr(i + 1, 3);
            bool octal = digits.find_first_not_of("01234567") == std::string_view::npos;
            if (octal) {
                out.push_back(static_cast<char>((digits[0] - '0') * 64 + (digits[1] - '0') * 8 + (digits[2] - '0')));
                i += 3;
                continue;
            }
        }
        out.push_back(text[i]);
    }
    return out;
}

std::uint64_t systemMemoryTotal() { return parseMemInfo(readFile("/proc/meminfo")).total; }

std::string readFile(const std::string& path)
{
    // POSIX, not <fstream>: a stream's locale set-up costs the idle helper
    // half a MiB of RSS.
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        throw Error(ErrorKind::Failed, "cannot open " + path + ": " + std::strerror(errno));
    std::string text;
    char buffer[4096];
    ssize_t n = 0;
    while ((n = read(fd, buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            text.append(buffer, static_cast<std::size_t>(n));
    int readError = errno;
    close(fd);
    if (n < 0)
        throw Error(ErrorKind::Failed, "cannot read " + path + ": " + std::strerror(readError));
    return text;
}

} // namespace remedy
