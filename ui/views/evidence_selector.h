// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/common/types.h"

#include <QVector>
#include <string>
#include <vector>

namespace weir::ui {

class EventTableModel;
class LogTableView;

// The evidence of an alert or a window result: the events of one window [start, end) and key.
struct EvidenceQuery {
    TimestampNs start;
    TimestampNs end;
    std::vector<std::string> keyFields; // empty: every event of the window
    std::string key;                    // key field texts joined with '|' (as in the core)
};

// Rows of the table's model holding evidence events, ascending; keys are computed with the
// core's EventBuilder and each channel's parser, so they match the alert's key exactly. Reads
// the model's immutable snapshot; stops after maxRows matches. GUI thread (it reads the model).
QVector<int> findEvidenceRows(const EventTableModel &model, const EvidenceQuery &query,
                              int maxRows = 100000);

// Selects those rows in the table (pausing follow-tail), makes the first one current and
// scrolls to it. With no match, scrolls to the first row at or after the window start.
// Returns the number of rows selected.
int selectEvidence(LogTableView &table, EventTableModel &model, const EvidenceQuery &query);

} // namespace weir::ui
