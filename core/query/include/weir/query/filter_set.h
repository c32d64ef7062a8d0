// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/query/match_bitmap.h"
#include "weir/query/query.h"
#include "weir/query/scanner.h"
#include "weir/query/visible_rows.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace weir::query {

// The filters of one table, each with its own match bitmap (lnav's design): a row is visible
// when it matches every enabled Include filter and no enabled Exclude filter. Toggling,
// removing or changing the mode of a filter recombines the kept bitmaps word by word (about
// 0.2 ms per 10 M rows) and never rescans. New events are scanned once per filter, only the
// rows appended since the last update; evicted rows are dropped from the bitmaps' front.
// Disabled filters are kept up to date too, so switching them back on is also instant.
//
// Thread contract: owned by one thread (the filter worker); visibleRows() returns an
// immutable value that may be handed to the UI thread.
class FilterSet {
public:
    using FilterId = uint32_t;
    enum class Mode : uint8_t { Include, Exclude };

    FilterId add(Query query, Mode mode = Mode::Include, bool enabled = true);
    bool remove(FilterId id);
    bool setEnabled(FilterId id, bool enabled);
    bool setMode(FilterId id, Mode mode);
    size_t size() const { return m_filters.size(); }

    // Brings every filter's bitmap up to `snapshot`: drops evicted rows, scans the rows no
    // bitmap has seen. Returns false when cancelled (work done so far is kept; the next
    // update resumes from there). Progress counts rows over all filters.
    bool update(const store::StoreSnapshot &snapshot, const SourceCatalog &catalog,
                const ScanControl &control = {});

    // Combination of the enabled filters' bitmaps, over the range every enabled filter has
    // scanned. No scan. With no enabled filter: every row of the last snapshot seen.
    VisibleRows visibleRows() const;

    // The filter's own matches (nullptr for an unknown id).
    const MatchBitmap *matches(FilterId id) const;

    size_t memoryBytes() const;

private:
    struct Filter {
        FilterId id;
        Query query;
        Mode mode;
        bool enabled;
        MatchBitmap bits; // covers [first, scanned end)
        bool started = false;
    };
    Filter *find(FilterId id);

    std::vector<Filter> m_filters;
    FilterId m_nextId = 1;
    uint64_t m_first = 0;
    uint64_t m_end = 0;
};

} // namespace weir::query
