// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/window/watermark.h"

#include "weir/window/window_spec.h"

#include <algorithm>

namespace weir::window {

WatermarkTracker::WatermarkTracker(int64_t outOfOrderNs, int64_t idleTimeoutNs)
    : m_outOfOrder(std::max<int64_t>(0, outOfOrderNs))
    , m_idleTimeout(idleTimeoutNs) {}

WatermarkTracker::Source &WatermarkTracker::at(SourceId id) {
    if (id.value >= m_sources.size())
        m_sources.resize(size_t{id.value} + 1);
    return m_sources[id.value];
}

TimestampNs WatermarkTracker::sourceWatermark(SourceId id) const {
    if (id.value >= m_sources.size() || !m_sources[id.value].known)
        return kMinTimestamp;
    return TimestampNs{saturatingAdd(m_sources[id.value].maxTime, -m_outOfOrder)};
}

bool WatermarkTracker::isIdle(SourceId id) const {
    return id.value < m_sources.size() && m_sources[id.value].idle;
}

bool WatermarkTracker::recompute() {
    if (m_allEnded)
        return false;
    int64_t active = kMaxTimestamp.value;
    int64_t idle = kMinTimestamp.value;
    bool anyActive = false;
    bool anyIdle = false;
    for (const Source &s : m_sources) {
        if (!s.known || s.ended)
            continue;
        const int64_t wm = saturatingAdd(s.maxTime, -m_outOfOrder);
        if (s.idle) {
            anyIdle = true;
            idle = std::max(idle, wm);
        } else {
            anyActive = true;
            active = std::min(active, wm);
        }
    }
    const int64_t candidate = anyActive ? active : anyIdle ? idle : m_current;
    if (candidate > m_current) {
        m_current = candidate;
        return true;
    }
    return false;
}

bool WatermarkTracker::observeSlow(SourceId id, TimestampNs t, int64_t nowNs) {
    Source &s = at(id);
    s.lastSeen = nowNs;
    bool changed = false;
    if (!s.known || s.idle || s.ended) {
        s.known = true;
        s.idle = false;
        s.ended = false;
        changed = true;
    }
    if (t.value > s.maxTime) {
        s.maxTime = t.value;
        // Only a source whose watermark rises above the pipeline's can lift the minimum.
        changed = changed || saturatingAdd(t.value, -m_outOfOrder) > m_current;
    }
    return changed && recompute();
}

void WatermarkTracker::hold(SourceId id, int64_t nowNs) {
    Source &s = at(id);
    if (s.known && !s.ended && !s.idle)
        return;
    s.known = true;
    s.ended = false;
    s.idle = false;
    s.lastSeen = nowNs;
}

bool WatermarkTracker::endSource(SourceId id) {
    Source &s = at(id);
    s.ended = true;
    return recompute();
}

bool WatermarkTracker::endAll() {
    if (m_allEnded)
        return false;
    m_allEnded = true;
    m_current = kMaxTimestamp.value;
    return true;
}

bool WatermarkTracker::onProcessingTime(int64_t nowNs) {
    if (m_idleTimeout <= 0)
        return false;
    bool changed = false;
    for (Source &s : m_sources) {
        if (s.known && !s.ended && !s.idle && nowNs - s.lastSeen >= m_idleTimeout) {
            s.idle = true;
            changed = true;
        }
    }
    return changed && recompute();
}

} // namespace weir::window
