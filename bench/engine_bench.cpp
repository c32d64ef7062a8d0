// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's per-line hot path, piece by piece and whole: splitting a buffer into lines with
// the ASCII check (against memchr + isAscii), appending records to the store, the rate
// timeline, and a whole engine (parse + store + stats) fed zero-copy batches in memory, as a
// headless file replay does. Reports lines/s; no file system, no page cache.
#include "access_log_generator.h"
#include "weir/common/line_scan.h"
#include "weir/common/text.h"
#include "weir/engine/engine.h"
#include "weir/engine/rate_timeline.h"
#include "weir/store/event_store.h"

#include <array>
#include <benchmark/benchmark.h>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

namespace {

// About 4 MiB of generated access-log lines (30 % seed format), newline-terminated.
const std::string &logBuffer() {
    static const std::string buffer = [] {
        weir::bench::AccessLogGenerator gen(11, 0.3);
        std::string out;
        std::string line;
        while (out.size() < (size_t{4} << 20)) {
            line.clear();
            gen.next(line);
            out += line;
            out += '\n';
        }
        return out;
    }();
    return buffer;
}

size_t lineCount(const std::string &s) {
    size_t n = 0;
    for (char c : s)
        n += c == '\n';
    return n;
}

void setRates(benchmark::State &state, size_t linesPerIteration, size_t bytesPerIteration) {
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(linesPerIteration));
    if (bytesPerIteration > 0)
        state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytesPerIteration));
}

// What the engine did before LineSplitter: memchr per line, then a separate ASCII pass.
void BM_SplitMemchrIsAscii(benchmark::State &state) {
    const std::string &buf = logBuffer();
    for (auto _ : state) {
        size_t ascii = 0;
        size_t pos = 0;
        while (pos < buf.size()) {
            const void *hit = std::memchr(buf.data() + pos, '\n', buf.size() - pos);
            const size_t nl =
                hit ? static_cast<size_t>(static_cast<const char *>(hit) - buf.data()) : buf.size();
            ascii += weir::isAscii(std::string_view(buf.data() + pos, nl - pos));
            pos = nl + 1;
        }
        benchmark::DoNotOptimize(ascii);
    }
    setRates(state, lineCount(buf), buf.size());
}
BENCHMARK(BM_SplitMemchrIsAscii);

void BM_LineSplitter(benchmark::State &state) {
    const std::string &buf = logBuffer();
    std::array<weir::LineSplitter::Line, 256> lines;
    for (auto _ : state) {
        size_t ascii = 0;
        weir::LineSplitter splitter(buf.data(), buf.size());
        while (const size_t n = splitter.take(lines.data(), lines.size())) {
            for (size_t i = 0; i < n; ++i)
                ascii += lines[i].ascii;
        }
        benchmark::DoNotOptimize(ascii);
    }
    setRates(state, lineCount(buf), buf.size());
}
BENCHMARK(BM_LineSplitter);

// Appending records that reference a mapped region (the replay's zero-copy path), including
// opening a chunk (and preparing the next one's records) every 65536 events.
void BM_StoreAppendExternal(benchmark::State &state) {
    const std::string &buf = logBuffer();
    auto owner = std::make_shared<int>(0);
    const weir::store::ExternalBytes ext{owner, std::string_view(buf)};
    weir::store::EventRecord rec{};
    rec.status = 200;
    const weir::TimestampNs ingest{1637576132LL * 1000000000LL};
    constexpr size_t kEvents = size_t{1} << 20;
    for (auto _ : state) {
        weir::store::EventStore store({});
        for (size_t i = 0; i < kEvents; ++i) {
            rec.time = weir::TimestampNs{ingest.value + static_cast<int64_t>(i) * 1000};
            rec.setPosition(i);
            store.appendExternal(rec, std::string_view(buf.data() + (i & 0xffff), 100), ingest,
                                 ext);
        }
        benchmark::DoNotOptimize(store.size());
    }
    setRates(state, kEvents, 0);
}
BENCHMARK(BM_StoreAppendExternal)->Unit(benchmark::kMillisecond);

void BM_RateTimelineAdd(benchmark::State &state) {
    weir::engine::RateTimeline timeline;
    int64_t t = 1637576132LL * 1000000000LL;
    size_t i = 0;
    for (auto _ : state) {
        t += 1400000; // ~700 events per second of event time, like the replay file
        timeline.add(weir::TimestampNs{t}, (i++ & 7) == 0 ? 3 : 1);
    }
    benchmark::DoNotOptimize(timeline.size());
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RateTimelineAdd);

// A bounded source that hands the engine the same in-memory buffer `batches` times, zero-copy
// (as FileSource does with a mapped file).
class MemorySource final : public weir::source::Source {
public:
    MemorySource(const std::string &buffer, int batches)
        : m_buffer(buffer)
        , m_batches(batches) {}
    ~MemorySource() override { stop(); }
    std::string name() const override { return "memory"; }
    std::vector<weir::source::ChannelSpec> channels() const override {
        return {{"memory", "combined"}};
    }
    bool isBounded() const override { return true; }
    void start(weir::source::IngestSink &sink) override {
        m_thread = std::thread([this, &sink] {
            auto owner = std::make_shared<int>(0);
            for (int i = 0; i < m_batches; ++i) {
                weir::source::RawBatch b;
                b.owner = owner;
                b.external = m_buffer;
                if (!sink.pushWait(std::move(b)))
                    return;
            }
            weir::source::RawBatch end;
            end.endOfStream = true;
            sink.pushWait(std::move(end));
        });
    }
    void stop() override {
        if (m_thread.joinable())
            m_thread.join();
    }

private:
    const std::string &m_buffer;
    int m_batches;
    std::thread m_thread;
};

// The whole pipeline: queue handoff, line splitting, the access-log parser, the store, stats
// and the rate timeline, on the engine thread. 8 batches of 4 MiB per iteration.
void BM_EngineReplay(benchmark::State &state) {
    const std::string &buf = logBuffer();
    constexpr int kBatches = 8;
    for (auto _ : state) {
        weir::engine::Engine engine;
        engine.addSource(std::make_unique<MemorySource>(buf, kBatches));
        engine.start();
        if (!engine.waitFinished(std::chrono::seconds(60)))
            state.SkipWithError("the engine did not finish within 60 s");
        engine.stop();
        benchmark::DoNotOptimize(engine.snapshot()->stats.events);
    }
    setRates(state, lineCount(buf) * kBatches, buf.size() * kBatches);
}
BENCHMARK(BM_EngineReplay)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
