// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/engine/engine.h"

#include <QAbstractTableModel>
#include <QByteArray>
#include <QString>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace weir::ui {

// The dead letters of engine snapshots, oldest first, optionally of one reason only. Thread
// contract: GUI thread only; it reads immutable snapshots and never touches the engine. No
// text is stored per row: cells are formatted in data() from the snapshot's dead letters.
// Raw bytes are shown as plain text: invalid UTF-8 as U+FFFD, control bytes as their
// Unicode control pictures (U+2400...), cut at kMaxDisplayChars; RawRole has the exact bytes.
class DeadLetterModel final : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { ReasonColumn, SourceColumn, PositionColumn, SizeColumn, RawColumn, ColumnCount };
    enum Role {
        ReasonRole = Qt::UserRole, // int: parse::DeadLetterReason
        SourceIdRole,              // int: SourceId value
        SourceNameRole,            // QString: the channel's name
        PositionRole,              // qulonglong: line number (files) or offset (topics)
        RawRole,                   // QByteArray: the kept raw bytes, exact
        RawSizeRole,               // qulonglong: the line's size before the raw-bytes cap
        IndexRole,                 // qulonglong: the dead letter's global index in the store
        ResolvedRole,              // bool: re-parsed into an event since (still kept)
    };
    static constexpr int kMaxDisplayChars = 512;

    explicit DeadLetterModel(QObject *parent = nullptr);

    // Shows a newer snapshot: appended dead letters become one row insertion; eviction of the
    // oldest ones or a reason filter makes it one reset; newly resolved ones one dataChanged.
    void applySnapshot(const std::shared_ptr<const engine::Snapshot> &snapshot);
    // -1: every reason; else a parse::DeadLetterReason value.
    void setReasonFilter(int reason);
    int reasonFilter() const { return m_reason; }

    // Counts per reason of every dead letter the engine ever produced (not only those kept),
    // non-zero ones only, in reason order.
    std::vector<std::pair<parse::DeadLetterReason, uint64_t>> reasonCounts() const;
    uint64_t totalDeadLetters() const;
    // "name:line" (files) or "name:offset" (topics).
    QString positionText(int row) const;
    // The kept raw bytes of the visible rows whose source is `source` (-1: every source) and
    // that are not resolved, for re-parsing; at most `limit` of them, oldest first.
    std::vector<std::string> rawLines(int source, size_t limit) const;

    // Plain, single-line display text for raw bytes (see the class comment).
    static QString displayText(std::string_view raw, int maxChars = kMaxDisplayChars);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    const store::DeadLetter *letterAt(int row) const;
    QString sourceName(SourceId id) const;
    void rebuildRows();

    std::shared_ptr<const engine::Snapshot> m_snapshot;
    int m_reason = -1;
    // With a reason filter: snapshot positions (0 = oldest kept) of the rows.
    std::vector<uint32_t> m_rows;
    uint64_t m_first = 0;    // m_snapshot->deadLetters.firstIndex() when the rows were built
    int m_count = 0;         // rows shown
    uint64_t m_resolved = 0; // the snapshot's resolved dead letters, to notice new ones
};

} // namespace weir::ui
