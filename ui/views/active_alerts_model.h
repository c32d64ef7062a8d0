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
//
// With a state file, silences and acknowledgements survive a restart: the file is loaded by
// setStateFile() and rewritten (atomically) after every change. A silence keeps its wall-clock
// end. An acknowledgement remembers the event time its alert's state began; after a restart
// (or a pipeline restart, setResults(nullptr)) it applies again to that alert once the alert
// is active with a state that began then or later, and ends when that alert ends.
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

    // Silences and acknowledgements as JSON: {"silences":[{"rule","key","until_ms"}],
    // "acknowledged":[{"rule","key","since_ns"}]}.
    QByteArray saveState() const;
    // Replaces them with what saveState() wrote; silences already over are dropped. False
    // (and nothing changed) when `json` is not such a document.
    bool restoreState(const QByteArray &json, QString *error = nullptr);
    // Loads `path` when it exists and keeps it up to date from now on; empty: memory only.
    // False with *error when the file exists but cannot be read or parsed.
    bool setStateFile(const QString &path, QString *error = nullptr);
    QString stateFile() const { return m_stateFile; }
    // Where the state of a rules file is kept: "<rules>.state.json" next to it when that
    // directory is writable, else a file under the per-user application data directory.
    static QString defaultStateFile(const QString &rulesPath);

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
    struct Acknowledgement {
        qint64 sinceNs = 0;   // event time the acknowledged alert's state began
        bool applies = false; // the alert is active (state began at or after sinceNs)
    };
    static QString idOf(const std::string &rule, const std::string &key);
    void rowChanged(int row);
    void saveStateFile();

    std::shared_ptr<const alert::AlertResults> m_results;
    QHash<QString, qint64> m_silencedUntil; // rule + '\0' + key -> wall ms
    QHash<QString, Acknowledgement> m_acknowledged;
    QString m_stateFile;
    std::function<qint64()> m_clock;
};

// "1.25", "—" for NaN; shared by the alert views.
QString alertValueText(double v);

} // namespace weir::ui
