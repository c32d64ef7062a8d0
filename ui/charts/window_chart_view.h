// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/window/window_results.h"

#include <QColor>
#include <QStringList>
#include <QtCharts/QChartView>
#include <memory>
#include <vector>

QT_CHARTS_BEGIN_NAMESPACE
class QAreaSeries;
class QDateTimeAxis;
class QLineSeries;
class QScatterSeries;
class QValueAxis;
QT_CHARTS_END_NAMESPACE

namespace weir::ui {

// One aggregate of the window results over event time: one line per key (the top-N keys by
// the aggregate's total), a point per window at its end, the latest pane of each window and
// key, as computed in core by series::windowSeries (ranked and decimated there; this view only
// draws). LATE and EARLY panes get their own markers; the watermark is a vertical line; a marked
// window (the evidence of an alert) is a shaded band. Series names are untrusted text and are
// escaped (QtCharts renders legend labels as HTML). GUI thread only.
class WindowChartView final : public QtCharts::QChartView {
    Q_OBJECT

public:
    static constexpr int kDefaultTopKeys = 5;
    // Points per key line at most 2x this (min/max decimation in core).
    static constexpr size_t kMaxColumns = 2000;
    static QColor watermarkColor() { return QColor(0xd0, 0x00, 0x90); }
    static QColor markColor() { return QColor(0xff, 0xc8, 0x00, 90); }

    explicit WindowChartView(QWidget *parent = nullptr);

    // Redraws from these results (a no-op when they are already shown).
    void setResults(std::shared_ptr<const window::WindowResults> results);
    // Which aggregate (index into WindowResults::aggregates) is drawn; default 0.
    void setAggregate(int index);
    int aggregate() const { return m_aggregate; }
    void setTopKeys(int n);
    // Shades [start, end) until cleared or replaced.
    void setMarkedWindow(TimestampNs start, TimestampNs end);
    void clearMarkedWindow();

    // For tests and the panel.
    QStringList keys() const { return m_keys; } // drawn keys, largest total first (raw text)
    int pointCount() const;
    bool watermarkVisible() const;
    qint64 watermarkMs() const { return m_watermarkMs; }
    bool markVisible() const;
    QtCharts::QLineSeries *keySeries(int i) const;
    // Scene position of an (event time ms, value) point, for pixel checks.
    QPointF positionOf(qint64 timeMs, double value) const;

private:
    void rebuild();

    std::shared_ptr<const window::WindowResults> m_results;
    int m_aggregate = 0;
    int m_topKeys = kDefaultTopKeys;
    QStringList m_keys;
    std::vector<QtCharts::QLineSeries *> m_series; // pooled, one per drawn key
    QtCharts::QScatterSeries *m_late = nullptr;
    QtCharts::QScatterSeries *m_early = nullptr;
    QtCharts::QLineSeries *m_watermark = nullptr;
    QtCharts::QLineSeries *m_markLow = nullptr;
    QtCharts::QLineSeries *m_markHigh = nullptr;
    QtCharts::QAreaSeries *m_mark = nullptr;
    QtCharts::QDateTimeAxis *m_timeAxis = nullptr;
    QtCharts::QValueAxis *m_valueAxis = nullptr;
    qint64 m_watermarkMs = -1;
    qint64 m_markStartMs = 0;
    qint64 m_markEndMs = 0;
    bool m_marked = false;
};

} // namespace weir::ui
