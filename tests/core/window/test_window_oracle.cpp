// SPDX-License-Identifier: GPL-3.0-or-later
// The window operator against an independent brute-force oracle on randomized streams.
#include "oracle.h"
#include "weir/common/text.h"
#include "weir/window/window_operator.h"

#include <array>
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

enum class Feed { PerEvent, Batched };

// Feeds `events` in random batch sizes (each batch event by event with process(), or at once
// with processBatch()); between batches the processing clock advances and the operator gets a
// processing-time tick (early panes, idleness).
OpRun runOperator(const std::vector<TEvent> &events, const WindowSpec &spec,
                  const StreamOptions &so, uint64_t batchSeed,
                  AccumulationMode mode = AccumulationMode::Accumulating,
                  int64_t earlyNs = 100 * kNsPerMs, Feed feed = Feed::Batched) {
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
    constexpr size_t kMaxBatch = 200;
    // Per batch: the events and the texts and values they point to (stable while it runs).
    std::vector<std::array<FieldValue, 2>> values(kMaxBatch);
    std::vector<std::string> vTexts(kMaxBatch);
    std::vector<std::string> ids(kMaxBatch);
    std::vector<InputEvent> batchEvents(kMaxBatch);
    std::vector<Disposition> dispositions(kMaxBatch);
    while (i < events.size()) {
        const size_t batch = std::min<size_t>(1 + rng() % kMaxBatch, events.size() - i);
        for (size_t n = 0; n < batch; ++n) {
            const TEvent &e = events[i + n];
            vTexts[n] = fmt2(e.v);
            FieldValue *fv = values[n].data();
            fv[vIdx] = FieldValue{vTexts[n], e.v, true, true};
            fv[tagIdx] = FieldValue{e.tag, 0, false, true};
            ids[n] = std::to_string(e.id);
            InputEvent &in = batchEvents[n];
            in.time = TimestampNs{e.t};
            in.source = SourceId{0};
            in.key = e.key;
            in.values = fv;
            in.dedupKey = ids[n];
        }
        if (feed == Feed::Batched) {
            op.processBatch(batchEvents.data(), batch, now, dispositions.data());
        } else {
            for (size_t n = 0; n < batch; ++n)
                dispositions[n] = op.process(batchEvents[n], now);
        }
        for (size_t n = 0; n < batch; ++n, ++i) {
            const TEvent &e = events[i];
            const Disposition d = dispositions[n];
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
        const OpRun a = runOperator(makeStream(so, 1), spec, so, 1, AccumulationMode::Accumulating,
                                    0, Feed::PerEvent);
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

// processBatch() is process() event by event, with prefetching only: every pane (early, on
// time, late, closing), in the same order with the same values, and the same stats.
TEST(WindowOracle, BatchedProcessingEqualsPerEvent) {
    const WindowSpec specs[] = {WindowSpec::fixed(10 * kNsPerSecond),
                                WindowSpec::sliding(10 * kNsPerSecond, 2 * kNsPerSecond),
                                WindowSpec::session(kNsPerSecond), WindowSpec::global()};
    for (const WindowSpec &spec : specs) {
        for (const AccumulationMode mode :
             {AccumulationMode::Accumulating, AccumulationMode::Discarding}) {
            StreamOptions so = defaultStream(7);
            so.maxWindowNs = spec.maxLength();
            so.keys = 200; // tables grow while batches are in flight
            so.events = 4000;
            if (spec.kind == WindowKind::Global)
                so.tooLateShare = 0; // nothing is too late for the global window
            const std::vector<TEvent> events = makeStream(so, 5);
            const OpRun a = runOperator(events, spec, so, 11, mode, 50 * kNsPerMs, Feed::PerEvent);
            const OpRun b = runOperator(events, spec, so, 11, mode, 50 * kNsPerMs, Feed::Batched);
            ASSERT_FALSE(a.all.empty());
            ASSERT_EQ(a.all.size(), b.all.size()) << describe(spec);
            for (size_t i = 0; i < a.all.size(); ++i) {
                const Pane &x = a.all[i];
                const Pane &y = b.all[i];
                ASSERT_EQ(x.window, y.window) << describe(spec) << " pane " << i;
                ASSERT_EQ(x.key, y.key) << describe(spec) << " pane " << i;
                EXPECT_EQ(x.timing, y.timing);
                EXPECT_EQ(x.index, y.index);
                EXPECT_EQ(x.final, y.final);
                EXPECT_EQ(x.watermark, y.watermark);
                ASSERT_EQ(x.values.size(), y.values.size());
                for (size_t v = 0; v < x.values.size(); ++v)
                    EXPECT_EQ(x.values[v].toString(), y.values[v].toString());
            }
            EXPECT_EQ(a.stats.events, b.stats.events);
            EXPECT_EQ(a.stats.lateUpdates, b.stats.lateUpdates);
            EXPECT_EQ(a.stats.lateDropped, b.stats.lateDropped);
            EXPECT_EQ(a.stats.duplicates, b.stats.duplicates);
            EXPECT_EQ(a.stats.panes, b.stats.panes);
        }
    }
}
