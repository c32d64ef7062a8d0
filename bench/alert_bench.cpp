// SPDX-License-Identifier: GPL-3.0-or-later
// Alert evaluation at a window close: R threshold rules over K keys. Each iteration feeds one
// event per key into a window (untimed), then times the single event that moves the watermark
// past the window end (every rule fires its panes for every key and evaluates them), the
// taking of the transitions it reported, and their release.
#include "weir/alert/alert_engine.h"
#include "weir/parse/csv_parser.h"

#include <benchmark/benchmark.h>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace weir;

namespace {

struct Event {
    std::string line;
    parse::FieldList fields;
    store::EventRecord record{};
};

Event makeEvent(parse::CsvParser &parser, int64_t seconds, int key, double value) {
    Event e;
    e.line = std::to_string(seconds) + ",k" + std::to_string(key) + "," + std::to_string(value);
    parse::EventHeader h;
    parser.parseHeader(e.line, h);
    parser.parseFields(e.line, e.fields);
    e.record.time = h.time;
    return e;
}

// Profiling the timed part only: with WEIR_BENCH_PERF_CTL and WEIR_BENCH_PERF_ACK naming the
// fifos of `perf record -D -1 --control fifo:CTL,ACK`, events are enabled around each timed
// close (the untimed set-up is not sampled).
class PerfControl {
public:
    PerfControl() {
        const char *ctl = std::getenv("WEIR_BENCH_PERF_CTL");
        const char *ack = std::getenv("WEIR_BENCH_PERF_ACK");
        if (ctl && ack) {
            m_ctl = std::fopen(ctl, "w");
            m_ack = std::fopen(ack, "r");
        }
    }
    ~PerfControl() {
        if (m_ctl)
            std::fclose(m_ctl);
        if (m_ack)
            std::fclose(m_ack);
    }
    void command(const char *what) {
        if (!m_ctl || !m_ack)
            return;
        std::fprintf(m_ctl, "%s\n", what);
        std::fflush(m_ctl);
        char reply[16];
        if (!std::fgets(reply, sizeof reply, m_ack)) { // perf answers "ack"
            std::fclose(m_ack);
            m_ack = nullptr;
        }
    }

private:
    std::FILE *m_ctl = nullptr;
    std::FILE *m_ack = nullptr;
};

PerfControl &perfControl() {
    static PerfControl control;
    return control;
}

// range(2) picks the rule shapes: 0 = "mean(value) > N" (the simple comparison path),
// 1 = "mean(value) * 2 > N and count() >= 1" (the general stack program), 2 = the simple
// shape spread over 10 window sizes (10 rule groups, each with its own window operator),
// 3 = shape 0 with steady values (a key's value does not change between windows, so after
// the first close nothing transitions: the cost of evaluation alone), 4 = shape 1 with a
// distinct threshold in every rule (`mean(value) * 2 > 100.001000`...: no two conditions are
// identical, so only their common sub-expressions are shared; the values are whole, so every
// rule decides what its shape-1 twin decides), 5 = shape 2 after the first close of every
// window size (shape 2 times those: each of its timed closes is also the very first close of
// one window size, where about 450,000 keys of its 100 rules fire at once). In shapes 0-2, 4
// and 5 a key's value moves by 1 each window, so about 2 % of the (rule, key) pairs of the
// windows that close change state (about 200,000 transitions per close for 1000 rules x 10k
// keys on one window size).
void BM_WindowClose(benchmark::State &state) {
    const int rules = static_cast<int>(state.range(0));
    const int keys = static_cast<int>(state.range(1));
    const int shape = static_cast<int>(state.range(2));
    std::vector<alert::RuleSpec> specs;
    for (int r = 0; r < rules; ++r) {
        alert::RuleSpec s;
        s.name = "rule" + std::to_string(r);
        s.window = shape == 2 || shape == 5 ? "fixed:" + std::to_string(60 * (1 + r % 10)) + "s"
                                            : "fixed:60s";
        s.key = {"key"};
        if (shape == 1)
            s.condition =
                "mean(value) * 2 > " + std::to_string(100 + 2 * (r % 10)) + " and count() >= 1";
        else if (shape == 4)
            s.condition = "mean(value) * 2 > " +
                          std::to_string(100 + 2 * (r % 10) + 0.001 * (r / 10)) +
                          " and count() >= 1";
        else
            s.condition = "mean(value) > " + std::to_string(50 + r % 10);
        specs.push_back(s);
    }
    std::string error;
    auto engine = alert::AlertEngine::create(specs, &error);
    if (!engine) {
        state.SkipWithError(error.c_str());
        return;
    }
    parse::CsvParser parser(parse::CsvParser::Options{',', {"time", "key", "value"}, "time"});
    std::vector<alert::Transition> sink;
    int64_t window = 0;
    // One untimed close first: at the very first one every key whose condition holds fires
    // at once (millions of transitions), which is a start-up cost, not the steady state.
    for (int k = 0; k < keys; ++k) {
        Event e = makeEvent(parser, 1, k, (k * 7) % 100);
        engine->process(e.record, e.line, e.fields, 0);
    }
    Event warmClose = makeEvent(parser, 61, 0, 7);
    engine->process(warmClose.record, warmClose.line, warmClose.fields, 0);
    engine->takeTransitions(sink);
    sink.clear();
    window = 1;
    // Shape 5: the untimed start-up covers the first close of every window size (in shape 2
    // each timed close is the first one of a window size: 100 rules x 10k keys at once).
    for (; shape == 5 && window < 10; ++window) {
        for (int k = 0; k < keys; ++k) {
            Event e = makeEvent(parser, window * 60 + 1, k, (k * 7 + window) % 100);
            engine->process(e.record, e.line, e.fields, 0);
        }
        Event closing = makeEvent(parser, (window + 1) * 60 + 1, 0, 0);
        engine->process(closing.record, closing.line, closing.fields, 0);
        engine->takeTransitions(sink);
        sink.clear();
    }
    uint64_t evaluations = 0;
    uint64_t transitions = 0;
    for (auto _ : state) {
        state.PauseTiming();
        for (int k = 0; k < keys; ++k) {
            const int64_t drift = shape == 3 ? 0 : window;
            Event e = makeEvent(parser, window * 60 + 1, k, (k * 7 + drift) % 100);
            engine->process(e.record, e.line, e.fields, 0);
        }
        Event closing = makeEvent(parser, (window + 1) * 60 + 1, 0, 0);
        const uint64_t before = engine->evaluations();
        state.ResumeTiming();
        perfControl().command("enable");
        engine->process(closing.record, closing.line, closing.fields, 0);
        // What the engine thread does with them too (engine::AlertProcessor): take the
        // transitions, then free them.
        engine->takeTransitions(sink);
        const size_t taken = sink.size();
        sink.clear();
        perfControl().command("disable");
        state.PauseTiming();
        evaluations += engine->evaluations() - before;
        transitions += taken;
        ++window;
        state.ResumeTiming();
    }
    state.counters["evaluations_per_close"] = benchmark::Counter(
        static_cast<double>(evaluations) / static_cast<double>(state.iterations()));
    state.counters["transitions_per_close"] = benchmark::Counter(
        static_cast<double>(transitions) / static_cast<double>(state.iterations()));
    state.counters["evaluations_per_s"] =
        benchmark::Counter(static_cast<double>(evaluations), benchmark::Counter::kIsRate);
}

} // namespace

// WEIR_BENCH_ITERATIONS (default 3) sets the closes timed per case, e.g. to profile one case.
int iterations() {
    const char *env = std::getenv("WEIR_BENCH_ITERATIONS");
    const int n = env ? std::atoi(env) : 0;
    return n > 0 ? n : 3;
}

BENCHMARK(BM_WindowClose)
    ->ArgNames({"rules", "keys", "shape"})
    ->Args({10, 10000, 0})
    ->Args({100, 10000, 0})
    ->Args({1000, 1000, 0})
    ->Args({1000, 10000, 0}) // issue 7: <= 50 ms per window close
    ->Args({1000, 10000, 1})
    ->Args({1000, 10000, 2})
    ->Args({1000, 10000, 3})
    ->Args({1000, 10000, 4})
    ->Args({1000, 10000, 5})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(iterations());

BENCHMARK_MAIN();
