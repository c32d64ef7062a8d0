// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/common/types.h"

#include <array>
#include <cstdint>
#include <deque>
#include <string_view>

namespace weir::engine {

// Event counts per event-time bucket and class (HTTP status class, else severity), for the
// events-per-second chart. Bounded: at most kMaxBuckets buckets; when the span outgrows them
// the bucket width doubles (pairs merge) up to maxBucketNs, beyond which the oldest buckets
// slide out. Engine thread writes; copies are handed to readers.
class RateTimeline {
public:
    static constexpr size_t kClasses = 15; // 1xx..5xx, then one per Severity
    static constexpr size_t kMaxBuckets = 600;
    using Counts = std::array<uint32_t, kClasses>;

    explicit RateTimeline(int64_t bucketNs = kNsPerSecond, int64_t maxBucketNs = kNsPerHour);

    static size_t classOf(uint16_t status, Severity severity) {
        if (status >= 100 && status < 600)
            return status / 100 - 1;
        return 5 + static_cast<size_t>(severity) % 10;
    }
    static std::string_view className(size_t cls);

    void add(TimestampNs t, size_t cls) {
        // Hot path: consecutive events mostly fall into the bucket the previous one hit.
        if (t.value >= m_hot.start && t.value < m_hot.end && cls < kClasses) {
            m_seen[cls] = true;
            ++(*m_hot.counts)[cls];
            return;
        }
        addSlow(t, cls);
    }

    int64_t bucketNs() const { return m_bucketNs; }
    // Start time of bucket i.
    TimestampNs bucketStart(size_t i) const {
        return TimestampNs{m_firstBucket + static_cast<int64_t>(i) * m_bucketNs};
    }
    size_t size() const { return m_buckets.size(); }
    const Counts &bucket(size_t i) const { return m_buckets[i]; }
    // Which classes ever had an event.
    const std::array<bool, kClasses> &classesSeen() const { return m_seen; }
    uint64_t outOfRange() const { return m_outOfRange; }

private:
    void addSlow(TimestampNs t, size_t cls);
    void coarsen();

    int64_t m_bucketNs;
    int64_t m_maxBucketNs;
    int64_t m_firstBucket = 0; // start of bucket 0, a multiple of m_bucketNs
    std::deque<Counts> m_buckets;
    std::array<bool, kClasses> m_seen{};
    uint64_t m_outOfRange = 0;
    // The bucket the last add() hit, covering [start, end) in event time (an empty range when
    // unknown). Copies start empty: the pointer is into this object's own deque.
    struct HotBucket {
        int64_t start = 0;
        int64_t end = 0;
        Counts *counts = nullptr;

        HotBucket() = default;
        HotBucket(const HotBucket &) {}
        HotBucket &operator=(const HotBucket &) {
            start = end = 0;
            counts = nullptr;
            return *this;
        }
    };
    HotBucket m_hot;
};

} // namespace weir::engine
