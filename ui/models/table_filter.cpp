// SPDX-License-Identifier: GPL-3.0-or-later
#include "models/table_filter.h"

#include "models/event_table_model.h"
#include "models/update_pacer.h"
#include "weir/common/time_util.h"

#include <QMetaObject>

namespace weir::ui {

TableFilter::TableFilter(EventTableModel *model, QObject *parent)
    : QObject(parent)
    , m_model(model)
    , m_worker(std::make_unique<query::FilterWorker>()) {
    // Worker thread: only posts (coalesced) to the GUI thread.
    m_worker->setReadyCallback([this](uint64_t) {
        if (!m_notified.exchange(true))
            QMetaObject::invokeMethod(
                this, [this] { onReady(); }, Qt::QueuedConnection);
    });
    m_progressTimer.setInterval(kProgressIntervalMs);
    connect(&m_progressTimer, &QTimer::timeout, this,
            [this] { Q_EMIT progress(m_worker->progressDone(), m_worker->progressTotal()); });
}

TableFilter::~TableFilter() {
    m_worker.reset(); // cancels and joins: no callback after this line
}

query::CompileOptions TableFilter::compileOptions() const {
    query::CompileOptions co;
    // `last 5m` is relative to the newest event (the wall clock for live data, in effect).
    if (m_snapshot && m_snapshot->stats.maxEventTime != kMinTimestamp)
        co.now = m_snapshot->stats.maxEventTime;
    return co;
}

void TableFilter::feedWorker() {
    if (!m_snapshot || m_snapshot->version == m_fedVersion)
        return;
    m_fedVersion = m_snapshot->version;
    m_worker->setSnapshot(m_snapshot->events, catalogOf(*m_snapshot));
}

void TableFilter::applySnapshot(const std::shared_ptr<const engine::Snapshot> &snapshot) {
    if (!snapshot)
        return;
    m_snapshot = snapshot;
    if (!m_kept.isEmpty() || m_rangeId != 0)
        feedWorker();
}

bool TableFilter::apply(const QString &input, QString *error) {
    const QString text = input.trimmed();
    std::optional<query::Query> compiled;
    if (!text.isEmpty()) {
        query::QueryError err;
        compiled = query::Query::compile(text.toStdString(), compileOptions(), &err);
        if (!compiled) {
            if (error)
                *error = QString::fromStdString(err.toString());
            return false;
        }
    }
    feedWorker();
    m_prevText = m_text;
    m_prevExprId = m_exprId;
    m_prevExprEnabled = m_exprEnabled;
    m_newId = 0;
    m_newRangeId = 0;

    query::FilterWorker::FilterId id = 0;
    if (compiled) {
        for (int i = 0; i < m_kept.size(); ++i) {
            if (m_kept[i].text == text) {
                id = m_kept[i].id;
                m_kept.move(i, 0);
                break;
            }
        }
    }
    if (m_exprId != 0 && m_exprId != id && m_exprEnabled)
        m_worker->setEnabled(m_exprId, false);
    if (id != 0) {
        m_worker->setEnabled(id, true);
    } else if (compiled) {
        id = m_worker->addFilter(*compiled, query::FilterWorker::Mode::Include, true);
        m_newId = id;
        m_kept.prepend({id, text});
        while (m_kept.size() > kKeptFilters) {
            m_worker->removeFilter(m_kept.back().id);
            m_kept.removeLast();
        }
    }
    m_exprId = id;
    m_exprEnabled = true;
    m_text = text;
    afterEdit();
    return true;
}

void TableFilter::setExpressionEnabled(bool enabled) {
    if (enabled == m_exprEnabled)
        return;
    m_prevText = m_text;
    m_prevExprId = m_exprId;
    m_prevExprEnabled = m_exprEnabled;
    m_newId = m_newRangeId = 0;
    m_exprEnabled = enabled;
    if (m_exprId != 0)
        m_worker->setEnabled(m_exprId, enabled);
    afterEdit();
}

void TableFilter::setTimeRange(TimestampNs from, TimestampNs to) {
    if (to.value < from.value)
        std::swap(from, to);
    const std::string text = "time>=\"" + formatRfc3339Ms(from) + "\" and time<=\"" +
                             formatRfc3339Ms(TimestampNs{to.value + kNsPerMs - 1}) + "\"";
    auto q = query::Query::compile(text);
    if (!q)
        return;
    feedWorker();
    m_prevText = m_text;
    m_prevExprId = m_exprId;
    m_prevExprEnabled = m_exprEnabled;
    m_newId = 0;
    if (m_rangeId != 0)
        m_worker->removeFilter(m_rangeId);
    m_rangeId = m_worker->addFilter(*q);
    m_newRangeId = m_rangeId;
    afterEdit();
}

void TableFilter::clearTimeRange() {
    if (m_rangeId == 0)
        return;
    m_worker->removeFilter(m_rangeId);
    m_rangeId = m_newRangeId = m_newId = 0;
    afterEdit();
}

void TableFilter::cancel() {
    if (!m_busy)
        return;
    if (m_newRangeId != 0) {
        m_worker->removeFilter(m_newRangeId);
        m_rangeId = m_newRangeId = 0;
    }
    if (m_newId != 0) {
        m_worker->removeFilter(m_newId);
        for (int i = 0; i < m_kept.size(); ++i) {
            if (m_kept[i].id == m_newId) {
                m_kept.removeAt(i);
                break;
            }
        }
        m_newId = 0;
    } else if (m_exprId != 0 && m_exprId != m_prevExprId) {
        m_worker->setEnabled(m_exprId, false);
    }
    if (m_prevExprId != 0)
        m_worker->setEnabled(m_prevExprId, m_prevExprEnabled);
    m_exprId = m_prevExprId;
    m_exprEnabled = m_prevExprEnabled;
    m_text = m_prevText;
    afterEdit();
}

void TableFilter::afterEdit() {
    m_wantEdits = m_worker->editsPosted();
    const bool anyEnabled = (m_exprId != 0 && m_exprEnabled) || m_rangeId != 0;
    if (!anyEnabled) {
        // No filter: the model follows the snapshots itself, at once.
        m_model->setVisibleRows(nullptr, false);
        m_modelFiltered = false;
        setBusy(false);
        Q_EMIT applied();
        return;
    }
    setBusy(true);
}

void TableFilter::onReady() {
    m_notified = false;
    const bool anyEnabled = (m_exprId != 0 && m_exprEnabled) || m_rangeId != 0;
    if (!anyEnabled)
        return;
    uint64_t edits = 0;
    std::shared_ptr<const query::VisibleRows> rows = m_worker->latest(&edits);
    const double t0 = UpdatePacer::threadCpuMs();
    if (edits >= m_wantEdits) {
        m_model->setVisibleRows(rows, m_modelFiltered && edits == m_modelEdits);
        m_modelEdits = edits;
        m_modelFiltered = true;
        if (m_busy) {
            setBusy(false);
            Q_EMIT applied();
        }
    } else if (m_modelFiltered && edits == m_modelEdits) {
        // The previous filters over newer rows, while the latest edit is scanned.
        m_model->setVisibleRows(rows, true);
    }
    m_applyCpuMs += UpdatePacer::threadCpuMs() - t0;
}

double TableFilter::takeApplyCpuMs() {
    const double ms = m_applyCpuMs;
    m_applyCpuMs = 0;
    return ms;
}

void TableFilter::setBusy(bool busy) {
    if (busy == m_busy)
        return;
    m_busy = busy;
    if (busy)
        m_progressTimer.start();
    else
        m_progressTimer.stop();
    Q_EMIT busyChanged(busy);
}

} // namespace weir::ui
