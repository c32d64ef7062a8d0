// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/common/types.h"

#include <cstdint>
#include <vector>

namespace weir::window {

// Event-time watermarks. A source's watermark is the largest event time it has produced minus
// the out-of-orderness bound: events below it are late. The pipeline watermark is the minimum
// over active sources; a source that produced nothing for `idleTimeout` of processing time
// stops holding it back (until it produces again), and an ended source no longer counts. With
// no active source the watermark holds (or follows the idle ones); endAll() moves it to
// +infinity (kMaxTimestamp) at the end of bounded input. The pipeline watermark never moves
// backwards. Not thread-safe: one owner thread.
class WatermarkTracker {
public:
    WatermarkTracker(int64_t outOfOrderNs, int64_t idleTimeoutNs);

    // Each returns true when the pipeline watermark advanced. `nowNs` is processing time
    // (monotonic ns); it only matters for idleness.
    bool observe(SourceId source, TimestampNs eventTime, int64_t nowNs) {
        // The per-event case inline: a known, active source; most events do not raise its
        // maximum past the pipeline watermark, and with one source no scan is needed.
        if (source.value < m_sources.size()) {
            Source &s = m_sources[source.value];
            if (s.known && !s.idle && !s.ended) {
                s.lastSeen = nowNs;
                if (eventTime.value <= s.maxTime)
                    return false;
                s.maxTime = eventTime.value;
                const int64_t wm = sourceWatermarkOf(s.maxTime);
                if (wm <= m_current)
                    return false;
                if (m_sources.size() > 1 || m_allEnded)
                    return recompute();
                m_current = wm;
                return true;
            }
        }
        return observeSlow(source, eventTime, nowNs);
    }
    bool endSource(SourceId source);
    // Registers a source that has produced nothing yet but must hold the watermark back from
    // now on (a newly assigned Kafka partition) until it produces, ends or goes idle.
    void hold(SourceId source, int64_t nowNs);
    bool endAll();
    bool onProcessingTime(int64_t nowNs);

    TimestampNs current() const { return TimestampNs{m_current}; }
    // kMinTimestamp for a source that produced nothing yet.
    TimestampNs sourceWatermark(SourceId source) const;
    bool isIdle(SourceId source) const;
    int64_t outOfOrder() const { return m_outOfOrder; }

private:
    struct Source {
        int64_t maxTime = kMinTimestamp.value;
        int64_t lastSeen = 0;
        bool known = false;
        bool idle = false;
        bool ended = false;
    };
    bool recompute();
    bool observeSlow(SourceId source, TimestampNs eventTime, int64_t nowNs);
    Source &at(SourceId id);
    // maxTime - outOfOrder, clamped at the int64 range (as saturatingAdd does).
    int64_t sourceWatermarkOf(int64_t maxTime) const {
        return maxTime < kMinTimestamp.value + m_outOfOrder ? kMinTimestamp.value
                                                            : maxTime - m_outOfOrder;
    }

    int64_t m_outOfOrder;
    int64_t m_idleTimeout;
    std::vector<Source> m_sources;
    int64_t m_current = kMinTimestamp.value;
    bool m_allEnded = false;
};

} // namespace weir::window
