#include "core/error.h"
#include "core/proc.h"

#include <gtest/gtest.h>

using namespace remedy;

namespace {

// Captured from a 7.6 GiB machine like the incident's (trimmed: the parser must skip what it does not need).
constexpr const char* kIncidentMeminfo =
    "MemTotal:        7969164 kB\n"
    "MemFree:         1572864 kB\n"
    "MemAvailable:    5242880 kB\n"
    "Buffers:          123456 kB\n"
    "SwapCached:            0 kB\n"
    "SwapTotal:             0 kB\n"
    "SwapFree:              0 kB\n"
    "HugePages_Total:       0\n"
    "Hugepagesize:       2048 kB\n";

constexpr const char* kEmptySwaps = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";

} // namespace

TEST(MemInfo, ReadsTotalsInBytes)
{
    auto info = parseMemInfo(kIncidentMeminfo);
    EXPECT_EQ(info.total, 7969164ULL * 1024);
    EXPECT_EQ(info.available, 5242880ULL * 1024);
    EXPECT_EQ(info.swapTotal, 0U);
}

TEST(MemInfo, RefusesReportWithoutMemTotal)
{
    EXPECT_THROW(parseMemInfo("MemFree: 10 kB\n"), Error);
    EXPECT_THROW(parseMemInfo(""), Error);
}

TEST(MemInfo, RefusesTruncatedOrMalformedValues)
{
    EXPECT_THROW(parseMemInfo("MemTotal:  79691"), Error);  // cut before the unit
    EXPECT_THROW(parseMemInfo("MemTotal: lots kB\n"), Error);
    EXPECT_THROW(parseMemInfo("MemTotal: -5 kB\n"), Error);
    EXPECT_THROW(parseMemInfo("MemTotal: 99999999999999999999 kB\n"), Error);
}

TEST(Swaps, EmptyTableMeansNoSwap) { EXPECT_TRUE(parseSwaps(kEmptySwaps).empty()); }

TEST(Swaps, ReadsFileAndPartitionAreas)
{
    auto areas = parseSwaps(std::string(kEmptySwaps) +
                            "/swapfile                               file\t\t2097148\t\t1024\t\t-2\n"
                            "/dev/vdb2                               partition\t1048572\t\t0\t\t10\n");
    ASSERT_EQ(areas.size(), 2U);
    EXPECT_EQ(areas[0].path, "/swapfile");
    EXPECT_EQ(areas[0].type, "file");
    EXPECT_EQ(areas[0].size, 2097148ULL * 1024);
    EXPECT_EQ(areas[0].used, 1024ULL * 1024);
    EXPECT_EQ(areas[0].priority, -2);
    EXPECT_EQ(areas[1].type, "partition");
    EXPECT_EQ(areas[1].priority, 10);
}

TEST(Swaps, UnescapesSpacesInPaths)
{
    auto areas = parseSwaps(std::string(kEmptySwaps) + "/srv/swap\\040area/file file 1024 0 -2\n");
    ASSERT_EQ(areas.size(), 1U);
    EXPECT_EQ(areas[0].path, "/srv/swap area/file");
}

TEST(Swaps, RefusesMalformedLines)
{
    EXPECT_THROW(parseSwaps(std::string(kEmptySwaps) + "/swapfile file 2097148\n"), Error);
    EXPECT_THROW(parseSwaps(std::string(kEmptySwaps) + "/swapfile file big 0 -2\n"), Error);
    EXPECT_THROW(parseSwaps(std::string(kEmptySwaps) + "/swapfile file 1 0 high\n"), Error);
}

TEST(UnescapeOctal, LeavesIncompleteEscapesAlone)
{
    EXPECT_EQ(unescapeOctal("a\\040b"), "a b");
    EXPECT_EQ(unescapeOctal("a\\134b"), "a\\b");
    EXPECT_EQ(unescapeOctal("end\\04"), "end\\04");
    EXPECT_EQ(unescapeOctal("bad\\089"), "bad\\089");
}

TEST(ReadFile, ReadsProcFilesOfUnknownSize)
{
    auto text = readFile("/proc/self/status");
    EXPECT_NE(text.find("Name:"), std::string::npos);
}

TEST(ReadFile, ReportsMissingFile) { EXPECT_THROW(readFile("/nonexistent/remedy"), Error); }
