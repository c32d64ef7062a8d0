// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/engine/engine.h"

#include <QWidget>
#include <memory>

class QComboBox;
class QLabel;
class QPushButton;
class QTableView;

namespace weir::ui {

class ActiveAlertsModel;
class AlertCommandRunner;
class AlertHistoryModel;

// The Alerts panel: active alerts (state with its severity colour, since, value, key, rule)
// above the history of transitions; acknowledge, silence for a duration, and "jump to
// evidence" (emits evidenceRequested with the alert's window and key). Shows what the engine
// published; evaluates nothing. GUI thread only.
class AlertsPanel final : public QWidget {
    Q_OBJECT

public:
    explicit AlertsPanel(QWidget *parent = nullptr);

    void applySnapshot(const engine::Snapshot &snapshot);
    void clear();

    ActiveAlertsModel *activeModel() const { return m_active; }
    AlertHistoryModel *historyModel() const { return m_history; }
    QTableView *activeView() const { return m_activeView; }
    QTableView *historyView() const { return m_historyView; }
    QComboBox *silenceDurationBox() const { return m_silenceFor; }
    QString summaryText() const;

    // Acts on the current row of the active table (or of the history table for evidence).
    void acknowledgeCurrent();
    void silenceCurrent();
    void unsilenceCurrent();
    void jumpToEvidence(bool fromHistory);

    // The user's alert command failed for `alertJson` (a --alerts-out line): the panel's
    // command status shows the latest failure (rule, key, reason) and the count; its tooltip
    // lists the last few. Stays until clearCommandFailures().
    void reportCommandFailure(const QByteArray &alertJson, const QString &reason);
    // Reports the failures of `runner`'s commands (which must outlive the panel or be
    // destroyed first: the connection ends with either).
    void watchCommands(AlertCommandRunner *runner);
    void clearCommandFailures();
    int commandFailures() const { return m_commandFailures; }
    QString commandStatusText() const;
    QLabel *commandStatusLabel() const { return m_commandStatus; }

Q_SIGNALS:
    // The window [startNs, endNs) and key of an alert's evidence (start == end: an instant).
    void evidenceRequested(qint64 startNs, qint64 endNs, const QString &rule, const QString &key);
    void editRulesRequested();

private:
    int currentActiveRow() const;

    ActiveAlertsModel *m_active;
    AlertHistoryModel *m_history;
    QTableView *m_activeView;
    QTableView *m_historyView;
    QComboBox *m_silenceFor;
    QLabel *m_summary;
    QLabel *m_commandStatus;
    int m_commandFailures = 0;
    QStringList m_recentFailures; // newest last, bounded
    std::shared_ptr<const alert::AlertResults> m_results;
    bool m_evidenceFromHistory = false;
};

} // namespace weir::ui
