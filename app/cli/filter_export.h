// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// weir-cli wiring for --filter and --events-out: the filtered rows of the final snapshot,
// written headless once the replay finished.
#include "weir/engine/engine.h"

#include <functional>
#include <string>

namespace weir::cli {

extern const char kFilterExportUsage[];

struct FilterExportOptions {
    std::string filter; // empty: every event
    bool hasFilter = false;
    std::string eventsOut; // FILE.jsonl | FILE.ndjson | FILE.json | FILE.csv | '-' (stdout)
};

// Consumes argv[i] (and its value through `next`) if it is --filter or --events-out. A filter
// with a syntax error is reported through `fail` (which does not return) at once, before any
// input is read.
bool parseFilterExportOption(const std::string &arg, const std::function<const char *()> &next,
                             FilterExportOptions &o,
                             const std::function<void(const std::string &)> &fail);

// Runs after the replay over the final snapshot. `last N` in the filter is relative to the
// newest event time seen. Returns 0, or 1 with a message on stderr when writing failed.
int runFilterExport(const FilterExportOptions &o, const engine::Snapshot &snapshot);

} // namespace weir::cli
