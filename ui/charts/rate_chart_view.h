// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/common/types.h"
#include "weir/engine/rate_timeline.h"

#include <QtCharts/QChartView>
#include <array>
#include <memory>

class QGraphicsLineItem;
class QGraphicsRectItem;

QT_CHARTS_BEGIN_NAMESPACE
class QAreaSeries;
class QDateTimeAxis;
class QLineSeries;
class QValueAxis;
QT_CHARTS_END_NAMESPACE

namespace weir::ui {

// Events per second by class (HTTP status class, else severity) from the engine's
// RateTimeline. One line series per class that has ever had an event, created on first
// sight; every update replaces each series' points in one call, decimated in core (min/max
// per pixel column, weir::series) when a series has more points than the plot has columns.
// Stacked mode draws each class as an area on top of the classes before it.
//
// Time axis: follows the data unless paused; the wheel zooms around the pointer and
// Shift+drag (or the middle button) pans, both of which pause following; resumeFollowing()
// goes back. Linked brushing: a left-button drag selects a time range (shown shaded) and
// emits timeRangeSelected; a click without drag, or Escape, clears it (timeRangeCleared).
// setMarkerTime() draws a vertical line at the selected row's time. GUI thread only.
class RateChartView final : public QtCharts::QChartView {
    Q_OBJECT

public:
    // The time axis always spans at least this much, ending at the newest bucket.
    static constexpr int64_t kMinSpanNs = 60 * kNsPerSecond;
    // Data ending less than kLiveLagNs before now is live: the axis then shows at most the
    // last kLiveSpanNs. Older data (a replayed file) is shown whole.
    static constexpr int64_t kLiveLagNs = 30 * kNsPerSecond;
    static constexpr int64_t kLiveSpanNs = 5 * kNsPerMinute;

    explicit RateChartView(QWidget *parent = nullptr);

    // Buckets that end after `now` are still filling and are left out (live data); pass
    // kMaxTimestamp to show every bucket.
    void applyTimeline(const engine::RateTimeline &timeline, TimestampNs now);

    // Draws `timeline` again with the current settings (after a pause, zoom or mode change).
    void redraw();

    // OpenGL for line series of at least kOpenGlMinPoints points (not in stacked mode: area
    // series have no OpenGL path). Off by default; openGlAvailable() says whether this
    // platform can create a context (false on the offscreen and minimal platforms). A
    // timeline has at most RateTimeline::kMaxBuckets (600) points per class, so only long
    // timelines reach the threshold.
    static constexpr size_t kOpenGlMinPoints = 500;
    static bool openGlAvailable();
    void setOpenGlAllowed(bool allowed);
    bool openGlAllowed() const { return m_openGl; }

    // Forgets every series (the next update creates those it needs): for switching to a
    // timeline with other classes (by status ↔ by severity).
    void clearSeries();

    void setStacked(bool stacked);
    bool isStacked() const { return m_stacked; }
    // Following pauses: the axis stays where it is while the data keeps coming.
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    void resumeFollowing() { setPaused(false); }
    // Zooms the time axis by `factor` (< 1: in) around time `centerMs` (axis ms); pauses.
    void zoomTime(double factor, double centerMs);
    // Moves the time axis by `deltaMs`; pauses.
    void panTime(double deltaMs);

    // Brushed range (ns since the epoch, UTC); from == to: none.
    void setSelectedRange(TimestampNs from, TimestampNs to);
    void clearSelectedRange();
    bool hasSelectedRange() const { return m_rangeTo.value > m_rangeFrom.value; }
    TimestampNs selectedFrom() const { return m_rangeFrom; }
    TimestampNs selectedTo() const { return m_rangeTo; }
    // An alert's evidence window [from, to), shaded in amber (it filters nothing, unlike a
    // brushed range); when it lies outside the time axis, following pauses and the axis is
    // centred on it. from >= to: none.
    void setEvidenceWindow(TimestampNs from, TimestampNs to);
    void clearEvidenceWindow() { setEvidenceWindow(TimestampNs{0}, TimestampNs{0}); }
    bool hasEvidenceWindow() const { return m_evidenceTo.value > m_evidenceFrom.value; }
    TimestampNs evidenceFrom() const { return m_evidenceFrom; }
    TimestampNs evidenceTo() const { return m_evidenceTo; }
    // The band as drawn, in widget coordinates (empty when hidden), for tests.
    QRectF evidenceBandRect() const;
    // The selected row's time (kMinTimestamp: none).
    void setMarkerTime(TimestampNs t);
    TimestampNs markerTime() const { return m_marker; }
    // Widget x coordinate of time t, and back (UTC ns), through the current axis.
    double timeToX(TimestampNs t) const;
    TimestampNs xToTime(double x) const;

    int seriesCount() const;
    int pointCount() const; // over all series, for tests and stats
    const QtCharts::QLineSeries *series(size_t cls) const { return m_series[cls]; }
    double yMax() const;
    // The time axis range, in ms since the epoch.
    qint64 xMinMs() const;
    qint64 xMaxMs() const;

    // Most points given to one series' replace() in the last update.
    int maxSeriesPoints() const { return m_maxSeriesPoints; }

Q_SIGNALS:
    // ns since the epoch, UTC (plain integers: queued connections and spies need no metatype).
    void timeRangeSelected(qint64 fromNs, qint64 toNs);
    void timeRangeCleared();
    void pausedChanged(bool paused);

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    QtCharts::QLineSeries *seriesFor(size_t cls);
    void rebuildChartSeries();
    void updateOverlays();
    qint64 shiftMs() const;

    QtCharts::QDateTimeAxis *m_timeAxis = nullptr;
    QtCharts::QValueAxis *m_rateAxis = nullptr;
    std::array<QtCharts::QLineSeries *, engine::RateTimeline::kClasses> m_series{};
    std::array<QtCharts::QLineSeries *, engine::RateTimeline::kClasses> m_lower{}; // stacked
    std::array<QtCharts::QAreaSeries *, engine::RateTimeline::kClasses> m_areas{};
    int64_t m_liveSince = 0;                          // wall time live data was first shown, ns
    std::unique_ptr<engine::RateTimeline> m_timeline; // last applied, for redraw()
    TimestampNs m_now = kMaxTimestamp;
    bool m_stacked = false;
    bool m_openGl = false;
    bool m_paused = false;
    int m_maxSeriesPoints = 0;
    TimestampNs m_rangeFrom{0};
    TimestampNs m_rangeTo{0};
    TimestampNs m_marker = kMinTimestamp;
    QGraphicsRectItem *m_rangeItem = nullptr; // owned by the scene
    TimestampNs m_evidenceFrom{0};
    TimestampNs m_evidenceTo{0};
    QGraphicsRectItem *m_evidenceItem = nullptr; // owned by the scene
    QGraphicsLineItem *m_markerItem = nullptr;
    enum class Drag { None, Brush, Pan } m_drag = Drag::None;
    QPoint m_dragStart;
    QPoint m_dragLast;
};

} // namespace weir::ui
