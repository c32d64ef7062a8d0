// SPDX-License-Identifier: GPL-3.0-or-later
// Filter throughput over 10 M stored events (realistic access-log lines from the bench
// generator, parsed into 32-byte records exactly as the engine does), per predicate class:
// record-level (time, level, status, source), raw-text substring, raw-line regex, parsed
// fields. Reports rows/s on one core (CPU time), visible rows and the memory per row of the
// match bitmap and of the visible-row index; plus the cost of toggling a filter (recombining
// kept bitmaps, no rescan), row lookups in the visible index and the longest gap between two
// cancel checks of a scan.
#include "access_log_generator.h"
#include "weir/common/time_util.h"
#include "weir/parse/access_log_parser.h"
#include "weir/query/filter_set.h"
#include "weir/query/scanner.h"

#include <algorithm>
#include <benchmark/benchmark.h>
#include <cstdlib>
#include <memory>
#include <string>

namespace {

using namespace weir;

uint64_t rowCount() {
    const char *env = std::getenv("WEIR_BENCH_ROWS");
    return env ? std::strtoull(env, nullptr, 10) : 10'000'000ULL;
}

struct Data {
    std::unique_ptr<store::EventStore> store;
    store::StoreSnapshot snapshot;
    query::SourceCatalog catalog;
    TimestampNs newest = kMinTimestamp;
};

// Built once, shared by every benchmark (about 1.7 GB for 10 M rows).
const Data &data() {
    static const Data d = [] {
        Data out;
        store::EventStore::Options so;
        so.memoryBudgetBytes = ~size_t{0};
        out.store = std::make_unique<store::EventStore>(so);
        auto parser = std::make_shared<parse::AccessLogParser>();
        out.catalog.push_back({"access.log", parser, parser->fieldNames()});
        bench::AccessLogGenerator gen(42);
        std::string line;
        parse::EventHeader h;
        const uint64_t n = rowCount();
        for (uint64_t i = 0; i < n; ++i) {
            line.clear();
            gen.next(line);
            if (parser->parseHeader(line, h).status != parse::ParseStatus::Event)
                continue;
            store::EventRecord r{};
            r.time = h.time;
            r.severity = h.severity;
            r.status = h.status;
            r.setPosition(i);
            out.store->append(r, line, h.time);
            out.newest = std::max(out.newest, h.time);
        }
        out.snapshot = out.store->snapshot();
        return out;
    }();
    return d;
}

query::Query compile(const std::string &text) {
    query::CompileOptions o;
    o.now = data().newest;
    query::QueryError err;
    auto q = query::Query::compile(text, o, &err);
    if (!q) {
        std::fprintf(stderr, "bad query %s: %s\n", text.c_str(), err.toString().c_str());
        std::abort();
    }
    return *q;
}

void runScan(benchmark::State &state, const std::string &text) {
    const Data &d = data();
    const query::Query q = compile(text);
    uint64_t visible = 0;
    size_t bitmapBytes = 0, indexBytes = 0;
    for (auto _ : state) {
        query::ScanResult r = query::scan(q, d.catalog, d.snapshot);
        visible = r.matches.count();
        bitmapBytes = r.matches.memoryBytes();
        state.PauseTiming();
        const query::VisibleRows rows(std::move(r.matches));
        indexBytes = rows.memoryBytes();
        state.ResumeTiming();
    }
    const double rows = static_cast<double>(d.snapshot.size());
    state.counters["rows/s"] =
        benchmark::Counter(rows, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["visible"] = static_cast<double>(visible);
    state.counters["bitmap_B/row"] = static_cast<double>(bitmapBytes) / rows;
    state.counters["index_B/row"] = static_cast<double>(indexBytes) / rows;
    state.counters["vector_B/row"] = 8.0 * static_cast<double>(visible) / rows;
    state.SetLabel(text);
}

void BM_Record_Status(benchmark::State &s) {
    runScan(s, "status>=500");
}
void BM_Record_LevelTimeSource(benchmark::State &s) {
    runScan(s, "level>=warn and last 2h and source:access.log");
}
void BM_Record_NotIn(benchmark::State &s) {
    runScan(s, "not status in (200, 304) level<=warn");
}
void BM_Text_Rare(benchmark::State &s) {
    runScan(s, "sqlmap");
}
void BM_Text_Common(benchmark::State &s) {
    runScan(s, "\"POST /api\"");
}
void BM_Text_AfterRecord(benchmark::State &s) {
    runScan(s, "status:404 /wp-login/");
}
void BM_Regex_Line(benchmark::State &s) {
    runScan(s, "/\\/api\\/v[0-9]+\\/orders/");
}
void BM_Field_Bytes(benchmark::State &s) {
    runScan(s, "bytes>1m");
}
void BM_Field_AfterRecord(benchmark::State &s) {
    runScan(s, "status>=500 path:/api/*");
}

BENCHMARK(BM_Record_Status)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_Record_LevelTimeSource)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_Record_NotIn)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_Text_Rare)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_Text_Common)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_Text_AfterRecord)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_Regex_Line)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_Field_Bytes)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_Field_AfterRecord)->Unit(benchmark::kMillisecond)->Iterations(1);

// Three filters kept in a FilterSet; one toggle = recombining their bitmaps, no rescan.
void BM_FilterSetToggle(benchmark::State &state) {
    const Data &d = data();
    query::FilterSet fs;
    const auto a = fs.add(compile("level>=warn"));
    fs.add(compile("/bot/i"), query::FilterSet::Mode::Exclude);
    fs.add(compile("last 6h"));
    fs.update(d.snapshot, d.catalog);
    bool on = true;
    uint64_t visible = 0;
    for (auto _ : state) {
        on = !on;
        fs.setEnabled(a, on);
        visible = fs.visibleRows().size();
        benchmark::DoNotOptimize(visible);
    }
    state.counters["rows/s"] = benchmark::Counter(static_cast<double>(d.snapshot.size()),
                                                  benchmark::Counter::kIsIterationInvariantRate);
    state.counters["filters_B/row"] =
        static_cast<double>(fs.memoryBytes()) / static_cast<double>(d.snapshot.size());
}
BENCHMARK(BM_FilterSetToggle)->Unit(benchmark::kMillisecond);

// Random row -> global index lookups in a 10 % visible index (what a table's data() does).
void BM_VisibleRowLookup(benchmark::State &state) {
    const Data &d = data();
    const query::VisibleRows rows(
        query::scan(compile("status>=400"), d.catalog, d.snapshot).matches);
    uint64_t x = 12345, sum = 0;
    for (auto _ : state) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        sum += rows.globalIndex((x >> 11) % rows.size());
    }
    benchmark::DoNotOptimize(sum);
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VisibleRowLookup);

// Longest wall-clock gap between two progress/cancel checks of a field scan (the slowest
// predicate class): how long a cancel can take to be noticed.
void BM_CancelLatency(benchmark::State &state) {
    const Data &d = data();
    const query::Query q = compile("bytes>1m or user_agent~/bot/i");
    int64_t worst = 0;
    for (auto _ : state) {
        int64_t last = monotonicNowNs();
        std::atomic<bool> cancel{false};
        query::ScanControl c;
        c.cancel = &cancel;
        c.progressStep = 1;
        uint64_t calls = 0;
        c.progress = [&](uint64_t, uint64_t) {
            const int64_t now = monotonicNowNs();
            worst = std::max(worst, now - last);
            last = now;
            if (++calls == 64)
                cancel = true; // 64 blocks of 4096 rows, then cancel
        };
        const query::ScanResult r = query::scan(q, d.catalog, d.snapshot, c);
        benchmark::DoNotOptimize(r.cancelled);
    }
    state.counters["worst_gap_ms"] = static_cast<double>(worst) / 1e6;
}
BENCHMARK(BM_CancelLatency)->Unit(benchmark::kMillisecond)->Iterations(1);

} // namespace

BENCHMARK_MAIN();
