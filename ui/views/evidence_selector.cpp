// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/evidence_selector.h"

#include "models/event_table_model.h"
#include "views/log_table_view.h"
#include "weir/window/event_builder.h"

#include <QItemSelection>
#include <QItemSelectionModel>

namespace weir::ui {

namespace {

bool inWindow(TimestampNs t, const EvidenceQuery &q) {
    if (q.start == q.end) // a point in time (absence rules): the events at that instant
        return t == q.start;
    return !(t < q.start) && t < q.end;
}

} // namespace

QVector<int> findEvidenceRows(const EventTableModel &model, const EvidenceQuery &query,
                              int maxRows) {
    QVector<int> rows;
    const engine::Snapshot *snap = model.snapshot();
    if (!snap || model.rowCount() == 0)
        return rows;
    window::EventBuilder builder(query.keyFields, {});
    parse::FieldList fields;
    // Stored events in order; the model says which of them are rows (a filter may hide some).
    uint64_t index = model.firstIndex();
    snap->events.forEach(index, model.endIndex(), [&](const store::EventRef &ref) {
        const uint64_t global = index++;
        if (rows.size() >= maxRows)
            return;
        const store::EventRecord &rec = ref.record();
        if (!inWindow(rec.time, query))
            return;
        const int row = model.indexToRow(global);
        if (row < 0)
            return;
        if (!query.keyFields.empty()) {
            fields.clear();
            const size_t ch = rec.source.value;
            if (ch < snap->channels.size() && snap->channels[ch].decoder)
                snap->channels[ch].decoder->parseFields(ref.raw(), fields);
            if (builder.build(rec.time, rec.source, fields, ref.raw()).key != query.key)
                return;
        }
        rows.push_back(row);
    });
    return rows;
}

int selectEvidence(LogTableView &table, EventTableModel &model, const EvidenceQuery &query) {
    const QVector<int> rows = findEvidenceRows(model, query);
    table.setFollowTail(false);
    QItemSelectionModel *sel = table.selectionModel();
    const int lastColumn = model.columnCount() - 1;
    QItemSelection selection;
    for (int i = 0; i < rows.size();) {
        int j = i;
        while (j + 1 < rows.size() && rows[j + 1] == rows[j] + 1)
            ++j;
        selection.select(model.index(rows[i], 0), model.index(rows[j], lastColumn));
        i = j + 1;
    }
    int focus = rows.isEmpty() ? -1 : rows.front();
    if (focus < 0 && model.snapshot() && model.rowCount() > 0) {
        // Nothing matched: show where the window starts.
        uint64_t index = model.firstIndex();
        model.snapshot()->events.forEach(index, model.endIndex(), [&](const store::EventRef &ref) {
            const uint64_t global = index++;
            if (focus < 0 && !(ref.record().time < query.start))
                focus = model.indexToRow(global);
        });
    }
    if (sel) {
        sel->clearSelection();
        if (focus >= 0)
            sel->setCurrentIndex(model.index(focus, 0), QItemSelectionModel::NoUpdate);
        sel->select(selection, QItemSelectionModel::Select);
    }
    if (focus >= 0)
        table.scrollTo(model.index(focus, 0), QAbstractItemView::PositionAtTop);
    return rows.size();
}

} // namespace weir::ui
