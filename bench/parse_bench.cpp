// SPDX-License-Identifier: GPL-3.0-or-later
// Parser throughput: the access-log parser on seed-format and combined lines, and the CSV and
// JSON parsers on the demo's freeway sensor readings. Reports lines/s (items) and bytes/s.
#include "access_log_generator.h"
#include "weir/parse/access_log_parser.h"
#include "weir/parse/csv_parser.h"
#include "weir/parse/json_parser.h"
#include "weir/source/demo_source.h"

#include <benchmark/benchmark.h>
#include <string>
#include <vector>

namespace {

constexpr size_t kLines = 4096;

std::vector<std::string> accessLines(double seedShare) {
    weir::bench::AccessLogGenerator gen(7, seedShare);
    std::vector<std::string> lines(kLines);
    for (auto &l : lines)
        gen.next(l);
    return lines;
}

// Sensor rows from the demo generator: channel 1 (CSV, header first) or 2 (JSON).
std::vector<std::string> sensorLines(uint16_t channel) {
    weir::source::DemoSource::Options o;
    o.malformedShare = 0;
    o.duplicateShare = 0;
    o.lateShare = 0;
    weir::source::DemoSource::Generator gen(o);
    std::vector<std::string> lines;
    int64_t now = 1637576132LL * 1000000000LL;
    while (lines.size() < kLines) {
        std::string line;
        if (gen.next(now += 1000000, line) == channel)
            lines.push_back(std::move(line));
    }
    return lines;
}

void run(benchmark::State &state, weir::parse::Parser &parser,
         const std::vector<std::string> &lines, size_t first = 0) {
    size_t bytes = 0;
    for (size_t i = first; i < lines.size(); ++i)
        bytes += lines[i].size() + 1;
    int64_t events = 0;
    for (auto _ : state) {
        for (size_t i = first; i < lines.size(); ++i) {
            weir::parse::EventHeader h;
            const auto r = parser.parseHeader(lines[i], h);
            events += r.status == weir::parse::ParseStatus::Event;
            benchmark::DoNotOptimize(h);
        }
    }
    const auto n = static_cast<int64_t>(lines.size() - first);
    state.SetItemsProcessed(state.iterations() * n);
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes));
    state.counters["lines_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * n),
                                                       benchmark::Counter::kIsRate);
    state.counters["event_share"] =
        static_cast<double>(events) /
        static_cast<double>(std::max<int64_t>(1, state.iterations() * n));
}

void BM_AccessLogSeedFormat(benchmark::State &state) {
    const auto lines = accessLines(1.0);
    weir::parse::AccessLogParser p;
    run(state, p, lines);
}
BENCHMARK(BM_AccessLogSeedFormat);

void BM_AccessLogCombined(benchmark::State &state) {
    const auto lines = accessLines(0.0);
    weir::parse::AccessLogParser p;
    run(state, p, lines);
}
BENCHMARK(BM_AccessLogCombined);

void BM_AccessLogMixed(benchmark::State &state) {
    const auto lines = accessLines(0.3);
    weir::parse::AccessLogParser p;
    run(state, p, lines);
}
BENCHMARK(BM_AccessLogMixed);

void BM_AccessLogFields(benchmark::State &state) {
    // The full typed fields, as the table and export derive them on demand.
    const auto lines = accessLines(0.3);
    weir::parse::AccessLogParser p;
    weir::parse::FieldList fields;
    size_t bytes = 0;
    for (const auto &l : lines)
        bytes += l.size() + 1;
    for (auto _ : state) {
        for (const auto &l : lines) {
            benchmark::DoNotOptimize(p.parseFields(l, fields));
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(lines.size()));
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes));
}
BENCHMARK(BM_AccessLogFields);

void BM_CsvSensors(benchmark::State &state) {
    const auto lines = sensorLines(1);
    weir::parse::CsvParser p;
    weir::parse::EventHeader h;
    p.parseHeader(lines[0], h); // the header row sets the schema
    run(state, p, lines, 1);
}
BENCHMARK(BM_CsvSensors);

void BM_JsonSensors(benchmark::State &state) {
    const auto lines = sensorLines(2);
    weir::parse::JsonParser p;
    run(state, p, lines);
}
BENCHMARK(BM_JsonSensors);

} // namespace

BENCHMARK_MAIN();
