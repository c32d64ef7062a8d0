// SPDX-License-Identifier: GPL-3.0-or-later
#include "../test_support.h"
#include "weir/alert/condition.h"
#include "weir/alert/condition_set.h"

#include <cmath>
#include <cstdint>
#include <gtest/gtest.h>
#include <map>
#include <string>
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

// Rules are read the same in a GUI running in a locale whose decimal point is a comma.
TEST(Condition, NumbersHaveADecimalPointInACommaLocale) {
    weir::test::CommaLocale comma;
    ASSERT_TRUE(comma.ok()) << "cannot make a de_DE locale (apt-get install locales)";
    const Condition c = parseOk("mean(SPEED) < 0.5 * ref.mean(SPEED) + 1.25");
    const double values[] = {26.2, 50};
    EXPECT_EQ(c.evaluate(values).verdict, Verdict::True); // 26.2 < 0.5 * 50 + 1.25
    const double faster[] = {26.3, 50};
    EXPECT_EQ(c.evaluate(faster).verdict, Verdict::False);
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

namespace {

// Conditions over one table whose columns are the distinct aggregate texts, in first-use order.
struct Table {
    std::map<std::string, size_t> columnOf;
    std::vector<size_t> columnsFor(const Condition &c) {
        std::vector<size_t> out;
        for (const AggregateRef &a : c.aggregates())
            out.push_back(columnOf.emplace(a.text(), columnOf.size()).first->second);
        return out;
    }
};

} // namespace

// Rules evaluated together (identical conditions share a result, common sub-expressions are
// computed once) get exactly what each condition gives row by row, special values included,
// across block boundaries, in any member order and again on new values.
TEST(ConditionSet, SharedEvaluationGivesTheRowByRowResults) {
    const std::vector<std::string> texts = {
        "mean(a) * 2 > 100 and count() >= 1",
        "mean(a)*2>100 and count()>=1", // identical to the first
        "mean(a) * 2 > 102 and count() >= 1",
        "mean(a) * 2 > 104 or count() >= 1",
        "count() >= 1 and mean(a) * 2 > 100", // other order, other reported value
        "mean(a) * 2",
        "-(mean(a) * 2) < 3",
        "not (mean(a) * 2 > 100)",
        "sum(a) / count() > 0.5 or max(b) <= -1",
        "sum(a) / count() > 0.5 and max(b) <= -1",
        "sum(a) / count()",
        "1 > 0",
        "2 * 3 > 5 and mean(a) > 1",
        "1 / 0 > 1",
        "mean(a) == mean(a)",
        "(max(b) > 80 or min(b) < -10) and count() >= 3",
        "(max(b) > 80 or min(b) < -10) and count() >= 4",
        "mean(a) != 4 and not (count() == 0)",
        "mean(a) < 0.5 * ref.mean(a)",
        "mean(a) < 0.5 * ref.mean(a) and count() >= 1",
        "mean(a) > 5",
        "mean(a) > 5",
    };
    const double specials[] = {0,   1,     -1,       4,         5,    5.5,  50, 51, 52, 100,
                               -20, 1e308, HUGE_VAL, -HUGE_VAL, kNaN, 0.05, 3,  81, 2,  0.5};
    uint64_t seed = 987654321;
    const auto next = [&] {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        return specials[(seed >> 33) % (sizeof specials / sizeof specials[0])];
    };
    Table table;
    std::vector<Condition> conditions;
    ConditionSet set;
    std::vector<std::vector<size_t>> columnsOf;
    for (const std::string &text : texts) {
        conditions.push_back(parseOk(text));
        columnsOf.push_back(table.columnsFor(conditions.back()));
        EXPECT_EQ(set.add(conditions.back(), columnsOf.back()), conditions.size() - 1);
    }
    set.finish();
    EXPECT_EQ(set.memberCount(), texts.size());
    // The first two and the last two are one condition each.
    EXPECT_EQ(set.distinctCount(), texts.size() - 2);
    // mean(a) * 2, count() >= 1, sum(a) / count(), ... are computed once.
    EXPECT_GE(set.sharedCount(), 3u);
    for (const size_t rows : {size_t(600), size_t(1), size_t(0), size_t(257)}) {
        std::vector<std::vector<double>> columns(table.columnOf.size(), std::vector<double>(rows));
        for (auto &column : columns) {
            for (double &v : column)
                v = next();
        }
        std::vector<const double *> pointers;
        for (const auto &column : columns)
            pointers.push_back(column.data());
        set.begin(pointers.data(), rows);
        // Backwards on odd sizes: the memoized results do not depend on who asks first.
        for (size_t k = 0; k < texts.size(); ++k) {
            const size_t m = rows % 2 ? texts.size() - 1 - k : k;
            const ConditionSet::Results got = set.evaluate(m);
            std::vector<double> row(conditions[m].aggregates().size());
            for (size_t r = 0; r < rows; ++r) {
                for (size_t a = 0; a < row.size(); ++a)
                    row[a] = columns[columnsOf[m][a]][r];
                const Condition::Result expected = conditions[m].evaluate(row.data());
                ASSERT_EQ(got.verdicts[r], expected.verdict) << texts[m] << " row " << r;
                if (std::isnan(expected.value))
                    ASSERT_TRUE(std::isnan(got.values[r])) << texts[m] << " row " << r;
                else
                    ASSERT_EQ(got.values[r], expected.value) << texts[m] << " row " << r;
            }
        }
    }
}

// A program deeper than evaluate() accepts is evaluated alone, with evaluate()'s outcome.
TEST(ConditionSet, TooDeepAProgramKeepsItsOwnOutcome) {
    // Five operands wait on the stack per parenthesis level: 15 levels need 75 entries.
    std::string deep = "mean(a)";
    for (int i = 0; i < 15; ++i)
        deep = "count() or count() and count() < count() + count() * (" + deep + ")";
    const std::string texts[] = {deep, "mean(a) > 1"};
    Table table;
    std::vector<Condition> conditions;
    std::vector<std::vector<size_t>> columnsOf;
    ConditionSet set;
    for (const std::string &text : texts) {
        conditions.push_back(parseOk(text));
        columnsOf.push_back(table.columnsFor(conditions.back()));
        set.add(conditions.back(), columnsOf.back());
    }
    set.finish();
    const std::vector<double> mean = {1, 2, kNaN}, count = {3, 4, 5};
    const double *pointers[] = {count.data(), mean.data()};
    ASSERT_EQ(table.columnOf.at("count()"), 0u);
    set.begin(pointers, 3);
    for (size_t m = 0; m < 2; ++m) {
        const ConditionSet::Results got = set.evaluate(m);
        for (size_t r = 0; r < 3; ++r) {
            std::vector<double> row;
            for (size_t c : columnsOf[m])
                row.push_back(pointers[c][r]);
            EXPECT_EQ(got.verdicts[r], conditions[m].evaluate(row.data()).verdict)
                << m << " row " << r;
        }
    }
    const double v[] = {3, 1};
    EXPECT_EQ(conditions[0].evaluate(v).verdict, Verdict::Error); // evaluate() gives up on it
}
