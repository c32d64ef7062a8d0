// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "models/event_table_model.h"
#include "models/update_pacer.h"
#include "weir/engine/engine.h"

#include <QElapsedTimer>
#include <QMainWindow>
#include <QSet>
#include <QTimer>
#include <memory>

class QAction;
class QDialog;
class QDockWidget;
class QMenu;
class QSplitter;

namespace weir::ui {

class AnalysisDocks;
class DeadLettersPanel;
class BreakdownChartView;
class EngineStatusBar;
class EventDetailsView;
class EventTableModel;
class FilterBar;
class TableFilter;
class LogTableView;
class RateChartView;

// The main window: rate chart on top, log table, details of the selected event, status bar.
// It knows snapshots, not the engine: whoever owns the engine feeds applySnapshot() and acts
// on openFilesRequested(). GUI thread only.
class MainWindow final : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    void setVersionText(const QString &version) { m_version = version; }

    // Brings every view up to the snapshot: one batch of rows, the status bar, and (at most
    // every kChartIntervalMs, the latest snapshot always last) one replace() per chart series.
    void applySnapshot(const std::shared_ptr<const engine::Snapshot> &snapshot);
    // Selects the first row at or after `t` in the visible rows (binary search); false if none.
    bool goToTime(TimestampNs t);
    void toggleBookmark();
    // Moves to the next (or previous) bookmarked row, wrapping.
    void goToBookmark(bool forward);
    void setHighlightRules(std::vector<HighlightRule> rules);

    // The events/s chart classes events by HTTP status class (else severity), or by
    // severity alone.
    void setChartBySeverity(bool bySeverity);
    bool chartBySeverity() const { return m_chartBySeverity; }

    // Draws a chart update still held back by the interval, now.
    void flushChart() { updateChart(); }

    // Row updates of the table (model and filter) may take at most about `share` of the GUI
    // thread (see UpdatePacer): with millions of rows Qt's per-row header work makes each
    // insertion O(rows), so they are spaced out, the latest snapshot always applied last.
    // 0 (the default): every snapshot reaches the table at once.
    void setTableUpdateShare(double share) { m_tablePacer.setShare(share); }
    // Applies a table update still held back by the pacer, now.
    void flushTable() { updateTable(); }

    static constexpr qint64 kChartIntervalMs = 200;

    EventTableModel *model() const { return m_model; }
    TableFilter *tableFilter() const { return m_filter; }
    FilterBar *filterBar() const { return m_filterBar; }
    LogTableView *tableView() const { return m_table; }
    RateChartView *chartView() const { return m_chart; }
    BreakdownChartView *breakdownView() const { return m_breakdown; }
    EngineStatusBar *engineStatusBar() const { return m_status; }
    QAction *followTailAction() const { return m_followAction; }
    // Window results and alerts docks (see AnalysisDocks).
    AnalysisDocks *analysisDocks() const { return m_analysis; }
    DeadLettersPanel *deadLettersPanel() const { return m_deadLetters; }

    // Selects the visible row of source `sourceId` (or of the events re-parsed from its dead
    // letters) whose position (line, offset) is nearest to `position`; false if none.
    bool goToPosition(int sourceId, uint64_t position);
    // Tools → Parser Workbench…: the workbench over each source's kept lines and dead letters;
    // "Apply to source" asks (applyFormatRequested) for that source to be read again with the
    // format. Returns the dialog (deleted on close).
    QDialog *openParserWorkbench();

Q_SIGNALS:
    // The user asked to replay these files (File → Open or a drop).
    void openFilesRequested(const QStringList &paths);
    // Dead Letters → "Re-parse into events" (Engine::reparseDeadLetters; -1: every source).
    void reparseDeadLettersRequested(int sourceId, const QString &format);
    // Parser workbench → "Apply to source": read the source named `source` again with `format`.
    void applyFormatRequested(const QString &source, const QString &format);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createActions();
    void createWorkbenchActions(QMenu *edit, QMenu *go);
    void askGoToTime();
    void openExportDialog();
    void refreshBreakdown(bool rowsToo);
    void editHighlightRules();
    void openFiles();
    void showAbout();
    void reportSourceErrors(const engine::Snapshot &snapshot);
    void updateChart();
    void updateTable();

    EventTableModel *m_model;
    TableFilter *m_filter;
    FilterBar *m_filterBar;
    LogTableView *m_table;
    RateChartView *m_chart;
    BreakdownChartView *m_breakdown;
    EventDetailsView *m_details;
    EngineStatusBar *m_status;
    QSplitter *m_splitter;
    QAction *m_followAction = nullptr;
    QAction *m_chartBySeverityAction = nullptr;
    AnalysisDocks *m_analysis = nullptr;
    DeadLettersPanel *m_deadLetters = nullptr;
    QDockWidget *m_deadDock = nullptr;
    QString m_version;
    QSet<QString> m_reportedErrors;
    std::shared_ptr<const engine::Snapshot> m_chartPending;
    QElapsedTimer m_chartClock;
    QTimer m_chartTimer;
    std::shared_ptr<const engine::Snapshot> m_chartShown; // the last drawn
    bool m_chartBySeverity = false;
    std::shared_ptr<const engine::Snapshot> m_tablePending;
    UpdatePacer m_tablePacer;
    QElapsedTimer m_tableClock; // started once; the pacer's monotonic clock
    QTimer m_tableTimer;
    QElapsedTimer m_breakdownClock; // top-N recounts at most every kBreakdownIntervalMs
    static constexpr qint64 kBreakdownIntervalMs = 2000;
};

} // namespace weir::ui
