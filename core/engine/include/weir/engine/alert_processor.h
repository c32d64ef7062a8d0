// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/alert/alert_engine.h"
#include "weir/engine/event_processor.h"
#include "weir/engine/watermark_lanes.h"

#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace weir::engine {

// Runs an alert::AlertEngine inside the engine: every event's fields are parsed once with its
// channel's parser and fed to every rule; the active alerts and the latest transitions are
// published in Snapshot::alerts. Like WindowProcessor, the rules' windows keep one watermark
// lane per channel and per Kafka partition. Engine thread only (see EventProcessor).
class AlertProcessor final : public EventProcessor {
public:
    explicit AlertProcessor(std::unique_ptr<alert::AlertEngine> alerts,
                            size_t keptTransitions = 1000);

    // Receives every batch of new transitions, on the engine thread, in order. Must not block
    // for long (the CLI writes them to a file).
    void setTransitionSink(std::function<void(const std::vector<alert::Transition> &)> sink);

    ProcessorVerdict onEvent(const store::EventRecord &record, std::string_view raw,
                             const parse::Parser &parser) override;
    void onAttributes(std::string_view attrs) override { m_lanes.setAttributes(attrs); }
    void onAssignment(SourceId channel, std::string_view partitions) override;
    void onChannel(SourceId channel, const std::string &name) override;
    void onSourceEnd(SourceId channel) override;
    void onInputFinished() override;
    void onTick(int64_t monotonicNs) override;
    void publish(Snapshot &snapshot) override;

private:
    void drain();

    std::unique_ptr<alert::AlertEngine> m_alerts;
    size_t m_kept;
    std::function<void(const std::vector<alert::Transition> &)> m_sink;
    query::SourceCatalog m_catalog;
    WatermarkLanes m_lanes;
    std::vector<SourceId> m_assigned, m_revoked; // scratch (onAssignment)
    parse::FieldList m_fields;
    int64_t m_now = 0;
    bool m_finished = false;
    std::vector<alert::Transition> m_batch;
    std::deque<alert::Transition> m_recent;
    uint64_t m_total = 0;
    bool m_changed = true;
    std::shared_ptr<const alert::AlertResults> m_published;
};

} // namespace weir::engine
