// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

namespace weir::ui {

// Paces an update whose cost grows with the data (inserting rows into a QTableView: Qt's
// QHeaderView keeps one item per row and recomputes every row's position after each insert,
// O(rows)). After an update that cost `c` ms of GUI-thread CPU, the next one waits
// c * (1 / share - 1) ms (at most kMaxDelayMs), so such updates take at most about `share` of
// the GUI thread however many rows there are; cheap updates (small tables) are not delayed.
// Plain value type, no clock of its own: callers pass their times. GUI thread only.
class UpdatePacer {
public:
    static constexpr qint64 kMaxDelayMs = 1000;

    // share in (0, 1]; 0 or less: never delay.
    explicit UpdatePacer(double share = 0) { setShare(share); }
    void setShare(double share) { m_share = share > 1 ? 1 : share; }
    double share() const { return m_share; }

    // An update ran from startMs (on the caller's monotonic clock) and cost costMs of CPU.
    void recordUpdate(qint64 startMs, double costMs);
    // How long after nowMs the next update should wait (0: run it now).
    qint64 delayMs(qint64 nowMs) const;
    // The wait after the last update (0 before any).
    qint64 intervalMs() const { return m_intervalMs; }

    // CPU time of the calling thread, ms (to measure an update's cost).
    static double threadCpuMs();

private:
    double m_share = 0;
    qint64 m_lastStartMs = 0;
    qint64 m_intervalMs = 0;
};

} // namespace weir::ui
