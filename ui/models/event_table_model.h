// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/engine/engine.h"
#include "weir/query/matcher.h"
#include "weir/query/visible_rows.h"

#include <QAbstractTableModel>
#include <QColor>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QVector>
#include <cstdint>
#include <memory>
#include <vector>

namespace weir::ui {

// A highlight rule: rows matching `query` get `color` as background (the first rule wins).
struct HighlightRule {
    QString text; // the filter expression as typed
    query::Query query;
    QColor color;
};

// The log table over engine snapshots. Thread contract: GUI thread only; it reads immutable
// snapshots and never touches the engine. Nothing is stored per cell: row r shows the event
// with global index rowToIndex(r) and its text is formatted in data() when a view asks.
//
// Which events are rows is a visible-row index (query::VisibleRows, Wireshark's design):
// - unfiltered, the newest retained events, at most maxRows of them, oldest first, follow
//   every applySnapshot();
// - filtered, an index computed off the GUI thread (query::FilterWorker) is handed in with
//   setVisibleRows(); applySnapshot() then only refreshes the data the rows point at.
// Either way a newer index of the same filter becomes one removal at the top (evicted rows,
// rows pushed past the cap) and one insertion at the bottom, both O(log n) in the row count;
// a different filter resets the model once.
//
// Columns: time, source, severity, status, message, then one per parsed field name of the
// channels (union in order of first appearance); field cells parse the row's raw text with
// the channel's decoder on demand (the last row parsed is cached).
class EventTableModel final : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        TimeColumn,
        SourceColumn,
        SeverityColumn,
        StatusColumn,
        MessageColumn,
        ColumnCount // fixed columns; field columns follow
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
        FieldsRole,   // QVariantList of QVariantMap {name, type, text}: parsed on demand
        BookmarkRole, // bool: the row is bookmarked
        FormatRole,   // QString: the channel's resolved format name
    };

    // Every event the store holds, by default: rows cost nothing here nor in LogTableView
    // (the store's memory budget is the limit).
    static constexpr int kDefaultMaxRows = 2'147'483'647;
    // Longest message text handed to views; the whole line stays available under RawRole.
    static constexpr int kMaxDisplayBytes = 2048;

    explicit EventTableModel(QObject *parent = nullptr);

    // Rows shown at most (the newest); takes effect at the next update. Nothing is kept per
    // row, so any int count works (LogTableView has no pixel limit either).
    void setMaxRows(int maxRows);
    int maxRows() const { return m_maxRows; }

    // Catches up with a newer snapshot; does nothing when its version was already applied.
    void applySnapshot(std::shared_ptr<const engine::Snapshot> snapshot);
    // Forgets every row (e.g. before attaching to another engine).
    void clear();

    // Shows only these rows (global indices into the snapshots' store). `sameFilter`: the
    // index comes from the same filters as the current one, over more or fewer stored rows, so
    // the change is applied incrementally; otherwise the model resets. nullptr: no filter.
    void setVisibleRows(std::shared_ptr<const query::VisibleRows> rows, bool sameFilter);
    bool isFiltered() const { return m_filtered; }
    const query::VisibleRows &visibleRows() const { return *m_rows; }
    std::shared_ptr<const query::VisibleRows> visibleRowsShared() const { return m_rows; }

    const engine::Snapshot *snapshot() const { return m_snapshot.get(); }
    std::shared_ptr<const engine::Snapshot> snapshotShared() const { return m_snapshot; }
    // Global index of row 0 (endIndex() when there is no row).
    uint64_t firstIndex() const;
    // One past the last global index the rows cover (the index's end).
    uint64_t endIndex() const { return m_rows->end(); }
    uint64_t rowToIndex(int row) const;
    // The row showing global event index `index`, or -1.
    int indexToRow(uint64_t index) const;
    // The first row whose event time is >= t (rowCount() when none), by binary search over
    // the rows: exact when times are in order, a near row otherwise. -1 without rows.
    int rowAtOrAfterTime(TimestampNs t) const;

    // Extra columns from parsed fields (after the fixed ones).
    const QStringList &fieldColumns() const { return m_fieldColumns; }

    // Highlight rules, evaluated for the rows painted only.
    void setHighlightRules(std::vector<HighlightRule> rules);
    const std::vector<HighlightRule> &highlightRules() const { return m_rules; }

    // Bookmarks by global event index.
    void toggleBookmark(uint64_t index);
    bool isBookmarked(uint64_t index) const { return m_bookmarks.contains(index); }
    const QSet<quint64> &bookmarks() const { return m_bookmarks; }
    // The row of the next (forward) or previous bookmark after `row`, wrapping; -1 if none.
    int nextBookmarkRow(int row, bool forward) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

private:
    QVariant displayText(const store::EventRef &event, uint64_t index, int column) const;
    QVariant fieldsOf(const store::EventRef &event) const;
    const parse::FieldList *cachedFields(const store::EventRef &event, uint64_t index) const;
    QVariant background(const store::EventRef &event, uint64_t index) const;
    void refreshChannels();
    void rebuildMatchers();
    // Moves to `rows` (shown: the last maxRows of them) as one removal at the top and one
    // insertion at the bottom; resets instead when the two cannot be lined up.
    void moveTo(std::shared_ptr<const query::VisibleRows> rows);
    void resetTo(std::shared_ptr<const query::VisibleRows> rows);
    void placeRows(std::shared_ptr<const query::VisibleRows> rows);

    std::shared_ptr<const engine::Snapshot> m_snapshot;
    uint64_t m_version = 0;
    std::shared_ptr<const query::VisibleRows> m_rows; // never null
    uint64_t m_offset = 0; // rows of m_rows hidden by the cap (the oldest)
    int m_count = 0;       // rows shown
    bool m_filtered = false;
    int m_maxRows = kDefaultMaxRows;
    QVector<QString> m_sourceNames; // per channel, not per cell
    QStringList m_fieldColumns;
    std::vector<std::string> m_fieldColumnsUtf8;
    std::vector<HighlightRule> m_rules;
    mutable std::vector<query::Matcher> m_matchers; // one per rule
    size_t m_catalogSize = 0;                       // channels the matchers know
    QSet<quint64> m_bookmarks;

    // The last row parsed for field columns (views ask cell by cell).
    mutable uint64_t m_fieldsIndex = UINT64_MAX;
    mutable bool m_fieldsOk = false;
    mutable parse::FieldList m_fields;
    mutable uint64_t m_colorIndex = UINT64_MAX;
    mutable QVariant m_color;
};

// The query::SourceCatalog of a snapshot's channels.
query::SourceCatalog catalogOf(const engine::Snapshot &snapshot);

} // namespace weir::ui
