#include "fstab.h"

#include "error.h"
#include "lazy_library.h"

#include <libmount/libmount.h>

#include <algorithm>
#include <cstdio>
#include <memory>

namespace remedy {
namespace {

// libmount, with libblkid and libselinux behind it, is loaded by the first
// fstab call, not by every start of the helper (lazy_library.h).
LazyLibrary& libmount()
{
    static LazyLibrary library("libmount.so.1");
    return library;
}
#define MNT(fn) LAZY_CALL(libmount(), fn)

struct TableFree {
    void operator()(libmnt_table* table) const { MNT(mnt_unref_table)(table); }
};
struct IterFree {
    void operator()(libmnt_iter* iter) const { MNT(mnt_free_iter)(iter); }
};
struct FileClose {
    void operator()(FILE* file) const { std::fclose(file); }
};

// libmount calls this for a line it cannot parse: noted, and skipped (a
// positive answer), so the rest is read as findmnt reads it.
int noteBadLine(libmnt_table* table, const char*, int line)
{
    static_cast<std::vector<int>*>(MNT(mnt_table_get_userdata)(table))->push_back(line);
    return 1;
}

std::string field(const char* value) { return value ? value : ""; }

// As libmount reads a line: without its newline and one '\r' before it,
// blank when only spaces and tabs are left, a comment when the first other
// character is '#'. (A '\r' elsewhere is a character of the line to it.)
bool isEntryLine(std::string_view line)
{
    auto end = line.size();
    if (end > 0 && line[end - 1] == '\n')
        --end;
    if (end > 0 && line[end - 1] == '\r')
        --end;
    auto first = line.find_first_not_of(" \t");
    return first < end && line[first] != '#';
}

// Each line with its '\n', as views into `text`.
std::vector<std::string_view> lineViews(const std::string& text)
{
    std::vector<std::string_view> lines;
    for (std::size_t start = 0; start < text.size();) {
        auto end = std::min(text.find('\n', start), text.size() - 1);
        lines.emplace_back(text.data() + start, end - start + 1);
        start = end + 1;
    }
    return lines;
}

std::vector<std::string> splitLines(const std::string& text)
{
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size() - 1;
        lines.push_back(text.substr(start, end - start + 1));  // keeps its '\n'
        start = end + 1;
    }
    return lines;
}


// Why libmount refused a line, as far as its fields tell (libmount says no more).
std::string badLineReason(const std::string& line)
{
    std::vector<std::string> fields;
    for (std::size_t at = line.find_first_not_of(" \t"); at != std::string::npos; at = line.find_first_not_of(" \t", at)) {
        auto end = std::min(line.find_first_of(" \t", at), line.size());
        fields.push_back(line.substr(at, end - at));
        at = end;
    }
    auto number = [](const std::string& field) { return field.find_first_not_of("0123456789") == std::string::npos; };
    if (fields.size() < 3)
        return "it has " + std::to_string(fields.size()) + " field" + (fields.size() == 1 ? "" : "s") +
               "; an entry needs at least a source, a mount point and a type";
    if ((fields.size() > 4 && !number(fields[4])) || (fields.size() > 5 && !number(fields[5])))
        return "its dump and pass fields (5th and 6th) must be numbers";
    return "libmount cannot parse it";
}

std::string escape(const std::string& value)
{
    std::string out;
    for (char c : value) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\\') {
            char octal[5];
            std::snprintf(octal, sizeof octal, "\\%03o", static_cast<unsigned char>(c));
            out += octal;
        } else {
            out += c;
        }
    }
    return out;
}

bool hasControl(const std::string& value)
{
    for (unsigned char c : value)
        if (c < 0x20 || c == 0x7f)
            return true;
    return false;
}

// An identity as remedy compares it: "/mnt/x/" and "/mnt//x" are /mnt/x.
std::string key(const std::string& identity) { return normalizePath(identity); }

// "3", "3 and 7", "3, 5 and 7"
std::string lineList(const std::vector<int>& lines)
{
    std::string text;
    for (std::size_t i = 0; i < lines.size(); ++i)
        text += (i == 0 ? "" : i + 1 == lines.size() ? " and " : ", ") + std::to_string(lines[i]);
    return text;
}

} // namespace

std::string normalizePath(const std::string& path)
{
    if (path.empty() || path[0] != '/')
        return path;
    std::string out;
    for (char c : path)
        if (c != '/' || out.empty() || out.back() != '/')
            out += c;
    if (out.size() > 1 && out.back() == '/')
        out.pop_back();
    return out;
}

namespace {

// libmount's parse of one chunk of whole lines; lines numbered from `first`.
void parseChunk(std::string_view chunk, int first, std::vector<FstabEntry>& entries, std::vector<int>& badLines)
{
    std::unique_ptr<libmnt_table, TableFree> table(MNT(mnt_new_table)());
    std::unique_ptr<libmnt_iter, IterFree> iter(MNT(mnt_new_iter)(MNT_ITER_FORWARD));
    if (!table || !iter)
        throw Error(ErrorKind::Failed, "cannot set up libmount");
    std::vector<int> bad;
    MNT(mnt_table_set_userdata)(table.get(), &bad);
    MNT(mnt_table_set_parser_errcb)(table.get(), noteBadLine);
    MNT(mnt_table_enable_comments)(table.get(), 1);
    std::unique_ptr<FILE, FileClose> stream(fmemopen(const_cast<char*>(chunk.data()), chunk.size(), "r"));
    if (!stream)
        throw Error(ErrorKind::Failed, "cannot read fstab text");
    if (MNT(mnt_table_parse_stream)(table.get(), stream.get(), "fstab") != 0)
        throw Error(ErrorKind::InvalidArgument, "fstab cannot be parsed; remedy will not rewrite the file");
    for (int line : bad)
        badLines.push_back(first - 1 + line);
    libmnt_fs* fs = nullptr;
    while (MNT(mnt_table_next_fs)(table.get(), iter.get(), &fs) == 0) {
        FstabEntry entry;
        entry.source = field(MNT(mnt_fs_get_source)(fs));
        entry.target = field(MNT(mnt_fs_get_target)(fs));
        entry.fstype = field(MNT(mnt_fs_get_fstype)(fs));
        entry.options = field(MNT(mnt_fs_get_options)(fs));
        entry.freq = MNT(mnt_fs_get_freq)(fs);
        entry.passno = MNT(mnt_fs_get_passno)(fs);
        entries.push_back(std::move(entry));
    }
}

} // namespace

Fstab Fstab::parse(std::string text)
{
    // Parsed from the bytes remedy read, not from the path again, as if the
    // last line had its newline: with comments enabled, libmount (2.38)
    // drops a last line without one when a comment comes before it, and
    // reads a line with a NUL byte only when it is the last without one (a
    // parse error anywhere else).
    bool unterminated = !text.empty() && text.back() != '\n';
    if (unterminated)
        text += '\n';
    // In chunks of whole lines, each libmount table freed before the next:
    // one table of a 10,000-line fstab is megabytes of small allocations
    // that no longer fit in the cache, and each line cost twice what it did
    // at 1,000 (bench/fstab.cpp). An entry is one line; nothing spans two.
    constexpr int kChunkLines = 256;
    Fstab fstab;
    std::vector<int> badLines;
    auto lines = lineViews(text);
    for (std::size_t first = 0; first < lines.size(); first += kChunkLines) {
        auto last = std::min(first + kChunkLines, lines.size()) - 1;
        auto begin = lines[first].data() - text.data();
        auto end = lines[last].data() + lines[last].size() - text.data();
        parseChunk(std::string_view(text).substr(begin, end - begin), static_cast<int>(first) + 1, fstab.entries_, badLines);
    }
    for (int line : badLines) {
        auto content = line >= 1 && static_cast<std::size_t>(line) <= lines.size() ? std::string(lines[line - 1]) : std::string();
        if (!content.empty() && content.back() == '\n')
            content.pop_back();
        fstab.problems_.push_back({line, printableLine(content), badLineReason(content)});
    }
    // libmount keeps one entry per non-comment line it could parse: the n-th
    // entry is the n-th such line, which gives each entry its line number.
    std::size_t index = 0;
    for (std::size_t i = 0, bad = 0; i < lines.size(); ++i) {
        int number = static_cast<int>(i) + 1;
        while (bad < badLines.size() && badLines[bad] < number)
            ++bad;
        if (!isEntryLine(lines[i]) || (bad < badLines.size() && badLines[bad] == number))
            continue;
        if (index < fstab.entries_.size())
            fstab.entries_[index].line = number;
        ++index;
    }
    if (index != fstab.entries_.size())
        throw Error(ErrorKind::InvalidArgument, "fstab has lines libmount does not count as entries; remedy will not rewrite it");
    if (unterminated)
        text.pop_back();  // kept as it was: an edit does not add it
    fstab.text_ = std::move(text);
    return fstab;
}

void Fstab::requireParsed() const
{
    if (problems_.empty())
        return;
    const auto& bad = problems_.front();
    throw Error(ErrorKind::InvalidArgument, "fstab line " + std::to_string(bad.line) + " cannot be parsed (" + bad.reason + "): '" + bad.text +
                                                "'; remedy will not rewrite the file until it is fixed by hand");
}

std::optional<FstabEntry> Fstab::find(const std::string& identity) const
{
    for (const auto& entry : entries_)
        if (key(entry.identity()) == key(identity))
            return entry;
    return std::nullopt;
}

std::optional<std::string> Fstab::withEntry(const FstabEntry& wanted) const
{
    validateEntry(wanted);
    requireParsed();
    auto entry = wanted;
    entry.target = normalizePath(entry.target);
    if (entry.isSwap())
        entry.source = normalizePath(entry.source);  // a swap source is a path or a tag; never //server/share
    if (auto existing = find(entry.identity())) {
        if (*existing == entry)
            return std::nullopt;
        throw Error(ErrorKind::Busy, "fstab line " + std::to_string(existing->line) + " already has an entry for " +
                                         entry.identity() + " with other settings; remove it first");
    }
    auto text = text_;
    if (!text.empty() && text.back() != '\n')
        text += '\n' + describeEntry(entry);  // the last line, as the file had it: without a newline
    else
        text += formatEntry(entry);
    if (text.size() > kMaxFstabSize)
        throw Error(ErrorKind::InvalidArgument, "fstab would grow beyond " + std::to_string(kMaxFstabSize / 1024) +
                                                    " KiB with this entry; remedy does not write a file that large");
    return text;
}

std::optional<std::string> Fstab::withoutEntry(const std::string& identity) const
{
    // What no entry can be: said, rather than answered "nothing to remove".
    if (identity.empty() || identity[0] == '#' || identity.size() > 4096 ||
        std::any_of(identity.begin(), identity.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
        throw Error(ErrorKind::InvalidArgument, "'" + identity + "' is not a source or mount point of /etc/fstab");
    requireParsed();
    std::vector<int> lines;
    for (const auto& entry : entries_)
        if (key(entry.identity()) == key(identity))
            lines.push_back(entry.line);
    if (lines.empty())
        return std::nullopt;
    if (lines.size() > 1)
        throw Error(ErrorKind::InvalidArgument, "fstab lines " + lineList(lines) + (lines.size() == 2 ? " both" : " all") + " have an entry for " + key(identity) +
                                                    "; remedy does not guess which one to remove: edit /etc/fstab by hand");
    auto all = splitLines(text_);
    std::string text;
    for (std::size_t i = 0; i < all.size(); ++i)
        if (static_cast<int>(i) + 1 != lines.front())
            text += all[i];
    // Without its last line, a file that ended without a newline still does.
    if (!text_.empty() && text_.back() != '\n' && !text.empty() && text.back() == '\n')
        text.pop_back();
    return text;
}

void validateEntry(const FstabEntry& entry)
{
    auto invalid = [](const std::string& message) { throw Error(ErrorKind::InvalidArgument, message); };
    // Each field is one word of a line: an empty one shifts the others, one
    // starting with '#' turns the line into a comment.
    auto check = [&](const char* name, const std::string& value, std::size_t limit) {
        if (value.empty())
            invalid(std::string("fstab ") + name + " is empty");
        if (value[0] == '#')
            invalid(std::string("fstab ") + name + " '" + value + "' starts with '#', which would make the line a comment");
        if (hasControl(value))
            invalid(std::string("fstab ") + name + " has a control character (newline, tab...)");
        if (value.size() > limit)
            invalid(std::string("fstab ") + name + " is longer than " + std::to_string(limit) + " bytes");
    };
    check("source", entry.source, kMaxFstabPath);
    check("target", entry.target, kMaxFstabPath);
    check("type", entry.fstype, kMaxFstabType);
    check("options", entry.options, kMaxFstabOptions);
    if (entry.target != "none") {
        if (entry.target[0] != '/')
            invalid("fstab target '" + entry.target + "' must be an absolute path or 'none'");
        auto normalized = normalizePath(entry.target);
        for (std::size_t start = 1; start < normalized.size();) {
            auto end = std::min(normalized.find('/', start), normalized.size());
            auto component = normalized.substr(start, end - start);
            if (component == "." || component == "..")
                invalid("fstab target '" + entry.target + "' has a '" + component + "' component; name the mount point itself");
            start = end + 1;
        }
    }
    if (entry.fstype.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._+-") != std::string::npos)
        invalid("fstab type '" + entry.fstype + "' is not a file system type name");
    if (entry.isSwap() && entry.target != "none")
        invalid("a swap entry's target must be 'none', not '" + entry.target + "'");
    if (entry.options.find_first_of(" \\#") != std::string::npos)
        invalid("fstab options '" + entry.options + "' must be a comma-separated list without spaces");
    if (entry.freq < 0 || entry.freq > 9 || entry.passno < 0 || entry.passno > 9)
        invalid("fstab dump and pass fields must be 0 to 9");
}

std::string describeEntry(const FstabEntry& entry)
{
    return escape(entry.source) + " " + escape(entry.target) + " " + entry.fstype + " " + entry.options + " " +
           std::to_string(entry.freq) + " " + std::to_string(entry.passno);
}

std::string formatEntry(const FstabEntry& entry) { return describeEntry(entry) + "\n"; }

std::string printableLine(const std::string& line)
{
    std::string out;
    for (unsigned char c : line.substr(0, 512)) {
        if (c < 0x20 || c >= 0x7f) {
            char hex[5];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        } else {
            out += static_cast<char>(c);
        }
    }
    return line.size() > 512 ? out + "..." : out;
}

} // namespace remedy
