// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/analysis_docks.h"

#include "charts/rate_chart_view.h"
#include "models/event_table_model.h"
#include "views/active_alerts_model.h"
#include "views/alert_tray.h"
#include "views/alerts_panel.h"
#include "views/evidence_selector.h"
#include "views/log_table_view.h"
#include "views/window_results_panel.h"

#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>
#include <QStatusBar>
#include <QSystemTrayIcon>

namespace weir::ui {

AnalysisDocks::AnalysisDocks(QMainWindow *window, QMenu *viewMenu, LogTableView *table,
                             EventTableModel *model)
    : AnalysisDocks(window, viewMenu, table, model, QSystemTrayIcon::isSystemTrayAvailable()) {}

AnalysisDocks::AnalysisDocks(QMainWindow *window, QMenu *viewMenu, LogTableView *table,
                             EventTableModel *model, bool trayAvailable)
    : QObject(window)
    , m_window(window)
    , m_table(table)
    , m_model(model)
    , m_windowPanel(new WindowResultsPanel(window))
    , m_alertsPanel(new AlertsPanel(window))
    , m_windowDock(new QDockWidget(tr("Window results"), window))
    , m_alertsDock(new QDockWidget(tr("Alerts"), window))
    , m_tray(new AlertTray(trayAvailable, this)) {
    m_windowDock->setObjectName(QStringLiteral("windowResultsDock"));
    m_windowDock->setWidget(m_windowPanel);
    m_alertsDock->setObjectName(QStringLiteral("alertsDock"));
    m_alertsDock->setWidget(m_alertsPanel);
    // On the right: the rate chart and the log table keep the window's full height.
    window->addDockWidget(Qt::RightDockWidgetArea, m_windowDock);
    window->addDockWidget(Qt::RightDockWidgetArea, m_alertsDock);
    window->tabifyDockWidget(m_windowDock, m_alertsDock);
    m_windowDock->hide();
    m_alertsDock->hide();
    if (viewMenu) {
        viewMenu->addSeparator();
        viewMenu->addAction(m_windowDock->toggleViewAction());
        viewMenu->addAction(m_alertsDock->toggleViewAction());
    }

    connect(m_windowPanel, &WindowResultsPanel::configureRequested, this,
            &AnalysisDocks::configureWindowsRequested);
    connect(m_alertsPanel, &AlertsPanel::editRulesRequested, this,
            &AnalysisDocks::editRulesRequested);
    connect(m_alertsPanel, &AlertsPanel::evidenceRequested, this, &AnalysisDocks::showEvidence);
    connect(m_tray, &AlertTray::notified, this, &AnalysisDocks::alertsNotified);
}

void AnalysisDocks::setRuleKeys(std::map<std::string, std::vector<std::string>> keys) {
    m_ruleKeys = std::move(keys);
}

void AnalysisDocks::applySnapshot(const std::shared_ptr<const engine::Snapshot> &snapshot) {
    if (!snapshot)
        return;
    m_windowPanel->applySnapshot(*snapshot);
    m_alertsPanel->applySnapshot(*snapshot);
    ActiveAlertsModel *active = m_alertsPanel->activeModel();
    m_tray->apply(snapshot->alerts.get(),
                  [active](const std::string &rule, const std::string &key) {
                      return active->isSilenced(rule, key);
                  });
    // First results: show the dock at about 40 % of the window's width.
    const auto firstShow = [this](QDockWidget *dock) {
        dock->show();
        dock->raise();
        m_window->resizeDocks({dock}, {std::max(360, m_window->width() * 2 / 5)}, Qt::Horizontal);
    };
    if (!m_windowShown && !snapshot->windows.empty()) {
        m_windowShown = true;
        firstShow(m_windowDock);
    }
    if (!m_alertsShown && snapshot->alerts) {
        m_alertsShown = true;
        firstShow(m_alertsDock);
    }
}

void AnalysisDocks::reset() {
    m_alertsPanel->clear();
    m_tray->reset();
    engine::Snapshot empty;
    m_windowPanel->applySnapshot(empty);
}

void AnalysisDocks::showEvidence(qint64 startNs, qint64 endNs, const QString &rule,
                                 const QString &key) {
    EvidenceQuery q;
    q.start = TimestampNs{startNs};
    q.end = TimestampNs{endNs};
    const auto it = m_ruleKeys.find(rule.toStdString());
    if (it != m_ruleKeys.end())
        q.keyFields = it->second;
    q.key = key.toStdString();
    m_lastEvidenceRows = selectEvidence(*m_table, *m_model, q);
    if (startNs != endNs) {
        m_windowPanel->markWindow(q.start, q.end);
        if (m_rateChart)
            m_rateChart->setEvidenceWindow(q.start, q.end);
    }
    if (QStatusBar *bar = m_window->statusBar())
        bar->showMessage(tr("%n evidence row(s) selected", nullptr, m_lastEvidenceRows), 10000);
}

} // namespace weir::ui
