// The fstab edit round trip: withEntry and withoutEntry, then parse again.
//
// Input: the first line is the entry to add, its six fields separated by
// tabs (source, target, type, options, dump, pass); the rest is the fstab
// text. Every entry of the text is also removed, one at a time.
//
// Promises checked: what remedy writes, libmount reads back; every line
// remedy did not touch comes back byte for byte; the added entry reads back
// as the entry asked for (its paths normalized), the removed one is gone,
// and the others are the same entries as before.

#include "fstab_format.h"
#include "fuzz.h"

#include "core/fstab.h"

#include <set>
#include <vector>

using namespace remedy;

namespace {

std::vector<std::string> split(std::string_view text, char separator)
{
    std::vector<std::string> out;
    while (true) {
        auto at = text.find(separator);
        out.emplace_back(text.substr(0, at));
        if (at == std::string_view::npos)
            return out;
        text.remove_prefix(at + 1);
    }
}

std::vector<std::string> lines(const std::string& text)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        end = end == std::string::npos ? text.size() : end + 1;
        out.push_back(text.substr(start, end - start));
        start = end;
    }
    return out;
}

int number(const std::string& text)
{
    // Small numbers as written; anything else a value validateEntry refuses.
    if (text.empty() || text.size() > 3 || text.find_first_not_of("0123456789-") != std::string::npos)
        return 99;
    try {
        return std::stoi(text);
    } catch (const std::exception&) {
        return 99;
    }
}

std::string describe(const std::vector<FstabEntry>& entries)
{
    std::string out;
    for (const auto& entry : entries)
        out += "  " + describeEntry(entry) + "\n";
    return out;
}

void checkAdd(const Fstab& fstab, const FstabEntry& wanted)
{
    std::optional<std::string> added;
    try {
        added = fstab.withEntry(wanted);
    } catch (const Error&) {
        return;  // refused: a malformed entry, a conflicting one, a file too large
    }
    auto normalized = wanted;
    normalized.target = normalizePath(normalized.target);
    if (normalized.isSwap())
        normalized.source = normalizePath(normalized.source);
    const auto& before = fstab.text();
    if (!added) {
        auto existing = fstab.find(normalized.identity());
        FUZZ_CHECK(existing && *existing == normalized, "nothing added for " + describeEntry(wanted) + " to:\n" + before);
        return;
    }
    // A file that ended without a newline still does (issue 15).
    bool bare = !before.empty() && before.back() != '\n';
    auto prefix = bare ? before + "\n" : before;
    auto line = bare ? describeEntry(normalized) : formatEntry(normalized);
    FUZZ_CHECK(added->compare(0, prefix.size(), prefix) == 0, "the lines before the new one changed:\n" + before + "\n--- became ---\n" + *added);
    FUZZ_CHECK(added->substr(prefix.size()) == line, "the new line is not " + line + "\n" + *added);
    Fstab after;
    try {
        after = Fstab::parse(*added);
    } catch (const Error& error) {
        FUZZ_CHECK(false, std::string("remedy wrote an fstab it cannot read back (") + error.what() + "):\n" + *added);
    }
    auto expected = fstab.entries();
    expected.push_back(normalized);
    FUZZ_CHECK(after.entries() == expected,
               "entries after adding " + describeEntry(normalized) + ":\n" + describe(after.entries()) + "expected:\n" + describe(expected));
    // Adding it again changes nothing.
    std::optional<std::string> again;
    try {
        again = after.withEntry(wanted);
    } catch (const Error& error) {
        FUZZ_CHECK(false, std::string("adding ") + describeEntry(wanted) + " again: " + error.what());
    }
    FUZZ_CHECK(!again, "adding " + describeEntry(wanted) + " twice added it twice");
}

void checkRemove(const Fstab& fstab, const std::string& identity)
{
    std::optional<std::string> removed;
    try {
        removed = fstab.withoutEntry(identity);
    } catch (const Error&) {
        return;  // more than one entry has it
    }
    FUZZ_CHECK(removed.has_value(), "no entry for " + identity + " in:\n" + fstab.text());
    std::vector<FstabEntry> expected;
    int line = 0;
    for (const auto& entry : fstab.entries()) {
        if (normalizePath(entry.identity()) == normalizePath(identity))
            line = entry.line;
        else
            expected.push_back(entry);
    }
    auto all = lines(fstab.text());
    std::string rest;
    for (std::size_t i = 0; i < all.size(); ++i)
        if (static_cast<int>(i) + 1 != line)
            rest += all[i];
    if (!fstab.text().empty() && fstab.text().back() != '\n' && !rest.empty() && rest.back() == '\n')
        rest.pop_back();  // it ended without a newline, and still does
    FUZZ_CHECK(*removed == rest, "removing " + identity + " (line " + std::to_string(line) + ") from:\n" + fstab.text() +
                                     "\n--- gave ---\n" + *removed);
    if (fuzz::readAsAnotherFormat(*removed))
        return;  // the next entry, now the first, makes libmount guess another format (fstab_format.h)
    Fstab after;
    try {
        after = Fstab::parse(*removed);
    } catch (const Error& error) {
        FUZZ_CHECK(false, std::string("remedy wrote an fstab it cannot read back (") + error.what() + "):\n" + *removed);
    }
    auto entries = after.entries();
    FUZZ_CHECK(entries == expected, "entries after removing " + identity + ":\n" + describe(entries) + "expected:\n" + describe(expected));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size > kMaxFstabSize)
        return -1;
    auto input = fuzz::view(data, size);
    auto newline = input.find('\n');
    if (newline == std::string_view::npos)
        return -1;
    auto fields = split(input.substr(0, newline), '\t');
    fields.resize(6);
    FstabEntry wanted{fields[0], fields[1], fields[2], fields[3], number(fields[4]), number(fields[5]), 0};
    std::string text(input.substr(newline + 1));
    if (fuzz::readAsAnotherFormat(text))
        return 0;  // fstab_format.h
    Fstab fstab;
    try {
        fstab = Fstab::parse(text);
    } catch (const Error&) {
        return 0;
    }
    checkAdd(fstab, wanted);
    std::set<std::string> identities;
    for (const auto& entry : fstab.entries())
        if (identities.insert(entry.identity()).second && identities.size() <= 16)
            checkRemove(fstab, entry.identity());
    return 0;
}
