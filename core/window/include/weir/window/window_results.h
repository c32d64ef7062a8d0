// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/window/window_operator.h"

#include <string>
#include <vector>

namespace weir::window {

// What one window pipeline publishes in an engine snapshot: immutable once published (readers
// such as the GUI's charts and results table hold it through a shared_ptr const).
struct WindowResults {
    std::string name; // e.g. "fixed:1m by status"
    WindowSpec spec;
    std::vector<std::string> keyFields;  // the key's parts, in order
    std::vector<std::string> aggregates; // column names, as written (e.g. "p95(latency)")
    TimestampNs watermark = kMinTimestamp;
    OperatorStats stats;
    // The latest pane of every (window, key) still open or waiting for late data, ordered by
    // window end, window start, then key.
    std::vector<Pane> live;
    // The most recent final panes, oldest first (bounded; older ones are dropped).
    std::vector<Pane> finals;
    uint64_t finalsDropped = 0; // final panes no longer kept in `finals`
};

} // namespace weir::window
