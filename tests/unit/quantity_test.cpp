// Durations and sizes in systemd's grammar (systemd.time(7),
// systemd.resource-control(5)): what people write is read as systemd reads it.

#include "core/duration.h"
#include "core/error.h"
#include "core/size.h"

#include <gtest/gtest.h>

using namespace remedy;

TEST(Duration, ReadsSystemdTimeSpans)
{
    const std::pair<const char*, std::uint64_t> good[] = {
        {"500ms", 500},        {"10s", 10000},        {"90", 90000},         {"5min", 300000},    {"1min 30s", 90000},
        {"1min30s", 90000},    {"1.5s", 1500},        {"2d", 172800000},     {"1h 30min", 5400000}, {"2 h", 7200000},
        {"1w", 604800000},     {"1y", 31557600000},   {"1M", 2629800000},    {"3hr", 10800000},   {"1 minute", 60000},
        {"2 seconds", 2000},   {"1us", 1},            {"1500us", 2},         {"1µs", 1},          {" 5s ", 5000},
        {"0", 0},              {"0.25h", 900000},     {"1d 2h 3min 4s 5ms", 93784005}, {"3 days", 259200000},
    };
    for (const auto& [text, ms] : good)
        EXPECT_EQ(parseDurationMs(text), ms) << text;
    EXPECT_EQ(parseDurationMs("infinity", true), kInfiniteDuration);
}

TEST(Duration, RefusesWhatSystemdWouldNot)
{
    for (const char* bad : {"", " ", "s", "-5s", "5x", "5 s s", "1.s", ".5s", "5s 3", "1min 30", "1e3s", "infinity", "inf",
                            "5s;", "5\ns", "1,5s", "5 mins", "0x10s", "18446744073709552s", "1yy"})
        EXPECT_THROW(parseDurationMs(bad), Error) << bad;
    try {
        parseDurationMs("5 parsecs");
        FAIL();
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("unknown unit 'parsecs'"), std::string::npos) << error.what();
    }
}

TEST(Size, ReadsBinarySuffixesFractionsAndSums)
{
    const std::pair<const char*, std::uint64_t> good[] = {
        {"4096", 4096},         {"1K", 1024},         {"2G", 2ull << 30},   {"1.5G", 3ull << 29}, {"1.5GiB", 3ull << 29},
        {"1G 512M", 3ull << 29}, {"1T", 1ull << 40},  {"1P", 1ull << 50},   {"512B", 512},        {"0.5K", 512},
        {"1.0001K", 1025},      {"2 G", 2ull << 30},
    };
    for (const auto& [text, bytes] : good)
        EXPECT_EQ(parseSize(text), bytes) << text;
    for (const char* bad : {"", "0", "0G", "-1G", "2X", "G", "1e3", "16E", "50%", "infinity", "1G,", "1.G", "1 G G"})
        EXPECT_THROW(parseSize(bad), Error) << bad;
}

TEST(MemoryLimit, TakesInfinityAndPercentages)
{
    EXPECT_EQ(parseMemoryLimit("2G"), MemoryLimit::bytes(2ull << 30));
    EXPECT_EQ(parseMemoryLimit("infinity"), MemoryLimit::infinity());
    EXPECT_EQ(parseMemoryLimit("50%"), MemoryLimit::percent(5000));
    EXPECT_EQ(parseMemoryLimit("12.5%"), MemoryLimit::percent(1250));
    EXPECT_EQ(parseMemoryLimit("0.05%"), MemoryLimit::percent(5));
    EXPECT_EQ(parseMemoryLimit("100%"), MemoryLimit::percent(10000));
    for (const char* text : {"50%", "12.5%", "0.05%", "33.33%", "100%", "infinity", "1073741824"})
        EXPECT_EQ(parseMemoryLimit(text).text(), text);
    for (const char* bad : {"%", "0%", "101%", "1.234%", "50 %", "-5%", "5.%", "abc%", "50%%", "1000%", "Infinity", ""})
        EXPECT_THROW(parseMemoryLimit(bad), Error) << bad;
}

TEST(MemoryLimit, PercentagesTravelAsSystemdScales)
{
    EXPECT_EQ(permyriadToScale(10000), UINT32_MAX);
    EXPECT_EQ(permyriadToScale(0), 0u);
    for (std::uint64_t permyriad = 0; permyriad <= 10000; ++permyriad)
        ASSERT_EQ(scaleToPermyriad(permyriadToScale(permyriad)), permyriad);
}
