// SPDX-License-Identifier: GPL-3.0-or-later
#include "models/update_pacer.h"

#include <algorithm>
#include <cmath>
#include <ctime>

namespace weir::ui {

void UpdatePacer::recordUpdate(qint64 startMs, double costMs) {
    m_lastStartMs = startMs;
    if (m_share <= 0 || !(costMs > 0)) {
        m_intervalMs = 0;
        return;
    }
    const double wait = costMs * (1.0 / m_share - 1.0);
    m_intervalMs = std::min<qint64>(kMaxDelayMs, static_cast<qint64>(std::ceil(wait)));
}

double UpdatePacer::threadCpuMs() {
    timespec t{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

qint64 UpdatePacer::delayMs(qint64 nowMs) const {
    const qint64 due = m_lastStartMs + m_intervalMs;
    return m_intervalMs <= 0 || nowMs >= due ? 0 : due - nowMs;
}

} // namespace weir::ui
