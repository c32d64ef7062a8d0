// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/engine/event_processor.h"
#include "weir/engine/watermark_lanes.h"
#include "weir/window/event_builder.h"
#include "weir/window/window_operator.h"
#include "weir/window/window_results.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

namespace weir::engine {

// Runs one window::WindowOperator inside the engine: typed fields come from each channel's
// parser, keys and values from window::EventBuilder, and results are published in
// Snapshot::windows. Late and duplicate events are flagged in the store; events dropped as
// too late are also kept as 'late' dead letters. Watermarks are tracked per channel and, for
// Kafka, per topic partition of the channel (the pipeline watermark is the minimum over them,
// idle ones excepted: see window::WatermarkTracker). Engine thread only (see EventProcessor).
class WindowProcessor final : public EventProcessor {
public:
    struct Options {
        std::string name;
        window::WindowOperator::Options window;
        std::vector<std::string> keyFields;
        std::vector<std::string> dedupFields; // empty: no dedup; {"raw"}: the whole line
        size_t keptFinals = 10000;            // final panes kept in the published results
    };

    explicit WindowProcessor(Options options);

    // Receives every batch of new panes, on the engine thread, in order (may move from them).
    void setPaneSink(std::function<void(std::vector<window::Pane> &)> sink);

    void onAttributes(std::string_view attrs) override { m_lanes.setAttributes(attrs); }
    void onAssignment(SourceId channel, std::string_view partitions) override;
    ProcessorVerdict onEvent(const store::EventRecord &record, std::string_view raw,
                             const parse::Parser &parser) override;
    // The engine's path: events are parsed and keyed at once, then handed to
    // WindowOperator::processBatch() a group at a time (same results as onEvent one by one).
    bool stages() const override { return true; }
    void stage(const store::EventRecord &record, std::string_view raw, const parse::Parser &parser,
               bool headerLine) override;
    void finishStaged(ProcessorVerdict *verdicts, size_t count) override;
    void onSourceEnd(SourceId channel) override;
    void onInputFinished() override;
    void onTick(int64_t monotonicNs) override;
    void publish(Snapshot &snapshot) override;

    const window::WindowOperator &windowOperator() const { return m_operator; }

private:
    // A staged event's text that is not a view into its raw line (the key, fields the parser
    // unescaped, attributes): copied into m_arena, its view set by finishStaged().
    struct TextFixup {
        size_t event;
        size_t slot; // kKeySlot, kDedupSlot, or an index into the event's values
        size_t offset;
        size_t size;
    };
    static constexpr size_t kKeySlot = ~size_t{0};
    static constexpr size_t kDedupSlot = ~size_t{0} - 1;

    // The builder's fields of `raw` into m_fields (`headerLine`: as for stage()).
    void parseForBuilder(std::string_view raw, const parse::Parser &parser, bool headerLine);
    window::InputEvent build(const store::EventRecord &record, std::string_view raw,
                             const parse::Parser &parser);
    // A staged text: as it is when empty or a view into `raw`, else copied (keepCopy).
    std::string_view keep(std::string_view text, std::string_view raw, size_t event, size_t slot) {
        const auto t = reinterpret_cast<uintptr_t>(text.data());
        const auto r = reinterpret_cast<uintptr_t>(raw.data());
        if (text.empty() || (t >= r && t + text.size() <= r + raw.size()))
            return text; // valid until finishStaged (the engine's contract)
        return keepCopy(text, event, slot);
    }
    std::string_view keepCopy(std::string_view text, size_t event, size_t slot);
    void drain();

    Options m_options;
    window::WindowOperator m_operator;
    window::EventBuilder m_builder;
    parse::FieldSelection m_selection; // key, input and dedup fields (parseNamedFields)
    parse::FieldList m_fields;
    WatermarkLanes m_lanes;
    std::vector<SourceId> m_assigned, m_revoked; // scratch (onAssignment)
    // Staged events (stage() to finishStaged()); their values are m_stagedValues[i * n...]
    // (kept at the largest group's size: entries past the staged events are stale).
    std::vector<window::InputEvent> m_staged;
    std::vector<window::FieldValue> m_stagedValues;
    std::string m_arena;
    std::vector<TextFixup> m_fixups;
    std::vector<window::Disposition> m_dispositions;
    int64_t m_now = 0;
    std::function<void(std::vector<window::Pane> &)> m_sink;
    std::vector<window::Pane> m_panes;
    using LiveKey = std::tuple<int64_t, int64_t, std::string>; // end, start, key
    std::map<LiveKey, window::Pane> m_live;
    std::deque<window::Pane> m_finals;
    uint64_t m_finalsDropped = 0;
    bool m_changed = true;
    std::shared_ptr<const window::WindowResults> m_published;
};

} // namespace weir::engine
