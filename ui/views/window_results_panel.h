// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/engine/engine.h"

#include <QWidget>
#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QSpinBox;
class QTableView;

namespace weir::ui {

class WindowChartView;
class WindowResultsModel;

// Event-time window results: a chart of one aggregate (one line per top-N key, the watermark
// as a vertical line) above the results table. A selector chooses which of the snapshot's
// window pipelines is shown (the first by default); aggregates nothing itself. GUI thread only.
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
    QComboBox *pipelineBox() const { return m_pipeline; }
    // The pipeline shown: index into Snapshot::windows.
    int pipeline() const;
    // Shows pipeline `index`, now or as soon as a snapshot has that many (until then, and
    // whenever a snapshot has fewer, the first is shown).
    void setPipeline(int index);
    QString summaryText() const;

Q_SIGNALS:
    // The user wants to edit pipeline `pipeline` (an index into Snapshot::windows), or to add
    // one (-1); the owner opens the dialog.
    void configureRequested(int pipeline);

private:
    void updateAggregateBox();
    void updatePipelineBox(const engine::Snapshot &snapshot);
    void showResults(std::shared_ptr<const window::WindowResults> results);

    WindowResultsModel *m_model;
    WindowChartView *m_chart;
    QTableView *m_table;
    QComboBox *m_pipeline;
    QComboBox *m_aggregate;
    QSpinBox *m_topKeys;
    QLabel *m_summary;
    QStringList m_aggregateNames;
    QStringList m_pipelineNames;
    int m_pipelineIndex = 0; // the one asked for (see pipeline())
    std::vector<std::shared_ptr<const window::WindowResults>> m_windows; // last snapshot's
};

} // namespace weir::ui
