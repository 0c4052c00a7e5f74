// Fstab::parse on any text: libmount reads it, remedy numbers its entries.
// Promises checked: the text is kept as it was; each entry's line number
// points at a line that, parsed alone (after an ordinary first entry, so
// that libmount reads it as fstab: fstab_format.h), is that very entry
// (withoutEntry removes a line by that number: a wrong number would delete
// another entry); and each entry can be found by its identity.

#include "fstab_format.h"
#include "fuzz.h"

#include "core/fstab.h"

#include <vector>

using namespace remedy;

namespace {

const std::string kFirst = "none /fuzz none defaults 0 0\n";

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

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size > kMaxFstabSize)
        return -1;  // remedy writes fstab up to this size (fstab.h)
    std::string text(fuzz::view(data, size));
    FUZZ_REFUSABLE({
        auto fstab = Fstab::parse(text);
        FUZZ_CHECK(fstab.text() == text, text);
        if (fuzz::readAsAnotherFormat(text))
            return 0;
        auto all = lines(text);
        // A line libmount refuses is named, in order, and is no entry.
        int previousBad = 0;
        for (const auto& problem : fstab.problems()) {
            FUZZ_CHECK(problem.line > previousBad && problem.line <= static_cast<int>(all.size()), "bad line " + std::to_string(problem.line));
            previousBad = problem.line;
            for (const auto& entry : fstab.entries())
                FUZZ_CHECK(entry.line != problem.line, "line " + std::to_string(problem.line) + " both bad and an entry");
        }
        int previous = 0;
        for (const auto& entry : fstab.entries()) {
            FUZZ_CHECK(entry.line > previous && entry.line <= static_cast<int>(all.size()),
                       "line " + std::to_string(entry.line) + " after " + std::to_string(previous) + " of:\n" + text);
            previous = entry.line;
            const auto& line = all[static_cast<std::size_t>(entry.line - 1)];
            std::vector<FstabEntry> alone;
            try {
                alone = Fstab::parse(kFirst + line).entries();
            } catch (const Error& error) {
                FUZZ_CHECK(false, "line " + std::to_string(entry.line) + " '" + line + "' alone: " + error.what() + "\nin:\n" + text);
            }
            FUZZ_CHECK(alone.size() == 2 && alone[1] == entry,
                       "line " + std::to_string(entry.line) + " '" + line + "' is not the entry " + describeEntry(entry) + "\nin:\n" + text);
            FUZZ_CHECK(fstab.find(entry.identity()).has_value(), entry.identity());
        }
    });
    return 0;
}
