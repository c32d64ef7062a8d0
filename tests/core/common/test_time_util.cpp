// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/common/time_util.h"

#include <gtest/gtest.h>

using namespace weir;

namespace {

TimestampNs utc(int64_t y, unsigned mo, unsigned d, int64_t h = 0, int64_t mi = 0, int64_t s = 0,
                int64_t ns = 0) {
    return TimestampNs{daysFromCivil(y, mo, d) * kNsPerDay + h * kNsPerHour + mi * kNsPerMinute +
                       s * kNsPerSecond + ns};
}

TimestampNs parsed(std::string_view s) {
    TimestampNs t{-1};
    EXPECT_TRUE(parseIso8601(s, t)) << s;
    return t;
}

} // namespace

TEST(TimeUtil, DaysFromCivilKnownDates) {
    EXPECT_EQ(daysFromCivil(1970, 1, 1), 0);
    EXPECT_EQ(daysFromCivil(1969, 12, 31), -1);
    EXPECT_EQ(daysFromCivil(2000, 3, 1), 11017);
    EXPECT_EQ(daysFromCivil(2021, 11, 22), 18953);
    static_assert(daysFromCivil(1970, 1, 2) == 1, "constexpr");
}

TEST(TimeUtil, CivilRoundTripOverManyDays) {
    // Every 7th day over ~400 years, including before the epoch and leap days.
    for (int64_t day = -80000; day < 80000; day += 7) {
        const CivilTime c = civilFromTimestamp(TimestampNs{day * kNsPerDay + 3723 * kNsPerSecond});
        ASSERT_EQ(daysFromCivil(c.year, c.month, c.day), day);
        ASSERT_EQ(c.hour, 1u);
        ASSERT_EQ(c.minute, 2u);
        ASSERT_EQ(c.second, 3u);
    }
}

TEST(TimeUtil, CivilBeforeEpochHandlesNegativeRemainder) {
    const CivilTime c = civilFromTimestamp(TimestampNs{-1});
    EXPECT_EQ(c.year, 1969);
    EXPECT_EQ(c.month, 12u);
    EXPECT_EQ(c.day, 31u);
    EXPECT_EQ(c.hour, 23u);
    EXPECT_EQ(c.minute, 59u);
    EXPECT_EQ(c.second, 59u);
    EXPECT_EQ(c.nanos, kNsPerSecond - 1);
}

TEST(TimeUtil, FormatRfc3339Milliseconds) {
    EXPECT_EQ(formatRfc3339Ms(TimestampNs{0}), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(formatRfc3339Ms(utc(2021, 11, 22, 10, 15, 32, 123456789)),
              "2021-11-22T10:15:32.123Z");
    // Truncated, not rounded.
    EXPECT_EQ(formatRfc3339Ms(utc(2021, 11, 22, 10, 15, 32, 999999999)),
              "2021-11-22T10:15:32.999Z");
    EXPECT_EQ(formatRfc3339Ms(utc(2024, 2, 29, 23, 59, 59)), "2024-02-29T23:59:59.000Z");
    EXPECT_EQ(formatRfc3339Ms(TimestampNs{-kNsPerMs}), "1969-12-31T23:59:59.999Z");
    std::string out = "t=";
    appendRfc3339Ms(out, utc(1999, 12, 31, 23, 59, 59, 5 * kNsPerMs));
    EXPECT_EQ(out, "t=1999-12-31T23:59:59.005Z");
}

TEST(TimeUtil, FormatThenParseRoundTrip) {
    // From the epoch to about 2128, growing steps; and a few instants before the epoch.
    for (int64_t ms = 1; ms < 5000000000000; ms = ms * 3 + 7777) {
        const TimestampNs t{ms * kNsPerMs};
        ASSERT_EQ(parsed(formatRfc3339Ms(t)), t) << formatRfc3339Ms(t);
    }
    for (int64_t ms :
         {int64_t{-1}, int64_t{-999}, int64_t{-1000}, int64_t{-86400001}, int64_t{-31536000000}}) {
        const TimestampNs t{ms * kNsPerMs};
        ASSERT_EQ(parsed(formatRfc3339Ms(t)), t) << formatRfc3339Ms(t);
    }
}

TEST(TimeUtil, ParseIso8601Variants) {
    const TimestampNs base = utc(2021, 11, 22, 10, 15, 32);
    EXPECT_EQ(parsed("2021-11-22T10:15:32Z"), base);
    EXPECT_EQ(parsed("2021-11-22t10:15:32z"), base);
    EXPECT_EQ(parsed("2021-11-22 10:15:32"), base); // no zone: UTC
    EXPECT_EQ(parsed("  2021-11-22T10:15:32Z \n"), base);
    EXPECT_EQ(parsed("2021-11-22T10:15:32.5Z"), TimestampNs{base.value + 500 * kNsPerMs});
    EXPECT_EQ(parsed("2021-11-22T10:15:32,25Z"), TimestampNs{base.value + 250 * kNsPerMs});
    EXPECT_EQ(parsed("2021-11-22T10:15:32.123456789Z"), TimestampNs{base.value + 123456789});
    // Digits beyond nanoseconds are ignored.
    EXPECT_EQ(parsed("2021-11-22T10:15:32.1234567891234Z"), TimestampNs{base.value + 123456789});
    EXPECT_EQ(parsed("2021-11-22T10:15Z"), utc(2021, 11, 22, 10, 15));
    EXPECT_EQ(parsed("2021-11-22"), utc(2021, 11, 22));
}

TEST(TimeUtil, ParseIso8601Zones) {
    const TimestampNs base = utc(2021, 11, 22, 10, 15, 32);
    EXPECT_EQ(parsed("2021-11-22T11:15:32+01:00"), base);
    EXPECT_EQ(parsed("2021-11-22T11:15:32+0100"), base);
    EXPECT_EQ(parsed("2021-11-22T11:15:32+01"), base);
    EXPECT_EQ(parsed("2021-11-22T05:15:32-05:00"), base);
    EXPECT_EQ(parsed("2021-11-22T15:45:32+05:30"), base);
    EXPECT_EQ(parsed("2021-11-22 10:15:32.5+00:00"), TimestampNs{base.value + 500 * kNsPerMs});
    // Crossing midnight and the year boundary through the offset.
    EXPECT_EQ(parsed("2022-01-01T00:30:00+01:00"), utc(2021, 12, 31, 23, 30));
    EXPECT_EQ(parsed("2021-12-31T23:30:00-01:00"), utc(2022, 1, 1, 0, 30));
}

TEST(TimeUtil, ParseIso8601Rejects) {
    TimestampNs t;
    for (std::string_view bad : {"",
                                 "2021",
                                 "2021-11",
                                 "2021-13-01",
                                 "2021-00-10",
                                 "2021-11-32",
                                 "2021-11-00",
                                 "21-11-22",
                                 "2021/11/22",
                                 "2021-11-22X10:15:32",
                                 "2021-11-22T25:00:00",
                                 "2021-11-22T10:60:00",
                                 "2021-11-22T10:15:61",
                                 "2021-11-22T10:15:32.Z",
                                 "2021-11-22T10:15:32+1",
                                 "2021-11-22T10:15:32+01:0",
                                 "2021-11-22T10:15:32 junk",
                                 "2021-11-22T10",
                                 "2021-11-22T10:1",
                                 "abcd-ef-gh",
                                 "2021-11-22T10:15:32ZZ"}) {
        EXPECT_FALSE(parseIso8601(bad, t)) << bad;
    }
}

TEST(TimeUtil, ParseIso8601OutsideTheTimestampRange) {
    // TimestampNs covers about 1677..2262; beyond that the parse must fail, not overflow.
    TimestampNs t;
    EXPECT_FALSE(parseIso8601("1000-01-01T00:00:00Z", t));
    EXPECT_FALSE(parseIso8601("0000-01-01", t));
    EXPECT_FALSE(parseIso8601("9999-12-31T23:59:59Z", t));
    EXPECT_FALSE(parseIso8601("2262-12-31T00:00:00-99:00", t));
    EXPECT_TRUE(parseIso8601("1700-01-01T00:00:00Z", t));
    EXPECT_EQ(t, utc(1700, 1, 1));
    EXPECT_TRUE(parseIso8601("2200-06-30T12:00:00+05:00", t));
    EXPECT_EQ(t, utc(2200, 6, 30, 7));
    EXPECT_TRUE(daysRepresentable(0));
    EXPECT_FALSE(daysRepresentable(daysFromCivil(2263, 1, 1)));
    EXPECT_FALSE(daysRepresentable(daysFromCivil(1677, 1, 1)));
}

TEST(TimeUtil, ParseDuration) {
    int64_t ns = -1;
    ASSERT_TRUE(parseDuration("500ms", ns));
    EXPECT_EQ(ns, 500 * kNsPerMs);
    ASSERT_TRUE(parseDuration("10s", ns));
    EXPECT_EQ(ns, 10 * kNsPerSecond);
    ASSERT_TRUE(parseDuration("10sec", ns));
    EXPECT_EQ(ns, 10 * kNsPerSecond);
    ASSERT_TRUE(parseDuration("5m", ns));
    EXPECT_EQ(ns, 5 * kNsPerMinute);
    ASSERT_TRUE(parseDuration("5min", ns));
    EXPECT_EQ(ns, 5 * kNsPerMinute);
    ASSERT_TRUE(parseDuration("2h", ns));
    EXPECT_EQ(ns, 2 * kNsPerHour);
    ASSERT_TRUE(parseDuration("1d", ns));
    EXPECT_EQ(ns, kNsPerDay);
    ASSERT_TRUE(parseDuration("250us", ns));
    EXPECT_EQ(ns, 250 * kNsPerUs);
    ASSERT_TRUE(parseDuration("42ns", ns));
    EXPECT_EQ(ns, 42);
    ASSERT_TRUE(parseDuration("3", ns));
    EXPECT_EQ(ns, 3 * kNsPerSecond);
    ASSERT_TRUE(parseDuration("1.5s", ns));
    EXPECT_EQ(ns, 1500 * kNsPerMs);
    ASSERT_TRUE(parseDuration(" 2m ", ns));
    EXPECT_EQ(ns, 2 * kNsPerMinute);
}

TEST(TimeUtil, ParseDurationRejects) {
    int64_t ns = 0;
    for (std::string_view bad : {"", "s", "ms", "10x", "10 s", "-5s", "1..5s", "10S", "ten",
                                 "99999999999d", "1e30s", "10000000000000000000"})
        EXPECT_FALSE(parseDuration(bad, ns)) << bad;
}

TEST(TimeUtil, MonthAbbreviations) {
    const char *names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (unsigned i = 0; i < 12; ++i)
        EXPECT_EQ(monthFromAbbrev(names[i]), i + 1) << names[i];
    EXPECT_EQ(monthFromAbbrev("nov"), 11u);
    EXPECT_EQ(monthFromAbbrev("NOV"), 11u);
    EXPECT_EQ(monthFromAbbrev("No"), 0u);
    EXPECT_EQ(monthFromAbbrev("Foo"), 0u);
    EXPECT_EQ(monthFromAbbrev(""), 0u);
}

TEST(TimeUtil, ClocksMove) {
    const int64_t m0 = monotonicNowNs();
    const int64_t m1 = monotonicNowNs();
    EXPECT_GE(m1, m0);
    // After 2020-01-01: the wall clock is at least plausible.
    EXPECT_GT(wallNow(), utc(2020, 1, 1));
}
