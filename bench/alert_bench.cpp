// SPDX-License-Identifier: GPL-3.0-or-later
// Alert evaluation at a window close: R threshold rules over K keys. Each iteration feeds one
// event per key into a window (untimed), then times the single event that moves the watermark
// past the window end: every rule fires its panes for every key and evaluates them.
#include "weir/alert/alert_engine.h"
#include "weir/parse/csv_parser.h"

#include <benchmark/benchmark.h>
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

void BM_WindowClose(benchmark::State &state) {
    const int rules = static_cast<int>(state.range(0));
    const int keys = static_cast<int>(state.range(1));
    std::vector<alert::RuleSpec> specs;
    for (int r = 0; r < rules; ++r) {
        alert::RuleSpec s;
        s.name = "rule" + std::to_string(r);
        s.window = "fixed:60s";
        s.key = {"key"};
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
    uint64_t evaluations = 0;
    for (auto _ : state) {
        state.PauseTiming();
        for (int k = 0; k < keys; ++k) {
            Event e = makeEvent(parser, window * 60 + 1, k, (k * 7 + window) % 100);
            engine->process(e.record, e.line, e.fields, 0);
        }
        Event closing = makeEvent(parser, (window + 1) * 60 + 1, 0, 0);
        const uint64_t before = engine->evaluations();
        state.ResumeTiming();
        engine->process(closing.record, closing.line, closing.fields, 0);
        state.PauseTiming();
        evaluations += engine->evaluations() - before;
        engine->takeTransitions(sink);
        sink.clear();
        ++window;
        state.ResumeTiming();
    }
    state.counters["evaluations_per_close"] = benchmark::Counter(
        static_cast<double>(evaluations) / static_cast<double>(state.iterations()));
    state.counters["evaluations_per_s"] =
        benchmark::Counter(static_cast<double>(evaluations), benchmark::Counter::kIsRate);
}

} // namespace

BENCHMARK(BM_WindowClose)
    ->Args({10, 10000})
    ->Args({100, 10000})
    ->Args({1000, 1000})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

BENCHMARK_MAIN();
