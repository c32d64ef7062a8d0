// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/engine/engine.h"

#include <QStatusBar>

class QLabel;

namespace weir::ui {

// Engine counters at a glance: rate, totals, dead letters, dropped, evicted, memory, rows.
// Every label is plain text. GUI thread only.
class EngineStatusBar final : public QStatusBar {
    Q_OBJECT

public:
    explicit EngineStatusBar(QWidget *parent = nullptr);

    void applyStats(const engine::EngineStats &stats, int rows);
    // One short line on the inputs: "access.log: replaying", "demo: live", errors.
    void applySources(const std::vector<engine::SourceStatus> &sources);
    QString sourcesText() const;
    QString summaryText() const; // all labels joined, for tests and logs

private:
    QLabel *addLabel(const QString &toolTip);

    QLabel *m_sources;
    QLabel *m_rate;
    QLabel *m_events;
    QLabel *m_rows;
    QLabel *m_dead;
    QLabel *m_dropped;
    QLabel *m_evicted;
    QLabel *m_memory;
};

} // namespace weir::ui
