// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/series/decimate.h"
#include "weir/window/window_results.h"

#include <cstddef>
#include <string>
#include <vector>

namespace weir::series {

// One aggregate of a window pipeline's results, ready to draw: one line per key for the top-N
// keys, a point per window at its end time (ms since the epoch) with the value of the latest
// pane of that window and key, and the EARLY and LATE points apart so they can be marked.
struct WindowSeries {
    struct Key {
        std::string key;           // as published (untrusted text)
        double total = 0;          // sum of |value| over its windows: the ranking
        std::vector<Point> points; // by window end; min/max-decimated when longer than asked
    };
    std::vector<Key> keys;    // the top-N, largest total first, ties by key text
    std::vector<Point> early; // drawn keys' latest panes that are EARLY (speculative)
    std::vector<Point> late;  // drawn keys' latest panes that are LATE
    size_t keyCount = 0;      // keys with at least one numeric value (drawn or not)
    // Bounds of every drawn point (xMin > xMax when there is none).
    double xMin = 0;
    double xMax = -1;
    double yMin = 0;
    double yMax = 0;
};

// Builds the series of aggregate `aggregate` (index into results.aggregates) from the final
// panes then the live ones (a live pane is newer than a final of the same window and key, and
// of two panes of one window and key the later one wins). Non-numeric and non-finite values
// and windows without a finite end are skipped. Each drawn key keeps at most 2 * `columns`
// points (decimateMinMax over its whole time range); `columns` 0 keeps every point.
// Pure function: any thread; the GUI calls it for the chart on its thread.
WindowSeries windowSeries(const window::WindowResults &results, size_t aggregate, size_t topN,
                          size_t columns = 2000);

} // namespace weir::series
