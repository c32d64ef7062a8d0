// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/common/types.h"
#include "weir/engine/rate_timeline.h"

#include <QtCharts/QChartView>
#include <array>

QT_CHARTS_BEGIN_NAMESPACE
class QDateTimeAxis;
class QLineSeries;
class QValueAxis;
QT_CHARTS_END_NAMESPACE

namespace weir::ui {

// Events per second by class (HTTP status class, else severity) from the engine's
// RateTimeline. One line series per class that has ever had an event, created on first
// sight; every update replaces each series' points in one call. GUI thread only.
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

    int seriesCount() const;
    int pointCount() const; // over all series, for tests and stats
    const QtCharts::QLineSeries *series(size_t cls) const { return m_series[cls]; }
    double yMax() const;
    // The time axis range, in ms since the epoch.
    qint64 xMinMs() const;
    qint64 xMaxMs() const;

private:
    QtCharts::QLineSeries *seriesFor(size_t cls);

    QtCharts::QDateTimeAxis *m_timeAxis = nullptr;
    QtCharts::QValueAxis *m_rateAxis = nullptr;
    std::array<QtCharts::QLineSeries *, engine::RateTimeline::kClasses> m_series{};
    int64_t m_liveSince = 0; // wall time live data was first shown, ns
};

} // namespace weir::ui
