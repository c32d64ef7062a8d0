// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/query/filter_worker.h"

#include <pthread.h>

namespace weir::query {

FilterWorker::FilterWorker()
    : m_latest(std::make_shared<const VisibleRows>()) {
    m_thread = std::thread([this] { run(); });
}

FilterWorker::~FilterWorker() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_cancel = true;
    m_cv.notify_all();
    m_thread.join();
}

void FilterWorker::post(std::function<void(FilterSet &)> op, bool cancelScan) {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_ops.push_back(std::move(op));
        ++m_editsPosted;
    }
    if (cancelScan)
        m_cancel = true;
    m_cv.notify_all();
}

FilterWorker::FilterId FilterWorker::addFilter(Query query, Mode mode, bool enabled) {
    FilterId id;
    {
        // FilterSet numbers filters 1, 2, ... in the order they are added, like m_nextId; the
        // id and the edit are taken under one lock so both orders agree.
        std::lock_guard<std::mutex> lock(m_mutex);
        id = m_nextId++;
        ++m_editsPosted;
        m_ops.push_back(
            [q = std::move(query), mode, enabled](FilterSet &fs) { fs.add(q, mode, enabled); });
    }
    m_cancel = true;
    m_cv.notify_all();
    return id;
}

void FilterWorker::removeFilter(FilterId id) {
    post([id](FilterSet &fs) { fs.remove(id); }, true);
}

void FilterWorker::setEnabled(FilterId id, bool enabled) {
    post([id, enabled](FilterSet &fs) { fs.setEnabled(id, enabled); }, true);
}

void FilterWorker::setMode(FilterId id, Mode mode) {
    post([id, mode](FilterSet &fs) { fs.setMode(id, mode); }, true);
}

void FilterWorker::setSnapshot(store::StoreSnapshot snapshot, SourceCatalog catalog) {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_snapshot = std::move(snapshot);
        m_catalog = std::move(catalog);
        m_hasSnapshot = true;
        m_newSnapshot = true;
    }
    m_cv.notify_all();
}

std::shared_ptr<const VisibleRows> FilterWorker::latest(uint64_t *editsApplied) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (editsApplied)
        *editsApplied = m_editsApplied;
    return m_latest;
}

uint64_t FilterWorker::editsPosted() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_editsPosted;
}

void FilterWorker::setReadyCallback(std::function<void(uint64_t)> fn) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_ready = std::move(fn);
}

bool FilterWorker::waitIdle(std::chrono::milliseconds timeout) const {
    std::unique_lock<std::mutex> lock(m_mutex);
    return m_cv.wait_for(lock, timeout,
                         [&] { return m_stop || (!m_busy && m_ops.empty() && !m_newSnapshot); });
}

void FilterWorker::run() {
    pthread_setname_np(pthread_self(), "weir-filter");
    FilterSet filters; // worker thread only
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
        m_cv.wait(lock, [&] { return m_stop || !m_ops.empty() || m_newSnapshot; });
        if (m_stop)
            return;
        auto ops = std::move(m_ops);
        m_ops.clear();
        const uint64_t edits = m_editsPosted; // every edit posted so far is in `ops` or done
        m_newSnapshot = false;
        const bool hasSnapshot = m_hasSnapshot;
        store::StoreSnapshot snapshot = m_snapshot; // cheap: chunk pointers
        SourceCatalog catalog = m_catalog;
        m_busy = true;
        m_cancel = false;
        lock.unlock();

        for (auto &op : ops)
            op(filters);
        bool complete = true;
        if (hasSnapshot) {
            ScanControl control;
            control.cancel = &m_cancel;
            control.progressStep = uint64_t{1} << 18;
            m_done = 0;
            control.progress = [this](uint64_t done, uint64_t total) {
                m_done.store(done, std::memory_order_relaxed);
                m_total.store(total, std::memory_order_relaxed);
            };
            complete = filters.update(snapshot, catalog, control);
        }
        auto published =
            complete ? std::make_shared<const VisibleRows>(filters.visibleRows()) : nullptr;

        lock.lock();
        std::function<void(uint64_t)> ready;
        uint64_t generation = 0;
        if (published) {
            m_latest = std::move(published);
            m_editsApplied = edits;
            generation = m_generation.fetch_add(1, std::memory_order_acq_rel) + 1;
            ready = m_ready;
        } else if (!m_stop && m_ops.empty()) {
            // Cancelled without a new edit (cannot normally happen): scan again.
            m_newSnapshot = true;
        }
        // The callback runs without the lock (it may call latest()), and before the worker
        // counts as idle: waitIdle() returns only after every publication's callback ran.
        if (ready) {
            lock.unlock();
            ready(generation);
            lock.lock();
        }
        m_busy = false;
        m_cv.notify_all();
    }
}

} // namespace weir::query
