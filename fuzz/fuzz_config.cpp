// The administrator's files: /etc/remedy/remedyd.conf (parseConfig) and
// /etc/login.defs (parseLoginDefs), each fed the same input.
//
// Promises checked: every swapfile place the config accepts is one that
// checkSwapfilePlace then allows (a file itself, any file in a directory);
// every metrics directory renders its timer; the reserve floor never wraps;
// uid and gid 0 are never regular whatever login.defs says.

#include "fuzz.h"

#include "core/accounts.h"
#include "core/config.h"
#include "core/healthcheck.h"

using namespace remedy;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size > 64 * 1024)
        return -1;  // loadConfig refuses larger files
    std::string text(fuzz::view(data, size));

    FUZZ_REFUSABLE({
        auto config = parseConfig(text, "remedyd.conf");
        for (const auto& place : config.swapfilePlaces) {
            auto path = place.back() == '/' ? place + "swapfile" : place;
            try {
                checkSwapfilePlace(config, path);
            } catch (const Error& error) {
                FUZZ_CHECK(false, "place '" + place + "' accepted, but " + path + " refused: " + error.what() + "\n" + text);
            }
        }
        for (const auto& directory : config.metricsDirectories) {
            try {
                renderMetricsService(directory, "/usr/bin/remedyctl", config);
            } catch (const Error& error) {
                FUZZ_CHECK(false, "metrics directory '" + directory + "' accepted, but refused: " + error.what() + "\n" + text);
            }
        }
        FUZZ_CHECK(config.swapReservePercent <= 90, text);
        auto floor = swapReserveFloor(config, UINT64_MAX);
        FUZZ_CHECK(floor >= config.swapReserve && floor >= UINT64_MAX / 100 * config.swapReservePercent, text);
    });

    auto defs = parseLoginDefs(text);
    FUZZ_CHECK(!defs.uids.contains(0) && !defs.gids.contains(0), text);
    return 0;
}
