// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/alert/alert_engine.h"

#include <QAbstractTableModel>
#include <memory>

namespace weir::ui {

// The latest alert transitions the engine published (bounded), newest first, with the
// window each was evaluated on. Each new results object resets the model once. GUI thread only.
class AlertHistoryModel final : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        TimeColumn,
        StateColumn,
        SeverityColumn,
        RuleColumn,
        KeyColumn,
        ValueColumn,
        WindowColumn,
        ColumnCount
    };
    enum Role {
        RuleRole = Qt::UserRole, // QString
        KeyRole,                 // QString
        StateRole,               // int: alert::AlertState
        TimeNsRole,              // qlonglong
        WindowStartNsRole,       // qlonglong
        WindowEndNsRole,         // qlonglong
    };

    explicit AlertHistoryModel(QObject *parent = nullptr);

    void setResults(std::shared_ptr<const alert::AlertResults> results);
    const alert::Transition *transitionAt(int row) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const alert::AlertResults> m_results;
};

} // namespace weir::ui
