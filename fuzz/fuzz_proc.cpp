// The kernel's reports, each parser fed the same input: /proc/meminfo
// (parseMemInfo), /proc/swaps (parseSwaps, unescapeOctal),
// /proc/pressure/memory (parsePressure), /proc/PID/statm (residentBytes)
// and /proc/PID/cgroup (cgroupPath).
//
// Promises checked: meminfo and swaps refuse with remedy::Error only;
// pressure and the per-process readers never throw; unescaping never
// lengthens a path.

#include "fuzz.h"

#include "core/proc.h"
#include "core/processes.h"

using namespace remedy;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto text = fuzz::view(data, size);

    FUZZ_REFUSABLE({
        auto info = parseMemInfo(text);
        (void)info;
    });
    FUZZ_REFUSABLE({
        for (const auto& area : parseSwaps(text)) {
            FUZZ_CHECK(!area.path.empty() && !area.type.empty(), std::string(text));
            FUZZ_CHECK(area.size % 1024 == 0 && area.used % 1024 == 0, std::string(text));
        }
    });
    FUZZ_CHECK(unescapeOctal(text).size() <= text.size(), std::string(text));
    if (auto pressure = parsePressure(text))
        (void)pressure;
    residentBytes(text, 4096);
    auto cgroup = cgroupPath(text);
    FUZZ_CHECK(cgroup.size() <= text.size() && cgroup.find('\n') == std::string::npos, std::string(text));
    return 0;
}
