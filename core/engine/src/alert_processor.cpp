// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/engine/alert_processor.h"

#include "weir/common/time_util.h"
#include "weir/engine/engine.h"

namespace weir::engine {

AlertProcessor::AlertProcessor(std::unique_ptr<alert::AlertEngine> alerts, size_t keptTransitions)
    : m_alerts(std::move(alerts))
    , m_kept(keptTransitions) {}

void AlertProcessor::setTransitionSink(
    std::function<void(const std::vector<alert::Transition> &)> sink) {
    m_sink = std::move(sink);
}

ProcessorVerdict AlertProcessor::onEvent(const store::EventRecord &record, std::string_view raw,
                                         const parse::Parser &parser) {
    if (m_now == 0)
        m_now = monotonicNowNs(); // before the first tick
    m_fields.clear();
    parser.parseFields(raw, m_fields); // a line that does not split still counts (no fields)
    m_alerts->process(record, raw, m_fields, m_now, m_lanes.laneOf(record.source));
    drain();
    return {};
}

void AlertProcessor::onAssignment(SourceId channel, std::string_view partitions) {
    if (m_now == 0)
        m_now = monotonicNowNs();
    m_lanes.assignment(channel, partitions, m_assigned, m_revoked);
    for (const SourceId lane : m_assigned)
        m_alerts->holdSource(lane, m_now);
    for (const SourceId lane : m_revoked)
        m_alerts->endSource(lane);
    drain();
}

void AlertProcessor::onChannel(SourceId channel, const std::string &name) {
    // Filters resolve source names against this list; the fields come with each event.
    if (m_catalog.size() <= channel.value)
        m_catalog.resize(channel.value + size_t{1});
    m_catalog[channel.value].name = name;
    m_alerts->setCatalog(m_catalog);
}

void AlertProcessor::onSourceEnd(SourceId channel) {
    for (const SourceId lane : m_lanes.lanesOf(channel))
        m_alerts->endSource(lane);
    drain();
}

void AlertProcessor::onInputFinished() {
    if (m_finished)
        return;
    m_finished = true;
    m_alerts->endAll();
    drain();
}

void AlertProcessor::onTick(int64_t monotonicNs) {
    m_now = monotonicNs;
    m_alerts->onProcessingTime(monotonicNs);
    drain();
}

void AlertProcessor::drain() {
    m_alerts->takeTransitions(m_batch);
    if (m_batch.empty())
        return;
    if (m_sink)
        m_sink(m_batch);
    m_total += m_batch.size();
    // Only the latest m_kept are kept: the others are not moved (a window close can report
    // hundreds of thousands).
    const size_t skip = m_batch.size() > m_kept ? m_batch.size() - m_kept : 0;
    for (size_t i = skip; i < m_batch.size(); ++i)
        m_recent.push_back(std::move(m_batch[i]));
    while (m_recent.size() > m_kept)
        m_recent.pop_front();
    m_batch.clear();
    m_changed = true;
}

void AlertProcessor::publish(Snapshot &snapshot) {
    // Evaluations that change no state (a firing key staying hot, the final flush) still count:
    // the published results are rebuilt whenever the evaluation count moved, not only on
    // transitions, so a snapshot never shows a stale count.
    if (m_changed || !m_published || m_published->evaluations != m_alerts->evaluations()) {
        auto results = std::make_shared<alert::AlertResults>();
        results->active = m_alerts->active();
        results->recent.assign(m_recent.begin(), m_recent.end());
        results->transitions = m_total;
        results->evaluations = m_alerts->evaluations();
        m_published = std::move(results);
        m_changed = false;
    }
    snapshot.alerts = m_published;
}

} // namespace weir::engine
