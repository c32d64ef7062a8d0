// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/alert/condition.h"

#include <cmath>
#include <cstdint>
#include <gtest/gtest.h>
#include <vector>

using namespace weir::alert;

namespace {

Condition parseOk(const std::string &text) {
    std::string error;
    auto c = Condition::parse(text, &error);
    EXPECT_TRUE(c.has_value()) << text << ": " << error;
    return c ? *c : Condition();
}

std::string parseError(const std::string &text) {
    std::string error;
    EXPECT_FALSE(Condition::parse(text, &error).has_value()) << text;
    return error;
}

const double kNaN = std::nan("");

} // namespace

TEST(Condition, ThresholdOnAPercentile) {
    const Condition c = parseOk("p95(latency) > 800");
    ASSERT_EQ(c.aggregates().size(), 1u);
    EXPECT_EQ(c.aggregates()[0].text(), "p95(latency)");
    double v = 801;
    auto r = c.evaluate(&v);
    EXPECT_EQ(r.verdict, Verdict::True);
    EXPECT_DOUBLE_EQ(r.value, 801);
    v = 800;
    EXPECT_EQ(c.evaluate(&v).verdict, Verdict::False);
}

TEST(Condition, RatioOfFilteredCountsReportsTheRatio) {
    const Condition c = parseOk("count(status>=500) / count() > 0.05");
    ASSERT_EQ(c.aggregates().size(), 2u);
    EXPECT_EQ(c.aggregates()[0].function, "count");
    EXPECT_EQ(c.aggregates()[0].argument, "status>=500");
    EXPECT_EQ(c.aggregates()[1].argument, "");
    const double values[] = {6, 100};
    const auto r = c.evaluate(values);
    EXPECT_EQ(r.verdict, Verdict::True);
    EXPECT_DOUBLE_EQ(r.value, 0.06);
    const double fewer[] = {5, 100};
    EXPECT_EQ(c.evaluate(fewer).verdict, Verdict::False);
}

TEST(Condition, ReferenceComparison) {
    const Condition c = parseOk("mean(SPEED) < 0.5 * ref.mean(SPEED)");
    ASSERT_EQ(c.aggregates().size(), 2u);
    EXPECT_FALSE(c.aggregates()[0].reference);
    EXPECT_TRUE(c.aggregates()[1].reference);
    EXPECT_EQ(c.aggregates()[1].text(), "ref.mean(SPEED)");
    const double slow[] = {20, 60};
    EXPECT_EQ(c.evaluate(slow).verdict, Verdict::True);
    const double normal[] = {40, 60};
    EXPECT_EQ(c.evaluate(normal).verdict, Verdict::False);
    const double noRef[] = {20, kNaN};
    EXPECT_EQ(c.evaluate(noRef).verdict, Verdict::NoData);
}

TEST(Condition, BooleanOperatorsPrecedenceAndSuffixes) {
    const Condition c = parseOk("(max(temp) > 80 or min(temp) < -10) and count() >= 1k");
    ASSERT_EQ(c.aggregates().size(), 3u);
    const double hot[] = {90, 0, 1000};
    EXPECT_EQ(c.evaluate(hot).verdict, Verdict::True);
    const double hotFew[] = {90, 0, 999};
    EXPECT_EQ(c.evaluate(hotFew).verdict, Verdict::False);
    const double cold[] = {20, -11, 5000};
    EXPECT_EQ(c.evaluate(cold).verdict, Verdict::True);
    const Condition n = parseOk("not count() = 0");
    const double zero = 0;
    EXPECT_EQ(n.evaluate(&zero).verdict, Verdict::False);
    // Multiplication binds tighter than addition; unary minus works.
    const Condition m = parseOk("sum(x) + 2 * 3 == -(-7)");
    const double one = 1;
    EXPECT_EQ(m.evaluate(&one).verdict, Verdict::True);
}

TEST(Condition, DuplicateAggregatesShareASlotAndAvgIsMean) {
    const Condition c = parseOk("avg(x) > 1 and mean(x) < 5");
    ASSERT_EQ(c.aggregates().size(), 1u);
    EXPECT_EQ(c.aggregates()[0].function, "mean");
    const double v = 3;
    EXPECT_EQ(c.evaluate(&v).verdict, Verdict::True);
}

TEST(Condition, DivisionByZeroIsAnError) {
    const Condition c = parseOk("count(level>=error) / count() > 0.5");
    const double values[] = {0, 0};
    EXPECT_EQ(c.evaluate(values).verdict, Verdict::Error);
}

TEST(Condition, FilterArgumentsKeepParenthesesAndQuotes) {
    const Condition c = parseOk(R"x(count(path:"/a)" and (status>=500)) > 2)x");
    ASSERT_EQ(c.aggregates().size(), 1u);
    EXPECT_EQ(c.aggregates()[0].argument, R"x(path:"/a)" and (status>=500))x");
}

TEST(Condition, ErrorsNameColumnAndReason) {
    EXPECT_EQ(parseError("p95(latency) >"), "column 15: expected a value at the end");
    EXPECT_EQ(parseError("median(x) > 1"), "column 1: unknown aggregate 'median'");
    EXPECT_EQ(parseError("mean x > 1"), "column 6: expected '(' after mean at 'x'");
    EXPECT_EQ(parseError("mean(x > 1"), "column 1: unclosed '(' in mean");
    EXPECT_EQ(parseError("mean() > 1"), "column 1: mean() needs a field");
    EXPECT_EQ(parseError("(count() > 1"), "column 13: expected ')' at the end");
    EXPECT_EQ(parseError("count() > 1 )"), "column 13: unexpected ')'");
    EXPECT_NE(parseError(std::string(200, '(') + "count()" + std::string(200, ')'))
                  .find("nested too deeply"),
              std::string::npos);
}

// The column evaluator (used by the alert engine on every pane of a window close) gives
// exactly the row-by-row results, special values included, across block boundaries.
TEST(Condition, ColumnsGiveTheRowByRowResults) {
    const char *const texts[] = {
        "mean(a) > 5",
        "mean(a) * 2 > 100 and count() >= 1",
        "-mean(a) < 3",
        "not (mean(a) > 1)",
        "mean(a)",
        "sum(a) / count()",
        "sum(a) / count() > 0.5 or max(b) <= -1",
        "1 > 0",
        "2 * 3",
        "mean(a) == mean(a)",
        "(max(a) > 80 or min(b) < -10) and count() >= 3",
        "mean(a) != 4 and not (count() == 0)",
        "mean(a) < 0.5 * ref.mean(a)",
        "count(status>=500) / count() > 0.05",
    };
    const double specials[] = {0,     1,        -1,        4,    5,    5.5, 100, -20,
                               1e308, HUGE_VAL, -HUGE_VAL, kNaN, 0.05, 3,   81};
    const size_t rows = 600; // two full blocks of 256 and a partial one
    uint64_t seed = 12345;
    const auto next = [&] {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        return specials[(seed >> 33) % (sizeof specials / sizeof specials[0])];
    };
    for (const char *text : texts) {
        const Condition c = parseOk(text);
        const size_t aggs = c.aggregates().size();
        std::vector<std::vector<double>> columns(aggs, std::vector<double>(rows));
        for (size_t r = 0; r < rows; ++r) {
            for (size_t a = 0; a < aggs; ++a)
                columns[a][r] = next();
        }
        std::vector<const double *> pointers;
        for (const auto &col : columns)
            pointers.push_back(col.data());
        std::vector<Verdict> verdicts(rows);
        std::vector<double> values(rows);
        c.evaluateColumns(pointers.data(), rows, verdicts.data(), values.data());
        std::vector<double> row(aggs);
        for (size_t r = 0; r < rows; ++r) {
            for (size_t a = 0; a < aggs; ++a)
                row[a] = columns[a][r];
            const auto expected = c.evaluate(row.data());
            ASSERT_EQ(verdicts[r], expected.verdict) << text << " row " << r;
            if (std::isnan(expected.value))
                EXPECT_TRUE(std::isnan(values[r])) << text << " row " << r;
            else
                EXPECT_EQ(values[r], expected.value) << text << " row " << r;
        }
        if (const auto simple = c.simpleComparison()) {
            std::vector<Verdict> simpleVerdicts(rows);
            simple->evaluateColumn(columns[simple->aggregate].data(), rows, simpleVerdicts.data());
            EXPECT_EQ(simpleVerdicts, verdicts) << text;
        }
    }
}
