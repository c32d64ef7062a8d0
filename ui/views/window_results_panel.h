// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/engine/engine.h"

#include <QWidget>
#include <memory>

class QComboBox;
class QLabel;
class QSpinBox;
class QTableView;

namespace weir::ui {

class WindowChartView;
class WindowResultsModel;

// Event-time window results: a chart of one aggregate (one line per top-N key, the watermark
// as a vertical line) above the results table. Shows the first window pipeline of each
// snapshot; aggregates nothing itself. GUI thread only.
class WindowResultsPanel final : public QWidget {
    Q_OBJECT

public:
    explicit WindowResultsPanel(QWidget *parent = nullptr);

    void applySnapshot(const engine::Snapshot &snapshot);
    // Shades an alert's window on the chart.
    void markWindow(TimestampNs start, TimestampNs end);

    WindowResultsModel *model() const { return m_model; }
    WindowChartView *chartView() const { return m_chart; }
    QTableView *tableView() const { return m_table; }
    QComboBox *aggregateBox() const { return m_aggregate; }
    QString summaryText() const;

Q_SIGNALS:
    // The user wants to change the window setup (the owner opens the dialog).
    void configureRequested();

private:
    void updateAggregateBox();

    WindowResultsModel *m_model;
    WindowChartView *m_chart;
    QTableView *m_table;
    QComboBox *m_aggregate;
    QSpinBox *m_topKeys;
    QLabel *m_summary;
    QStringList m_aggregateNames;
};

} // namespace weir::ui
