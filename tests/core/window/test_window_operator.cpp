// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/parse/csv_parser.h"
#include "weir/window/event_builder.h"
#include "weir/window/result_join.h"
#include "weir/window/window_operator.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace weir;
using namespace weir::window;

namespace {

constexpr int64_t S = kNsPerSecond;

WindowOperator::Options opts(WindowSpec spec, const char *aggs, int64_t ooo = 0,
                             int64_t lateness = 0) {
    WindowOperator::Options o;
    o.window = spec;
    EXPECT_TRUE(parseAggregates(aggs, o.aggregates));
    o.outOfOrderNs = ooo;
    o.allowedLatenessNs = lateness;
    return o;
}

// Feeds one event with a single numeric input value.
Disposition feed(WindowOperator &op, int64_t t, std::string_view key, double v = 1,
                 uint16_t source = 0, int64_t now = 0, std::string_view dedup = {}) {
    const std::string text = std::to_string(v);
    FieldValue fv{text, v, true, true};
    InputEvent e;
    e.time = TimestampNs{t};
    e.source = SourceId{source};
    e.key = key;
    e.values = &fv;
    e.dedupKey = dedup;
    return op.process(e, now);
}

std::vector<Pane> take(WindowOperator &op) {
    std::vector<Pane> out;
    op.takePanes(out);
    return out;
}

} // namespace

TEST(WindowSpec, ParseAndAssign) {
    WindowSpec w;
    std::string err;
    ASSERT_TRUE(parseWindowSpec("sliding:60s/10s", w, &err)) << err;
    EXPECT_EQ(w.kind, WindowKind::Sliding);
    std::vector<Window> out;
    w.assign(TimestampNs{125 * S}, out);
    ASSERT_EQ(out.size(), 6u);
    EXPECT_EQ(out.front().start.value, 70 * S);
    EXPECT_EQ(out.back().start.value, 120 * S);
    EXPECT_EQ(out.back().end.value, 180 * S);
    ASSERT_TRUE(parseWindowSpec("fixed:1m", w));
    w.assign(TimestampNs{-1}, out); // before 1970: floor, not truncation
    EXPECT_EQ(out[0].start.value, -60 * S);
    EXPECT_EQ(describe(w), "fixed:1m");
    ASSERT_TRUE(parseWindowSpec("session:30s", w));
    EXPECT_EQ(w.gap, 30 * S);
    EXPECT_FALSE(parseWindowSpec("sliding:10s/60s", w, &err));
    EXPECT_FALSE(parseWindowSpec("fixed:abc", w, &err));
    EXPECT_FALSE(parseWindowSpec("hopping:1s", w, &err));
}

TEST(Watermark, MinOverSourcesIdleAndEnd) {
    WatermarkTracker wm(2 * S, 5 * S);
    EXPECT_EQ(wm.current(), kMinTimestamp);
    wm.observe(SourceId{0}, TimestampNs{100 * S}, 0);
    EXPECT_EQ(wm.current().value, 98 * S);
    wm.observe(SourceId{1}, TimestampNs{50 * S}, 0);
    EXPECT_EQ(wm.current().value, 98 * S) << "never moves backwards";
    wm.observe(SourceId{0}, TimestampNs{200 * S}, 1 * S);
    EXPECT_EQ(wm.current().value, 98 * S) << "held back by the slow source";
    wm.observe(SourceId{1}, TimestampNs{150 * S}, 2 * S);
    EXPECT_EQ(wm.current().value, 148 * S);
    // Source 1 goes quiet: after the idle timeout it no longer holds the watermark.
    wm.observe(SourceId{0}, TimestampNs{300 * S}, 6 * S);
    EXPECT_EQ(wm.current().value, 148 * S);
    EXPECT_TRUE(wm.onProcessingTime(8 * S));
    EXPECT_TRUE(wm.isIdle(SourceId{1}));
    EXPECT_EQ(wm.current().value, 298 * S);
    // It comes back: counts again (the watermark stays where it was).
    wm.observe(SourceId{1}, TimestampNs{299 * S}, 9 * S);
    EXPECT_FALSE(wm.isIdle(SourceId{1}));
    wm.observe(SourceId{0}, TimestampNs{400 * S}, 9 * S);
    EXPECT_EQ(wm.current().value, 298 * S);
    // Source 1 ends: source 0 alone drives it.
    wm.endSource(SourceId{1});
    EXPECT_EQ(wm.current().value, 398 * S);
    wm.endSource(SourceId{0});
    EXPECT_EQ(wm.current().value, 398 * S);
    EXPECT_TRUE(wm.endAll());
    EXPECT_EQ(wm.current(), kMaxTimestamp);
}

TEST(WindowOperator, PaneSequenceEarlyOnTimeLateFinal) {
    auto o = opts(WindowSpec::fixed(10 * S), "count,sum(v)", 1 * S, 5 * S);
    o.earlyIntervalNs = 100 * kNsPerMs;
    WindowOperator op(o);
    op.onProcessingTime(0); // arms the early trigger
    feed(op, 1 * S, "a", 2);
    feed(op, 2 * S, "a", 3);
    op.onProcessingTime(50 * kNsPerMs);
    EXPECT_TRUE(take(op).empty()) << "interval not yet elapsed";
    op.onProcessingTime(150 * kNsPerMs);
    auto panes = take(op);
    ASSERT_EQ(panes.size(), 1u);
    EXPECT_EQ(panes[0].timing, PaneTiming::Early);
    EXPECT_EQ(panes[0].index, 0u);
    EXPECT_EQ(panes[0].values[1].number, 5);
    op.onProcessingTime(300 * kNsPerMs);
    EXPECT_TRUE(take(op).empty()) << "no new data, no early pane";

    feed(op, 11 * S, "a", 1); // watermark 10 s: window [0, 10) fires on time
    panes = take(op);
    ASSERT_EQ(panes.size(), 1u);
    EXPECT_EQ(panes[0].timing, PaneTiming::OnTime);
    EXPECT_EQ(panes[0].index, 1u);
    EXPECT_FALSE(panes[0].final) << "lateness 5 s keeps it open";
    EXPECT_EQ(panes[0].window.start.value, 0);
    EXPECT_EQ(panes[0].window.end.value, 10 * S);

    EXPECT_EQ(feed(op, 9 * S, "a", 10), Disposition::Late);
    panes = take(op);
    ASSERT_EQ(panes.size(), 1u);
    EXPECT_EQ(panes[0].timing, PaneTiming::Late);
    EXPECT_EQ(panes[0].values[0].number, 3);
    EXPECT_EQ(panes[0].values[1].number, 15);

    feed(op, 16 * S, "a", 1); // watermark 15 s = end + lateness: closing pane
    panes = take(op);
    ASSERT_EQ(panes.size(), 1u);
    EXPECT_TRUE(panes[0].final);
    EXPECT_EQ(panes[0].timing, PaneTiming::Late);
    EXPECT_EQ(panes[0].values[1].number, 15);
    EXPECT_EQ(feed(op, 4 * S, "a", 100), Disposition::Dropped);
    EXPECT_EQ(op.stats().lateDropped, 1u);
    EXPECT_EQ(op.stats().lateUpdates, 1u);

    op.endAll();
    panes = take(op);
    ASSERT_EQ(panes.size(), 1u); // [10, 20) for "a"
    EXPECT_TRUE(panes[0].final);
    EXPECT_EQ(panes[0].timing, PaneTiming::OnTime);
    EXPECT_EQ(panes[0].values[0].number, 2);
    EXPECT_EQ(op.stats().liveCells, 0u);
}

TEST(WindowOperator, WithoutLatenessOnTimeIsFinalAndLateIsDropped) {
    WindowOperator op(opts(WindowSpec::fixed(10 * S), "count", 0, 0));
    feed(op, 1 * S, "a");
    feed(op, 10 * S, "b");
    auto panes = take(op);
    ASSERT_EQ(panes.size(), 1u);
    EXPECT_TRUE(panes[0].final);
    EXPECT_EQ(panes[0].key, "a");
    EXPECT_EQ(feed(op, 9 * S, "a"), Disposition::Dropped);
}

TEST(WindowOperator, GlobalWindowFiresAtEndOfInput) {
    WindowOperator op(opts(WindowSpec::global(), "count,max(v)"));
    for (int i = 0; i < 100; ++i)
        feed(op, i * S, i % 2 ? "odd" : "even", i);
    EXPECT_FALSE(op.hasPanes());
    op.endAll();
    auto panes = take(op);
    ASSERT_EQ(panes.size(), 2u);
    EXPECT_EQ(panes[0].key, "even");
    EXPECT_EQ(panes[1].values[1].number, 99);
    EXPECT_TRUE(panes[1].final);
}

TEST(WindowOperator, MultipleSourcesHoldTheWatermark) {
    WindowOperator op(opts(WindowSpec::fixed(10 * S), "count"));
    feed(op, 1 * S, "a", 1, 0);
    feed(op, 2 * S, "a", 1, 1);
    feed(op, 30 * S, "a", 1, 0);
    EXPECT_FALSE(op.hasPanes()) << "source 1 still at 2 s";
    EXPECT_EQ(feed(op, 5 * S, "a", 1, 1), Disposition::Accepted);
    op.endSource(SourceId{1});
    auto panes = take(op);
    ASSERT_EQ(panes.size(), 1u);
    EXPECT_EQ(panes[0].values[0].number, 3);
}

TEST(WindowOperator, IdleSourceStopsHoldingTheWatermark) {
    auto o = opts(WindowSpec::fixed(10 * S), "count");
    o.idleTimeoutNs = 1 * S;
    WindowOperator op(o);
    feed(op, 1 * S, "a", 1, 0, 0);
    feed(op, 2 * S, "a", 1, 1, 0);
    feed(op, 30 * S, "a", 1, 0, 500 * kNsPerMs);
    op.onProcessingTime(900 * kNsPerMs);
    EXPECT_FALSE(op.hasPanes());
    op.onProcessingTime(1100 * kNsPerMs); // source 1 idle now; source 0 still recent
    EXPECT_EQ(take(op).size(), 1u);
}

TEST(WindowOperator, DedupWithinTtlAndStateExpires) {
    auto o = opts(WindowSpec::fixed(10 * S), "count");
    o.dedupTtlNs = 60 * S;
    WindowOperator op(o);
    EXPECT_EQ(feed(op, 1 * S, "a", 1, 0, 0, "id1"), Disposition::Accepted);
    EXPECT_EQ(feed(op, 1 * S, "a", 1, 0, 0, "id1"), Disposition::Duplicate);
    EXPECT_EQ(feed(op, 50 * S, "a", 1, 0, 0, "id1"), Disposition::Duplicate);
    EXPECT_EQ(feed(op, 70 * S, "a", 1, 0, 0, "id1"), Disposition::Accepted) << "beyond TTL";
    EXPECT_EQ(op.stats().duplicates, 2u);
    for (int i = 0; i < 1000; ++i)
        feed(op, (100 + i) * S, "a", 1, 0, 0, "x" + std::to_string(i));
    EXPECT_LE(op.stats().dedupEntries, 62u) << "entries older than the TTL are freed";
}

TEST(WindowOperator, SessionsMergeOnLateBridgingEvent) {
    WindowOperator op(opts(WindowSpec::session(10 * S), "count,sum(v)", 0, 60 * S));
    feed(op, 0, "k", 1);
    feed(op, 25 * S, "k", 2);
    feed(op, 40 * S, "x", 0); // watermark 40 s: sessions [0,10) and [25,35) fire on time
    auto panes = take(op);
    ASSERT_EQ(panes.size(), 2u);
    EXPECT_EQ(panes[0].window.end.value, 10 * S);
    EXPECT_EQ(panes[1].window.end.value, 35 * S);
    EXPECT_EQ(panes[1].timing, PaneTiming::OnTime);
    // An event at 8 s bridges [0,10) and... not [25,35): gap 10 s from 8 s ends at 18 s.
    EXPECT_EQ(feed(op, 8 * S, "k", 4), Disposition::Late);
    panes = take(op);
    ASSERT_EQ(panes.size(), 1u);
    EXPECT_EQ(panes[0].window.start.value, 0);
    EXPECT_EQ(panes[0].window.end.value, 18 * S);
    EXPECT_EQ(panes[0].timing, PaneTiming::Late);
    // 17 s bridges [0,18) and [25,35) into [0,35).
    EXPECT_EQ(feed(op, 17 * S, "k", 8), Disposition::Late);
    panes = take(op);
    ASSERT_EQ(panes.size(), 1u);
    EXPECT_EQ(panes[0].window.end.value, 35 * S);
    EXPECT_EQ(panes[0].values[0].number, 4);
    EXPECT_EQ(panes[0].values[1].number, 15);
    op.endAll();
    panes = take(op);
    size_t finalsForK = 0;
    for (const auto &p : panes)
        finalsForK += p.final && p.key == "k";
    EXPECT_EQ(finalsForK, 1u);
}

TEST(WindowOperator, MemoryStaysFlatOnALongStream) {
    auto o =
        opts(WindowSpec::sliding(60 * S, 10 * S), "count,sum(v),p95(v),distinct(v)", 5 * S, 30 * S);
    o.dedupTtlNs = 120 * S;
    WindowOperator op(o);
    std::vector<Pane> sink;
    uint64_t maxCells = 0;
    uint64_t maxDedup = 0;
    // 600 000 events, 100 keys, 100 events per second of event time: 100 minutes.
    const std::vector<std::string> keys = [] {
        std::vector<std::string> k;
        for (int i = 0; i < 100; ++i)
            k.push_back("key" + std::to_string(i));
        return k;
    }();
    std::string id;
    for (int64_t i = 0; i < 600000; ++i) {
        const int64_t t = i * 10 * kNsPerMs;
        id = std::to_string(i);
        feed(op, t, keys[static_cast<size_t>(i % 100)], static_cast<double>(i % 1000), 0, 0, id);
        if (i % 10000 == 0) {
            op.takePanes(sink);
            sink.clear();
            maxCells = std::max(maxCells, op.stats().liveCells);
            maxDedup = std::max(maxDedup, op.stats().dedupEntries);
        }
    }
    // Live windows: those not yet past end + lateness (+ out-of-order): (60+30+5)/10 + 1 = 10
    // starts at most, times 100 keys.
    EXPECT_LE(maxCells, 11u * 100u);
    EXPECT_GE(maxCells, 6u * 100u);
    EXPECT_LE(maxDedup, 130u * 100u); // TTL 120 s + 5 s bound at 100 events/s
    EXPECT_EQ(op.stats().lateDropped, 0u);
}

TEST(EventBuilder, KeysAndValuesFromCsvFields) {
    parse::CsvParser parser;
    parse::EventHeader h;
    ASSERT_EQ(
        parser.parseHeader("TIMESTAMP,LATITUDE,LONGITUDE,FREEWAY_ID,FREEWAY_DIR,LANE,SPEED", h)
            .status,
        parse::ParseStatus::Header);
    const std::string line = "2021-11-22 10:15:32,32.7492,-117.1553,163,S,2,61.5";
    ASSERT_EQ(parser.parseHeader(line, h).status, parse::ParseStatus::Event);
    parse::FieldList fields;
    ASSERT_TRUE(parser.parseFields(line, fields));
    EventBuilder b({"LATITUDE", "LONGITUDE", "FREEWAY_ID", "FREEWAY_DIR", "LANE"},
                   {"SPEED", "MISSING"}, {"raw"});
    const InputEvent e = b.build(h.time, SourceId{3}, fields, line);
    EXPECT_EQ(e.key, "32.7492|-117.1553|163|S|2");
    EXPECT_TRUE(e.values[0].numeric);
    EXPECT_DOUBLE_EQ(e.values[0].number, 61.5);
    EXPECT_FALSE(e.values[1].present);
    EXPECT_EQ(e.dedupKey, line);
    EXPECT_EQ(EventBuilder::splitList(" a, b,,c "), (std::vector<std::string>{"a", "b", "c"}));
}

// The course lab's accident alert: lane speed below half the location's mean speed.
TEST(ResultJoin, LaneSpeedBelowHalfTheLocationMean) {
    const auto spec = WindowSpec::fixed(60 * S);
    WindowOperator lanes(opts(spec, "mean(v)"));
    WindowOperator locations(opts(spec, "mean(v)"));
    struct R {
        const char *loc;
        int lane;
        double speed;
    };
    const R readings[] = {{"32.7|-117.1|5|N", 1, 60}, {"32.7|-117.1|5|N", 2, 64},
                          {"32.7|-117.1|5|N", 3, 12}, {"32.7|-117.1|5|N", 4, 62},
                          {"32.8|-117.2|8|E", 1, 55}, {"32.8|-117.2|8|E", 2, 50}};
    for (const R &r : readings) {
        const std::string laneKey = std::string(r.loc) + "|" + std::to_string(r.lane);
        feed(lanes, 10 * S, laneKey, r.speed);
        feed(locations, 10 * S, r.loc, r.speed);
    }
    lanes.endAll();
    locations.endAll();
    ResultJoin join(4);
    for (const Pane &p : take(locations))
        join.addRight(p);
    for (const Pane &p : take(lanes))
        join.addLeft(p);
    std::vector<ResultJoin::Row> rows;
    join.takeRows(rows);
    ASSERT_EQ(rows.size(), 6u);
    const Comparison slow{0, Comparison::Op::Less, 0.5, 0};
    std::vector<std::string> alerts;
    for (const auto &row : rows) {
        EXPECT_TRUE(row.final);
        if (slow.matches(row))
            alerts.push_back(row.leftKey);
    }
    EXPECT_EQ(alerts, std::vector<std::string>{"32.7|-117.1|5|N|3"});
    join.expire(kMaxTimestamp, 0);
    EXPECT_EQ(join.windowCount(), 0u);
    EXPECT_EQ(ResultJoin::keyPrefix("a|b|c", 2), "a|b");
}
