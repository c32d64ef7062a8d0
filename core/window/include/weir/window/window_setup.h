// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/window/window_operator.h"

#include <string>
#include <vector>

namespace weir::window {

// A window pipeline as a user writes it (weir's --window/--key/--agg options and its window
// dialog): every field is text, as typed. Durations as in parseDuration ("10s", "5m", "0").
struct WindowSetupText {
    std::string window; // fixed:60s | sliding:60s/10s | session:30s | global
    std::string keys;   // comma list of fields
    std::string aggs = "count";
    std::string lateness = "0";
    std::string outOfOrder = "0";
    std::string idleTimeout = "0";
    std::string early = "0";
    std::string mode = "accumulating"; // or "discarding"
    std::string dedup;                 // comma list of fields, or "raw"
    std::string dedupTtl = "10m";
};

// The parsed setup: what a window processor needs.
struct WindowSetup {
    WindowOperator::Options op;
    std::vector<std::string> keyFields;
    std::vector<std::string> dedupFields;
    std::string name; // e.g. "fixed:1m by status"
};

// Parses and checks every field. On failure returns false and sets *error to
// "<field>: <reason>", the field being one of window, keys, aggs, lateness, out-of-order,
// idle-timeout, early, mode, dedup, dedup-ttl.
bool parseWindowSetup(const WindowSetupText &text, WindowSetup &out, std::string *error);

} // namespace weir::window
