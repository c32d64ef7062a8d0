// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's processor hook with a WindowProcessor: results in the snapshot, late and
// duplicate flags, 'late' dead letters.
#include "../test_support.h"
#include "weir/common/time_util.h"
#include "weir/engine/engine.h"
#include "weir/engine/window_processor.h"
#include "weir/source/attributes.h"
#include "weir/source/demo_source.h"
#include "weir/source/file_source.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <gtest/gtest.h>
#include <map>
#include <mutex>
#include <random>
#include <thread>

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

namespace {

// A live (unbounded) source: one batch of MQTT-like messages, then, once released, a second
// one; then it stays open until stopped. Each message is JSON with a time and a value; its
// topic comes as a transport attribute.
class TwoPhaseSource final : public source::Source {
public:
    TwoPhaseSource(std::string first, std::string second)
        : m_batches{std::move(first), std::move(second)} {}
    ~TwoPhaseSource() override { stop(); }
    std::string name() const override { return "live"; }
    std::vector<source::ChannelSpec> channels() const override { return {{"live", "json"}}; }
    bool isBounded() const override { return false; }
    void start(source::IngestSink &sink) override {
        m_thread = std::thread([this, &sink] {
            for (int phase = 0; phase < 2; ++phase) {
                if (phase == 1) {
                    std::unique_lock<std::mutex> lock(m_mutex);
                    m_cv.wait(lock, [this] { return m_released || m_stopping; });
                    if (m_stopping)
                        return;
                }
                if (!sink.pushWait(batchOf(m_batches[phase])))
                    return;
            }
            std::unique_lock<std::mutex> lock(m_mutex);
            m_cv.wait(lock, [this] { return m_stopping; });
        });
    }
    void stop() override {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_stopping = true;
        }
        m_cv.notify_all();
        if (m_thread.joinable())
            m_thread.join();
    }
    void release() {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_released = true;
        }
        m_cv.notify_all();
    }

    // Seconds [from, to) of event time, one message per second alternating two topics.
    static std::string messages(int from, int to) {
        std::string lines;
        for (int t = from; t < to; ++t) {
            lines += "{\"ts\":\"" + formatRfc3339Ms(TimestampNs{(kBase + t) * kNsPerSecond}) +
                     "\",\"v\":" + std::to_string(t) + "}\n";
        }
        return lines;
    }

private:
    static constexpr int64_t kBase = 1700000000;
    static source::RawBatch batchOf(const std::string &lines) {
        source::RawBatch b;
        size_t start = 0;
        uint64_t position = 1;
        for (size_t nl = lines.find('\n'); nl != std::string::npos;
             start = nl + 1, nl = lines.find('\n', start)) {
            const std::string payload = lines.substr(start, nl - start);
            std::string attrs;
            store::appendAttribute(attrs, store::attr::kTopic,
                                   (position % 2) ? "plant/a/temp" : "plant/b/temp");
            source::MessageMeta meta;
            meta.offset = static_cast<uint32_t>(b.data.size());
            meta.length = static_cast<uint32_t>(payload.size());
            meta.position = position++;
            meta.attrOffset = static_cast<uint32_t>(b.attributes.size());
            meta.attrLength = static_cast<uint32_t>(attrs.size());
            b.data += payload;
            b.attributes += attrs;
            b.messages.push_back(meta);
        }
        return b;
    }

    std::string m_batches[2];
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_released = false;
    bool m_stopping = false;
};

std::shared_ptr<engine::WindowProcessor> countPerTopic(const std::string &name) {
    engine::WindowProcessor::Options po;
    po.name = name;
    EXPECT_TRUE(window::parseWindowSpec("fixed:10s", po.window.window));
    EXPECT_TRUE(window::parseAggregates("count,sum(v)", po.window.aggregates));
    po.keyFields = {"topic"};
    return std::make_shared<engine::WindowProcessor>(po);
}

// Polls the engine's snapshot (every 10 ms, at most 60 s) until `done` holds.
template<typename Pred>
std::shared_ptr<const engine::Snapshot> waitFor(const engine::Engine &engine, Pred done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    auto snap = engine.snapshot();
    while (!done(*snap) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        snap = engine.snapshot();
    }
    return snap;
}

} // namespace

// Applying a new window setup to a live source: the new pipeline first runs over the events
// already stored (with their transport attributes), then continues with new ones; a pipeline
// kept across the change is not fed the stored events again; one dropped disappears.
TEST(WindowEngine, ReplacedProcessorsCatchUpOnStoredEventsThenContinueLive) {
    engine::Engine engine;
    auto kept = countPerTopic("kept");
    auto dropped = countPerTopic("dropped");
    engine.addProcessor(kept);
    engine.addProcessor(dropped);
    auto owned = std::make_unique<TwoPhaseSource>(TwoPhaseSource::messages(0, 50),
                                                  TwoPhaseSource::messages(50, 100));
    TwoPhaseSource *source = owned.get();
    engine.addSource(std::move(owned));
    engine.start();
    auto snap = waitFor(engine, [](const engine::Snapshot &s) { return s.stats.events == 50; });
    ASSERT_EQ(snap->stats.events, 50u);

    auto added = countPerTopic("added");
    engine.replaceProcessors({added, kept});
    // Applied (and published) before the live source goes on, so `dropped` sees phase 1 only.
    snap = waitFor(engine, [](const engine::Snapshot &s) {
        return s.windows.size() == 2 && s.windows[0]->name == "added";
    });
    ASSERT_EQ(snap->windows.size(), 2u);
    EXPECT_EQ(snap->windows[0]->stats.events, 50u); // caught up on the stored events
    source->release();
    snap = waitFor(engine, [](const engine::Snapshot &s) {
        return s.stats.events == 100 && s.windows.size() == 2 &&
               s.windows[0]->stats.events == 100 && s.windows[1]->stats.events == 100;
    });
    engine.stop();
    ASSERT_EQ(snap->stats.events, 100u);
    ASSERT_EQ(snap->windows.size(), 2u);
    EXPECT_EQ(snap->windows[0]->name, "added");
    EXPECT_EQ(snap->windows[1]->name, "kept");
    EXPECT_EQ(dropped->windowOperator().stats().events, 50u); // saw phase 1 only
    for (const auto &r : snap->windows) {
        EXPECT_EQ(r->stats.events, 100u) << r->name; // each event exactly once
        EXPECT_EQ(r->stats.lateDropped, 0u) << r->name;
        // Event time reached 99 s: windows [0,10) .. [80,90) are final, per topic (from the
        // attribute), 5 events each; their sums cover the replayed and the live events alike.
        std::map<std::string, double> sums;
        size_t finals = 0;
        for (const window::Pane &p : r->finals) {
            ++finals;
            EXPECT_EQ(p.values[0].number, 5) << r->name << " " << p.key;
            sums[p.key] += p.values[1].number;
        }
        EXPECT_EQ(finals, 18u) << r->name;
        ASSERT_EQ(sums.size(), 2u) << r->name;
        // Topic a has the even seconds 0..88, b the odd ones 1..89.
        EXPECT_EQ(sums["plant/a/temp"], 1980) << r->name;
        EXPECT_EQ(sums["plant/b/temp"], 2025) << r->name;
    }
}

namespace {

// A WindowProcessor seen through onEvent() only (stages() false): the engine's path before
// staged batches, one event at a time through WindowOperator::process().
class PerEventWindow final : public engine::EventProcessor {
public:
    explicit PerEventWindow(std::shared_ptr<engine::WindowProcessor> inner)
        : m_inner(std::move(inner)) {}
    engine::ProcessorVerdict onEvent(const store::EventRecord &record, std::string_view raw,
                                     const parse::Parser &parser) override {
        return m_inner->onEvent(record, raw, parser);
    }
    void onAttributes(std::string_view attrs) override { m_inner->onAttributes(attrs); }
    void onAssignment(SourceId channel, std::string_view partitions) override {
        m_inner->onAssignment(channel, partitions);
    }
    void onSourceEnd(SourceId channel) override { m_inner->onSourceEnd(channel); }
    void onInputFinished() override { m_inner->onInputFinished(); }
    void onTick(int64_t monotonicNs) override { m_inner->onTick(monotonicNs); }
    void publish(engine::Snapshot &snapshot) override { m_inner->publish(snapshot); }

private:
    std::shared_ptr<engine::WindowProcessor> m_inner;
};

// Out-of-order events over 40 keys, repeats (deduplicated on the line), events late within
// and beyond the allowed lateness, quoted labels the CSV parser unescapes (texts outside the
// line), and blank lines and bad timestamps (dead letters between staged events).
std::string stagingCsv() {
    std::mt19937_64 rng(11);
    std::string s = "time,key,v,label\n";
    const int64_t base = 1700000000;
    std::string previous;
    for (int i = 0; i < 6000; ++i) {
        const int64_t t = base + i / 20 - static_cast<int64_t>(rng() % 4); // within 5 s
        std::string line;
        switch (rng() % 50) {
        case 0:
            line = ""; // a dead letter (empty)
            break;
        case 1:
            line = "not-a-time,k1,1,x"; // a dead letter
            break;
        case 2:
            if (!previous.empty())
                line = previous; // a duplicate
            break;
        case 3: // 20-25 s behind: late, within the 30 s lateness
            line = std::to_string(t - 20 - static_cast<int64_t>(rng() % 5)) + ",k" +
                   std::to_string(rng() % 40) + ",7,late";
            break;
        case 4: // 3-4 minutes behind: dropped
            line = std::to_string(t - 180 - static_cast<int64_t>(rng() % 60)) + ",k" +
                   std::to_string(rng() % 40) + ",9,dropped";
            break;
        default:
            break;
        }
        if (line.empty() && (rng() % 50) != 0) {
            const uint64_t label = rng() % 6;
            line = std::to_string(t) + ",k" + std::to_string(rng() % 40) + "," +
                   std::to_string(rng() % 1000) + "." + std::to_string(rng() % 10) + "," +
                   (label < 2 ? "\"q\"\"" + std::to_string(label) + "\"" // q"0, q"1
                              : "l" + std::to_string(label));
        }
        s += line + "\n";
        if (!line.empty())
            previous = line;
    }
    return s;
}

std::string paneText(const window::Pane &p) {
    std::string s = std::to_string(p.window.start.value) + " " + p.key + " " +
                    std::string(window::paneTimingName(p.timing)) + " " + std::to_string(p.index) +
                    (p.final ? " final" : "");
    for (const auto &v : p.values)
        s += " " + v.toString();
    return s;
}

struct PipelineRun {
    std::vector<std::string> panes;                   // in the order the sink received them
    std::vector<std::pair<uint64_t, uint8_t>> events; // position, flags
    std::vector<std::pair<uint64_t, parse::DeadLetterReason>> dead; // in store order
    window::OperatorStats stats;
};

PipelineRun runStagingPipeline(const std::string &path, bool staged) {
    engine::WindowProcessor::Options po;
    po.name = "staging";
    EXPECT_TRUE(window::parseWindowSpec("fixed:10s", po.window.window));
    EXPECT_TRUE(window::parseAggregates(
        "count,sum(v),min(v),max(v),p95(v),distinct(label),topk(label,3),first(label),last(label)",
        po.window.aggregates));
    po.window.outOfOrderNs = 5 * kNsPerSecond;
    po.window.allowedLatenessNs = 30 * kNsPerSecond;
    po.keyFields = {"key"};
    po.dedupFields = {"raw"};
    auto proc = std::make_shared<engine::WindowProcessor>(po);
    PipelineRun run;
    proc->setPaneSink([&](std::vector<window::Pane> &panes) {
        for (const auto &p : panes)
            run.panes.push_back(paneText(p));
    });
    EXPECT_TRUE(proc->stages());
    engine::Engine engine;
    if (staged)
        engine.addProcessor(proc);
    else
        engine.addProcessor(std::make_shared<PerEventWindow>(proc));
    source::FileSource::Options fo;
    fo.path = path;
    fo.format = "csv";
    engine.addSource(std::make_unique<source::FileSource>(fo));
    engine.start();
    EXPECT_TRUE(engine.waitFinished(std::chrono::seconds(60)));
    engine.stop();
    const auto snap = engine.snapshot();
    for (size_t i = 0; i < snap->events.size(); ++i)
        run.events.emplace_back(snap->events[i].record().position(),
                                snap->events[i].record().flags);
    for (size_t i = 0; i < snap->deadLetters.size(); ++i)
        run.dead.emplace_back(snap->deadLetters[i].position, snap->deadLetters[i].reason);
    run.stats = proc->windowOperator().stats();
    return run;
}

} // namespace

// The engine hands a WindowProcessor its events in staged groups (WindowOperator::
// processBatch): every pane, in order, every event's late/duplicate flags, the dead letters in
// line order ('late' ones included) and the counters are those of one event at a time.
TEST(WindowEngine, StagedGroupsGiveThePanesFlagsAndDeadLettersOfOneEventAtATime) {
    test::TempDir dir;
    const std::string path = dir.write("staging.csv", stagingCsv());
    const PipelineRun perEvent = runStagingPipeline(path, false);
    const PipelineRun staged = runStagingPipeline(path, true);

    // The input exercises every case.
    EXPECT_GT(perEvent.stats.lateDropped, 10u);
    EXPECT_GT(perEvent.stats.lateUpdates, 10u);
    EXPECT_GT(perEvent.stats.duplicates, 10u);
    EXPECT_GT(perEvent.stats.windows, 500u);
    size_t lateDead = 0, otherDead = 0;
    for (const auto &d : perEvent.dead)
        (d.second == parse::DeadLetterReason::Late ? lateDead : otherDead) += 1;
    EXPECT_EQ(lateDead, perEvent.stats.lateDropped);
    EXPECT_GT(otherDead, 50u);
    bool sawUnescaped = false;
    for (const auto &p : perEvent.panes)
        sawUnescaped = sawUnescaped || p.find("q\"1") != std::string::npos;
    EXPECT_TRUE(sawUnescaped);

    EXPECT_EQ(staged.stats.events, perEvent.stats.events);
    EXPECT_EQ(staged.stats.accepted, perEvent.stats.accepted);
    EXPECT_EQ(staged.stats.lateDropped, perEvent.stats.lateDropped);
    EXPECT_EQ(staged.stats.lateUpdates, perEvent.stats.lateUpdates);
    EXPECT_EQ(staged.stats.duplicates, perEvent.stats.duplicates);
    EXPECT_EQ(staged.stats.windows, perEvent.stats.windows);
    EXPECT_EQ(staged.stats.panes, perEvent.stats.panes);
    ASSERT_EQ(staged.panes.size(), perEvent.panes.size());
    for (size_t i = 0; i < staged.panes.size(); ++i)
        ASSERT_EQ(staged.panes[i], perEvent.panes[i]) << "pane " << i;
    EXPECT_EQ(staged.events, perEvent.events);
    EXPECT_EQ(staged.dead, perEvent.dead);
}

namespace {

// Forwards to a WindowProcessor and counts how the engine feeds it.
class CountingStagedWindow final : public engine::EventProcessor {
public:
    explicit CountingStagedWindow(std::shared_ptr<engine::WindowProcessor> inner)
        : m_inner(std::move(inner)) {}
    engine::ProcessorVerdict onEvent(const store::EventRecord &record, std::string_view raw,
                                     const parse::Parser &parser) override {
        ++perEvent;
        return m_inner->onEvent(record, raw, parser);
    }
    bool stages() const override { return true; }
    void stage(const store::EventRecord &record, std::string_view raw, const parse::Parser &parser,
               bool headerLine) override {
        ++staged;
        m_inner->stage(record, raw, parser, headerLine);
    }
    void finishStaged(engine::ProcessorVerdict *verdicts, size_t count) override {
        ++groups;
        largestGroup = std::max(largestGroup, count);
        m_inner->finishStaged(verdicts, count);
    }
    void onAttributes(std::string_view attrs) override { m_inner->onAttributes(attrs); }
    void onChannel(SourceId channel, const std::string &name) override {
        m_inner->onChannel(channel, name);
    }
    void onSourceEnd(SourceId channel) override { m_inner->onSourceEnd(channel); }
    void onInputFinished() override { m_inner->onInputFinished(); }
    void onTick(int64_t monotonicNs) override { m_inner->onTick(monotonicNs); }
    void publish(engine::Snapshot &snapshot) override { m_inner->publish(snapshot); }

    // Engine thread while running; read after the engine applied the processors.
    size_t perEvent = 0, staged = 0, groups = 0, largestGroup = 0;

private:
    std::shared_ptr<engine::WindowProcessor> m_inner;
};

std::shared_ptr<engine::WindowProcessor> stagingWindow(const std::string &name,
                                                       std::vector<std::string> &panes) {
    engine::WindowProcessor::Options po;
    po.name = name;
    EXPECT_TRUE(window::parseWindowSpec("fixed:10s", po.window.window));
    EXPECT_TRUE(window::parseAggregates("count,sum(v),min(v),max(v),p95(v),distinct(label),"
                                        "topk(label,3),first(label),last(label)",
                                        po.window.aggregates));
    po.window.outOfOrderNs = 5 * kNsPerSecond;
    po.window.allowedLatenessNs = 30 * kNsPerSecond;
    po.keyFields = {"key"};
    po.dedupFields = {"raw"};
    auto proc = std::make_shared<engine::WindowProcessor>(po);
    proc->setPaneSink([&panes](std::vector<window::Pane> &ps) {
        for (const auto &p : ps)
            panes.push_back(paneText(p));
    });
    return proc;
}

} // namespace

// A pipeline added by replaceProcessors after the input was read catches up on the stored
// events in staged groups (not one event at a time) and ends with exactly the panes, in the
// same order, and the counters of the same pipeline present from the start.
TEST(WindowEngine, CatchUpOfAnAddedPipelineIsStagedAndEqualsOnePresentFromTheStart) {
    test::TempDir dir;
    const std::string path = dir.write("staging.csv", stagingCsv());
    std::vector<std::string> fromStartPanes, addedPanes;
    auto fromStart = stagingWindow("from start", fromStartPanes);
    engine::Engine engine;
    engine.addProcessor(fromStart);
    source::FileSource::Options fo;
    fo.path = path;
    fo.format = "csv";
    engine.addSource(std::make_unique<source::FileSource>(fo));
    engine.start();
    ASSERT_TRUE(engine.waitFinished(std::chrono::seconds(60)));

    auto added = stagingWindow("added", addedPanes);
    auto counting = std::make_shared<CountingStagedWindow>(added);
    engine.replaceProcessors({fromStart, counting});
    const auto snap = waitFor(engine, [](const engine::Snapshot &s) {
        return s.windows.size() == 2 && s.windows[1]->name == "added";
    });
    engine.stop();
    ASSERT_EQ(snap->windows.size(), 2u);
    ASSERT_EQ(snap->windows[1]->name, "added");

    const window::OperatorStats &a = fromStart->windowOperator().stats();
    const window::OperatorStats &b = added->windowOperator().stats();
    // The input exercises late updates, drops and duplicates; every stored event is replayed.
    EXPECT_GT(a.lateDropped, 10u);
    EXPECT_GT(a.lateUpdates, 10u);
    EXPECT_GT(a.duplicates, 10u);
    EXPECT_EQ(a.events, snap->stats.events);
    EXPECT_EQ(counting->perEvent, 0u);
    EXPECT_EQ(counting->staged, snap->stats.events);
    EXPECT_GT(counting->largestGroup, 1u);
    EXPECT_LE(counting->groups, snap->stats.events / 100 + 1);

    EXPECT_EQ(b.events, a.events);
    EXPECT_EQ(b.accepted, a.accepted);
    EXPECT_EQ(b.lateDropped, a.lateDropped);
    EXPECT_EQ(b.lateUpdates, a.lateUpdates);
    EXPECT_EQ(b.duplicates, a.duplicates);
    EXPECT_EQ(b.windows, a.windows);
    EXPECT_EQ(b.panes, a.panes);
    ASSERT_GT(fromStartPanes.size(), 500u);
    ASSERT_EQ(addedPanes.size(), fromStartPanes.size());
    for (size_t i = 0; i < addedPanes.size(); ++i)
        ASSERT_EQ(addedPanes[i], fromStartPanes[i]) << "pane " << i;
    // The published results agree too.
    const window::WindowResults &ra = *snap->windows[0];
    const window::WindowResults &rb = *snap->windows[1];
    ASSERT_EQ(rb.finals.size(), ra.finals.size());
    for (size_t i = 0; i < ra.finals.size(); ++i)
        EXPECT_EQ(paneText(rb.finals[i]), paneText(ra.finals[i])) << "final " << i;
    EXPECT_EQ(rb.watermark, ra.watermark);
}
