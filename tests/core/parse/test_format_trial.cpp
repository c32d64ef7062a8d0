// SPDX-License-Identifier: GPL-3.0-or-later
// parse::tryFormat: the core of re-parsing dead letters and of the parser workbench.
#include "weir/parse/format_trial.h"

#include <gtest/gtest.h>

using namespace weir;
using namespace weir::parse;

TEST(FormatTrial, CountsEventsDeadLettersAndFieldStatistics) {
    const std::vector<std::string_view> lines = {
        R"({"ts":"2021-11-22T10:15:32Z","level":"info","user":"a","n":1})",
        R"({"ts":"2021-11-22T10:15:33Z","level":"warn","user":null,"n":2.5})",
        "not json\r",
        "",
        R"({"ts":"bad time","level":"info"})",
    };
    const FormatTrial t = tryFormat("json", lines);
    EXPECT_TRUE(t.error.empty());
    EXPECT_EQ(t.format, "json");
    ASSERT_EQ(t.lines.size(), lines.size());
    EXPECT_EQ(t.events, 2u);
    EXPECT_EQ(t.deadLetters, 3u);
    EXPECT_DOUBLE_EQ(t.matchRate(), 0.4);
    EXPECT_EQ(t.lines[2].reason, DeadLetterReason::Malformed);
    EXPECT_EQ(t.lines[3].reason, DeadLetterReason::Empty);
    EXPECT_EQ(t.lines[4].reason, DeadLetterReason::BadTimestamp);
    EXPECT_TRUE(t.lines[1].header.hasTime);
    ASSERT_EQ(t.lines[0].fields.size(), 4u); // fields per line, in order
    EXPECT_EQ(t.lines[0].fields[2].name, "user");
    EXPECT_EQ(t.lines[0].fields[2].text, "a");
    EXPECT_EQ(t.lines[0].fields[3].type, FieldType::Int);
    EXPECT_TRUE(t.lines[2].fields.empty());
    EXPECT_EQ(t.lines[1].header.severity, Severity::Warning);
    const auto field = [&](std::string_view name) -> const FieldTrial * {
        for (const auto &f : t.fields)
            if (f.name == name)
                return &f;
        return nullptr;
    };
    ASSERT_NE(field("user"), nullptr);
    EXPECT_EQ(field("user")->present, 2u);
    EXPECT_EQ(field("user")->nulls, 1u);
    EXPECT_EQ(field("user")->dominantType(), FieldType::String);
    ASSERT_NE(field("n"), nullptr);
    EXPECT_EQ(field("n")->types[static_cast<size_t>(FieldType::Int)], 1u);
    EXPECT_EQ(field("n")->types[static_cast<size_t>(FieldType::Float)], 1u);
    ASSERT_NE(field("ts"), nullptr);
    EXPECT_EQ(field("ts")->dominantType(), FieldType::Time);
}

TEST(FormatTrial, AutoCsvHeadersAndErrors) {
    const std::vector<std::string_view> csv = {"a,b,time", "1,x,2021-11-22T10:15:32Z",
                                               "2,y,2021-11-22T10:15:33Z"};
    const FormatTrial t = tryFormat("auto", csv);
    EXPECT_EQ(t.format, "csv");
    EXPECT_EQ(t.headers, 1u);
    EXPECT_EQ(t.events, 2u);
    EXPECT_DOUBLE_EQ(t.matchRate(), 1.0);
    const FormatTrial bad = tryFormat("regex:(", csv);
    EXPECT_FALSE(bad.error.empty());
    EXPECT_TRUE(bad.lines.empty());
    EXPECT_FALSE(tryFormat("no-such-format", csv).error.empty());
    const FormatTrial none = tryFormat("json", {});
    EXPECT_TRUE(none.error.empty());
    EXPECT_DOUBLE_EQ(none.matchRate(), 0.0);
    // Field statistics stop at the cap; counts do not.
    const FormatTrial capped = tryFormat("csv", csv, 1);
    EXPECT_EQ(capped.events, 2u);
    ASSERT_FALSE(capped.fields.empty());
    EXPECT_EQ(capped.fields[0].present, 1u);
}
