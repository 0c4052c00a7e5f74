#pragma once
// How libmount 2.38 picks a table's format (libmount/src/tab_parse.c,
// guess_table_format), for the fstab targets: mnt_table_parse_stream, which
// Fstab::parse calls, reads the first line that is not blank or a comment
// and takes the whole file for /proc/self/mountinfo when that line starts
// with two numbers ("%u %u"), for /proc/swaps when it starts with
// "Filename\t". mount(8) and systemd do not guess: they read /etc/fstab as
// fstab. No fstab written by a person or by remedy starts an entry so
// (remedy's targets are absolute paths or "none"), so the targets leave
// such files aside rather than report libmount's guess as remedy's bug.

#include <cstdio>
#include <string>
#include <string_view>

namespace remedy::fuzz {

inline bool readAsAnotherFormat(std::string_view text)
{
    while (!text.empty()) {
        auto end = text.find('\n');
        std::string line(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        line = line.c_str();  // libmount's line ends at a NUL
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#')
            continue;
        unsigned a = 0, b = 0;
        return std::sscanf(line.c_str() + first, "%u %u", &a, &b) == 2 || line.compare(first, 9, "Filename\t") == 0;
    }
    return false;
}

} // namespace remedy::fuzz
