#include "core/log_level.h"

#include <gtest/gtest.h>

using namespace remedy;

TEST(LogLevel, RoundTripsEverySyslogName)
{
    for (const char* name : {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"}) {
        auto level = parseLogLevel(name);
        ASSERT_TRUE(level.has_value()) << name;
        EXPECT_EQ(logLevelName(*level), name);
    }
}

TEST(LogLevel, RefusesUnknownNames)
{
    EXPECT_FALSE(parseLogLevel("DEBUG").has_value());
    EXPECT_FALSE(parseLogLevel("warn").has_value());
    EXPECT_FALSE(parseLogLevel("").has_value());
}

TEST(LogLevel, ListsNamesForMessages) { EXPECT_EQ(logLevelNames(), "emerg, alert, crit, err, warning, notice, info, debug"); }

TEST(LogTarget, ParsesKnownTargetsOnly)
{
    EXPECT_EQ(parseLogTarget("journal"), LogTarget::Journal);
    EXPECT_EQ(parseLogTarget("console"), LogTarget::Console);
    EXPECT_FALSE(parseLogTarget("kmsg").has_value());
}
