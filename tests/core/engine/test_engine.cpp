// SPDX-License-Identifier: GPL-3.0-or-later
#include "../test_support.h"
#include "weir/common/time_util.h"
#include "weir/engine/engine.h"
#include "weir/source/demo_source.h"
#include "weir/source/file_source.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <gtest/gtest.h>
#include <map>
#include <mutex>
#include <thread>

using namespace weir;
using namespace weir::engine;
using namespace std::chrono_literals;
using parse::DeadLetterReason;

namespace {

constexpr int64_t kSimStart = 1637576132LL * kNsPerSecond; // 2021-11-22T10:15:32Z

source::DemoSource::Options simulatedDemo(uint64_t events, uint64_t seed = 42) {
    source::DemoSource::Options d;
    d.seed = seed;
    d.maxEvents = events;
    d.eventsPerSecond = 1000;
    d.startTimeNs = kSimStart;
    return d;
}

uint64_t reasonCount(const EngineStats &st, DeadLetterReason r) {
    return st.deadByReason[static_cast<size_t>(r)];
}

// Runs a simulated demo of `events` messages to completion; returns the final snapshot.
std::shared_ptr<const Snapshot> runDemo(const source::DemoSource::Options &d) {
    Engine engine;
    engine.addSource(std::make_unique<source::DemoSource>(d));
    engine.start();
    EXPECT_TRUE(engine.waitFinished(60s));
    engine.stop();
    return engine.snapshot();
}

// FNV-1a over every stored event's raw bytes and source, in order.
uint64_t contentHash(const Snapshot &s) {
    uint64_t h = 1469598103934665603ULL;
    const auto mix = [&](unsigned char c) { h = (h ^ c) * 1099511628211ULL; };
    s.events.forEach(s.events.firstIndex(), s.events.endIndex(), [&](const store::EventRef &e) {
        for (char c : e.raw())
            mix(static_cast<unsigned char>(c));
        mix(static_cast<unsigned char>(e.record().source.value));
        mix('\n');
    });
    return h;
}

// Forwards to the engine's queue and counts pushWait calls in flight and their results.
class CountingSink final : public source::IngestSink {
public:
    explicit CountingSink(source::IngestSink &inner)
        : m_inner(inner) {}
    bool pushWait(source::RawBatch &&batch) override {
        ++entered;
        const bool ok = m_inner.pushWait(std::move(batch));
        (ok ? accepted : refused)++;
        return ok;
    }
    bool tryPush(source::RawBatch &&batch) override { return m_inner.tryPush(std::move(batch)); }
    bool stopping() const override { return m_inner.stopping(); }
    std::string takeBuffer() override { return m_inner.takeBuffer(); }

    std::atomic<int> entered{0};
    std::atomic<int> accepted{0};
    std::atomic<int> refused{0};

private:
    source::IngestSink &m_inner;
};

// A source that wraps another and watches its pushes through a CountingSink.
class ObservedSource final : public source::Source {
public:
    explicit ObservedSource(std::unique_ptr<source::Source> inner)
        : m_inner(std::move(inner)) {}
    ~ObservedSource() override { stop(); }
    std::string name() const override { return m_inner->name(); }
    std::vector<source::ChannelSpec> channels() const override { return m_inner->channels(); }
    bool isBounded() const override { return m_inner->isBounded(); }
    void start(source::IngestSink &sink) override {
        m_sink = std::make_unique<CountingSink>(sink);
        sinkReady = m_sink.get();
        m_inner->start(*m_sink);
    }
    void stop() override { m_inner->stop(); }
    std::string error() const override { return m_inner->error(); }

    std::atomic<CountingSink *> sinkReady{nullptr};

private:
    std::unique_ptr<source::Source> m_inner;
    std::unique_ptr<CountingSink> m_sink;
};

// Polls `pred` every millisecond for at most `timeout`.
bool waitFor(const std::function<bool()> &pred, std::chrono::milliseconds timeout = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

} // namespace

TEST(Engine, StopWithoutStartAndRepeatedStartStop) {
    Engine engine;
    engine.stop(); // never started: a no-op
    engine.start();
    engine.start(); // second start is ignored
    engine.stop();
    engine.stop();
    EXPECT_GE(engine.version(), 1u); // stop publishes a last snapshot
    EXPECT_EQ(engine.snapshot()->stats.lines, 0u);
}

TEST(Engine, StopWithNoSources) {
    Engine engine;
    engine.start();
    // Nothing bounded to finish: not finished.
    EXPECT_FALSE(engine.waitFinished(20ms));
    engine.stop();
    const auto s = engine.snapshot();
    EXPECT_FALSE(s->stats.finished);
    EXPECT_EQ(s->stats.events, 0u);
    EXPECT_TRUE(s->sources.empty());
    EXPECT_TRUE(s->events.empty());
}

TEST(Engine, DestroyWithoutStopWhileLiveDemoRuns) {
    uint64_t seen = 0;
    {
        Engine engine;
        source::DemoSource::Options d;
        d.eventsPerSecond = 2000; // live, endless
        engine.addSource(std::make_unique<source::DemoSource>(d));
        engine.start();
        ASSERT_TRUE(waitFor([&] { return engine.snapshot()->stats.lines > 0; }));
        seen = engine.snapshot()->stats.lines;
        EXPECT_FALSE(engine.snapshot()->stats.finished);
        // The destructor must stop and join the demo thread and the engine thread.
    }
    EXPECT_GT(seen, 0u);
}

TEST(Engine, DemoReportsItsMessagesAndRate) {
    // The demo is no connection (state None) but counts what it generated, so the Sources
    // panel shows its Msg/s like a broker source's.
    const auto done = runDemo(simulatedDemo(5000));
    ASSERT_EQ(done->sources.size(), 1u);
    EXPECT_EQ(done->sources[0].metrics.state, source::SourceState::None);
    EXPECT_EQ(done->sources[0].metrics.messages, 5000u);

    Engine engine;
    source::DemoSource::Options d;
    d.eventsPerSecond = 2000; // live, endless
    engine.addSource(std::make_unique<source::DemoSource>(d));
    engine.start();
    // A rate needs a second between two publications: bounded, generous wait.
    EXPECT_TRUE(waitFor(
        [&] {
            const auto s = engine.snapshot();
            return !s->sources.empty() && s->sources[0].messagesPerSecond > 0;
        },
        30s));
    EXPECT_GT(engine.snapshot()->sources[0].metrics.messages, 0u);
    engine.stop();
}

TEST(Engine, DestroyWithoutStartWithSourceAdded) {
    test::TempDir dir;
    const std::string path = dir.write("a.log", test::combinedLine("a") + "\n");
    Engine engine;
    source::FileSource::Options fo;
    fo.path = path;
    const SourceId id = engine.addSource(std::make_unique<source::FileSource>(fo));
    EXPECT_EQ(id, SourceId{0});
    EXPECT_EQ(engine.snapshot()->stats.lines, 0u);
}

TEST(Engine, AddSourceWhileRunning) {
    test::TempDir dir;
    std::string content;
    for (int i = 0; i < 100; ++i)
        content += test::combinedLine("p" + std::to_string(i)) + "\n";
    const std::string path = dir.write("late.log", content);

    Engine engine;
    engine.start();
    EXPECT_FALSE(engine.waitFinished(10ms));
    source::FileSource::Options fo;
    fo.path = path;
    fo.format = "combined";
    const SourceId first = engine.addSource(std::make_unique<source::FileSource>(fo));
    ASSERT_TRUE(engine.waitFinished(20s));
    // A second one while running gets the next id and is processed too.
    fo.path = dir.write("second.log", test::combinedLine("second") + "\n");
    const SourceId second = engine.addSource(std::make_unique<source::FileSource>(fo));
    EXPECT_EQ(first, SourceId{0});
    EXPECT_EQ(second, SourceId{1});
    ASSERT_TRUE(waitFor([&] {
        const auto s = engine.snapshot();
        return s->stats.finished && s->stats.events == 101;
    }));
    engine.stop();
    const auto s = engine.snapshot();
    EXPECT_EQ(s->stats.lines, 101u);
    EXPECT_EQ(s->stats.events, 101u);
    ASSERT_EQ(s->channels.size(), 2u);
    EXPECT_EQ(s->channels[0].events, 100u);
    EXPECT_EQ(s->channels[1].events, 1u);
    EXPECT_EQ(s->channels[0].format, "combined");
}

TEST(Engine, StopWhileFileSourceIsBlockedOnBackpressure) {
    test::TempDir dir;
    // ~4 MB of lines: far more than the 64 KiB queue.
    std::string content;
    for (int i = 0; content.size() < (4u << 20); ++i)
        content += test::combinedLine("bp" + std::to_string(i)) + "\n";
    const std::string path = dir.write("big.log", content);
    const uint64_t totalLines =
        static_cast<uint64_t>(std::count(content.begin(), content.end(), '\n'));

    Engine::Options eo;
    eo.queueBytes = 64 << 10;
    eo.publishInterval = 1ms;
    Engine engine(eo);

    // Stall the engine thread inside the publish callback, so the source fills its queue and
    // then blocks in pushWait.
    std::mutex m;
    std::condition_variable cv;
    bool release = false;
    engine.setPublishCallback([&](uint64_t) {
        std::unique_lock<std::mutex> lock(m);
        cv.wait_for(lock, 30s, [&] { return release; });
    });

    source::FileSource::Options fo;
    fo.path = path;
    fo.format = "combined";
    fo.blockBytes = 4096;
    auto observed = std::make_unique<ObservedSource>(std::make_unique<source::FileSource>(fo));
    ObservedSource *obs = observed.get();
    engine.addSource(std::move(observed));
    engine.start();

    ASSERT_TRUE(waitFor([&] { return obs->sinkReady.load() != nullptr; }));
    CountingSink &sink = *obs->sinkReady.load();
    // Blocked: a push in flight after the queue took at least a queue's worth of blocks.
    ASSERT_TRUE(waitFor([&] {
        return sink.accepted.load() >= 8 && sink.entered.load() == sink.accepted.load() + 1;
    }));
    std::this_thread::sleep_for(50ms);
    ASSERT_EQ(sink.entered.load(), sink.accepted.load() + 1) << "source is not blocked";
    ASSERT_EQ(sink.refused.load(), 0);

    // stop() from another thread: it must close the queue (unblocking the source), join the
    // source, and then join the engine thread once the callback returns.
    std::atomic<bool> stopped{false};
    std::thread stopper([&] {
        engine.stop();
        stopped = true;
    });
    EXPECT_TRUE(waitFor([&] { return sink.refused.load() >= 1; }))
        << "the blocked pushWait did not return false on stop";
    {
        std::lock_guard<std::mutex> lock(m);
        release = true;
    }
    cv.notify_all();
    stopper.join();
    EXPECT_TRUE(stopped.load());

    const auto s = engine.snapshot();
    EXPECT_LT(s->stats.lines, totalLines); // stopped early
    EXPECT_FALSE(s->stats.finished);
    ASSERT_EQ(s->sources.size(), 1u);
    EXPECT_GE(s->sources[0].queue.backpressureWaits, 1u);
    EXPECT_EQ(s->sources[0].error, "");
    // Nothing processed is lost: events + dead letters account for every line taken.
    EXPECT_EQ(s->stats.events + s->stats.deadLetters, s->stats.lines);
}

TEST(Engine, DemoSimulatedGivesExactlyNLines) {
    constexpr uint64_t kEvents = 20000;
    const auto s = runDemo(simulatedDemo(kEvents));
    const EngineStats &st = s->stats;
    EXPECT_TRUE(st.finished);
    EXPECT_EQ(st.lines, kEvents);
    EXPECT_EQ(st.headerLines, 1u); // the CSV channel's header row
    EXPECT_EQ(st.events + st.deadLetters + st.headerLines, kEvents);
    EXPECT_EQ(s->events.size(), st.events);
    EXPECT_EQ(st.droppedMessages, 0u); // simulated mode waits, never drops
    ASSERT_EQ(s->channels.size(), 3u);
    EXPECT_EQ(s->channels[0].format, "combined");
    EXPECT_EQ(s->channels[1].format, "csv");
    EXPECT_EQ(s->channels[2].format, "json");
    uint64_t perChannel = 0;
    for (const auto &c : s->channels) {
        EXPECT_GT(c.events, 0u) << c.name;
        perChannel += c.events;
    }
    EXPECT_EQ(perChannel, st.events);
    // Event times come from the simulated clock: 1000 events per second from kSimStart, late
    // ones at most 300 s behind.
    EXPECT_GE(st.minEventTime.value, kSimStart - 300 * kNsPerSecond);
    EXPECT_LE(st.maxEventTime.value, kSimStart + static_cast<int64_t>(kEvents) * kNsPerMs);
    // The access channel carries status codes.
    uint64_t withStatus = 0;
    s->events.forEach(s->events.firstIndex(), s->events.endIndex(), [&](const store::EventRef &e) {
        if (e.record().source == SourceId{0})
            withStatus += e.record().status != 0;
    });
    EXPECT_EQ(withStatus, s->channels[0].events);
}

TEST(Engine, DemoIsDeterministicForASeed) {
    const auto a = runDemo(simulatedDemo(15000, 7));
    const auto b = runDemo(simulatedDemo(15000, 7));
    EXPECT_EQ(a->stats.events, b->stats.events);
    EXPECT_EQ(a->stats.deadLetters, b->stats.deadLetters);
    EXPECT_EQ(a->stats.deadByReason, b->stats.deadByReason);
    ASSERT_EQ(a->channels.size(), b->channels.size());
    for (size_t i = 0; i < a->channels.size(); ++i) {
        EXPECT_EQ(a->channels[i].events, b->channels[i].events);
        EXPECT_EQ(a->channels[i].deadLetters, b->channels[i].deadLetters);
    }
    EXPECT_EQ(contentHash(*a), contentHash(*b));
    // Another seed gives other traffic.
    const auto c = runDemo(simulatedDemo(15000, 8));
    EXPECT_EQ(c->stats.lines, 15000u);
    EXPECT_NE(contentHash(*a), contentHash(*c));
}

TEST(Engine, DemoGeneratorIsDeterministicWithoutThreads) {
    source::DemoSource::Generator g1(simulatedDemo(0, 99)), g2(simulatedDemo(0, 99));
    for (int i = 0; i < 5000; ++i) {
        std::string l1, l2;
        const int64_t now = kSimStart + i * kNsPerMs;
        ASSERT_EQ(g1.next(now, l1), g2.next(now, l2));
        ASSERT_EQ(l1, l2);
        ASSERT_FALSE(l1.empty());
    }
    EXPECT_EQ(g1.produced(), 5000u);
}

TEST(Engine, DemoDeadLettersCountedPerReason) {
    source::DemoSource::Options d = simulatedDemo(30000, 3);
    d.malformedShare = 0.05;
    const auto s = runDemo(d);
    const EngineStats &st = s->stats;
    EXPECT_EQ(st.lines, 30000u);
    uint64_t sum = 0;
    for (uint64_t n : st.deadByReason)
        sum += n;
    EXPECT_EQ(sum, st.deadLetters);
    EXPECT_EQ(reasonCount(st, DeadLetterReason::None), 0u);
    // The generator's corruptions: cut lines and foreign text (malformed), invalid UTF-8,
    // impossible dates.
    EXPECT_GT(reasonCount(st, DeadLetterReason::Malformed), 0u);
    EXPECT_GT(reasonCount(st, DeadLetterReason::InvalidUtf8), 0u);
    EXPECT_GT(reasonCount(st, DeadLetterReason::BadTimestamp), 0u);
    // The dead-letter list holds every one of them with the same reasons.
    ASSERT_EQ(s->deadLetters.size(), st.deadLetters);
    std::array<uint64_t, kReasonCount> tally{};
    uint64_t perChannel = 0;
    for (size_t i = 0; i < s->deadLetters.size(); ++i) {
        const auto &dl = s->deadLetters[i];
        ++tally[static_cast<size_t>(dl.reason)];
        EXPECT_LT(dl.source.value, 3);
        EXPECT_GE(dl.position, 1u);
        EXPECT_LE(dl.position, 30000u);
    }
    EXPECT_EQ(tally, st.deadByReason);
    for (const auto &c : s->channels)
        perChannel += c.deadLetters;
    EXPECT_EQ(perChannel, st.deadLetters);
}

TEST(Engine, DemoWithoutCorruptionHasNoDeadLetters) {
    source::DemoSource::Options d = simulatedDemo(20000, 11);
    d.malformedShare = 0;
    const auto s = runDemo(d);
    EXPECT_EQ(s->stats.lines, 20000u);
    EXPECT_EQ(s->stats.deadLetters, 0u)
        << "first dead letter: " << (s->deadLetters.size() ? s->deadLetters[0].raw : "");
    EXPECT_EQ(s->stats.events + s->stats.headerLines, 20000u);
}

TEST(Engine, PublishesIncreasingVersions) {
    Engine::Options eo;
    eo.publishInterval = 1ms;
    Engine engine(eo);
    std::mutex m;
    std::vector<uint64_t> versions;
    engine.setPublishCallback([&](uint64_t v) {
        std::lock_guard<std::mutex> lock(m);
        versions.push_back(v);
    });
    engine.addSource(std::make_unique<source::DemoSource>(simulatedDemo(50000)));
    engine.start();
    // Readers polling meanwhile never see a version or a count go backwards.
    uint64_t lastVersion = 0, lastLines = 0;
    bool monotonic = true, consistent = true;
    for (int i = 0; i < 100000 && !engine.snapshot()->stats.finished; ++i) {
        const auto s = engine.snapshot();
        monotonic = monotonic && s->version >= lastVersion && s->stats.lines >= lastLines;
        // Within one snapshot, the store and the counters agree.
        consistent = consistent && s->events.endIndex() == s->stats.events &&
                     s->deadLetters.endIndex() == s->stats.deadLetters;
        lastVersion = s->version;
        lastLines = s->stats.lines;
        std::this_thread::sleep_for(100us);
    }
    EXPECT_TRUE(engine.waitFinished(60s));
    engine.stop();
    EXPECT_TRUE(monotonic);
    EXPECT_TRUE(consistent);
    std::lock_guard<std::mutex> lock(m);
    ASSERT_GE(versions.size(), 2u);
    for (size_t i = 1; i < versions.size(); ++i)
        ASSERT_EQ(versions[i], versions[i - 1] + 1);
    EXPECT_EQ(versions.back(), engine.version());
    EXPECT_EQ(engine.snapshot()->version, engine.version());
}

TEST(Engine, WaitFinishedFalseForEndlessSource) {
    Engine engine;
    source::DemoSource::Options d; // live, unbounded
    engine.addSource(std::make_unique<source::DemoSource>(d));
    engine.start();
    EXPECT_FALSE(engine.waitFinished(100ms));
    engine.stop();
    const auto s = engine.snapshot();
    ASSERT_EQ(s->sources.size(), 1u);
    EXPECT_FALSE(s->sources[0].bounded);
    EXPECT_FALSE(s->stats.finished);
}

TEST(Engine, EvictionCountedInStats) {
    Engine::Options eo;
    eo.store.chunkEvents = 256;
    eo.store.memoryBudgetBytes = 256 << 10;
    Engine engine(eo);
    engine.addSource(std::make_unique<source::DemoSource>(simulatedDemo(40000)));
    engine.start();
    ASSERT_TRUE(engine.waitFinished(60s));
    engine.stop();
    const auto s = engine.snapshot();
    EXPECT_GT(s->stats.evictedEvents, 0u);
    EXPECT_EQ(s->events.firstIndex(), s->stats.evictedEvents);
    EXPECT_EQ(s->events.endIndex(), s->stats.events);
    EXPECT_EQ(s->events.size() + s->stats.evictedEvents, s->stats.events);
}

namespace {

// A live message source driven by the test: push() hands a batch of JSON messages over,
// `received` is what metrics() reports as arrived (more than pushed: the rest is "in flight").
class ScriptedLiveSource final : public source::Source {
public:
    std::string name() const override { return "scripted"; }
    std::vector<source::ChannelSpec> channels() const override {
        source::ChannelSpec c;
        c.name = "scripted";
        c.format = "json";
        return {c};
    }
    bool isBounded() const override { return false; }
    void start(source::IngestSink &sink) override { m_sink = &sink; }
    void stop() override {}
    std::string error() const override { return {}; }
    source::SourceMetrics metrics() const override {
        source::SourceMetrics m;
        m.state = source::SourceState::Connected;
        m.messages = received.load();
        return m;
    }
    // Pushes `n` messages that arrived `ageSeconds` ago.
    bool push(int n, int ageSeconds) {
        source::RawBatch b;
        for (int i = 0; i < n; ++i) {
            const std::string payload = "{\"n\":" + std::to_string(i) + "}";
            source::MessageMeta meta;
            meta.offset = static_cast<uint32_t>(b.data.size());
            meta.length = static_cast<uint32_t>(payload.size());
            b.data += payload;
            b.messages.push_back(meta);
        }
        b.ingestTime = TimestampNs{wallNow().value - int64_t{ageSeconds} * kNsPerSecond};
        return m_sink && m_sink->pushWait(std::move(b));
    }

    std::atomic<uint64_t> received{0};

private:
    source::IngestSink *m_sink = nullptr;
};

} // namespace

// MQTT-like sources have no broker backlog: the snapshot says how many received messages are
// not stored yet, and how long the last stored one waited after it arrived.
TEST(Engine, LiveSourceWaitingMessagesAndTime) {
    auto owned = std::make_unique<ScriptedLiveSource>();
    ScriptedLiveSource *src = owned.get();
    Engine engine;
    engine.addSource(std::move(owned));
    engine.start();
    const auto waiting = [&] { return engine.snapshot()->sources.at(0).waitingMessages; };

    src->received = 10;
    ASSERT_TRUE(src->push(6, 3)); // 6 stored, 4 still "in flight"; they waited 3 s
    ASSERT_TRUE(waitFor([&] { return engine.snapshot()->stats.lines >= 6 && waiting() == 4; }));
    EXPECT_GE(engine.snapshot()->sources.at(0).waitingSeconds, 3.0);

    ASSERT_TRUE(src->push(4, 0)); // all stored: nothing waits
    ASSERT_TRUE(waitFor([&] { return engine.snapshot()->stats.lines >= 10; }));
    ASSERT_TRUE(waitFor([&] { return waiting() == 0; }));
    EXPECT_EQ(engine.snapshot()->sources.at(0).waitingSeconds, 0.0);
    engine.stop();
}
