// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/engine/engine.h"

#include <QByteArrayList>
#include <QObject>
#include <map>
#include <memory>
#include <string>
#include <vector>

class QDockWidget;
class QMainWindow;
class QMenu;

namespace weir::ui {

class AlertTray;
class AlertsPanel;
class EventTableModel;
class LogTableView;
class RateChartView;
class WindowResultsPanel;

// The window-results and alerts docks of the main window, the alert tray, and the "jump to
// evidence" wiring between the alerts panel, the log table and the window chart. The main
// window creates it with a few lines and forwards its snapshots; everything else lives here.
// Each dock shows itself the first time its results arrive. GUI thread only.
class AnalysisDocks final : public QObject {
    Q_OBJECT

public:
    // `trayAvailable`: QSystemTrayIcon::isSystemTrayAvailable() unless a test says otherwise.
    AnalysisDocks(QMainWindow *window, QMenu *viewMenu, LogTableView *table, EventTableModel *model,
                  bool trayAvailable);
    AnalysisDocks(QMainWindow *window, QMenu *viewMenu, LogTableView *table,
                  EventTableModel *model);

    void applySnapshot(const std::shared_ptr<const engine::Snapshot> &snapshot);
    // Before a new pipeline: forget results and notifications seen (silences are kept).
    void reset();
    // Key fields per rule name, to find an alert's evidence rows.
    void setRuleKeys(std::map<std::string, std::vector<std::string>> keys);

    WindowResultsPanel *windowPanel() const { return m_windowPanel; }
    AlertsPanel *alertsPanel() const { return m_alertsPanel; }
    AlertTray *tray() const { return m_tray; }
    QDockWidget *windowDock() const { return m_windowDock; }
    QDockWidget *alertsDock() const { return m_alertsDock; }
    int lastEvidenceRows() const { return m_lastEvidenceRows; }
    // The events/s chart, on which "jump to evidence" shades the alert's window (not owned).
    void setRateChart(RateChartView *chart) { m_rateChart = chart; }

    void showEvidence(qint64 startNs, qint64 endNs, const QString &rule, const QString &key);

Q_SIGNALS:
    void configureWindowsRequested(int pipeline); // -1: add a pipeline
    void editRulesRequested();
    // New, not silenced Firing transitions as JSON objects (for a user command).
    void alertsNotified(const QByteArrayList &alerts);

private:
    QMainWindow *m_window;
    LogTableView *m_table;
    EventTableModel *m_model;
    WindowResultsPanel *m_windowPanel;
    AlertsPanel *m_alertsPanel;
    QDockWidget *m_windowDock;
    QDockWidget *m_alertsDock;
    AlertTray *m_tray;
    std::map<std::string, std::vector<std::string>> m_ruleKeys;
    bool m_windowShown = false;
    bool m_alertsShown = false;
    int m_lastEvidenceRows = -1;
    RateChartView *m_rateChart = nullptr;
};

} // namespace weir::ui
