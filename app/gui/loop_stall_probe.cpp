// SPDX-License-Identifier: GPL-3.0-or-later
#include "loop_stall_probe.h"

#include <algorithm>
#include <cmath>
#include <ctime>

namespace weir::app {

LoopStallProbe::LoopStallProbe(QObject *parent)
    : QObject(parent) {
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(kIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &LoopStallProbe::onTimeout);
}

namespace {

qint64 threadCpuNs() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

} // namespace

void LoopStallProbe::start() {
    m_clock.start();
    m_lastNs = -1;
    m_timer.start();
}

void LoopStallProbe::onTimeout() {
    const qint64 now = m_clock.nsecsElapsed();
    const qint64 cpu = threadCpuNs();
    if (m_lastNs >= 0) {
        m_late.add(std::max<qint64>(0, now - m_lastNs - qint64{kIntervalMs} * 1000000));
        m_busy.add(std::max<qint64>(0, cpu - m_lastCpuNs));
        ++m_samples;
    }
    m_lastNs = now;
    m_lastCpuNs = cpu;
}

void LoopStallProbe::Histogram::add(qint64 ns) {
    maxNs = std::max(maxNs, ns);
    const auto bucket = std::min<qint64>(ns / 1000000, qint64{kBuckets} - 1);
    ++counts[static_cast<size_t>(bucket)];
    ++samples;
}

double LoopStallProbe::Histogram::percentileMs(double fraction) const {
    if (samples == 0)
        return 0;
    const auto rank = static_cast<uint64_t>(std::ceil(fraction * static_cast<double>(samples)));
    uint64_t seen = 0;
    for (size_t i = 0; i < kBuckets; ++i) {
        seen += counts[i];
        if (seen >= std::max<uint64_t>(rank, 1))
            return static_cast<double>(std::min<size_t>(i + 1, kBuckets));
    }
    return static_cast<double>(kBuckets);
}

} // namespace weir::app
