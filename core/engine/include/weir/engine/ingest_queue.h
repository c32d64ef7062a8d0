// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/source/source.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace weir::engine {

// Bounded queue between one source thread (producer) and the engine thread (consumer).
// Bounded in bytes; a batch is always accepted into an empty queue so that a single batch
// larger than the limit cannot deadlock. Everything refused is counted.
class IngestQueue final : public source::IngestSink {
public:
    struct Counters {
        uint64_t batches = 0;
        uint64_t bytes = 0;
        uint64_t droppedBatches = 0;
        uint64_t droppedMessages = 0;
        uint64_t droppedBytes = 0;
        uint64_t backpressureWaits = 0; // pushWait calls that had to wait for room
        size_t queuedBytes = 0;
    };

    // `wake` is called (without the queue lock held) when the queue goes from empty to
    // non-empty. It must not block.
    IngestQueue(size_t maxBytes, std::function<void()> wake);

    bool pushWait(source::RawBatch &&batch) override;
    bool tryPush(source::RawBatch &&batch) override;
    bool stopping() const override { return m_stopping.load(std::memory_order_relaxed); }
    std::string takeBuffer() override;
    // Consumer: hands a processed batch's buffer back for reuse (a few are kept).
    void recycle(std::string &&buffer);

    // Consumer: takes everything queued.
    void popAll(std::deque<source::RawBatch> &out);
    // Makes pushWait return false and wakes every waiting producer.
    void close();
    Counters counters() const;

private:
    bool pushLocked(std::unique_lock<std::mutex> &lock, source::RawBatch &&batch);
    static size_t costOf(const source::RawBatch &b) { return b.bytes().size() + 64; }

    const size_t m_maxBytes;
    std::function<void()> m_wake;
    mutable std::mutex m_mutex;
    std::condition_variable m_room;
    std::deque<source::RawBatch> m_queue;
    std::vector<std::string> m_spare;
    Counters m_counters;
    std::atomic<bool> m_stopping{false};
};

} // namespace weir::engine
