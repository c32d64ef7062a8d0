// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/common/text.h"
#include "weir/window/aggregate.h"
#include "weir/window/sketches.h"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <map>
#include <random>
#include <set>

using namespace weir::window;

namespace {
double exactQuantile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    return v[static_cast<size_t>(std::floor(q * static_cast<double>(v.size() - 1)))];
}
} // namespace

TEST(DdSketch, QuantilesWithinOnePercentOnWideRanges) {
    std::mt19937_64 rng(5);
    std::lognormal_distribution<double> logn(3.0, 2.5);
    std::normal_distribution<double> norm(0, 100);
    for (int dist = 0; dist < 2; ++dist) {
        DdSketch s;
        std::vector<double> values;
        for (int i = 0; i < 50000; ++i) {
            const double x = dist == 0 ? logn(rng) : norm(rng);
            values.push_back(x);
            s.add(x);
        }
        for (double q : {0.0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0}) {
            const double exact = exactQuantile(values, q);
            EXPECT_LE(std::fabs(s.quantile(q) - exact), 0.01 * std::fabs(exact) + 1e-9)
                << "q=" << q << " dist=" << dist;
        }
    }
}

TEST(DdSketch, MergeEqualsSketchOfUnion) {
    std::mt19937_64 rng(9);
    std::exponential_distribution<double> ex(0.01);
    DdSketch a, b, all;
    for (int i = 0; i < 20000; ++i) {
        const double x = ex(rng) * (i % 3 == 0 ? -1 : 1);
        (i % 2 ? a : b).add(x);
        all.add(x);
    }
    a.merge(b);
    EXPECT_EQ(a.count(), all.count());
    for (double q = 0; q <= 1.0; q += 0.05)
        EXPECT_EQ(a.quantile(q), all.quantile(q)) << q;
    EXPECT_TRUE(std::isnan(DdSketch{}.quantile(0.5)));
}

TEST(DdSketch, BucketCountsWidenPastSixteenBits) {
    DdSketch s, t;
    for (int i = 0; i < 70000; ++i) {
        s.add(42.0);
        t.add(i % 2 ? 42.0 : -7.0);
    }
    s.add(1000.0);
    EXPECT_EQ(s.count(), 70001u);
    EXPECT_NEAR(s.quantile(0.5), 42.0, 0.42);
    EXPECT_NEAR(s.quantile(1.0), 1000.0, 10.0);
    s.merge(t);
    EXPECT_EQ(s.count(), 140001u);
    EXPECT_NEAR(s.quantile(0.1), -7.0, 0.07);
    EXPECT_NEAR(s.quantile(0.9), 42.0, 0.42);
}

TEST(DdSketch, ExtremeDynamicRangeCollapsesOnlyTheLowEnd) {
    DdSketch s;
    s.add(1e-8);
    for (int i = 0; i < 1000; ++i)
        s.add(1e30 * (1 + i / 1000.0));
    const double p50 = s.quantile(0.5);
    EXPECT_NEAR(p50 / 1.5e30, 1.0, 0.011);
}

TEST(ExactSum, OrderIndependentBitForBit) {
    std::mt19937_64 rng(1);
    std::uniform_real_distribution<double> u(-1e6, 1e6);
    std::vector<double> v;
    for (int i = 0; i < 10000; ++i)
        v.push_back(u(rng) / 3.0);
    ExactSum a;
    for (double x : v)
        a.add(x);
    std::shuffle(v.begin(), v.end(), rng);
    ExactSum b, c;
    for (size_t i = 0; i < v.size(); ++i)
        (i % 3 ? b : c).add(v[i]);
    b.merge(c);
    EXPECT_EQ(a.value(), b.value());
    // Large magnitudes take the split path; still exact and order-independent.
    std::vector<double> big2;
    for (int i = 0; i < 2000; ++i)
        big2.push_back((u(rng) * 1e7 + 0.25) * (i % 2 ? 1 : -1.5));
    ExactSum e1, e2;
    long double reference = 0;
    for (double x : big2) {
        e1.add(x);
        reference += x;
    }
    std::reverse(big2.begin(), big2.end());
    for (double x : big2)
        e2.add(x);
    EXPECT_EQ(e1.value(), e2.value());
    EXPECT_NEAR(e1.value(), static_cast<double>(reference),
                1e-6 * std::fabs(static_cast<double>(reference)) + 1e-3);
    ExactSum f;
    f.add(-3e12 - 0.5);
    f.add(1e12 + 0.25);
    EXPECT_EQ(f.value(), -2e12 - 0.25);
    ExactSum d;
    d.add(0.1);
    d.add(0.2);
    EXPECT_NEAR(d.value(), 0.3, 1e-12);
    ExactSum big;
    big.add(1e20);
    big.add(-1e20);
    big.add(2.5);
    EXPECT_EQ(big.value(), 2.5);
}

TEST(DistinctCounter, ExactBelowLimitThenHllWithinFivePercent) {
    DistinctCounter d;
    for (int i = 0; i < 500; ++i) {
        d.add("v" + std::to_string(i));
        d.add("v" + std::to_string(i / 2));
    }
    EXPECT_TRUE(d.exact());
    EXPECT_EQ(d.estimate(), 500);
    for (size_t n : {2000u, 20000u, 200000u}) {
        DistinctCounter h, part1, part2;
        for (size_t i = 0; i < n; ++i) {
            const std::string s = "item-" + std::to_string(i);
            h.add(s);
            (i % 2 ? part1 : part2).add(s);
            if (i % 5 == 0)
                h.add(s); // repeats do not count
        }
        EXPECT_FALSE(h.exact());
        EXPECT_NEAR(h.estimate() / static_cast<double>(n), 1.0, 0.05) << n;
        part1.merge(part2);
        EXPECT_EQ(part1.estimate(), h.estimate());
    }
}

TEST(SpaceSaving, ExactWhileUnderCapacityAndFindsHeavyHitters) {
    SpaceSaving s(8);
    for (int i = 0; i < 6; ++i)
        s.add("x" + std::to_string(i), static_cast<uint64_t>(i + 1));
    auto top = s.top(3);
    ASSERT_EQ(top.size(), 3u);
    EXPECT_EQ(top[0].item, "x5");
    EXPECT_EQ(top[0].count, 6u);
    EXPECT_EQ(top[2].item, "x3");

    std::mt19937_64 rng(3);
    SpaceSaving a(32), b(32);
    std::map<std::string, uint64_t> truth;
    for (int i = 0; i < 100000; ++i) {
        // Zipf-like: a few heavy items and a long tail.
        const uint64_t r = rng() % 1000;
        const std::string item = r < 300   ? "heavy0"
                                 : r < 450 ? "heavy1"
                                 : r < 550 ? "heavy2"
                                           : "tail" + std::to_string(rng() % 5000);
        (i % 2 ? a : b).add(item);
        ++truth[item];
    }
    a.merge(b);
    top = a.top(3);
    ASSERT_EQ(top.size(), 3u);
    EXPECT_EQ(top[0].item, "heavy0");
    EXPECT_EQ(top[1].item, "heavy1");
    EXPECT_EQ(top[2].item, "heavy2");
    for (const auto &e : top) {
        EXPECT_GE(e.count, truth[e.item]);
        EXPECT_LE(e.count - truth[e.item], 2 * 100000 / 32);
    }
    EXPECT_EQ(a.total(), 100000u);
}

TEST(Aggregates, ParseNamesAndErrors) {
    std::vector<AggregateSpec> specs;
    std::string error;
    ASSERT_TRUE(parseAggregates(
        "count, sum(bytes),p95(latency),topk(path,10),distinct(ip),p99.9(x)", specs, &error))
        << error;
    ASSERT_EQ(specs.size(), 6u);
    EXPECT_EQ(specs[1].name, "sum(bytes)");
    EXPECT_EQ(specs[2].kind, AggKind::Quantile);
    EXPECT_DOUBLE_EQ(specs[2].quantile, 0.95);
    EXPECT_EQ(specs[3].k, 10u);
    EXPECT_EQ(specs[3].field, "path");
    EXPECT_EQ(specs[3].name, "topk(path,10)");
    EXPECT_DOUBLE_EQ(specs[5].quantile, 0.999);
    EXPECT_FALSE(parseAggregates("sum", specs, &error));
    EXPECT_FALSE(parseAggregates("median(x)", specs, &error));
    EXPECT_FALSE(parseAggregates("topk(x,0)", specs, &error));
    EXPECT_FALSE(parseAggregates("sum(x", specs, &error));
    EXPECT_FALSE(parseAggregates("", specs, &error));
}

TEST(Aggregates, MergeEqualsUnionForEveryKind) {
    std::vector<AggregateSpec> specs;
    ASSERT_TRUE(parseAggregates("count,sum(v),mean(v),min(v),max(v),p90(v),distinct(v),topk(v,2),"
                                "first(v),last(v),count(v)",
                                specs));
    std::mt19937_64 rng(4);
    std::vector<AggState> a(specs.size()), b(specs.size()), all(specs.size());
    std::vector<std::string> texts;
    for (int i = 0; i < 300; ++i)
        texts.push_back(std::to_string(rng() % 50));
    for (int i = 0; i < 300; ++i) {
        FieldValue v;
        v.text = texts[static_cast<size_t>(i)];
        v.present = true;
        v.numeric = weir::parseDouble(v.text, v.number);
        if (i % 7 == 0)
            v = FieldValue{}; // missing
        const weir::TimestampNs t{static_cast<int64_t>(rng() % 100)};
        for (size_t k = 0; k < specs.size(); ++k) {
            (i % 2 ? a : b)[k].add(specs[k], v, t);
            all[k].add(specs[k], v, t);
        }
    }
    for (size_t k = 0; k < specs.size(); ++k) {
        a[k].merge(specs[k], b[k]);
        EXPECT_EQ(a[k].result(specs[k]).toString(), all[k].result(specs[k]).toString())
            << specs[k].name;
    }
    EXPECT_EQ(AggState{}.result(specs[3]).isNull(), true);
}
