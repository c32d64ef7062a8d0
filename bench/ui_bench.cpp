// SPDX-License-Identifier: GPL-3.0-or-later
// The log table at 10 M rows (WEIR_BENCH_ROWS to change): EventTableModel::data() for a
// screenful of rows at random positions (unfiltered and behind a filter), swapping a new
// visible-row index into the model (a different filter: one reset; the same filter over more
// rows: one insertion), and a filter applied through TableFilter (FilterWorker thread) with a
// 1 ms probe timer on the GUI thread measuring the longest gap between two of its ticks, i.e.
// the longest time the UI was blocked. A small program (not Google Benchmark): it needs an
// event loop. Run: QT_QPA_PLATFORM=offscreen ./build/bin/weir-bench-ui
#include "models/event_table_model.h"
#include "models/table_filter.h"
#include "weir/query/scanner.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>
#include <cstdio>
#include <cstdlib>
#include <random>

namespace {

using namespace weir;

uint64_t rowCount() {
    const char *env = std::getenv("WEIR_BENCH_ROWS");
    return env ? std::strtoull(env, nullptr, 10) : 10'000'000ULL;
}

struct Data {
    std::unique_ptr<store::EventStore> store;
    std::shared_ptr<engine::Snapshot> snapshot;
};

Data build(uint64_t n) {
    Data d;
    d.store = std::make_unique<store::EventStore>(store::EventStore::Options{});
    const int64_t base = 1'763'800'000LL * kNsPerSecond;
    std::mt19937 rng(1);
    const char *paths[] = {"/", "/api/users", "/api/orders?id=7", "/static/app.js", "/health"};
    std::string line;
    for (uint64_t i = 0; i < n; ++i) {
        store::EventRecord rec{};
        rec.time = TimestampNs{base + static_cast<int64_t>(i) * kNsPerMs};
        const uint32_t r = rng();
        rec.status = r % 10 == 0 ? 500 : (r % 10 == 1 ? 404 : 200);
        rec.severity = rec.status >= 500 ? Severity::Error : Severity::Info;
        rec.setPosition(i + 1);
        line = "10.0.0." + std::to_string(r % 250) + " - - \"GET " + paths[(r >> 8) % 5] +
               " HTTP/1.1\" " + std::to_string(rec.status) + " " + std::to_string(r % 9000);
        d.store->append(rec, line, rec.time);
    }
    d.snapshot = std::make_shared<engine::Snapshot>();
    d.snapshot->version = 1;
    d.snapshot->events = d.store->snapshot();
    d.snapshot->channels.push_back({});
    d.snapshot->channels.back().name = "bench";
    return d;
}

// Mean and max time of `reps` calls of fn(), in microseconds.
template<typename Fn>
void timeIt(const char *name, int reps, Fn &&fn) {
    double total = 0;
    double worst = 0;
    for (int i = 0; i < reps; ++i) {
        QElapsedTimer t;
        t.start();
        fn(i);
        const double us = static_cast<double>(t.nsecsElapsed()) / 1e3;
        total += us;
        worst = std::max(worst, us);
    }
    std::printf("%-58s %10.1f us mean %10.1f us max  (%d runs)\n", name, total / reps, worst, reps);
}

// A screenful: 50 rows x every column, display text and background, at a random position.
void screenful(const ui::EventTableModel &model, std::mt19937 &rng) {
    const int rows = model.rowCount();
    const int top = static_cast<int>(rng() % static_cast<uint32_t>(std::max(1, rows - 50)));
    size_t chars = 0;
    for (int r = top; r < std::min(rows, top + 50); ++r) {
        for (int c = 0; c < model.columnCount(); ++c) {
            const QModelIndex idx = model.index(r, c);
            chars += static_cast<size_t>(model.data(idx).toString().size());
            chars += model.data(idx, Qt::BackgroundRole).isValid() ? 1 : 0;
        }
    }
    if (chars == 0)
        std::abort();
}

} // namespace

int main(int argc, char **argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const uint64_t n = rowCount();
    QElapsedTimer clock;
    clock.start();
    Data d = build(n);
    std::printf("weir-bench-ui: %llu rows built in %.1f s\n", static_cast<unsigned long long>(n),
                clock.nsecsElapsed() / 1e9);

    ui::EventTableModel model;
    model.applySnapshot(d.snapshot);
    std::mt19937 rng(7);
    timeIt("data(): screenful (50 rows x 5 columns), no filter", 200,
           [&](int) { screenful(model, rng); });

    // Filters scanned in core, as the worker would.
    const auto scanRows = [&](const char *text) {
        const auto q = query::Query::compile(text);
        return std::make_shared<const query::VisibleRows>(
            query::scan(*q, ui::catalogOf(*d.snapshot), d.snapshot->events).matches);
    };
    const auto errors = scanRows("status>=500");
    const auto notFound = scanRows("status:404");
    model.setVisibleRows(errors, false);
    std::printf("filter status>=500: %llu visible rows, index %.2f MB\n",
                static_cast<unsigned long long>(errors->size()), errors->memoryBytes() / 1e6);
    timeIt("data(): screenful behind a 10 % filter", 200, [&](int) { screenful(model, rng); });

    timeIt("swap in another filter's index (one model reset)", 20,
           [&](int i) { model.setVisibleRows(i % 2 ? errors : notFound, false); });

    // Same filter over more rows: the last 1000 stored rows arrive.
    {
        const auto q = query::Query::compile("status>=500");
        query::Matcher m(*q, {});
        query::MatchBitmap head(d.snapshot->events.firstIndex(), n - 1000);
        query::scanInto(m, d.snapshot->events, 0, n - 1000, head, {});
        const auto shorter = std::make_shared<const query::VisibleRows>(head);
        timeIt("same filter, 1000 new rows (one insertion at the bottom)", 20, [&](int) {
            model.setVisibleRows(shorter, false);
            model.setVisibleRows(errors, true);
        });
    }

    // End to end through the worker thread, with a probe on the GUI thread.
    ui::EventTableModel live;
    live.applySnapshot(d.snapshot);
    ui::TableFilter filter(&live);
    filter.applySnapshot(d.snapshot);
    for (const char *text : {"status>=500", "\"api/orders\"", "/GET \\/static/"}) {
        QElapsedTimer gapClock;
        qint64 last = 0;
        qint64 worstGap = 0;
        QTimer probe;
        probe.setInterval(1);
        QObject::connect(&probe, &QTimer::timeout, [&] {
            const qint64 now = gapClock.nsecsElapsed();
            worstGap = std::max(worstGap, now - last);
            last = now;
        });
        QEventLoop loop;
        QObject::connect(&filter, &ui::TableFilter::applied, &loop, &QEventLoop::quit);
        QTimer::singleShot(120000, &loop, &QEventLoop::quit);
        gapClock.start();
        probe.start();
        QElapsedTimer t;
        t.start();
        filter.apply(QString::fromLatin1(text));
        const double applyUs = t.nsecsElapsed() / 1e3;
        if (filter.isBusy())
            loop.exec();
        probe.stop();
        const double s = t.nsecsElapsed() / 1e9;
        std::printf("TableFilter %-22s %8.3f s to the swap (%5.1f M rows/s), %llu rows; "
                    "apply() %.0f us; longest GUI-thread gap %.1f ms\n",
                    text, s, n / s / 1e6, static_cast<unsigned long long>(live.rowCount()), applyUs,
                    worstGap / 1e6);
    }
    std::printf("store: %.1f MB for %llu rows\n", d.store->memoryBytes() / 1e6,
                static_cast<unsigned long long>(n));
    return 0;
}
