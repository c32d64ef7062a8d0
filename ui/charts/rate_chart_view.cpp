// SPDX-License-Identifier: GPL-3.0-or-later
#include "charts/rate_chart_view.h"

#include <QDateTime>
#include <QGraphicsLayout>
#include <QPen>
#include <QtCharts/QChart>
#include <QtCharts/QDateTimeAxis>
#include <QtCharts/QLegend>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>

using namespace QtCharts;

namespace weir::ui {

namespace {

QColor classColor(size_t cls) {
    switch (cls) {
    case 0: // 1xx
        return QColor(0x80, 0x80, 0x80);
    case 1: // 2xx
        return QColor(0x2e, 0x9d, 0x4a);
    case 2: // 3xx
        return QColor(0x2f, 0x6f, 0xc0);
    case 3: // 4xx
        return QColor(0xe0, 0x8a, 0x00);
    case 4: // 5xx
        return QColor(0xc8, 0x1e, 0x1e);
    default:
        break;
    }
    const auto s = static_cast<Severity>(cls - 5);
    if (s >= Severity::Error)
        return QColor(0xa0, 0x10, 0x50);
    if (s == Severity::Warning)
        return QColor(0xb0, 0x70, 0x20);
    if (s == Severity::Unknown)
        return QColor(0x6a, 0x5a, 0xcd);
    return QColor(0x30, 0x90, 0xa0);
}

} // namespace

RateChartView::RateChartView(QWidget *parent)
    : QChartView(parent) {
    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setTitle(tr("Events per second"));
    chart->legend()->setAlignment(Qt::AlignRight);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->setBackgroundRoundness(0);

    m_timeAxis = new QDateTimeAxis;
    m_timeAxis->setFormat(QStringLiteral("hh:mm:ss"));
    m_timeAxis->setTickCount(7);
    m_timeAxis->setTitleText(tr("UTC"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(now - kMinSpanNs / kNsPerMs),
                         QDateTime::fromMSecsSinceEpoch(now));
    chart->addAxis(m_timeAxis, Qt::AlignBottom);

    m_rateAxis = new QValueAxis;
    m_rateAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_rateAxis->setRange(0, 10);
    m_rateAxis->setTickCount(5);
    m_rateAxis->setTitleText(tr("events/s"));
    chart->addAxis(m_rateAxis, Qt::AlignLeft);

    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(160);
}

QLineSeries *RateChartView::seriesFor(size_t cls) {
    if (m_series[cls])
        return m_series[cls];
    auto *s = new QLineSeries(this);
    const std::string_view name = engine::RateTimeline::className(cls);
    s->setName(QString::fromLatin1(name.data(), static_cast<int>(name.size())));
    QPen pen(classColor(cls));
    pen.setWidthF(1.8);
    s->setPen(pen);
    // Keep the legend in class order: take every series out and put them back in order.
    for (QLineSeries *other : m_series) {
        if (other)
            chart()->removeSeries(other);
    }
    m_series[cls] = s;
    for (QLineSeries *other : m_series) {
        if (!other)
            continue;
        chart()->addSeries(other);
        other->attachAxis(m_timeAxis);
        other->attachAxis(m_rateAxis);
    }
    return s;
}

void RateChartView::applyTimeline(const engine::RateTimeline &timeline, TimestampNs now) {
    const int64_t width = timeline.bucketNs();
    size_t n = timeline.size();
    while (n > 0 && timeline.bucketStart(n - 1).value > now.value - width)
        --n; // still filling
    if (n == 0)
        return;

    const int64_t lastEnd = timeline.bucketStart(n - 1).value + width;
    int64_t firstStart = timeline.bucketStart(0).value;
    if (now.value - lastEnd < kLiveLagNs) {
        // Live data: a strip chart of the recent past, growing from kMinSpanNs (a few stray
        // late events must not squeeze the live edge into a corner) to kLiveSpanNs.
        if (m_liveSince == 0)
            m_liveSince = now.value;
        const int64_t span = std::clamp(now.value - m_liveSince, kMinSpanNs, kLiveSpanNs);
        firstStart = std::max(firstStart, lastEnd - span);
    }
    firstStart = std::min(firstStart, lastEnd - kMinSpanNs);
    size_t begin = 0;
    while (begin < n && timeline.bucketStart(begin).value < firstStart)
        ++begin;

    // QDateTimeAxis labels in local time; shifting by the local UTC offset makes them read
    // UTC, like the table.
    const qint64 shiftMs = qint64{QDateTime::currentDateTime().offsetFromUtc()} * 1000;
    const double perSecond = static_cast<double>(kNsPerSecond) / static_cast<double>(width);
    const auto &seen = timeline.classesSeen();
    double top = 0;
    QVector<QPointF> points;
    points.reserve(static_cast<int>(n - begin));
    for (size_t cls = 0; cls < engine::RateTimeline::kClasses; ++cls) {
        if (!seen[cls])
            continue;
        points.clear();
        for (size_t i = begin; i < n; ++i) {
            // Each bucket is plotted at its middle.
            const int64_t mid = timeline.bucketStart(i).value + width / 2;
            const double x = static_cast<double>(mid / kNsPerMs + shiftMs);
            const double y = timeline.bucket(i)[cls] * perSecond;
            top = std::max(top, y);
            points.append(QPointF(x, y));
        }
        seriesFor(cls)->replace(points);
    }
    m_timeAxis->setFormat(lastEnd - firstStart > kNsPerDay ? QStringLiteral("MM-dd hh:mm")
                                                           : QStringLiteral("hh:mm:ss"));
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(firstStart / kNsPerMs + shiftMs),
                         QDateTime::fromMSecsSinceEpoch(lastEnd / kNsPerMs + shiftMs));
    m_rateAxis->setRange(0, std::max(10.0, top * 1.1));
    m_rateAxis->applyNiceNumbers();
}

int RateChartView::seriesCount() const {
    return static_cast<int>(std::count_if(m_series.begin(), m_series.end(),
                                          [](const QLineSeries *s) { return s != nullptr; }));
}

int RateChartView::pointCount() const {
    int total = 0;
    for (const QLineSeries *s : m_series) {
        if (s)
            total += s->count();
    }
    return total;
}

double RateChartView::yMax() const {
    return m_rateAxis->max();
}

qint64 RateChartView::xMinMs() const {
    return m_timeAxis->min().toMSecsSinceEpoch();
}

qint64 RateChartView::xMaxMs() const {
    return m_timeAxis->max().toMSecsSinceEpoch();
}

} // namespace weir::ui
