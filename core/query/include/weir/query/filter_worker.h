// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/query/filter_set.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace weir::query {

// A FilterSet on its own thread ("weir-filter"), for a table that must never wait for a scan.
// The UI thread edits filters and hands over new engine snapshots; the worker scans in the
// background and publishes an immutable visible-row index with a generation number.
//
// Thread contract: every public method may be called from any thread. Filter edits cancel a
// running scan (the rows already scanned are kept, so nothing is lost) and are applied before
// the next one; a new snapshot does not cancel, it is picked up when the current scan ends.
// The ready callback runs on the worker thread: it must be cheap and must not block (post to
// the UI thread, which then calls latest()). The destructor cancels and joins the thread.
class FilterWorker {
public:
    using FilterId = FilterSet::FilterId;
    using Mode = FilterSet::Mode;

    FilterWorker();
    ~FilterWorker();
    FilterWorker(const FilterWorker &) = delete;
    FilterWorker &operator=(const FilterWorker &) = delete;

    FilterId addFilter(Query query, Mode mode = Mode::Include, bool enabled = true);
    void removeFilter(FilterId id);
    void setEnabled(FilterId id, bool enabled);
    void setMode(FilterId id, Mode mode);

    // New data to filter (a later snapshot of the same store).
    void setSnapshot(store::StoreSnapshot snapshot, SourceCatalog catalog);

    // The last published index (never null; empty before the first snapshot). With
    // `editsApplied`, also the number of filter edits (add, remove, enable, mode) it reflects:
    // a UI compares it with editsPosted() to tell a result of the current filters from a
    // stale one, and two results with the same count differ only by appended/evicted rows.
    std::shared_ptr<const VisibleRows> latest(uint64_t *editsApplied = nullptr) const;
    // Filter edits handed over so far.
    uint64_t editsPosted() const;
    // Incremented at each publication.
    uint64_t generation() const { return m_generation.load(std::memory_order_acquire); }
    // Rows scanned and to scan in the current round (for a progress bar).
    uint64_t progressDone() const { return m_done.load(std::memory_order_relaxed); }
    uint64_t progressTotal() const { return m_total.load(std::memory_order_relaxed); }

    // fn(generation) after each publication, on the worker thread.
    void setReadyCallback(std::function<void(uint64_t)> fn);

    // Waits until every edit and snapshot handed over so far is published (tests, CLI).
    bool waitIdle(std::chrono::milliseconds timeout) const;

private:
    void run();
    void post(std::function<void(FilterSet &)> op, bool cancelScan);

    mutable std::mutex m_mutex; // guards everything below except the atomics
    mutable std::condition_variable m_cv;
    std::vector<std::function<void(FilterSet &)>> m_ops;
    bool m_hasSnapshot = false;
    bool m_newSnapshot = false;
    store::StoreSnapshot m_snapshot;
    SourceCatalog m_catalog;
    std::shared_ptr<const VisibleRows> m_latest;
    std::function<void(uint64_t)> m_ready;
    bool m_busy = false;
    bool m_stop = false;
    FilterId m_nextId = 1;
    uint64_t m_editsPosted = 0;  // edits pushed into m_ops so far
    uint64_t m_editsApplied = 0; // edits reflected by m_latest

    std::atomic<bool> m_cancel{false};
    std::atomic<uint64_t> m_generation{0};
    std::atomic<uint64_t> m_done{0};
    std::atomic<uint64_t> m_total{0};
    std::thread m_thread; // last member: started after everything above exists
};

} // namespace weir::query
