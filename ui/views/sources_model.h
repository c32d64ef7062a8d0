// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/engine/engine.h"

#include <QAbstractItemModel>
#include <memory>
#include <vector>

namespace weir::ui {

// The Sources panel's model: a thin tree over Snapshot::sources, one row per source and, under
// a Kafka source, one row per partition. Every number comes from the snapshot (the engine and
// the sources compute rates and lags); cells are formatted on demand. GUI thread only.
class SourcesModel final : public QAbstractItemModel {
    Q_OBJECT

public:
    enum Column {
        NameColumn,
        StateColumn,
        RateColumn,
        MessagesColumn,
        LagMessagesColumn,
        LagTimeColumn,
        DroppedColumn,
        ErrorsColumn,
        StatusColumn,
        LastErrorColumn,
        ColumnCount
    };
    enum Role {
        StateRole = Qt::UserRole, // source::SourceState as int (source rows)
        FirstChannelRole,         // SourceId value of the source's first channel
        ValueRole,                // the raw number behind a numeric cell (double)
        IsPartitionRole,          // bool
    };

    explicit SourcesModel(QObject *parent = nullptr);

    // Cheap when the snapshot's version did not change; resets only when sources or
    // partitions were added or removed, else one dataChanged per level.
    void setSnapshot(std::shared_ptr<const engine::Snapshot> snapshot);
    const engine::SourceStatus *sourceAt(int row) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QVariant sourceData(const engine::SourceStatus &s, int column, int role) const;
    QVariant partitionData(const source::PartitionMetrics &p, int column, int role) const;

    std::shared_ptr<const engine::Snapshot> m_snapshot;
    std::vector<size_t> m_shape; // partitions per source, as last shown
};

} // namespace weir::ui
