// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/engine/rate_timeline.h"

#include <algorithm>

namespace weir::engine {

namespace {
int64_t floorTo(int64_t t, int64_t w) {
    const int64_t q = t / w;
    return (t % w < 0 ? q - 1 : q) * w;
}
} // namespace

RateTimeline::RateTimeline(int64_t bucketNs, int64_t maxBucketNs)
    : m_bucketNs(std::max<int64_t>(bucketNs, 1))
    , m_maxBucketNs(std::max(maxBucketNs, m_bucketNs)) {}

std::string_view RateTimeline::className(size_t cls) {
    static constexpr std::array<std::string_view, 5> kStatus = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    if (cls < 5)
        return kStatus[cls];
    const auto s = static_cast<Severity>(cls - 5);
    return s == Severity::Unknown ? std::string_view("other") : severityName(s);
}

void RateTimeline::coarsen() {
    const int64_t wide = m_bucketNs * 2;
    const int64_t newFirst = floorTo(m_firstBucket, wide);
    std::deque<Counts> merged;
    for (size_t i = 0; i < m_buckets.size(); ++i) {
        const int64_t start = m_firstBucket + static_cast<int64_t>(i) * m_bucketNs;
        const auto slot = static_cast<size_t>((start - newFirst) / wide);
        if (merged.size() <= slot)
            merged.resize(slot + 1, Counts{});
        for (size_t c = 0; c < kClasses; ++c)
            merged[slot][c] += m_buckets[i][c];
    }
    m_buckets.swap(merged);
    m_firstBucket = newFirst;
    m_bucketNs = wide;
}

void RateTimeline::addSlow(TimestampNs t, size_t cls) {
    if (cls >= kClasses)
        return;
    m_seen[cls] = true;
    if (m_buckets.empty()) {
        m_firstBucket = floorTo(t.value, m_bucketNs);
        m_buckets.emplace_back(Counts{});
    }
    // Before the first bucket: grow backwards only into free slots; never coarsen or slide
    // for data older than what is shown (a stray old timestamp must not blur the chart).
    if (t.value < m_firstBucket) {
        const int64_t need = (m_firstBucket - t.value + m_bucketNs - 1) / m_bucketNs;
        if (need > static_cast<int64_t>(kMaxBuckets - m_buckets.size())) {
            ++m_outOfRange;
            return;
        }
        m_buckets.insert(m_buckets.begin(), static_cast<size_t>(need), Counts{});
        m_firstBucket -= need * m_bucketNs;
    }
    int64_t index = (t.value - m_firstBucket) / m_bucketNs;
    while (index >= static_cast<int64_t>(kMaxBuckets)) {
        if (m_bucketNs * 2 <= m_maxBucketNs) {
            coarsen();
        } else {
            // Slide: drop the oldest buckets.
            const int64_t drop = index - static_cast<int64_t>(kMaxBuckets) + 1;
            for (int64_t i = 0; i < drop && !m_buckets.empty(); ++i)
                m_buckets.pop_front();
            m_firstBucket += drop * m_bucketNs;
            if (m_buckets.empty()) {
                m_firstBucket = floorTo(t.value, m_bucketNs);
            }
        }
        index = (t.value - m_firstBucket) / m_bucketNs;
    }
    if (static_cast<size_t>(index) >= m_buckets.size())
        m_buckets.resize(static_cast<size_t>(index) + 1, Counts{});
    ++m_buckets[static_cast<size_t>(index)][cls];
    // Remember this bucket for the hot path. Every change to m_buckets happens above, in this
    // function, so the pointer stays valid until the next call that reaches it.
    m_hot.counts = &m_buckets[static_cast<size_t>(index)];
    m_hot.start = m_firstBucket + index * m_bucketNs;
    if (__builtin_add_overflow(m_hot.start, m_bucketNs, &m_hot.end))
        m_hot.end = m_hot.start; // at the edge of time: no hot bucket
}

} // namespace weir::engine
