// SPDX-License-Identifier: GPL-3.0-or-later
// Per-partition watermarks: with a Kafka topic of two partitions, one behind the other, the
// pipeline watermark is the minimum over the partitions, so a window does not close until
// both partitions passed its end. Real Kafka protocol against the librdkafka mock cluster.
#include "bus_fixtures.h"
#include "collect_sink.h"
#include "weir/alert/rule.h"
#include "weir/engine/alert_processor.h"
#include "weir/engine/engine.h"
#include "weir/engine/window_processor.h"
#include "weir/source/kafka_source.h"
#include "weir/window/aggregate.h"
#include "weir/window/window_spec.h"

#include <gtest/gtest.h>
#include <mutex>

using namespace weir;
using namespace weir::testing;
using namespace std::chrono_literals;

namespace {

// Events at these seconds after 2026-01-01T00:00:00Z.
std::string eventsAt(std::initializer_list<int> seconds) {
    std::string out;
    for (int s : seconds) {
        char ts[64];
        std::snprintf(ts, sizeof ts, "2026-01-01T00:%02d:%02dZ", s / 60, s % 60);
        out += "{\"ts\":\"" + std::string(ts) + "\",\"n\":" + std::to_string(s) + "}\n";
    }
    return out;
}

void produce(const std::string &bootstrap, int partition, const std::string &lines,
             const std::string &topic = "wm") {
    const CommandResult r = runCommand(
        {"kcat", "-P", "-b", bootstrap, "-t", topic, "-p", std::to_string(partition)}, lines, 60s);
    ASSERT_EQ(r.status, 0) << r.err;
}

// Waits (bounded) for a snapshot satisfying `pred`; returns the last snapshot seen.
template<typename Pred>
std::shared_ptr<const engine::Snapshot> waitSnapshot(engine::Engine &engine, Pred pred,
                                                     std::chrono::seconds timeout) {
    const auto end = Clock::now() + timeout;
    auto snap = engine.snapshot();
    while (!pred(*snap) && Clock::now() < end) {
        std::this_thread::sleep_for(50ms);
        snap = engine.snapshot();
    }
    return snap;
}

} // namespace

TEST(KafkaPartitionWatermark, WindowWaitsForTheSlowestPartition) {
    KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"wm:2"});
    // Partition 0 runs ahead past the end of the first minute; partition 1 stays inside it.
    ASSERT_NO_FATAL_FAILURE(produce(mock.bootstrap(), 0, eventsAt({1, 5, 10, 70, 80})));
    ASSERT_NO_FATAL_FAILURE(produce(mock.bootstrap(), 1, eventsAt({2, 20, 30})));

    engine::WindowProcessor::Options po;
    std::string error;
    ASSERT_TRUE(window::parseWindowSpec("fixed:60s", po.window.window, &error)) << error;
    ASSERT_TRUE(window::parseAggregates("count", po.window.aggregates, &error)) << error;
    po.window.idleTimeoutNs = 0; // a partition never goes idle in this test
    auto windows = std::make_shared<engine::WindowProcessor>(po);

    engine::Engine engine;
    engine.addProcessor(windows);
    source::KafkaSource::Options ko;
    ko.brokers = mock.bootstrap();
    ko.topics = {"wm"};
    ko.format = "json";
    ko.startAt = source::KafkaSource::StartAt::Earliest;
    engine.addSource(std::make_unique<source::KafkaSource>(ko));
    engine.start();

    // Every event stored (and so seen by the window processor, which runs before the store).
    auto snap = waitSnapshot(
        engine, [](const engine::Snapshot &s) { return s.stats.events >= 8; }, 90s);
    ASSERT_EQ(snap->stats.events, 8u) << snap->sources.at(0).status;
    ASSERT_EQ(snap->windows.size(), 1u);
    // Partition 0 alone would put the watermark at 80 s and close [0, 60); partition 1 holds
    // it at 30 s.
    EXPECT_TRUE(snap->windows[0]->finals.empty());
    EXPECT_EQ(snap->windows[0]->watermark.value,
              TimestampNs{1767225600LL * kNsPerSecond + 30 * kNsPerSecond}.value);

    // Partition 1 passes the end of the window: it closes with all six events of the minute.
    ASSERT_NO_FATAL_FAILURE(produce(mock.bootstrap(), 1, eventsAt({65})));
    snap = waitSnapshot(
        engine,
        [](const engine::Snapshot &s) {
            return !s.windows.empty() && !s.windows[0]->finals.empty();
        },
        90s);
    engine.stop();
    ASSERT_EQ(snap->windows[0]->finals.size(), 1u);
    const window::Pane &p = snap->windows[0]->finals[0];
    EXPECT_EQ(p.window.start.value, 1767225600LL * kNsPerSecond);
    EXPECT_EQ(p.values.at(0).number, 6.0);
    EXPECT_EQ(snap->windows[0]->watermark.value,
              TimestampNs{1767225600LL * kNsPerSecond + 65 * kNsPerSecond}.value);
}

namespace {

std::shared_ptr<engine::WindowProcessor> countWindow(int64_t idleTimeoutNs) {
    engine::WindowProcessor::Options po;
    std::string error;
    EXPECT_TRUE(window::parseWindowSpec("fixed:60s", po.window.window, &error)) << error;
    EXPECT_TRUE(window::parseAggregates("count", po.window.aggregates, &error)) << error;
    po.window.idleTimeoutNs = idleTimeoutNs;
    return std::make_shared<engine::WindowProcessor>(po);
}

std::unique_ptr<source::KafkaSource> earliest(const std::string &bootstrap,
                                              const std::string &topic) {
    source::KafkaSource::Options ko;
    ko.brokers = bootstrap;
    ko.topics = {topic};
    ko.format = "json";
    ko.startAt = source::KafkaSource::StartAt::Earliest;
    return std::make_unique<source::KafkaSource>(ko);
}

} // namespace

// An assigned partition that has produced nothing holds the watermark (the source announces
// its assignment before any data); with an idle timeout it stops holding it once idle.
TEST(KafkaPartitionWatermark, SilentAssignedPartitionHoldsUntilIdle) {
    KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"quiet:2"});
    ASSERT_NO_FATAL_FAILURE(produce(mock.bootstrap(), 0, eventsAt({1, 5, 70, 80}), "quiet"));
    {
        engine::Engine engine;
        auto windows = countWindow(0); // never idle
        engine.addProcessor(windows);
        engine.addSource(earliest(mock.bootstrap(), "quiet"));
        engine.start();
        const auto snap = waitSnapshot(
            engine, [](const engine::Snapshot &s) { return s.stats.events >= 4; }, 90s);
        engine.stop();
        ASSERT_EQ(snap->stats.events, 4u);
        EXPECT_TRUE(snap->windows.at(0)->finals.empty()) << "partition 1 did not hold";
        EXPECT_EQ(snap->windows.at(0)->watermark, kMinTimestamp);
    }
    {
        engine::Engine engine;
        engine.addProcessor(countWindow(500 * kNsPerMs));
        engine.addSource(earliest(mock.bootstrap(), "quiet"));
        engine.start();
        const auto snap = waitSnapshot(
            engine,
            [](const engine::Snapshot &s) {
                return !s.windows.empty() && !s.windows[0]->finals.empty();
            },
            90s);
        engine.stop();
        ASSERT_EQ(snap->windows.at(0)->finals.size(), 1u);
        EXPECT_EQ(snap->windows.at(0)->finals[0].values.at(0).number, 2.0);
    }
}

// Alert rules' windows track the same per-partition watermark: a rule's window over a topic of
// two partitions is evaluated only once both partitions passed its end (before the fix they
// tracked one watermark per channel, so the partition running ahead closed the window early
// and the events of the slow partition arrived late).
TEST(KafkaPartitionWatermark, AlertWindowWaitsForTheSlowestPartition) {
    KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"awm:2"});
    ASSERT_NO_FATAL_FAILURE(produce(mock.bootstrap(), 0, eventsAt({1, 5, 10, 70, 80}), "awm"));
    ASSERT_NO_FATAL_FAILURE(produce(mock.bootstrap(), 1, eventsAt({2, 20, 30}), "awm"));

    std::string error;
    auto rules = alert::loadRules(
        R"j([{"name":"busy","window":"fixed:60s","condition":"count() >= 6"}])j", &error);
    ASSERT_TRUE(rules) << error;
    auto alerts = alert::AlertEngine::create(std::move(*rules), &error);
    ASSERT_TRUE(alerts) << error;
    auto processor = std::make_shared<engine::AlertProcessor>(std::move(alerts));
    std::mutex mutex; // the sink runs on the engine thread
    std::vector<alert::Transition> sunk;
    processor->setTransitionSink([&](const std::vector<alert::Transition> &batch) {
        std::lock_guard<std::mutex> lock(mutex);
        sunk.insert(sunk.end(), batch.begin(), batch.end());
    });
    engine::Engine engine;
    engine.addProcessor(processor);
    engine.addSource(earliest(mock.bootstrap(), "awm"));
    engine.start();
    auto snap = waitSnapshot(
        engine, [](const engine::Snapshot &s) { return s.stats.events >= 8; }, 90s);
    ASSERT_EQ(snap->stats.events, 8u) << snap->sources.at(0).status;
    // Let a few more ticks pass: nothing may be evaluated while partition 1 is at 30 s.
    const uint64_t version = engine.version();
    waitSnapshot(
        engine, [&](const engine::Snapshot &s) { return s.version >= version + 5; }, 30s);
    {
        std::lock_guard<std::mutex> lock(mutex);
        EXPECT_TRUE(sunk.empty()) << "the window closed on partition 0's watermark alone";
    }
    EXPECT_EQ(engine.snapshot()->alerts->evaluations, 0u);

    // Partition 1 passes the end of the minute: the window closes with all six events.
    ASSERT_NO_FATAL_FAILURE(produce(mock.bootstrap(), 1, eventsAt({65}), "awm"));
    snap = waitSnapshot(
        engine, [](const engine::Snapshot &s) { return s.alerts && s.alerts->transitions >= 1; },
        90s);
    engine.stop();
    std::lock_guard<std::mutex> lock(mutex);
    ASSERT_EQ(sunk.size(), 1u);
    EXPECT_EQ(sunk[0].state, alert::AlertState::Firing);
    EXPECT_EQ(sunk[0].time.value, 1767225600LL * kNsPerSecond + 60 * kNsPerSecond);
    EXPECT_EQ(sunk[0].value, 6.0);
}
