// SPDX-License-Identifier: GPL-3.0-or-later
// Window results in the GUI: the results model (under QAbstractItemModelTester), the chart
// (one series per top-N key, the watermark line checked in pixels, keys as plain text), the
// panel on a real engine's snapshot, and the window dialog's validation.
#include "analysis_fixture.h"
#include "charts/window_chart_view.h"
#include "dialogs/window_dialog.h"
#include "views/window_results_model.h"
#include "views/window_results_panel.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QtCharts/QLineSeries>
#include <QtTest>

using namespace weir;
using weir::ui::WindowChartView;
using weir::ui::WindowResultsModel;

namespace {

constexpr int64_t kBaseMs = 1700000000000LL;

window::Pane pane(int64_t startS, int64_t endS, std::string key, double v, bool final,
                  window::PaneTiming timing = window::PaneTiming::OnTime) {
    window::Pane p;
    p.window = {TimestampNs{(kBaseMs / 1000 + startS) * kNsPerSecond},
                TimestampNs{(kBaseMs / 1000 + endS) * kNsPerSecond}};
    p.key = std::move(key);
    p.values = {window::AggValue::of(v), window::AggValue::of(v * 2)};
    p.final = final;
    p.timing = timing;
    return p;
}

// Keys k0..k7 over six 10 s windows, k_i's count = i + 1; the watermark at 45 s.
std::shared_ptr<window::WindowResults> syntheticResults() {
    auto r = std::make_shared<window::WindowResults>();
    r->name = "fixed:10s by host";
    r->aggregates = {"count", "sum(bytes)"};
    r->keyFields = {"host"};
    for (int w = 0; w < 4; ++w) {
        for (int k = 0; k < 8; ++k)
            r->finals.push_back(pane(w * 10, w * 10 + 10, "k" + std::to_string(k), k + 1, true));
    }
    for (int k = 0; k < 8; ++k)
        r->live.push_back(pane(40, 50, "k" + std::to_string(k), k + 1, false,
                               k == 7 ? window::PaneTiming::Late : window::PaneTiming::Early));
    r->watermark = TimestampNs{(kBaseMs + 45000) * kNsPerMs};
    return r;
}

// Pixels of the watermark colour in one column band of the chart image.
int watermarkPixels(const QImage &img, int x0, int x1) {
    const QColor want = WindowChartView::watermarkColor();
    int n = 0;
    for (int x = std::max(0, x0); x <= std::min(img.width() - 1, x1); ++x) {
        for (int y = 0; y < img.height(); ++y) {
            const QColor c = img.pixelColor(x, y);
            if (std::abs(c.red() - want.red()) < 40 && std::abs(c.green() - want.green()) < 40 &&
                std::abs(c.blue() - want.blue()) < 40)
                ++n;
        }
    }
    return n;
}

} // namespace

class TestWindowResults : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void modelShowsFinalsThenLivePanes();
    void chartDrawsTopKeysAndTheWatermark();
    void chartKeysAreText();
    void panelFollowsARealEngine();
    void dialogValidatesAndBuildsTheSetup();
    void dialogEditsTriggersModeAndDedup();
    void panelShowsEveryPipeline();
};

void TestWindowResults::modelShowsFinalsThenLivePanes() {
    WindowResultsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    auto results = syntheticResults();
    model.setResults(results);
    QCOMPARE(model.rowCount(), 40);
    QCOMPARE(model.columnCount(), WindowResultsModel::kFixedColumns + 2);
    QCOMPARE(model.headerData(WindowResultsModel::kFixedColumns + 1, Qt::Horizontal).toString(),
             QStringLiteral("sum(bytes)"));
    const QModelIndex first = model.index(0, WindowResultsModel::StartColumn);
    QCOMPARE(first.data().toString(), QStringLiteral("2023-11-14T22:13:20.000Z"));
    QCOMPARE(model.index(0, WindowResultsModel::KeyColumn).data().toString(), QStringLiteral("k0"));
    QCOMPARE(model.index(0, WindowResultsModel::PaneColumn).data().toString(),
             QStringLiteral("ON_TIME"));
    QCOMPARE(model.index(0, WindowResultsModel::FinalColumn)
                 .data(WindowResultsModel::FinalRole)
                 .toBool(),
             true);
    QCOMPARE(model.index(3, WindowResultsModel::kFixedColumns + 1).data().toString(),
             QStringLiteral("8"));
    QCOMPARE(model.index(3, WindowResultsModel::kFixedColumns)
                 .data(WindowResultsModel::NumberRole)
                 .toDouble(),
             4.0);
    // The live rows follow: the last one is k7's LATE pane, not final.
    QCOMPARE(model.index(39, WindowResultsModel::PaneColumn).data().toString(),
             QStringLiteral("LATE"));
    QCOMPARE(model.index(39, WindowResultsModel::FinalColumn)
                 .data(WindowResultsModel::FinalRole)
                 .toBool(),
             false);
    model.setResults(nullptr);
    QCOMPARE(model.rowCount(), 0);
}

void TestWindowResults::chartDrawsTopKeysAndTheWatermark() {
    WindowChartView chart;
    chart.resize(900, 420);
    chart.setResults(syntheticResults());
    // Top 5 of 8 keys by total count, largest first; 5 windows each.
    QCOMPARE(chart.keys(), (QStringList{"k7", "k6", "k5", "k4", "k3"}));
    QCOMPARE(chart.pointCount(), 25);
    QCOMPARE(chart.keySeries(0)->at(0).y(), 8.0);
    QCOMPARE(chart.keySeries(0)->at(4).x(), double(kBaseMs + 50000));
    QVERIFY(chart.watermarkVisible());
    QCOMPARE(chart.watermarkMs(), kBaseMs + 45000);

    chart.setAggregate(1); // sum(bytes): twice the counts
    QCOMPARE(chart.keySeries(0)->at(0).y(), 16.0);
    chart.setTopKeys(2);
    QCOMPARE(chart.keys().size(), 2);
    QCOMPARE(chart.pointCount(), 10);

    // In pixels: the watermark's colour is in the column at 45 s, and nowhere near 25 s.
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart, 10000));
    QApplication::processEvents();
    const QImage img = chart.grab().toImage();
    const int xWm = chart.mapFromScene(chart.positionOf(kBaseMs + 45000, 1)).x();
    const int xOther = chart.mapFromScene(chart.positionOf(kBaseMs + 25000, 1)).x();
    QVERIFY2(xWm > 50 && xWm < img.width() - 50, qPrintable(QString::number(xWm)));
    QVERIFY2(watermarkPixels(img, xWm - 3, xWm + 3) > 100,
             qPrintable(QString::number(watermarkPixels(img, xWm - 3, xWm + 3))));
    QCOMPARE(watermarkPixels(img, xOther - 3, xOther + 3), 0);
    img.save(QDir::temp().filePath(QStringLiteral("weir-window-chart.png")));

    // The evidence band and no watermark when the results have none.
    auto noWm = syntheticResults();
    noWm->watermark = kMinTimestamp;
    chart.setResults(noWm);
    chart.setMarkedWindow(TimestampNs{(kBaseMs + 10000) * kNsPerMs},
                          TimestampNs{(kBaseMs + 20000) * kNsPerMs});
    QVERIFY(chart.markVisible());
    QVERIFY(!chart.watermarkVisible());
    QApplication::processEvents();
    QCOMPARE(watermarkPixels(chart.grab().toImage(), 0, 10000), 0);
    chart.clearMarkedWindow();
    QVERIFY(!chart.markVisible());
}

void TestWindowResults::chartKeysAreText() {
    auto r = std::make_shared<window::WindowResults>();
    r->aggregates = {"count"};
    r->finals.push_back(pane(0, 10, "<b>bold</b>&amp;", 3, true));
    WindowChartView chart;
    chart.setResults(r);
    QCOMPARE(chart.keys(), QStringList{QStringLiteral("<b>bold</b>&amp;")});
    // QtCharts renders legend labels as HTML: the name must be escaped to show as typed.
    QCOMPARE(chart.keySeries(0)->name(), QStringLiteral("&lt;b&gt;bold&lt;/b&gt;&amp;amp;"));
}

void TestWindowResults::panelFollowsARealEngine() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    window::WindowSetupText w;
    w.window = "fixed:10s";
    w.keys = "host";
    w.aggs = "count,max(value)";
    const auto snap = test::runPipeline(dir, test::hostsCsv(), w, {});
    QCOMPARE(snap->windows.size(), size_t{1});

    ui::WindowResultsPanel panel;
    QAbstractItemModelTester tester(panel.model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    panel.applySnapshot(*snap);
    // 5 windows x 2 hosts, all final at the end of the input.
    QCOMPARE(panel.model()->rowCount(), 10);
    QCOMPARE(panel.aggregateBox()->count(), 2);
    QCOMPARE(panel.aggregateBox()->itemText(1), QStringLiteral("max(value)"));
    QVERIFY2(panel.summaryText().contains(QStringLiteral("end of input")),
             qPrintable(panel.summaryText()));
    QCOMPARE(panel.chartView()->keys().size(), 2);
    panel.aggregateBox()->setCurrentIndex(1);
    QCOMPARE(panel.chartView()->aggregate(), 1);
    QCOMPARE(panel.chartView()->keys().front(), QStringLiteral("b")); // hotter: larger total
    // Every final row holds a count of 10 (one event per second per host).
    for (int r = 0; r < panel.model()->rowCount(); ++r)
        QCOMPARE(panel.model()->index(r, WindowResultsModel::kFixedColumns).data().toString(),
                 QStringLiteral("10"));
}

void TestWindowResults::dialogValidatesAndBuildsTheSetup() {
    ui::WindowDialog dialog;
    window::WindowSetupText in;
    in.window = "sliding:5m/1m";
    in.keys = "host";
    in.aggs = "count,p95(latency)";
    in.lateness = "30s";
    in.outOfOrder = "5s";
    dialog.setSetup(in);
    QCOMPARE(dialog.kindBox()->currentData().toString(), QStringLiteral("sliding"));
    QCOMPARE(dialog.sizeEdit()->text(), QStringLiteral("5m"));
    QCOMPARE(dialog.periodEdit()->text(), QStringLiteral("1m"));
    QVERIFY(!dialog.gapEdit()->isEnabled());
    window::WindowSetupText out = dialog.setup();
    QCOMPARE(QString::fromStdString(out.window), QStringLiteral("sliding:5m/1m"));
    QCOMPARE(QString::fromStdString(out.lateness), QStringLiteral("30s"));
    QVERIFY(dialog.validate().isEmpty());

    dialog.kindBox()->setCurrentIndex(dialog.kindBox()->findData(QStringLiteral("session")));
    dialog.gapEdit()->setText(QStringLiteral("45s"));
    QCOMPARE(QString::fromStdString(dialog.setup().window), QStringLiteral("session:45s"));

    dialog.latenessEdit()->setText(QStringLiteral("<b>soon</b>"));
    dialog.accept(); // refused: stays open with the error
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QCOMPARE(dialog.errorText(),
             QStringLiteral("lateness: expected a duration such as 10s or 5m, not '<b>soon</b>'"));
    dialog.latenessEdit()->setText(QStringLiteral("1m"));
    dialog.aggsEdit()->setText(QStringLiteral("count,bogus(x)"));
    QVERIFY(dialog.validate().startsWith(QStringLiteral("aggs: ")));
    dialog.aggsEdit()->setText(QStringLiteral("count"));
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QVERIFY(dialog.errorText().isEmpty());
}

void TestWindowResults::dialogEditsTriggersModeAndDedup() {
    ui::WindowDialog dialog;
    window::WindowSetupText in;
    in.window = "fixed:1m";
    in.keys = "device";
    in.idleTimeout = "30s";
    in.early = "2s";
    in.mode = "discarding";
    in.dedup = "topic,partition,offset";
    in.dedupTtl = "5m";
    dialog.setSetup(in);
    QCOMPARE(dialog.idleTimeoutEdit()->text(), QStringLiteral("30s"));
    QCOMPARE(dialog.earlyEdit()->text(), QStringLiteral("2s"));
    QCOMPARE(dialog.modeBox()->currentData().toString(), QStringLiteral("discarding"));
    QCOMPARE(dialog.dedupEdit()->text(), QStringLiteral("topic,partition,offset"));
    QVERIFY(dialog.dedupTtlEdit()->isEnabled());
    QVERIFY(dialog.okButton()->isEnabled());

    // The edited setup parses into exactly these operator options.
    window::WindowSetup parsed;
    std::string error;
    QVERIFY2(window::parseWindowSetup(dialog.setup(), parsed, &error), error.c_str());
    QCOMPARE(parsed.op.idleTimeoutNs, 30 * kNsPerSecond);
    QCOMPARE(parsed.op.earlyIntervalNs, 2 * kNsPerSecond);
    QVERIFY(parsed.op.mode == window::AccumulationMode::Discarding);
    QCOMPARE(parsed.op.dedupTtlNs, 5 * kNsPerMinute);
    QCOMPARE(parsed.dedupFields, (std::vector<std::string>{"topic", "partition", "offset"}));

    // Every edit re-validates: OK is disabled while a field is wrong, with the field named.
    QTest::keyClicks(dialog.earlyEdit(), QStringLiteral("x"));
    QVERIFY(!dialog.okButton()->isEnabled());
    QVERIFY2(dialog.errorText().startsWith(QStringLiteral("early: ")),
             qPrintable(dialog.errorText()));
    dialog.earlyEdit()->setText(QStringLiteral("500ms"));
    QVERIFY(dialog.okButton()->isEnabled());
    QVERIFY(dialog.errorText().isEmpty());
    dialog.dedupTtlEdit()->setText(QStringLiteral("0"));
    QVERIFY(!dialog.okButton()->isEnabled());
    QVERIFY2(dialog.errorText().startsWith(QStringLiteral("dedup-ttl: ")),
             qPrintable(dialog.errorText()));
    dialog.idleTimeoutEdit()->setText(QStringLiteral("-5s"));
    QVERIFY(!dialog.okButton()->isEnabled());
    // Without dedup fields the TTL does not matter (and is disabled).
    dialog.idleTimeoutEdit()->setText(QStringLiteral("1m"));
    dialog.dedupEdit()->clear();
    QVERIFY(!dialog.dedupTtlEdit()->isEnabled());
    QVERIFY(dialog.okButton()->isEnabled());
    dialog.modeBox()->setCurrentIndex(dialog.modeBox()->findData(QStringLiteral("accumulating")));
    const window::WindowSetupText out = dialog.setup();
    QCOMPARE(QString::fromStdString(out.mode), QStringLiteral("accumulating"));
    QCOMPARE(QString::fromStdString(out.idleTimeout), QStringLiteral("1m"));
    QVERIFY(out.dedup.empty());
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
}

void TestWindowResults::panelShowsEveryPipeline() {
    auto first = syntheticResults();
    auto second = std::make_shared<window::WindowResults>();
    second->name = "session:30s by user";
    second->aggregates = {"mean(latency)"};
    second->keyFields = {"user"};
    second->finals.push_back(pane(0, 10, "alice", 3, true));
    second->finals.push_back(pane(0, 10, "bob", 4, true));
    second->finals.push_back(pane(10, 20, "bob", 5, true, window::PaneTiming::Late));
    second->watermark = TimestampNs{(kBaseMs + 25000) * kNsPerMs};
    engine::Snapshot snap;
    snap.windows = {first, second};

    ui::WindowResultsPanel panel;
    QAbstractItemModelTester tester(panel.model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy configure(&panel, &ui::WindowResultsPanel::configureRequested);
    panel.applySnapshot(snap);
    QCOMPARE(panel.pipelineBox()->count(), 2);
    QVERIFY(panel.pipelineBox()->isEnabled());
    QCOMPARE(panel.pipelineBox()->itemText(1), QStringLiteral("2: session:30s by user"));
    QCOMPARE(panel.pipeline(), 0);
    QCOMPARE(panel.model()->rowCount(), 40); // the first pipeline: 32 finals + 8 live
    QCOMPARE(panel.chartView()->keys().size(), WindowChartView::kDefaultTopKeys);

    panel.pipelineBox()->setCurrentIndex(1);
    QCOMPARE(panel.pipeline(), 1);
    QCOMPARE(panel.model()->rowCount(), 3);
    QVERIFY2(panel.summaryText().startsWith(QStringLiteral("session:30s by user")),
             qPrintable(panel.summaryText()));
    QCOMPARE(panel.aggregateBox()->count(), 1);
    QCOMPARE(panel.aggregateBox()->itemText(0), QStringLiteral("mean(latency)"));
    QCOMPARE(panel.chartView()->keys(),
             (QStringList{QStringLiteral("bob"), QStringLiteral("alice")}));
    QCOMPARE(panel.chartView()->watermarkMs(), kBaseMs + 25000);

    // A newer snapshot keeps the choice; "Configure…" edits the pipeline shown, "Add…" adds.
    engine::Snapshot next;
    next.windows = {first, second};
    panel.applySnapshot(next);
    QCOMPARE(panel.pipeline(), 1);
    QCOMPARE(panel.model()->rowCount(), 3);
    const auto buttons = panel.findChildren<QPushButton *>();
    for (QPushButton *b : buttons) {
        if (b->text() == QStringLiteral("Configure…") || b->text() == QStringLiteral("Add…"))
            b->click();
    }
    QCOMPARE(configure.size(), 2);
    QList<int> asked{configure[0][0].toInt(), configure[1][0].toInt()};
    std::sort(asked.begin(), asked.end());
    QCOMPARE(asked, (QList<int>{-1, 1}));

    // Fewer pipelines than the one chosen: back to the first.
    engine::Snapshot one;
    one.windows = {first};
    panel.applySnapshot(one);
    QCOMPARE(panel.pipeline(), 0);
    QVERIFY(!panel.pipelineBox()->isEnabled());
    QCOMPARE(panel.model()->rowCount(), 40);
}

QTEST_MAIN(TestWindowResults)
#include "test_window_results.moc"
