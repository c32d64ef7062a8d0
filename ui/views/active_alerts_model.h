// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/alert/alert_engine.h"

#include <QAbstractTableModel>
#include <QColor>
#include <QHash>
#include <functional>
#include <memory>

namespace weir::ui {

// The alerts currently pending, firing, without data or in error, from the engine's published
// AlertResults, plus what the user decided about them: acknowledged (until the alert ends)
// and silenced until a wall-clock time (silenced alerts stay listed, marked, and do not
// notify). The list is small: each new results object resets the model once. Rule and key
// are untrusted text, returned as plain display text only. GUI thread only.
class ActiveAlertsModel final : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        StateColumn,
        SeverityColumn,
        RuleColumn,
        KeyColumn,
        ValueColumn,
        SinceColumn,
        NoteColumn,
        ColumnCount
    };
    enum Role {
        RuleRole = Qt::UserRole, // QString
        KeyRole,                 // QString
        StateRole,               // int: alert::AlertState
        SinceNsRole,             // qlonglong: event time the state began
        AcknowledgedRole,        // bool
        SilencedRole,            // bool
    };

    explicit ActiveAlertsModel(QObject *parent = nullptr);

    // Wall clock in ms since the epoch; tests inject their own.
    void setClock(std::function<qint64()> clock) { m_clock = std::move(clock); }
    qint64 now() const { return m_clock(); }

    void setResults(std::shared_ptr<const alert::AlertResults> results);
    const alert::AlertResults *results() const { return m_results.get(); }
    const alert::ActiveAlert *alertAt(int row) const;

    void acknowledge(int row);
    void silence(int row, qint64 durationMs);
    void unsilence(int row);
    bool isSilenced(const std::string &rule, const std::string &key) const;
    bool isAcknowledged(const std::string &rule, const std::string &key) const;
    // Silences that expired are forgotten and their rows repainted.
    void refresh();

    static QColor severityColor(const std::string &severity);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    static QString idOf(const std::string &rule, const std::string &key);
    void rowChanged(int row);

    std::shared_ptr<const alert::AlertResults> m_results;
    QHash<QString, qint64> m_silencedUntil; // rule + '\0' + key -> wall ms
    QHash<QString, bool> m_acknowledged;
    std::function<qint64()> m_clock;
};

// "1.25", "—" for NaN; shared by the alert views.
QString alertValueText(double v);

} // namespace weir::ui
