// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/query/query.h"
#include "weir/query/visible_rows.h"
#include "weir/store/event_store.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace weir::series {

struct ValueCount {
    std::string value;
    uint64_t count = 0;
};

struct TopValues {
    std::vector<ValueCount> top; // most frequent first, ties by value
    uint64_t other = 0;          // rows with a value outside the top
    uint64_t missing = 0;        // rows without the field (or not parsed)
    uint64_t scanned = 0;        // rows looked at
    bool cancelled = false;
};

// The `n` most frequent values of field `field` over the newest `maxRows` visible rows (all
// when 0). "status", "level" and "source" are the record's own fields (no parsing); other
// names are parsed with each channel's decoder. Distinct values are capped (kMaxDistinct):
// once reached, new values count as `other`. Runs on the caller's thread (a worker); polls
// `cancel` every few thousand rows.
TopValues topValues(const store::StoreSnapshot &snapshot, const query::SourceCatalog &catalog,
                    const query::VisibleRows &rows, std::string_view field, size_t n,
                    uint64_t maxRows = 0, const std::atomic<bool> *cancel = nullptr);

constexpr size_t kMaxDistinct = 100000;

} // namespace weir::series
