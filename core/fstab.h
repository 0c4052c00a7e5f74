#pragma once
// /etc/fstab, parsed by libmount (as mount, findmnt and systemd parse it) and
// edited the way udisks edits it: every line remedy does not touch is kept
// byte for byte; only the one entry is appended or removed.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace remedy {

struct FstabEntry {
    std::string source;   // unescaped: "/swap file", "UUID=…"
    std::string target;   // "none" for swap
    std::string fstype;
    std::string options;
    int freq = 0;
    int passno = 0;
    int line = 0;         // 1-based line in the file

    bool isSwap() const { return fstype == "swap"; }
    // What identifies the entry: the source for swap (its target is "none"),
    // the mount point otherwise.
    const std::string& identity() const { return isSwap() ? source : target; }
    bool operator==(const FstabEntry& other) const
    {
        return source == other.source && target == other.target && fstype == other.fstype &&
               options == other.options && freq == other.freq && passno == other.passno;
    }
};

class Fstab {
public:
    // Parses the text. Throws InvalidArgument naming the first line libmount
    // cannot parse: such a file is refused, never "cleaned up" by a rewrite.
    static Fstab parse(std::string text);

    const std::vector<FstabEntry>& entries() const { return entries_; }
    const std::string& text() const { return text_; }
    std::optional<FstabEntry> find(const std::string& identity) const;

    // The text with `entry` appended (its mount point normalized); nullopt
    // when an identical entry is there already. Throws InvalidArgument for a
    // malformed entry or a file that would grow beyond kMaxFstabSize, and
    // Busy when another entry has the same identity (remedy does not
    // overwrite it).
    std::optional<std::string> withEntry(const FstabEntry& entry) const;

    // The text without the entry of that identity; nullopt when there is
    // none. Throws InvalidArgument, naming the lines, when two entries have
    // it: remedy does not guess which one was meant.
    std::optional<std::string> withoutEntry(const std::string& identity) const;

private:
    std::string text_;
    std::vector<FstabEntry> entries_;
};

// What remedy writes fstab up to, and the bounds of an entry's fields.
inline constexpr std::size_t kMaxFstabSize = 1024 * 1024;
inline constexpr std::size_t kMaxFstabPath = 4096;     // source, target
inline constexpr std::size_t kMaxFstabType = 64;
inline constexpr std::size_t kMaxFstabOptions = 4096;

// Checks each field of an entry before it is written; throws InvalidArgument.
void validateEntry(const FstabEntry& entry);

// "/mnt//x/" is "/mnt/x", as the kernel reads it: repeated and trailing
// slashes go. Anything not starting with '/' ("none", "UUID=...") is kept.
std::string normalizePath(const std::string& path);

// One fstab line for the entry, with fstab's octal escapes ("\040" for a
// space) and its newline.
std::string formatEntry(const FstabEntry& entry);

// The same line without the newline, for messages.
std::string describeEntry(const FstabEntry& entry);

} // namespace remedy
