// Out-of-memory kills from the kernel log (/dev/kmsg records), as remedyd
// reads them for `diagnose`: parseOomKills and unitOfCgroup.
//
// Promises checked: never a throw (lines that are not records are skipped);
// each kill's unit is the one its cgroup names, and a unit, when there is
// one, is a .service or .scope name without a '/'.

#include "fuzz.h"

#include "core/oom.h"

using namespace remedy;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto kmsg = fuzz::view(data, size);
    for (const auto& kill : parseOomKills(kmsg)) {
        FUZZ_CHECK(kill.unit == unitOfCgroup(kill.cgroup), kill.cgroup);
        if (!kill.unit.empty()) {
            FUZZ_CHECK(kill.unit.find('/') == std::string::npos, kill.unit);
            FUZZ_CHECK(kill.cgroup.find(kill.unit) != std::string::npos, kill.cgroup);
        }
        FUZZ_CHECK(kill.anonRss % 1024 == 0 && kill.fileRss % 1024 == 0 && kill.shmemRss % 1024 == 0, std::string(kmsg));
    }
    unitOfCgroup(kmsg);
    return 0;
}
