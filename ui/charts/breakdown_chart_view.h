// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/engine/engine.h"
#include "weir/query/visible_rows.h"
#include "weir/series/top_values.h"

#include <QStringList>
#include <QWidget>
#include <QtCharts/QChartGlobal>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

class QComboBox;
class QGraphicsSimpleTextItem;

QT_CHARTS_BEGIN_NAMESPACE
class QBarCategoryAxis;
class QBarSet;
class QChartView;
class QHorizontalBarSeries;
class QValueAxis;
QT_CHARTS_END_NAMESPACE

namespace weir::ui {

// Horizontal bars beside the rate chart: either the status (or severity) breakdown of the
// events in the rate chart's time range, or the top N values of a field over the table's
// visible rows (the current filter), counted in core (weir::series::topValues) on a
// background thread. Category labels come from log data: QtCharts renders labels as rich
// text, so they are escaped and cut. GUI thread only, except the counting thread, which reads
// the immutable snapshot and rows it was handed and posts its result back; the destructor
// cancels and joins it.
class BreakdownChartView final : public QWidget {
    Q_OBJECT

public:
    static constexpr int kTopN = 10;
    static constexpr uint64_t kMaxRowsCounted = 2'000'000; // the newest visible rows
    static constexpr int kMaxLabelChars = 40;

    explicit BreakdownChartView(QWidget *parent = nullptr);
    ~BreakdownChartView() override;

    // Class totals (RateTimeline classes) for the status breakdown.
    void setClassTotals(const std::array<uint64_t, engine::RateTimeline::kClasses> &totals);
    // Field names offered besides status, level and source.
    void setFieldNames(const QStringList &names);
    // What to count for the top-N mode; recounts when that mode is shown.
    void setRows(std::shared_ptr<const engine::Snapshot> snapshot,
                 std::shared_ptr<const query::VisibleRows> rows);

    // "" = the status breakdown, else the field whose top values are shown.
    QString mode() const;
    void setMode(const QString &field);
    // True from a count's start until its result is shown (collect() joins the worker): a
    // finished count whose bars are still queued for the GUI thread is still counting, so
    // "not counting" always means the bars are those of the latest request. GUI thread only.
    bool isCounting() const { return m_thread.joinable(); }

    // Bars shown, top to bottom: (label as text, value).
    QList<QPair<QString, double>> bars() const;
    QtCharts::QChartView *chartView() const { return m_view; }
    // The bar labels drawn, top to bottom (elided with "…" only past 40 % of the width).
    QStringList shownLabels() const;
    // Where they are drawn, in the chart's coordinates (same order).
    QList<QRectF> shownLabelRects() const;

Q_SIGNALS:
    void barsChanged();

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void showBars(const QList<QPair<QString, double>> &bars, const QString &title);
    void layoutLabels();
    void placeLabels();
    void recount();
    void collect();
    void stopCounting();

    QComboBox *m_modeBox;
    QtCharts::QChartView *m_view;
    QtCharts::QHorizontalBarSeries *m_series;
    QtCharts::QBarSet *m_set;
    QtCharts::QBarCategoryAxis *m_categories;            // labels hidden: m_labelItems show them
    std::vector<QGraphicsSimpleTextItem *> m_labelItems; // owned by the chart
    double m_labelWidth = 0;
    QtCharts::QValueAxis *m_values;
    QList<QPair<QString, double>> m_bars;
    std::array<uint64_t, engine::RateTimeline::kClasses> m_totals{};

    std::shared_ptr<const engine::Snapshot> m_snapshot;
    std::shared_ptr<const query::VisibleRows> m_rows;
    std::thread m_thread;
    std::atomic<bool> m_cancel{false};
    std::atomic<bool> m_resultReady{false};
    series::TopValues m_result; // written by the thread before m_resultReady
    QString m_countedField;
    bool m_recountWanted = false;
};

} // namespace weir::ui
