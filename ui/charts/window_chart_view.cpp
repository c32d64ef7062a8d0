// SPDX-License-Identifier: GPL-3.0-or-later
#include "charts/window_chart_view.h"

#include "weir/series/window_series.h"

#include <QDateTime>
#include <QtCharts/QAreaSeries>
#include <QtCharts/QChart>
#include <QtCharts/QDateTimeAxis>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <limits>

using namespace QtCharts;

namespace weir::ui {

namespace {

constexpr qint64 toMs(TimestampNs t) {
    return t.value / kNsPerMs;
}

bool finiteTime(TimestampNs t) {
    return t != kMinTimestamp && t != kMaxTimestamp;
}

void hideFromLegend(QChart *chart, QAbstractSeries *series) {
    for (QLegendMarker *m : chart->legend()->markers(series))
        m->setVisible(false);
}

} // namespace

WindowChartView::WindowChartView(QWidget *parent)
    : QChartView(parent) {
    auto *chart = new QChart();
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setAnimationOptions(QChart::NoAnimation);
    setChart(chart);
    setRenderHint(QPainter::Antialiasing, false);

    m_timeAxis = new QDateTimeAxis(chart);
    m_timeAxis->setFormat(QStringLiteral("HH:mm:ss"));
    m_valueAxis = new QValueAxis(chart);
    chart->addAxis(m_timeAxis, Qt::AlignBottom);
    chart->addAxis(m_valueAxis, Qt::AlignLeft);

    const auto attach = [&](QAbstractSeries *s) {
        chart->addSeries(s);
        s->attachAxis(m_timeAxis);
        s->attachAxis(m_valueAxis);
    };
    m_markLow = new QLineSeries(chart);
    m_markHigh = new QLineSeries(chart);
    m_mark = new QAreaSeries(m_markHigh, m_markLow);
    m_mark->setName(tr("evidence"));
    m_mark->setBrush(markColor());
    m_mark->setPen(QPen(markColor().darker(150), 1));
    attach(m_mark);
    m_mark->setVisible(false);

    m_late = new QScatterSeries(chart);
    m_late->setName(tr("late pane"));
    m_late->setMarkerSize(9);
    m_late->setColor(QColor(0xe0, 0x70, 0x00));
    m_late->setBorderColor(QColor(0xe0, 0x70, 0x00));
    attach(m_late);
    m_early = new QScatterSeries(chart);
    m_early->setName(tr("early pane"));
    m_early->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    m_early->setMarkerSize(7);
    m_early->setColor(QColor(0xff, 0xff, 0xff));
    m_early->setBorderColor(QColor(0x70, 0x70, 0x70));
    attach(m_early);

    m_watermark = new QLineSeries(chart);
    m_watermark->setName(tr("watermark"));
    m_watermark->setPen(QPen(watermarkColor(), 3));
    attach(m_watermark);
    hideFromLegend(chart, m_markLow);
    hideFromLegend(chart, m_markHigh);
    rebuild();
}

void WindowChartView::setResults(std::shared_ptr<const window::WindowResults> results) {
    if (results == m_results)
        return;
    m_results = std::move(results);
    rebuild();
}

void WindowChartView::setAggregate(int index) {
    if (index == m_aggregate || index < 0)
        return;
    m_aggregate = index;
    rebuild();
}

void WindowChartView::setTopKeys(int n) {
    m_topKeys = std::max(1, n);
    rebuild();
}

void WindowChartView::setMarkedWindow(TimestampNs start, TimestampNs end) {
    m_marked = finiteTime(start) || finiteTime(end);
    m_markStartMs = finiteTime(start) ? toMs(start) : toMs(end);
    m_markEndMs = finiteTime(end) ? toMs(end) : m_markStartMs;
    rebuild();
}

void WindowChartView::clearMarkedWindow() {
    m_marked = false;
    rebuild();
}

int WindowChartView::pointCount() const {
    int n = 0;
    for (const QLineSeries *s : m_series)
        n += s->isVisible() ? s->count() : 0;
    return n;
}

bool WindowChartView::watermarkVisible() const {
    return m_watermark->isVisible();
}
bool WindowChartView::markVisible() const {
    return m_mark->isVisible();
}

QLineSeries *WindowChartView::keySeries(int i) const {
    return i >= 0 && static_cast<size_t>(i) < m_series.size() ? m_series[static_cast<size_t>(i)]
                                                              : nullptr;
}

QPointF WindowChartView::positionOf(qint64 timeMs, double value) const {
    return chart()->mapToPosition(QPointF(static_cast<double>(timeMs), value), m_watermark);
}

void WindowChartView::rebuild() {
    QChart *chart = this->chart();
    // Ranking, latest pane per window and decimation happen in core (series::windowSeries).
    series::WindowSeries drawn;
    if (m_results && m_aggregate >= 0)
        drawn = series::windowSeries(*m_results, static_cast<size_t>(m_aggregate),
                                    static_cast<size_t>(m_topKeys), kMaxColumns);
    while (m_series.size() < drawn.keys.size()) {
        auto *s = new QLineSeries(chart);
        s->setPointsVisible(true);
        chart->addSeries(s);
        s->attachAxis(m_timeAxis);
        s->attachAxis(m_valueAxis);
        m_series.push_back(s);
    }
    m_keys.clear();
    const auto toQt = [](const std::vector<series::Point> &points) {
        QVector<QPointF> out;
        out.reserve(static_cast<int>(points.size()));
        for (const series::Point &p : points)
            out.push_back(QPointF(p.x, p.y));
        return out;
    };
    for (size_t i = 0; i < m_series.size(); ++i) {
        QLineSeries *s = m_series[i];
        if (i >= drawn.keys.size()) {
            s->clear();
            s->setVisible(false);
            hideFromLegend(chart, s);
            continue;
        }
        const QString key = QString::fromStdString(drawn.keys[i].key);
        m_keys << key;
        s->setName(key.isEmpty() ? tr("(all)") : key.toHtmlEscaped());
        s->replace(toQt(drawn.keys[i].points));
        s->setVisible(true);
        for (QLegendMarker *m : chart->legend()->markers(s))
            m->setVisible(true);
    }
    const QVector<QPointF> late = toQt(drawn.late);
    const QVector<QPointF> early = toQt(drawn.early);
    const double lo = std::min(0.0, drawn.yMin);
    const double hi = std::max(1.0, drawn.yMax);
    qint64 tMin = std::numeric_limits<qint64>::max();
    qint64 tMax = std::numeric_limits<qint64>::min();
    if (drawn.xMin <= drawn.xMax) {
        tMin = static_cast<qint64>(drawn.xMin);
        tMax = static_cast<qint64>(drawn.xMax);
    }
    m_late->replace(late);
    m_early->replace(early);

    m_watermarkMs = -1;
    if (m_results && finiteTime(m_results->watermark))
        m_watermarkMs = toMs(m_results->watermark);
    if (m_watermarkMs >= 0) {
        tMin = std::min(tMin, m_watermarkMs);
        tMax = std::max(tMax, m_watermarkMs);
    }
    if (m_marked) {
        tMin = std::min(tMin, m_markStartMs);
        tMax = std::max(tMax, m_markEndMs);
    }
    if (tMin > tMax) { // nothing to show yet
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        tMin = now - 60000;
        tMax = now;
    }
    const qint64 pad = std::max<qint64>(1000, (tMax - tMin) / 20);
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(tMin - pad, Qt::UTC),
                         QDateTime::fromMSecsSinceEpoch(tMax + pad, Qt::UTC));
    const double margin = (hi - lo) * 0.08;
    m_valueAxis->setRange(lo < 0 ? lo - margin : 0, hi + margin);

    const double yLo = m_valueAxis->min();
    const double yHi = m_valueAxis->max();
    if (m_watermarkMs >= 0) {
        const double x = static_cast<double>(m_watermarkMs);
        m_watermark->replace(QVector<QPointF>{QPointF(x, yLo), QPointF(x, yHi)});
        m_watermark->setVisible(true);
    } else {
        m_watermark->clear();
        m_watermark->setVisible(false);
    }
    if (m_marked) {
        const double x0 = static_cast<double>(m_markStartMs);
        const double x1 = static_cast<double>(m_markEndMs);
        m_markLow->replace(QVector<QPointF>{QPointF(x0, yLo), QPointF(x1, yLo)});
        m_markHigh->replace(QVector<QPointF>{QPointF(x0, yHi), QPointF(x1, yHi)});
        m_mark->setVisible(true);
    } else {
        m_mark->setVisible(false);
    }
    hideFromLegend(chart, m_markLow);
    hideFromLegend(chart, m_markHigh);
    for (QLegendMarker *m : chart->legend()->markers(m_watermark))
        m->setVisible(m_watermarkMs >= 0);
    for (QLegendMarker *m : chart->legend()->markers(m_mark))
        m->setVisible(m_marked);
    for (QLegendMarker *m : chart->legend()->markers(m_late))
        m->setVisible(!late.isEmpty());
    for (QLegendMarker *m : chart->legend()->markers(m_early))
        m->setVisible(!early.isEmpty());
}

} // namespace weir::ui
