// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <array>
#include <cstdint>

namespace weir::app {

// Measures how responsive the GUI event loop is: a 10 ms timer runs on the GUI thread and each
// timeout records how late it came (the time the loop spent busy beyond the interval: applying
// snapshots, layout, painting). A user feels such a stall as a frozen window. Reported by
// `weir --print-stats`; a measurement, never an assertion. GUI thread only.
class LoopStallProbe final : public QObject {
    Q_OBJECT

public:
    static constexpr int kIntervalMs = 10;

    explicit LoopStallProbe(QObject *parent = nullptr);

    void start();
    void stop() { m_timer.stop(); }

    uint64_t samples() const { return m_samples; }
    double maxMs() const { return static_cast<double>(m_late.maxNs) / 1e6; }
    // Lateness not exceeded by `fraction` (0..1) of the timeouts, in whole ms (an upper bound:
    // the histogram has 1 ms buckets up to kBuckets ms, the last one open-ended).
    double percentileMs(double fraction) const { return m_late.percentileMs(fraction); }
    // The same for the GUI thread's own CPU time between two timeouts: lateness on a busy
    // machine can be other processes holding the core; CPU time is the GUI's own work.
    double busyMaxMs() const { return static_cast<double>(m_busy.maxNs) / 1e6; }
    double busyPercentileMs(double fraction) const { return m_busy.percentileMs(fraction); }

private:
    static constexpr size_t kBuckets = 2048;

    struct Histogram {
        std::array<uint64_t, kBuckets> counts{}; // 1 ms buckets
        uint64_t samples = 0;
        qint64 maxNs = 0;
        void add(qint64 ns);
        double percentileMs(double fraction) const;
    };

    void onTimeout();

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = -1;
    qint64 m_lastCpuNs = -1;
    Histogram m_late; // wall-clock lateness beyond the interval
    Histogram m_busy; // GUI-thread CPU time between two timeouts
    uint64_t m_samples = 0;
};

} // namespace weir::app
