// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/window/window_results.h"

#include <QAbstractTableModel>
#include <memory>

namespace weir::ui {

// The window results table over one WindowResults published by the engine: the kept final
// panes (oldest first), then the latest pane of every window still open. Nothing is copied:
// cells are formatted from the shared immutable results in data(). The table is small (the
// processor keeps a bounded number of finals), so a changed result resets the model once.
// GUI thread only.
class WindowResultsModel final : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { StartColumn, EndColumn, KeyColumn, PaneColumn, IndexColumn, FinalColumn };
    static constexpr int kFixedColumns = 6; // then one column per aggregate

    enum Role {
        WindowStartNsRole = Qt::UserRole, // qlonglong
        WindowEndNsRole,                  // qlonglong
        KeyRole,                          // QString
        FinalRole,                        // bool
        PaneTimingRole,                   // int: window::PaneTiming
        NumberRole,                       // double, aggregate columns; invalid when Null/text
    };

    explicit WindowResultsModel(QObject *parent = nullptr);

    // Shows these results; a no-op when the same results object is already shown.
    void setResults(std::shared_ptr<const window::WindowResults> results);
    const window::WindowResults *results() const { return m_results.get(); }
    const window::Pane *paneAt(int row) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const window::WindowResults> m_results;
    int m_columns = kFixedColumns;
};

} // namespace weir::ui
