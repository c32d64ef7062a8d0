// SPDX-License-Identifier: GPL-3.0-or-later
// The rate chart: one series per class, whole-series replace(), axes that follow the data.
#include "charts/rate_chart_view.h"

#include <QDateTime>
#include <QSignalSpy>
#include <QtCharts/QChart>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtTest>
#include <random>

using weir::TimestampNs;
using weir::engine::RateTimeline;
using weir::ui::RateChartView;

namespace {

constexpr int64_t kBase = 1637576100LL * weir::kNsPerSecond; // a whole minute
constexpr size_t k2xx = 1, k5xx = 4;

// 120 one-second buckets: 10 2xx events per second, and 3 5xx events in second 50.
RateTimeline sampleTimeline() {
    RateTimeline t;
    for (int s = 0; s < 120; ++s) {
        for (int k = 0; k < 10; ++k)
            t.add(TimestampNs{kBase + s * weir::kNsPerSecond + k * 1000}, k2xx);
    }
    for (int k = 0; k < 3; ++k)
        t.add(TimestampNs{kBase + 50 * weir::kNsPerSecond}, k5xx);
    return t;
}

qint64 shiftMs() {
    return qint64{QDateTime::currentDateTime().offsetFromUtc()} * 1000;
}

} // namespace

class TestRateChartView : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void showsOneSeriesPerClassSeen();
    void replacesWholeSeriesNeverAppends();
    void liveDataLeavesTheFillingBucketOutAndFollowsTheEdge();
    void emptyTimelineChangesNothing();
    void dragSelectsATimeRangeAndClickClearsIt();
    void markerLineAtTheSelectedRowsTime();
    void zoomAndPanPauseFollowing();
    void decimatesToThePlotWidth();
    void stackedSeriesAddUp();
    void openGlSeriesDoNotBreakOffscreen();
    void clearSeriesStartsOver();
};

namespace {

QImage shot(RateChartView &chart) {
    return chart.grab().toImage();
}

bool near(const QColor &a, const QColor &b, int tolerance) {
    return std::abs(a.red() - b.red()) <= tolerance &&
           std::abs(a.green() - b.green()) <= tolerance &&
           std::abs(a.blue() - b.blue()) <= tolerance;
}

} // namespace

void TestRateChartView::showsOneSeriesPerClassSeen() {
    RateChartView chart;
    chart.applyTimeline(sampleTimeline(), weir::kMaxTimestamp);
    QCOMPARE(chart.seriesCount(), 2);
    const QtCharts::QLineSeries *ok = chart.series(k2xx);
    const QtCharts::QLineSeries *err = chart.series(k5xx);
    QVERIFY(ok && err);
    QCOMPARE(ok->name(), QStringLiteral("2xx"));
    QCOMPARE(ok->count(), 120);
    QCOMPARE(err->count(), 120);
    QCOMPARE(ok->at(7).y(), 10.0);
    QCOMPARE(err->at(50).y(), 3.0);
    QCOMPARE(err->at(51).y(), 0.0);
    // Buckets are plotted at their middle; the axis spans the whole (historic) timeline.
    QCOMPARE(qint64(ok->at(0).x()), kBase / weir::kNsPerMs + 500 + shiftMs());
    QCOMPARE(chart.xMinMs(), kBase / weir::kNsPerMs + shiftMs());
    QCOMPARE(chart.xMaxMs(), kBase / weir::kNsPerMs + 120000 + shiftMs());
    QVERIFY(chart.yMax() >= 10.0);
}

void TestRateChartView::replacesWholeSeriesNeverAppends() {
    RateChartView chart;
    chart.applyTimeline(sampleTimeline(), weir::kMaxTimestamp);
    const QtCharts::QLineSeries *ok = chart.series(k2xx);
    QSignalSpy replaced(ok, &QtCharts::QXYSeries::pointsReplaced);
    QSignalSpy added(ok, &QtCharts::QXYSeries::pointAdded);
    RateTimeline t = sampleTimeline();
    for (int k = 0; k < 30; ++k)
        t.add(TimestampNs{kBase + 120 * weir::kNsPerSecond + k}, k2xx);
    chart.applyTimeline(t, weir::kMaxTimestamp);
    QCOMPARE(replaced.count(), 1);
    QCOMPARE(added.count(), 0);
    QCOMPARE(ok->count(), 121);
    QCOMPARE(ok->at(120).y(), 30.0);
    QVERIFY(chart.yMax() >= 30.0);
}

void TestRateChartView::liveDataLeavesTheFillingBucketOutAndFollowsTheEdge() {
    RateChartView chart;
    const RateTimeline t = sampleTimeline();
    // "Now" is inside the last bucket: it is still filling and left out.
    const TimestampNs now{kBase + 119 * weir::kNsPerSecond + 300 * weir::kNsPerMs};
    chart.applyTimeline(t, now);
    const QtCharts::QLineSeries *ok = chart.series(k2xx);
    // Live: the axis shows the last minute (the chart has only just started), ending at the
    // last complete bucket.
    const qint64 end = kBase / weir::kNsPerMs + 119000 + shiftMs();
    QCOMPARE(chart.xMaxMs(), end);
    QCOMPARE(chart.xMinMs(), end - 60000);
    QCOMPARE(ok->count(), 60);
    QCOMPARE(qint64(ok->at(ok->count() - 1).x()), end - 500);
}

void TestRateChartView::emptyTimelineChangesNothing() {
    RateChartView chart;
    chart.applyTimeline(RateTimeline{}, weir::kMaxTimestamp);
    QCOMPARE(chart.seriesCount(), 0);
    QCOMPARE(chart.pointCount(), 0);
}

void TestRateChartView::dragSelectsATimeRangeAndClickClearsIt() {
    RateChartView chart;
    chart.resize(900, 320);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.applyTimeline(sampleTimeline(), weir::kMaxTimestamp);
    QCoreApplication::processEvents();
    const int x1 = int(chart.timeToX(TimestampNs{kBase + 30 * weir::kNsPerSecond}));
    const int x2 = int(chart.timeToX(TimestampNs{kBase + 60 * weir::kNsPerSecond}));
    QVERIFY2(x2 - x1 > 100, qPrintable(QStringLiteral("%1..%2").arg(x1).arg(x2)));
    const int y = chart.height() / 2;
    QSignalSpy selected(&chart, &RateChartView::timeRangeSelected);
    QSignalSpy cleared(&chart, &RateChartView::timeRangeCleared);
    QTest::mousePress(chart.viewport(), Qt::LeftButton, Qt::NoModifier, QPoint(x1, y));
    QTest::mouseMove(chart.viewport(), QPoint((x1 + x2) / 2, y));
    QTest::mouseRelease(chart.viewport(), Qt::LeftButton, Qt::NoModifier, QPoint(x2, y));
    QCOMPARE(selected.count(), 1);
    const TimestampNs from{selected.at(0).at(0).toLongLong()};
    const TimestampNs to{selected.at(0).at(1).toLongLong()};
    const int64_t slack = weir::kNsPerSecond; // a pixel is ~150 ms here
    QVERIFY(std::abs(from.value - (kBase + 30 * weir::kNsPerSecond)) < slack);
    QVERIFY(std::abs(to.value - (kBase + 60 * weir::kNsPerSecond)) < slack);
    QVERIFY(chart.hasSelectedRange());

    // The range is shaded (blue-ish) on screen; outside it is not.
    const QImage img = shot(chart);
    const QRectF plot = chart.chart()->plotArea();
    const int yTop = int(plot.top()) + 4;
    const QColor inside(img.pixel((x1 + x2) / 2 + 3, yTop));
    const QColor outside(img.pixel(x2 + 40, yTop));
    QVERIFY2(inside.blue() > inside.red() + 15, qPrintable(inside.name()));
    QVERIFY2(std::abs(outside.blue() - outside.red()) < 15, qPrintable(outside.name()));
    img.save(QDir::temp().filePath(QStringLiteral("weir-chart-brush.png")));

    // A click without dragging clears the range.
    QTest::mouseClick(chart.viewport(), Qt::LeftButton, Qt::NoModifier, QPoint(x1 + 10, y));
    QCOMPARE(cleared.count(), 1);
    QVERIFY(!chart.hasSelectedRange());
}

void TestRateChartView::markerLineAtTheSelectedRowsTime() {
    RateChartView chart;
    chart.resize(900, 320);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.applyTimeline(sampleTimeline(), weir::kMaxTimestamp);
    QCoreApplication::processEvents();
    const TimestampNs t{kBase + 45 * weir::kNsPerSecond};
    chart.setMarkerTime(t);
    const QImage img = shot(chart);
    const int x = qRound(chart.timeToX(t));
    const int y = int(chart.chart()->plotArea().top()) + 10;
    bool found = false;
    for (int dx = -2; dx <= 2 && !found; ++dx)
        found = near(QColor(img.pixel(x + dx, y)), QColor(0xd0, 0x00, 0xd0), 40);
    QVERIFY2(found, qPrintable(QColor(img.pixel(x, y)).name()));
    QVERIFY(!near(QColor(img.pixel(x + 60, y)), QColor(0xd0, 0x00, 0xd0), 40));
    chart.setMarkerTime(weir::kMinTimestamp);
    QVERIFY(!near(QColor(shot(chart).pixel(x, y)), QColor(0xd0, 0x00, 0xd0), 40));
}

void TestRateChartView::zoomAndPanPauseFollowing() {
    RateChartView chart;
    chart.resize(900, 320);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    RateTimeline t = sampleTimeline();
    chart.applyTimeline(t, weir::kMaxTimestamp);
    QSignalSpy paused(&chart, &RateChartView::pausedChanged);
    const qint64 lo = chart.xMinMs();
    const qint64 hi = chart.xMaxMs();
    chart.zoomTime(0.5, double(lo + hi) / 2);
    QVERIFY(chart.isPaused());
    QCOMPARE(paused.count(), 1);
    QCOMPARE(chart.xMaxMs() - chart.xMinMs(), (hi - lo) / 2);
    chart.panTime(10000);
    const qint64 zoomLo = chart.xMinMs();
    QCOMPARE(zoomLo, lo + (hi - lo) / 4 + 10000);
    // New data while paused: the axis stays put.
    for (int s = 120; s < 180; ++s)
        t.add(TimestampNs{kBase + s * weir::kNsPerSecond}, k2xx);
    chart.applyTimeline(t, weir::kMaxTimestamp);
    QCOMPARE(chart.xMinMs(), zoomLo);
    // The wheel zooms too.
    QWheelEvent wheel(QPointF(450, 150), chart.viewport()->mapToGlobal(QPoint(450, 150)), QPoint(),
                      QPoint(0, 120), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(chart.viewport(), &wheel);
    QVERIFY(chart.xMaxMs() - chart.xMinMs() < (hi - lo) / 2);
    chart.resumeFollowing();
    QVERIFY(!chart.isPaused());
    QCOMPARE(chart.xMaxMs(), kBase / weir::kNsPerMs + 180000 + shiftMs());
}

void TestRateChartView::decimatesToThePlotWidth() {
    RateChartView chart;
    chart.resize(260, 240);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    RateTimeline t;
    std::mt19937 rng(5);
    for (int s = 0; s < 590; ++s) {
        const int n = s == 333 ? 500 : int(rng() % 20);
        for (int k = 0; k < n; ++k)
            t.add(TimestampNs{kBase + s * weir::kNsPerSecond}, k2xx);
    }
    chart.applyTimeline(t, weir::kMaxTimestamp); // lays the plot out
    QCoreApplication::processEvents();
    chart.applyTimeline(t, weir::kMaxTimestamp);
    const int columns = std::max(100, int(chart.chart()->plotArea().width()));
    QVERIFY2(columns < 290, qPrintable(QString::number(columns)));
    const QtCharts::QLineSeries *s = chart.series(k2xx);
    QVERIFY2(s->count() <= 2 * columns + 2, qPrintable(QString::number(s->count())));
    QVERIFY(s->count() < 590);
    QCOMPARE(chart.maxSeriesPoints(), s->count());
    double top = 0;
    for (int i = 0; i < s->count(); ++i)
        top = std::max(top, s->at(i).y());
    QCOMPARE(top, 500.0); // the spike survives
}

void TestRateChartView::stackedSeriesAddUp() {
    RateChartView chart;
    chart.resize(900, 320);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.applyTimeline(sampleTimeline(), weir::kMaxTimestamp);
    chart.setStacked(true);
    QCOMPARE(chart.series(k2xx)->at(50).y(), 10.0);
    QCOMPARE(chart.series(k5xx)->at(50).y(), 13.0); // on top of the 2xx
    QCOMPARE(chart.series(k5xx)->at(51).y(), 10.0);
    QCOMPARE(chart.chart()->series().size(), 2); // one area per class
    QCoreApplication::processEvents(); // the legend lays its markers out on a posted event
    const auto markers = chart.chart()->legend()->markers();
    QCOMPARE(markers.size(), 2);
    for (const QtCharts::QLegendMarker *m : markers)
        QVERIFY2(m->isVisible(), qPrintable(m->label()));
    shot(chart).save(QDir::temp().filePath(QStringLiteral("weir-chart-stacked.png")));
    chart.setStacked(false);
    QCOMPARE(chart.series(k5xx)->at(50).y(), 3.0);
}

void TestRateChartView::openGlSeriesDoNotBreakOffscreen() {
    // Offscreen has no GL: the menu action stays disabled. Forcing the series onto OpenGL
    // anyway must still leave a chart that updates, grabs and goes back to raster.
    if (QGuiApplication::platformName() == QLatin1String("offscreen"))
        QVERIFY(!RateChartView::openGlAvailable());
    RateChartView chart;
    chart.resize(1400, 320);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    RateTimeline t;
    for (int s = 0; s < 590; ++s) {
        for (int k = 0; k < 1 + s % 7; ++k)
            t.add(TimestampNs{kBase + s * weir::kNsPerSecond}, k2xx);
    }
    chart.applyTimeline(t, weir::kMaxTimestamp);
    QCoreApplication::processEvents();
    chart.setOpenGlAllowed(true);
    chart.applyTimeline(t, weir::kMaxTimestamp);
    const QtCharts::QLineSeries *s = chart.series(k2xx);
    QVERIFY(s);
    QVERIFY2(size_t(s->count()) >= RateChartView::kOpenGlMinPoints,
             qPrintable(QString::number(s->count())));
    QVERIFY(s->useOpenGL());
    QCOMPARE(s->at(5).y(), 6.0);
    QCoreApplication::processEvents();
    QVERIFY(!shot(chart).isNull());
    chart.setStacked(true); // areas have no GL path
    QVERIFY(!s->useOpenGL());
    chart.setStacked(false);
    chart.setOpenGlAllowed(false);
    QVERIFY(!s->useOpenGL());
    QCOMPARE(s->at(5).y(), 6.0);
    QVERIFY(!shot(chart).isNull());
}

void TestRateChartView::clearSeriesStartsOver() {
    RateChartView chart;
    chart.applyTimeline(sampleTimeline(), weir::kMaxTimestamp);
    chart.setStacked(true);
    QCOMPARE(chart.seriesCount(), 2);
    chart.clearSeries();
    QCOMPARE(chart.seriesCount(), 0);
    QCOMPARE(chart.chart()->series().size(), 0);
    RateTimeline other;
    for (int s = 0; s < 60; ++s)
        other.add(TimestampNs{kBase + s * weir::kNsPerSecond},
                  RateTimeline::classOf(0, weir::Severity::Warning));
    chart.applyTimeline(other, weir::kMaxTimestamp);
    QCOMPARE(chart.seriesCount(), 1);
    QCOMPARE(chart.chart()->series().size(), 1);
    const auto *warn = chart.series(RateTimeline::classOf(0, weir::Severity::Warning));
    QVERIFY(warn);
    QCOMPARE(
        warn->name(),
        QString::fromLatin1(
            RateTimeline::className(RateTimeline::classOf(0, weir::Severity::Warning)).data()));
}

QTEST_MAIN(TestRateChartView)
#include "test_rate_chart_view.moc"
