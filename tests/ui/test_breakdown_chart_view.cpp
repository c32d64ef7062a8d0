// SPDX-License-Identifier: GPL-3.0-or-later
// Status breakdown and top-N bars; counts come from core on a background thread; labels from
// log data are escaped for QtCharts' rich-text labels.
#include "charts/breakdown_chart_view.h"
#include "store_feeder.h"

#include <QSignalSpy>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtTest>

using weir::test::StoreFeeder;
using weir::ui::BreakdownChartView;

class TestBreakdownChartView : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void statusBreakdownLargestFirst();
    void topValuesOfTheVisibleRowsInTheBackground();
    void labelsFromLogDataAreEscaped();
    void classLabelsFitAtTheDefaultSize();
};

void TestBreakdownChartView::statusBreakdownLargestFirst() {
    BreakdownChartView view;
    std::array<uint64_t, weir::engine::RateTimeline::kClasses> totals{};
    totals[1] = 500; // 2xx
    totals[3] = 40;  // 4xx
    totals[4] = 90;  // 5xx
    view.setClassTotals(totals);
    const auto bars = view.bars();
    QCOMPARE(bars.size(), 3);
    QCOMPARE(bars[0], qMakePair(QStringLiteral("2xx"), 500.0));
    QCOMPARE(bars[1], qMakePair(QStringLiteral("5xx"), 90.0));
    QCOMPARE(bars[2], qMakePair(QStringLiteral("4xx"), 40.0));
}

void TestBreakdownChartView::topValuesOfTheVisibleRowsInTheBackground() {
    StoreFeeder feed({});
    feed.append(1000);
    const auto snap = feed.snapshot();
    BreakdownChartView view;
    view.resize(400, 300);
    view.show();
    QSignalSpy changed(&view, &BreakdownChartView::barsChanged);
    view.setMode(QStringLiteral("status"));
    view.setRows(snap, std::make_shared<const weir::query::VisibleRows>(
                           weir::query::VisibleRows::all(0, 1000)));
    QTRY_VERIFY_WITH_TIMEOUT(!view.bars().isEmpty() && view.bars()[0].first == QLatin1String("200"),
                             60000);
    QCOMPARE(view.bars()[0].second, 800.0);
    QCOMPARE(view.bars()[1], qMakePair(QStringLiteral("404"), 200.0));
    // Only the rows of the filter count: rows 0..99.
    view.setMode(QStringLiteral("source"));
    view.setRows(snap, std::make_shared<const weir::query::VisibleRows>(
                           weir::query::VisibleRows::all(0, 100)));
    QTRY_VERIFY_WITH_TIMEOUT(!view.isCounting() && !view.bars().isEmpty() &&
                                 view.bars()[0].first.startsWith(QLatin1String("feed-")),
                             60000);
    QCOMPARE(view.bars()[0].second + view.bars()[1].second, 100.0);
}

void TestBreakdownChartView::labelsFromLogDataAreEscaped() {
    weir::store::EventStore store({});
    weir::store::EventRecord rec{};
    for (int i = 0; i < 3; ++i)
        store.append(rec, "x", rec.time);
    auto snap = std::make_shared<weir::engine::Snapshot>();
    snap->version = 1;
    snap->events = store.snapshot();
    snap->channels.push_back({});
    snap->channels.back().name = "<b>bold</b>";
    BreakdownChartView view;
    view.setMode(QStringLiteral("source"));
    view.setRows(snap, std::make_shared<const weir::query::VisibleRows>(
                           weir::query::VisibleRows::all(0, 3)));
    QTRY_VERIFY_WITH_TIMEOUT(!view.bars().isEmpty(), 60000);
    QCOMPARE(view.bars()[0].first, QStringLiteral("<b>bold</b>"));
    auto *axis = qobject_cast<QtCharts::QBarCategoryAxis *>(
        view.chartView()->chart()->axes(Qt::Vertical).value(0));
    QVERIFY(axis);
    QCOMPARE(axis->categories(), QStringList{QStringLiteral("&lt;b&gt;bold&lt;/b&gt;")});
}

void TestBreakdownChartView::classLabelsFitAtTheDefaultSize() {
    // As in the main window's dock: five classes, no label elided.
    BreakdownChartView view;
    view.resize(view.minimumSizeHint().expandedTo(QSize(300, 150)));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    std::array<uint64_t, weir::engine::RateTimeline::kClasses> totals{};
    for (size_t i = 1; i < 6; ++i)
        totals[i] = 100 * i;
    view.setClassTotals(totals);
    QStringList names;
    for (const auto &b : view.bars())
        names << b.first;
    QCOMPARE(names.size(), 5);
    const auto laidOut = [&view] {
        const QRectF plot = view.chartView()->chart()->plotArea();
        const QList<QRectF> rects = view.shownLabelRects();
        for (int i = 0; i < rects.size(); ++i) {
            if (rects[i].left() < 0 || rects[i].right() > plot.left() || rects[i].top() < 0 ||
                rects[i].bottom() > view.chartView()->height())
                return false;
            if (i > 0 && rects[i].top() < rects[i - 1].bottom())
                return false;
        }
        return !rects.isEmpty();
    };
    QTRY_VERIFY_WITH_TIMEOUT(laidOut(), 10000);
    QCOMPARE(view.shownLabels(), names); // all five, whole, largest first
    view.grab().save(QDir::temp().filePath(QStringLiteral("weir-breakdown.png")));
    // At the minimum size: labels shrink or give way (the bar's tooltip has them), never overlap or
    // leave the view, and stay whole names.
    view.resize(300, 80);
    QTRY_VERIFY_WITH_TIMEOUT(laidOut(), 10000); // at the minimum size
    for (const QString &shown : view.shownLabels())
        QVERIFY(names.contains(shown));
}

QTEST_MAIN(TestBreakdownChartView)
#include "test_breakdown_chart_view.moc"
