// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/engine/ingest_queue.h"

namespace weir::engine {

IngestQueue::IngestQueue(size_t maxBytes, std::function<void()> wake)
    : m_maxBytes(maxBytes)
    , m_wake(std::move(wake)) {}

bool IngestQueue::pushLocked(std::unique_lock<std::mutex> &lock, source::RawBatch &&batch) {
    const bool wasEmpty = m_queue.empty();
    m_counters.queuedBytes += costOf(batch);
    m_counters.batches += 1;
    m_counters.bytes += batch.bytes().size();
    m_queue.push_back(std::move(batch));
    lock.unlock();
    if (wasEmpty && m_wake)
        m_wake();
    return true;
}

bool IngestQueue::pushWait(source::RawBatch &&batch) {
    std::unique_lock<std::mutex> lock(m_mutex);
    const size_t cost = costOf(batch);
    if (!m_queue.empty() && m_counters.queuedBytes + cost > m_maxBytes) {
        ++m_counters.backpressureWaits;
        m_room.wait(lock, [&] {
            return m_stopping.load() || m_queue.empty() ||
                   m_counters.queuedBytes + cost <= m_maxBytes;
        });
    }
    if (m_stopping)
        return false;
    return pushLocked(lock, std::move(batch));
}

bool IngestQueue::tryPush(source::RawBatch &&batch) {
    std::unique_lock<std::mutex> lock(m_mutex);
    if (m_stopping)
        return false;
    if (!m_queue.empty() && m_counters.queuedBytes + costOf(batch) > m_maxBytes) {
        ++m_counters.droppedBatches;
        m_counters.droppedBytes += batch.bytes().size();
        m_counters.droppedMessages += batch.messages.empty() ? 1 : batch.messages.size();
        return false;
    }
    return pushLocked(lock, std::move(batch));
}

void IngestQueue::popAll(std::deque<source::RawBatch> &out) {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        out.swap(m_queue);
        m_counters.queuedBytes = 0;
    }
    m_room.notify_all();
}

void IngestQueue::close() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
    }
    m_room.notify_all();
}

std::string IngestQueue::takeBuffer() {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_spare.empty())
        return {};
    std::string b = std::move(m_spare.back());
    m_spare.pop_back();
    b.clear();
    return b;
}

void IngestQueue::recycle(std::string &&buffer) {
    constexpr size_t kMaxSpare = 16;
    if (buffer.capacity() < 4096)
        return;
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_spare.size() < kMaxSpare)
        m_spare.push_back(std::move(buffer));
}

IngestQueue::Counters IngestQueue::counters() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_counters;
}

} // namespace weir::engine
