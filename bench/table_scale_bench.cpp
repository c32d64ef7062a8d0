// SPDX-License-Identifier: GPL-3.0-or-later
// The log table as it grows to 100 M rows, and chart refresh with 8 series of 1 M points.
//
// Table: a real EventStore grows by stages (1 M, 6 M, 20 M, 50 M, 100 M small rows, up to
// WEIR_BENCH_ROWS, stopping early when MemAvailable would fall under 3 GiB); at each stage a
// shown LogTableView over an EventTableModel (offscreen, 1200x800) takes the new rows, then:
// - the GUI-thread CPU time of one 1000-row append and the repaint after it, and the same at
//   the row cap (1000 rows evicted at the top as 1000 arrive),
// - the frame time of scrolling (scroll-bar move + synchronous repaint of the viewport), at
//   random positions and page by page,
// - resident memory per row (VmRSS) and the store's own bytes per row.
// Charts: 8 series of 1 M sorted points each; one refresh = series::decimateMinMax per series
// to the plot's pixel columns, one QLineSeries::replace per series, and a render of the
// QChartView; with OpenGL series too when WEIR_BENCH_OPENGL=1.
//
// A plain program (it needs an event loop). Run: QT_QPA_PLATFORM=offscreen
// ./build/bin/weir-bench-table [table|chart] (both without an argument).
#include "models/event_table_model.h"
#include "views/log_table_view.h"
#include "weir/series/decimate.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QLineSeries>
#include <QScrollBar>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace weir;

double threadCpuMs() {
    timespec t{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

long procKb(const char *file, const char *key) {
    std::ifstream in(file);
    std::string line;
    const size_t n = std::strlen(key);
    while (std::getline(in, line))
        if (line.compare(0, n, key) == 0)
            return std::strtol(line.c_str() + n, nullptr, 10);
    return -1;
}

struct Stat {
    std::vector<double> v;
    void add(double x) { v.push_back(x); }
    double mean() const {
        double s = 0;
        for (double x : v)
            s += x;
        return v.empty() ? 0 : s / static_cast<double>(v.size());
    }
    double pct(double p) const {
        if (v.empty())
            return 0;
        std::vector<double> s = v;
        std::sort(s.begin(), s.end());
        return s[std::min(s.size() - 1, static_cast<size_t>(p * static_cast<double>(s.size())))];
    }
    double max() const { return v.empty() ? 0 : *std::max_element(v.begin(), v.end()); }
};

class Feed {
public:
    Feed() {
        store::EventStore::Options o;
        o.memoryBudgetBytes = size_t{64} << 30; // never evict here: the machine decides
        m_store = std::make_unique<store::EventStore>(o);
    }
    // Small access-log-like rows: "GET /api/users 200 5123" (16-26 bytes).
    void append(uint64_t n) {
        static const char *const kPaths[] = {"/", "/api/users", "/api/orders", "/static/a.js"};
        std::string line;
        for (uint64_t i = 0; i < n; ++i, ++m_next) {
            store::EventRecord rec{};
            rec.time = TimestampNs{kBase + static_cast<int64_t>(m_next) * kNsPerMs};
            const uint32_t r = m_rng();
            rec.status = r % 10 == 0 ? 500 : 200;
            rec.severity = rec.status >= 500 ? Severity::Error : Severity::Info;
            rec.setPosition(m_next + 1);
            line = "GET ";
            line += kPaths[(r >> 8) % 4];
            line += rec.status >= 500 ? " 500 " : " 200 ";
            line += std::to_string(r % 9000);
            m_store->append(rec, line, rec.time);
        }
    }
    std::shared_ptr<const engine::Snapshot> snapshot() {
        auto s = std::make_shared<engine::Snapshot>();
        s->version = ++m_version;
        s->events = m_store->snapshot();
        s->channels.push_back({});
        s->channels.back().name = "bench";
        return s;
    }
    uint64_t rows() const { return m_next; }
    size_t storeBytes() const { return m_store->memoryBytes(); }

private:
    static constexpr int64_t kBase = 1'763'800'000LL * kNsPerSecond;
    std::unique_ptr<store::EventStore> m_store;
    std::mt19937 m_rng{1};
    uint64_t m_next = 0;
    uint64_t m_version = 0;
};

void benchTable(uint64_t maxRows) {
    const long rssStart = procKb("/proc/self/status", "VmRSS:");
    Feed feed;
    ui::EventTableModel model;
    model.setMaxRows(static_cast<int>(std::min<uint64_t>(maxRows + 100000, 2'000'000'000)));
    ui::LogTableView view;
    view.setModel(&model);
    view.resize(1200, 800);
    view.show();
    QApplication::processEvents();
    std::printf("row height %d px; viewport %dx%d\n", view.rowHeight(), view.viewport()->width(),
                view.viewport()->height());
    std::printf(
        "| rows stored | rows in the table | build s | catch-up insert ms (CPU) | 1000-row append "
        "+ repaint ms (CPU, mean / max of 5) "
        "| at the cap: 1000 out + 1000 in + repaint ms (CPU, mean / max of 5) "
        "| repaint alone ms (CPU) | scroll frame ms random (mean / p99 / max) | page down (mean / "
        "p99 / max) "
        "| RSS B/row | store B/row |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    std::mt19937 rng(3);
    for (uint64_t stage :
         {1'000'000ULL, 6'000'000ULL, 20'000'000ULL, 50'000'000ULL, 100'000'000ULL}) {
        const uint64_t target = std::min(stage, maxRows);
        if (target <= feed.rows())
            break;
        // Stop before the machine runs short: ~56 B/row more for the rest of this stage.
        const long availKb = procKb("/proc/meminfo", "MemAvailable:");
        const double needKb = static_cast<double>(target - feed.rows()) * 56.0 / 1024.0;
        if (availKb > 0 && static_cast<double>(availKb) - needKb < 3.0 * 1024 * 1024) {
            std::printf(
                "(stopping at %llu rows: MemAvailable %ld MiB, this stage needs ~%.0f MiB)\n",
                static_cast<unsigned long long>(feed.rows()), availKb / 1024, needKb / 1024);
            break;
        }
        QElapsedTimer build;
        build.start();
        feed.append(target - feed.rows());
        const double buildS = static_cast<double>(build.nsecsElapsed()) / 1e9;
        double c0 = threadCpuMs();
        model.applySnapshot(feed.snapshot());
        QApplication::processEvents();
        const double catchUp = threadCpuMs() - c0;

        // The header's position pass is lazy (at the next layout or paint), so an append is
        // measured with the repaint that follows it, minus a repaint without new rows.
        Stat append;
        Stat still;
        for (int i = 0; i < 5; ++i) {
            c0 = threadCpuMs();
            view.viewport()->repaint();
            QApplication::processEvents();
            still.add(threadCpuMs() - c0);
            feed.append(1000);
            const auto snap = feed.snapshot();
            c0 = threadCpuMs();
            model.applySnapshot(snap);
            QApplication::processEvents();
            view.viewport()->repaint();
            append.add(threadCpuMs() - c0);
        }
        // At the cap (--max-rows reached): each update evicts 1000 rows at the top too.
        Stat capped;
        model.setMaxRows(model.rowCount());
        for (int i = 0; i < 5; ++i) {
            feed.append(1000);
            const auto snap = feed.snapshot();
            c0 = threadCpuMs();
            model.applySnapshot(snap);
            QApplication::processEvents();
            view.viewport()->repaint();
            capped.add(threadCpuMs() - c0);
        }
        model.setMaxRows(static_cast<int>(std::min<uint64_t>(maxRows + 100000, 2'000'000'000)));
        QScrollBar *bar = view.verticalScrollBar();
        Stat jump;
        Stat page;
        for (int i = 0; i < 100; ++i) {
            QElapsedTimer t;
            t.start();
            bar->setValue(
                static_cast<int>(rng() % static_cast<uint32_t>(std::max(1, bar->maximum()))));
            view.viewport()->repaint();
            jump.add(static_cast<double>(t.nsecsElapsed()) / 1e6);
        }
        bar->setValue(bar->maximum() / 2);
        for (int i = 0; i < 100; ++i) {
            QElapsedTimer t;
            t.start();
            bar->setValue(bar->value() + bar->pageStep());
            view.viewport()->repaint();
            page.add(static_cast<double>(t.nsecsElapsed()) / 1e6);
        }
        const long rss = procKb("/proc/self/status", "VmRSS:");
        const double rows = static_cast<double>(feed.rows());
        std::printf("| %.1f M | %.1f M | %.1f | %.1f | %.2f / %.2f | %.2f / %.2f | %.2f | "
                    "%.2f / %.2f / %.2f | "
                    "%.2f / %.2f / %.2f | "
                    "%.1f | %.1f |\n",
                    rows / 1e6, model.rowCount() / 1e6, buildS, catchUp, append.mean(),
                    append.max(), capped.mean(), capped.max(), still.mean(), jump.mean(),
                    jump.pct(0.99), jump.max(), page.mean(), page.pct(0.99), page.max(),
                    static_cast<double>(rss - rssStart) * 1024.0 / rows,
                    static_cast<double>(feed.storeBytes()) / rows);
        std::fflush(stdout);
        view.setFollowTail(true);
    }
}

void benchChart(bool openGl) {
    constexpr int kSeries = 8;
    constexpr size_t kPoints = 1'000'000;
    std::vector<std::vector<series::Point>> data(kSeries);
    std::mt19937 rng(5);
    std::normal_distribution<double> noise(0, 1);
    for (int s = 0; s < kSeries; ++s) {
        data[s].resize(kPoints);
        double y = 100.0 * s;
        for (size_t i = 0; i < kPoints; ++i) {
            y += noise(rng);
            data[s][i] = {static_cast<double>(i) * 1000.0, y}; // x in ms, one point a second
        }
    }
    QtCharts::QChart *chart = new QtCharts::QChart;
    auto *x = new QtCharts::QValueAxis;
    auto *y = new QtCharts::QValueAxis;
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    std::vector<QtCharts::QLineSeries *> lines;
    for (int s = 0; s < kSeries; ++s) {
        auto *l = new QtCharts::QLineSeries;
        l->setUseOpenGL(openGl);
        chart->addSeries(l);
        l->attachAxis(x);
        l->attachAxis(y);
        lines.push_back(l);
    }
    QtCharts::QChartView view(chart);
    view.resize(1200, 500);
    view.show();
    QApplication::processEvents();
    const size_t columns =
        static_cast<size_t>(std::max(1, static_cast<int>(chart->plotArea().width())));
    Stat decimate, replace, render, total;
    size_t shown = 0;
    for (int rep = 0; rep < 20; ++rep) {
        // A moving window over the last 3/4 of the data, like a live axis.
        const double x0 = static_cast<double>(rep) * 10'000'000.0;
        const double x1 = x0 + 750'000'000.0;
        const double t0 = threadCpuMs();
        std::vector<QVector<QPointF>> pts(kSeries);
        for (int s = 0; s < kSeries; ++s) {
            const auto d = series::decimateMinMax(data[s], x0, x1, columns);
            pts[s].reserve(static_cast<int>(d.size()));
            for (const auto &p : d)
                pts[s].append(QPointF(p.x, p.y));
        }
        const double t1 = threadCpuMs();
        shown = 0;
        for (int s = 0; s < kSeries; ++s) {
            lines[s]->replace(pts[s]);
            shown += static_cast<size_t>(pts[s].size());
        }
        x->setRange(x0, x1);
        y->setRange(-3000, 3000);
        const double t2 = threadCpuMs();
        view.viewport()->repaint();
        QApplication::processEvents();
        const double t3 = threadCpuMs();
        decimate.add(t1 - t0);
        replace.add(t2 - t1);
        render.add(t3 - t2);
        total.add(t3 - t0);
    }
    std::printf("| %s | %zu columns | %zu points drawn | %.1f | %.1f | %.1f | %.1f / %.1f |\n",
                openGl ? "OpenGL series" : "raster", columns, shown, decimate.mean(),
                replace.mean(), render.mean(), total.mean(), total.max());
}

} // namespace

int main(int argc, char **argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const std::string what = argc > 1 ? argv[1] : "";
    const char *env = std::getenv("WEIR_BENCH_ROWS");
    const uint64_t rows = env ? std::strtoull(env, nullptr, 10) : 100'000'000ULL;
    if (what.empty() || what == "table")
        benchTable(rows);
    if (what.empty() || what == "chart") {
        std::printf("\n| series | plot width | points after decimation (8 series) | decimate ms | "
                    "replace ms | render ms | refresh total ms (mean / max), GUI-thread CPU |\n"
                    "|---|---:|---:|---:|---:|---:|---:|\n");
        benchChart(false);
        if (qEnvironmentVariableIntValue("WEIR_BENCH_OPENGL") == 1)
            benchChart(true);
    }
    return 0;
}
