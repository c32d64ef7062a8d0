// SPDX-License-Identifier: GPL-3.0-or-later
// The window operator against an independent brute-force oracle on randomized streams.
#include "oracle.h"
#include "weir/common/text.h"
#include "weir/window/window_operator.h"

#include <cstdio>
#include <gtest/gtest.h>

using namespace weir;
using namespace weir::window;
using namespace weir::window::test;

namespace {

const char *kAggs =
    "count,sum(v),min(v),max(v),mean(v),p95(v),distinct(tag),topk(tag,3),first(tag),last(v)";

struct OpRun {
    std::map<ResultKey, Pane> finals;
    size_t duplicateFinals = 0;
    OperatorStats stats;
    std::vector<Pane> all;
};

std::string fmt2(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

// Feeds `events` in random batch sizes; between batches the processing clock advances and the
// operator gets a processing-time tick (early panes, idleness).
OpRun runOperator(const std::vector<TEvent> &events, const WindowSpec &spec,
                  const StreamOptions &so, uint64_t batchSeed,
                  AccumulationMode mode = AccumulationMode::Accumulating,
                  int64_t earlyNs = 100 * kNsPerMs) {
    WindowOperator::Options o;
    o.window = spec;
    std::string error;
    EXPECT_TRUE(parseAggregates(kAggs, o.aggregates, &error)) << error;
    o.outOfOrderNs = so.outOfOrderNs;
    o.allowedLatenessNs = so.latenessNs;
    o.earlyIntervalNs = earlyNs;
    o.mode = mode;
    o.dedupTtlNs = kNsPerHour;
    WindowOperator op(o);
    const auto &inputs = op.inputFields();
    EXPECT_EQ(inputs.size(), 2u);
    const size_t vIdx = inputs[0] == "v" ? 0 : 1;
    const size_t tagIdx = 1 - vIdx;

    std::mt19937_64 rng(batchSeed);
    int64_t now = 1'000'000'000;
    size_t i = 0;
    std::vector<std::string> texts(2);
    std::string idText;
    while (i < events.size()) {
        const size_t batch = 1 + rng() % 200;
        for (size_t n = 0; n < batch && i < events.size(); ++n, ++i) {
            const TEvent &e = events[i];
            FieldValue values[2];
            texts[0] = fmt2(e.v);
            values[vIdx].text = texts[0];
            values[vIdx].number = e.v;
            values[vIdx].numeric = true;
            values[vIdx].present = true;
            values[tagIdx].text = e.tag;
            values[tagIdx].present = true;
            idText = std::to_string(e.id);
            InputEvent in;
            in.time = TimestampNs{e.t};
            in.source = SourceId{0};
            in.key = e.key;
            in.values = values;
            in.dedupKey = idText;
            const Disposition d = op.process(in, now);
            if (e.tooLate)
                EXPECT_EQ(d, Disposition::Dropped) << "event " << e.id;
            else if (e.duplicate)
                EXPECT_EQ(d, Disposition::Duplicate) << "event " << e.id;
            else
                EXPECT_NE(d, Disposition::Dropped) << "event " << e.id;
        }
        now += static_cast<int64_t>(rng() % 80) * kNsPerMs;
        op.onProcessingTime(now);
    }
    op.endAll();
    OpRun r;
    op.takePanes(r.all);
    for (const Pane &p : r.all) {
        if (!p.final)
            continue;
        const ResultKey k{p.window.start.value, p.window.end.value, p.key};
        if (!r.finals.emplace(k, p).second)
            ++r.duplicateFinals;
    }
    r.stats = op.stats();
    return r;
}

void compareWithOracle(const OpRun &run, const std::map<ResultKey, Exact> &expected) {
    EXPECT_EQ(run.duplicateFinals, 0u);
    ASSERT_EQ(run.finals.size(), expected.size());
    for (const auto &[k, ex] : expected) {
        const auto it = run.finals.find(k);
        ASSERT_NE(it, run.finals.end())
            << "missing window " << std::get<0>(k) << " " << std::get<2>(k);
        const auto &v = it->second.values;
        ASSERT_EQ(v.size(), 10u);
        EXPECT_EQ(v[0].number, static_cast<double>(ex.count));
        EXPECT_EQ(v[1].number, ex.sum);
        EXPECT_EQ(v[2].number, ex.min);
        EXPECT_EQ(v[3].number, ex.max);
        EXPECT_EQ(v[4].number, ex.sum / static_cast<double>(ex.count));
        const double q = ex.quantile(0.95);
        EXPECT_LE(std::fabs(v[5].number - q), 0.01 * std::fabs(q) + 1e-12)
            << v[5].number << " vs " << q;
        EXPECT_EQ(v[6].number, static_cast<double>(ex.tags.size()));
        EXPECT_EQ(v[7].text, ex.topk(3));
        EXPECT_EQ(v[8].text, ex.firstTag);
        EXPECT_EQ(v[9].number, ex.lastV);
    }
}

StreamOptions defaultStream(uint64_t seed) {
    StreamOptions so;
    so.seed = seed;
    return so;
}

} // namespace

TEST(WindowOracle, FixedWindowsMatchBruteForce) {
    for (uint64_t seed = 1; seed <= 5; ++seed) {
        StreamOptions so = defaultStream(seed);
        so.maxWindowNs = 10 * kNsPerSecond;
        const auto events = makeStream(so, seed * 31);
        const auto expected = oracle(events, OKind::Fixed, 10 * kNsPerSecond, 0, 0);
        const OpRun r = runOperator(events, WindowSpec::fixed(10 * kNsPerSecond), so, seed);
        compareWithOracle(r, expected);
        EXPECT_GT(r.stats.lateUpdates, 0u);
        EXPECT_GT(r.stats.lateDropped, 0u);
        EXPECT_GT(r.stats.duplicates, 0u);
        EXPECT_EQ(r.stats.windows, expected.size());
        EXPECT_EQ(r.stats.liveCells, 0u);
    }
}

TEST(WindowOracle, SlidingWindowsMatchBruteForce) {
    for (uint64_t seed = 11; seed <= 14; ++seed) {
        StreamOptions so = defaultStream(seed);
        so.maxWindowNs = 10 * kNsPerSecond;
        const auto events = makeStream(so, seed * 17);
        const auto expected =
            oracle(events, OKind::Sliding, 10 * kNsPerSecond, 3 * kNsPerSecond, 0);
        const OpRun r =
            runOperator(events, WindowSpec::sliding(10 * kNsPerSecond, 3 * kNsPerSecond), so, seed);
        compareWithOracle(r, expected);
        EXPECT_GT(r.stats.lateUpdates, 0u);
    }
}

TEST(WindowOracle, SessionWindowsMatchBruteForce) {
    for (uint64_t seed = 21; seed <= 25; ++seed) {
        StreamOptions so = defaultStream(seed);
        so.keys = 5;
        so.meanGapNs = 300 * kNsPerMs; // per key ~1.5 s apart: sessions of 1 s gap split often
        so.maxWindowNs = kNsPerSecond;
        const auto events = makeStream(so, seed * 13);
        const auto expected = oracle(events, OKind::Session, 0, 0, kNsPerSecond);
        const OpRun r = runOperator(events, WindowSpec::session(kNsPerSecond), so, seed);
        compareWithOracle(r, expected);
        EXPECT_GT(expected.size(), 100u);
    }
}

TEST(WindowOracle, DiscardingPanesSumToTheTotal) {
    StreamOptions so = defaultStream(77);
    const auto events = makeStream(so, 5);
    const auto expected = oracle(events, OKind::Fixed, 10 * kNsPerSecond, 0, 0);
    const OpRun r = runOperator(events, WindowSpec::fixed(10 * kNsPerSecond), so, 3,
                                AccumulationMode::Discarding);
    std::map<ResultKey, std::pair<double, double>> totals; // count, sum
    for (const Pane &p : r.all) {
        auto &t = totals[ResultKey{p.window.start.value, p.window.end.value, p.key}];
        t.first += p.values[0].number;
        t.second += p.values[1].number;
    }
    ASSERT_EQ(totals.size(), expected.size());
    for (const auto &[k, ex] : expected) {
        EXPECT_EQ(totals[k].first, static_cast<double>(ex.count));
        EXPECT_EQ(totals[k].second, ex.sum);
    }
}

// Property: the final panes do not depend on batch sizes, arrival order within the bound or
// processing-time triggers, bit for bit, even for values whose double sums would depend on
// the order of additions.
TEST(WindowOracle, FinalOutputIndependentOfOrderAndBatching) {
    const WindowSpec specs[] = {WindowSpec::fixed(10 * kNsPerSecond),
                                WindowSpec::sliding(10 * kNsPerSecond, 2 * kNsPerSecond),
                                WindowSpec::session(kNsPerSecond)};
    for (const WindowSpec &spec : specs) {
        StreamOptions so = defaultStream(99);
        so.dyadic = false;
        so.maxWindowNs = spec.maxLength();
        const OpRun a =
            runOperator(makeStream(so, 1), spec, so, 1, AccumulationMode::Accumulating, 0);
        const OpRun b = runOperator(makeStream(so, 2), spec, so, 2);
        const OpRun c = runOperator(makeStream(so, 3), spec, so, 3, AccumulationMode::Accumulating,
                                    10 * kNsPerMs);
        ASSERT_FALSE(a.finals.empty());
        for (const OpRun *other : {&b, &c}) {
            ASSERT_EQ(a.finals.size(), other->finals.size()) << describe(spec);
            for (const auto &[k, pane] : a.finals) {
                const auto it = other->finals.find(k);
                ASSERT_NE(it, other->finals.end());
                for (size_t i = 0; i < pane.values.size(); ++i) {
                    EXPECT_EQ(pane.values[i].toString(), it->second.values[i].toString())
                        << describe(spec) << " aggregate " << i;
                }
            }
            EXPECT_EQ(a.stats.lateDropped, other->stats.lateDropped);
            EXPECT_EQ(a.stats.duplicates, other->stats.duplicates);
        }
    }
}
