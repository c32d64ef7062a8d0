// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/engine/engine.h"
#include "weir/query/filter_worker.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <atomic>
#include <memory>

namespace weir::ui {

class EventTableModel;

// The table's filters, scanned off the GUI thread by a query::FilterWorker ("weir-filter"),
// whose published visible-row index is swapped into the EventTableModel when it is ready.
// Two filters at most are enabled at once: the filter bar's expression and the time range
// brushed on a chart. Expressions applied before are kept (disabled, bitmaps kept current,
// at most kKeptFilters), so going back to one of them, or switching the filter off and on,
// recombines bitmaps without a rescan (lnav's design).
//
// Thread contract: GUI thread only. The worker's ready callback only posts a queued call to
// this object; the worker is stopped and joined in the destructor before anything else dies.
class TableFilter final : public QObject {
    Q_OBJECT

public:
    static constexpr int kKeptFilters = 6;
    static constexpr int kProgressIntervalMs = 100;

    explicit TableFilter(EventTableModel *model, QObject *parent = nullptr);
    ~TableFilter() override;

    // Compiles `text` and makes it the table's filter (empty: no expression filter). On a
    // syntax error returns false with the position and reason in *error; nothing changes.
    bool apply(const QString &text, QString *error = nullptr);
    QString text() const { return m_text; }
    // Switches the current expression filter off and on again; never rescans.
    void setExpressionEnabled(bool enabled);
    bool expressionEnabled() const { return m_exprEnabled; }

    // Only events with from <= time <= to (brushing on a chart); clearTimeRange() ends it.
    void setTimeRange(TimestampNs from, TimestampNs to);
    void clearTimeRange();
    bool hasTimeRange() const { return m_rangeId != 0; }

    // Goes back to the filters shown before the edit being scanned (the scan stops).
    void cancel();

    // New data: the worker scans only the rows it has not seen.
    void applySnapshot(const std::shared_ptr<const engine::Snapshot> &snapshot);

    // A scan for the latest edit is running (progress() is meaningful).
    bool isBusy() const { return m_busy; }
    uint64_t progressDone() const { return m_worker->progressDone(); }
    uint64_t progressTotal() const { return m_worker->progressTotal(); }
    // Swaps published results in now instead of waiting for the queued notification (tests).
    void pollNow() { onReady(); }
    // GUI-thread CPU spent handing results to the model since the last call, ms (for pacing).
    double takeApplyCpuMs();

Q_SIGNALS:
    void busyChanged(bool busy);
    // Rows scanned and to scan, every kProgressIntervalMs while busy.
    void progress(qulonglong done, qulonglong total);
    // The model shows the result of the latest edit.
    void applied();

private:
    struct Kept {
        query::FilterWorker::FilterId id;
        QString text;
    };
    void onReady();
    void setBusy(bool busy);
    void afterEdit();
    void feedWorker();
    query::CompileOptions compileOptions() const;

    EventTableModel *m_model;
    std::unique_ptr<query::FilterWorker> m_worker;
    std::shared_ptr<const engine::Snapshot> m_snapshot;
    uint64_t m_fedVersion = 0;
    QList<Kept> m_kept; // most recently used first
    QString m_text;
    query::FilterWorker::FilterId m_exprId = 0; // 0: no expression filter
    bool m_exprEnabled = true;
    query::FilterWorker::FilterId m_rangeId = 0;
    // Undo for cancel(): the expression state before the edit being scanned.
    QString m_prevText;
    query::FilterWorker::FilterId m_prevExprId = 0;
    bool m_prevExprEnabled = true;
    query::FilterWorker::FilterId m_newId = 0;      // added by the edit being scanned
    query::FilterWorker::FilterId m_newRangeId = 0; // likewise, a time range
    uint64_t m_wantEdits = 0;                       // edits the model must reflect
    uint64_t m_modelEdits = 0; // edits reflected by the index in the model (when filtered)
    bool m_modelFiltered = false;
    bool m_busy = false;
    double m_applyCpuMs = 0;
    QTimer m_progressTimer;
    std::atomic<bool> m_notified{false}; // a queued onReady() is pending
};

} // namespace weir::ui
