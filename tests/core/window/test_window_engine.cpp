// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's processor hook with a WindowProcessor: results in the snapshot, late and
// duplicate flags, 'late' dead letters.
#include "weir/engine/engine.h"
#include "weir/engine/window_processor.h"
#include "weir/source/demo_source.h"

#include <gtest/gtest.h>

using namespace weir;

TEST(WindowEngine, DemoStreamResultsInSnapshot) {
    engine::Engine engine;
    engine::WindowProcessor::Options po;
    po.name = "status per minute";
    ASSERT_TRUE(window::parseWindowSpec("fixed:60s", po.window.window));
    ASSERT_TRUE(window::parseAggregates("count,p95(bytes)", po.window.aggregates));
    po.window.outOfOrderNs = 5 * kNsPerSecond;
    po.window.allowedLatenessNs = 60 * kNsPerSecond;
    po.keyFields = {"status"};
    po.dedupFields = {"raw"};
    auto proc = std::make_shared<engine::WindowProcessor>(po);
    size_t sinkPanes = 0;
    proc->setPaneSink([&](std::vector<window::Pane> &p) { sinkPanes += p.size(); });
    engine.addProcessor(proc);

    source::DemoSource::Options d;
    d.maxEvents = 20000;
    d.startTimeNs = 1637576132LL * kNsPerSecond;
    d.eventsPerSecond = 50; // simulated clock: 400 s of event time
    engine.addSource(std::make_unique<source::DemoSource>(d));
    engine.start();
    ASSERT_TRUE(engine.waitFinished(std::chrono::seconds(60)));
    engine.stop();

    const auto snap = engine.snapshot();
    ASSERT_EQ(snap->windows.size(), 1u);
    const window::WindowResults &r = *snap->windows[0];
    EXPECT_EQ(r.name, "status per minute");
    EXPECT_EQ(r.aggregates, (std::vector<std::string>{"count", "p95(bytes)"}));
    EXPECT_EQ(r.watermark, kMaxTimestamp);
    EXPECT_TRUE(r.live.empty());
    ASSERT_FALSE(r.finals.empty());
    EXPECT_EQ(r.finals.size(), r.stats.windows);
    EXPECT_EQ(sinkPanes, r.stats.panes);
    EXPECT_EQ(r.stats.events, snap->stats.events);
    // The demo injects late events (30-300 s behind) and exact duplicates.
    EXPECT_GT(r.stats.lateDropped, 0u);
    EXPECT_GT(r.stats.lateUpdates, 0u);
    EXPECT_GT(r.stats.duplicates, 0u);
    EXPECT_EQ(snap->stats.deadByReason[static_cast<size_t>(parse::DeadLetterReason::Late)],
              r.stats.lateDropped);
    uint64_t lateFlags = 0, dupFlags = 0;
    const auto &events = snap->events;
    for (size_t i = 0; i < events.size(); ++i) {
        lateFlags += (events[i].record().flags & store::LateEvent) != 0;
        dupFlags += (events[i].record().flags & store::DuplicateEvent) != 0;
    }
    EXPECT_EQ(lateFlags, r.stats.lateDropped + r.stats.lateUpdates);
    EXPECT_EQ(dupFlags, r.stats.duplicates);
    // Keys come from the access-log channel's status field (other channels have none).
    bool sawOk = false;
    for (const auto &p : r.finals)
        sawOk = sawOk || p.key == "200";
    EXPECT_TRUE(sawOk);
}
