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

// A line libmount cannot parse (findmnt --verify's "parse error").
struct FstabProblem {
    int line = 0;        // 1-based
    std::string text;    // the line, without its newline; control and non-ASCII bytes as \xNN
    std::string reason;  // what is wrong with it, as far as remedy can tell
};

class Fstab {
public:
    // Parses the text. A line libmount cannot parse is left out of the
    // entries and listed in problems(), as findmnt lists the rest; writing
    // such a file is refused (withEntry, withoutEntry), never "cleaned up".
    static Fstab parse(std::string text);

    const std::vector<FstabEntry>& entries() const { return entries_; }
    const std::vector<FstabProblem>& problems() const { return problems_; }
    // The entries, moved out (GetEntries: no second copy of a large file's).
    std::vector<FstabEntry> takeEntries() && { return std::move(entries_); }
    const std::string& text() const { return text_; }
    std::optional<FstabEntry> find(const std::string& identity) const;

    // The text with `entry` appended (its mount point normalized); nullopt
    // when an identical entry is there already. Throws InvalidArgument for a
    // malformed entry, a file with a line libmount cannot parse (named) or
    // one that would grow beyond kMaxFstabSize, and Busy when another entry
    // has the same identity (remedy does not overwrite it). A file whose
    // last line has no newline keeps it so: the entry is appended after a
    // newline, and without one of its own.
    std::optional<std::string> withEntry(const FstabEntry& entry) const;

    // The text without the entry of that identity; nullopt when there is
    // none. Throws InvalidArgument, naming the lines, when two entries have
    // it (remedy does not guess which one was meant), or when a line cannot
    // be parsed.
    std::optional<std::string> withoutEntry(const std::string& identity) const;

private:
    void requireParsed() const;

    std::string text_;
    std::vector<FstabEntry> entries_;
    std::vector<FstabProblem> problems_;
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

// A line as a message may show it (valid UTF-8 for D-Bus, one line): its
// first 512 bytes, each control or non-ASCII byte as \xNN, then "...".
std::string printableLine(const std::string& line);

} // namespace remedy
