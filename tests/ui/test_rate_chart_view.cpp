// SPDX-License-Identifier: GPL-3.0-or-later
// The rate chart: one series per class, whole-series replace(), axes that follow the data.
#include "charts/rate_chart_view.h"

#include <QDateTime>
#include <QtCharts/QLineSeries>
#include <QtTest>

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
};

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

QTEST_MAIN(TestRateChartView)
#include "test_rate_chart_view.moc"
