// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/engine/engine.h"

#include <QAbstractTableModel>
#include <QString>
#include <QVector>
#include <cstdint>
#include <memory>

namespace weir::ui {

// The log table over engine snapshots. Thread contract: GUI thread only; it reads immutable
// snapshots and never touches the engine. Nothing is stored per cell: row r shows the event
// with global index rowToIndex(r) and its text is formatted in data() when a view asks.
//
// Visible rows today are the newest retained events, at most maxRows of them, oldest first:
// a contiguous range [firstIndex, endIndex). Structural changes happen once per
// applySnapshot(): first one removal at the top (events evicted by the store's budget or
// pushed past the row cap), then one insertion at the bottom. Both are O(1) in the row count.
class EventTableModel final : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        TimeColumn,
        SourceColumn,
        SeverityColumn,
        StatusColumn,
        MessageColumn,
        ColumnCount
    };

    // Raw values, for delegates, tests and exports; formatted text is Qt::DisplayRole.
    enum Role {
        EventIndexRole = Qt::UserRole, // qulonglong: global event index
        TimeNsRole,                    // qlonglong: event time, ns since the epoch
        IngestTimeNsRole,              // qlonglong: arrival time, ns since the epoch
        SourceIdRole,                  // int: SourceId value
        SeverityRole,                  // int: weir::Severity
        StatusRole,                    // int: HTTP status, 0 if none
        FlagsRole,                     // int: store::EventFlag bits
        PositionRole,                  // qulonglong: line number or offset in the source
        RawRole,                       // QByteArray: the raw bytes, whole
        FieldsRole, // QVariantList of QVariantMap {name, type, text}: parsed on demand
    };

    static constexpr int kDefaultMaxRows = 20'000'000;
    // Longest message text handed to views; the whole line stays available under RawRole.
    static constexpr int kMaxDisplayBytes = 2048;

    explicit EventTableModel(QObject *parent = nullptr);

    void setMaxRows(int maxRows);
    int maxRows() const { return m_maxRows; }

    // Catches up with a newer snapshot; does nothing when its version was already applied.
    void applySnapshot(std::shared_ptr<const engine::Snapshot> snapshot);
    // Forgets every row (e.g. before attaching to another engine).
    void clear();

    const engine::Snapshot *snapshot() const { return m_snapshot.get(); }
    uint64_t firstIndex() const { return m_first; }
    uint64_t endIndex() const { return m_end; }
    uint64_t rowToIndex(int row) const { return m_first + static_cast<uint64_t>(row); }
    // The row showing global event index `index`, or -1.
    int indexToRow(uint64_t index) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

private:
    QVariant displayText(const store::EventRef &event, int column) const;
    QVariant fieldsOf(const store::EventRef &event) const;
    void refreshSourceNames();

    std::shared_ptr<const engine::Snapshot> m_snapshot;
    uint64_t m_version = 0;
    uint64_t m_first = 0; // global index of row 0
    uint64_t m_end = 0;   // one past the global index of the last row
    int m_maxRows = kDefaultMaxRows;
    QVector<QString> m_sourceNames; // per channel, not per cell
};

} // namespace weir::ui
