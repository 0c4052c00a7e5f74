#include "core/describe.h"

#include <gtest/gtest.h>

using namespace remedy;

TEST(Describe, ReportsNoSwapAsEmptyAreasAndZeroTotals)
{
    MemInfo memory{.total = 8 << 20, .available = 5 << 20};
    auto doc = describe("1.2.3", memory, {});
    EXPECT_EQ(doc["version"], "1.2.3");
    EXPECT_EQ(doc["memory"]["total"], 8 << 20);
    EXPECT_EQ(doc["memory"]["available"], 5 << 20);
    EXPECT_TRUE(doc["swap"]["areas"].empty());
    EXPECT_EQ(doc["swap"]["total"], 0);
}

TEST(Describe, SumsSwapAreas)
{
    std::vector<SwapArea> swaps = {{"/swapfile", "file", 2048, 512, -2}, {"/dev/vdb2", "partition", 1024, 0, 5}};
    auto doc = describe("1", {}, swaps);
    EXPECT_EQ(doc["swap"]["total"], 3072);
    EXPECT_EQ(doc["swap"]["used"], 512);
    EXPECT_EQ(doc["swap"]["free"], 2560);
    ASSERT_EQ(doc["swap"]["areas"].size(), 2U);
    EXPECT_EQ(doc["swap"]["areas"][0]["path"], "/swapfile");
    EXPECT_EQ(doc["swap"]["areas"][1]["priority"], 5);
}
