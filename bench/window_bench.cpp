// SPDX-License-Identifier: GPL-3.0-or-later
// Throughput of the event-time window operator: fixed windows, 10 000 keys, count + sum + p95.
// Run: build/bin/weir-bench-window --benchmark_min_time=2
#include "weir/window/window_operator.h"

#include <algorithm>
#include <benchmark/benchmark.h>
#include <random>
#include <string>
#include <vector>

using namespace weir;
using namespace weir::window;

namespace {

struct Input {
    std::vector<std::string> keys;
    std::vector<uint32_t> keyOf;
    std::vector<FieldValue> values;
};

const Input &input() {
    static const Input in = [] {
        Input i;
        for (int k = 0; k < 10000; ++k)
            i.keys.push_back("sensor-" + std::to_string(k));
        std::mt19937_64 rng(7);
        std::lognormal_distribution<double> speed(4.0, 0.4);
        const size_t n = size_t{1} << 20;
        for (size_t e = 0; e < n; ++e) {
            i.keyOf.push_back(static_cast<uint32_t>(rng() % i.keys.size()));
            const double v = speed(rng);
            i.values.push_back(FieldValue{{}, v, true, true});
        }
        return i;
    }();
    return in;
}

// spacingNs: event-time distance between events; a 60 s window holds 60 s / spacing events.
// batch: events handed to processBatch() at a time (the engine's batch size is of this order);
// 0: process() one event at a time.
void runWindow(benchmark::State &state, const WindowSpec &window, const char *aggs,
               int64_t spacingNs, size_t batch) {
    const Input &in = input();
    WindowOperator::Options o;
    o.window = window;
    parseAggregates(aggs, o.aggregates);
    o.outOfOrderNs = 5 * kNsPerSecond;
    o.allowedLatenessNs = 0;
    WindowOperator op(o);
    std::vector<Pane> panes;
    int64_t t = 1637576132LL * kNsPerSecond;
    uint64_t processed = 0;
    uint64_t panesOut = 0;
    std::vector<InputEvent> events(batch);
    for (auto _ : state) {
        for (size_t e = 0; e < in.keyOf.size();) {
            if (batch == 0) {
                InputEvent ev;
                ev.time = TimestampNs{t};
                ev.key = in.keys[in.keyOf[e]];
                ev.values = &in.values[e];
                op.process(ev, 0);
                t += spacingNs;
                ++e;
                continue;
            }
            const size_t m = std::min(batch, in.keyOf.size() - e);
            for (size_t i = 0; i < m; ++i, ++e) {
                InputEvent &ev = events[i];
                ev.time = TimestampNs{t};
                ev.key = in.keys[in.keyOf[e]];
                ev.values = &in.values[e];
                t += spacingNs;
            }
            op.processBatch(events.data(), m, 0);
        }
        processed += in.keyOf.size();
        if (op.hasPanes()) {
            op.takePanes(panes);
            panesOut += panes.size();
            panes.clear();
        }
    }
    state.SetItemsProcessed(static_cast<int64_t>(processed));
    state.counters["panes"] = static_cast<double>(panesOut);
    state.counters["live_cells"] = static_cast<double>(op.stats().liveCells);
}

void runFixedWindow(benchmark::State &state, const char *aggs, int64_t spacingNs, size_t batch) {
    runWindow(state, WindowSpec::fixed(60 * kNsPerSecond), aggs, spacingNs, batch);
}

// Arguments: event spacing in ns, batch size (0: one process() call per event).
// 1 us spacing: 60 M events per window (6 000 per key); 10 us: 6 M (600 per key);
// 100 us: 600 k (60 per key, so window turnover and pane output weigh in).
void BM_Fixed10kKeys_CountSumP95(benchmark::State &state) {
    runFixedWindow(state, "count,sum(v),p95(v)", state.range(0),
                   static_cast<size_t>(state.range(1)));
}
BENCHMARK(BM_Fixed10kKeys_CountSumP95)
    ->Args({1000, 0})
    ->Args({1000, 256})
    ->Args({10000, 0})
    ->Args({10000, 256})
    ->Args({100000, 0})
    ->Args({100000, 256})
    ->Unit(benchmark::kMillisecond);

void BM_Fixed10kKeys_Count(benchmark::State &state) {
    runFixedWindow(state, "count", 1000, static_cast<size_t>(state.range(0)));
}
BENCHMARK(BM_Fixed10kKeys_Count)->Arg(0)->Arg(256)->Unit(benchmark::kMillisecond);

void BM_Fixed10kKeys_CountSum(benchmark::State &state) {
    runFixedWindow(state, "count,sum(v)", 1000, static_cast<size_t>(state.range(0)));
}
BENCHMARK(BM_Fixed10kKeys_CountSum)->Arg(0)->Arg(256)->Unit(benchmark::kMillisecond);

// The other shapes, so a change for fixed windows can be checked not to slow them: sliding
// 60 s windows every 10 s (each event in 6 windows), and sessions with a 1 s gap (each key sees
// an event every 100 ms on average at 10 us spacing, so some sessions close all the time).
// Argument: event spacing in ns; processBatch() on 256 events at a time.
void BM_Sliding10kKeys_CountSumP95(benchmark::State &state) {
    runWindow(state, WindowSpec::sliding(60 * kNsPerSecond, 10 * kNsPerSecond),
              "count,sum(v),p95(v)", state.range(0), 256);
}
BENCHMARK(BM_Sliding10kKeys_CountSumP95)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_Session10kKeys_CountSumP95(benchmark::State &state) {
    runWindow(state, WindowSpec::session(kNsPerSecond), "count,sum(v),p95(v)", state.range(0), 256);
}
BENCHMARK(BM_Session10kKeys_CountSumP95)->Arg(10000)->Unit(benchmark::kMillisecond);

// Every other aggregate kind at once (the states kept whole in a cell).
void BM_Fixed10kKeys_AllKinds(benchmark::State &state) {
    runFixedWindow(state, "count,mean(v),min(v),max(v),p50(v),p99(v),first(v),last(v)", 10000, 256);
}
BENCHMARK(BM_Fixed10kKeys_AllKinds)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
