// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/engine/window_processor.h"

#include "weir/common/text.h"
#include "weir/common/time_util.h"
#include "weir/engine/engine.h"
#include "weir/store/attributes.h"

#include <algorithm>
#include <cstdint>

namespace weir::engine {

WindowProcessor::WindowProcessor(Options options)
    : m_options(std::move(options))
    , m_operator(m_options.window)
    , m_builder(m_options.keyFields, m_operator.inputFields(), m_options.dedupFields) {
    std::vector<std::string> named;
    const auto addNames = [&named](const std::vector<std::string> &names) {
        for (const std::string &name : names) {
            if (std::find(named.begin(), named.end(), name) == named.end())
                named.push_back(name);
        }
    };
    addNames(m_options.keyFields);
    addNames(m_operator.inputFields());
    addNames(m_options.dedupFields);
    m_selection = parse::FieldSelection(std::move(named));
}

void WindowProcessor::setPaneSink(std::function<void(std::vector<window::Pane> &)> sink) {
    m_sink = std::move(sink);
}

namespace {

ProcessorVerdict verdictOf(window::Disposition d) {
    ProcessorVerdict v;
    switch (d) {
    case window::Disposition::Accepted:
        break;
    case window::Disposition::Late:
        v.flags = store::LateEvent;
        break;
    case window::Disposition::Dropped:
        v.flags = store::LateEvent;
        v.droppedLate = true;
        break;
    case window::Disposition::Duplicate:
        v.flags = store::DuplicateEvent;
        break;
    }
    return v;
}

} // namespace

void WindowProcessor::parseForBuilder(std::string_view raw, const parse::Parser &parser,
                                      bool headerLine) {
    if (m_now == 0)
        m_now = monotonicNowNs(); // before the first tick
    m_fields.clear();
    // Only the fields the builder reads (on failure: no fields, empty key parts).
    if (headerLine)
        parser.parseNamedFieldsOfHeaderLine(raw, m_selection, m_fields);
    else
        parser.parseNamedFields(raw, m_selection, m_fields);
}

window::InputEvent WindowProcessor::build(const store::EventRecord &record, std::string_view raw,
                                          const parse::Parser &parser) {
    parseForBuilder(raw, parser, false);
    window::InputEvent e = m_builder.build(record.time, record.source, m_fields, raw);
    e.source = m_lanes.laneOf(record.source);
    return e;
}

ProcessorVerdict WindowProcessor::onEvent(const store::EventRecord &record, std::string_view raw,
                                          const parse::Parser &parser) {
    const window::InputEvent e = build(record, raw, parser);
    const ProcessorVerdict v = verdictOf(m_operator.process(e, m_now));
    if (m_operator.hasPanes())
        drain();
    return v;
}

std::string_view WindowProcessor::keepCopy(std::string_view text, size_t event, size_t slot) {
    m_fixups.push_back(TextFixup{event, slot, m_arena.size(), text.size()});
    m_arena.append(text.data(), text.size());
    return {};
}

void WindowProcessor::stage(const store::EventRecord &record, std::string_view raw,
                            const parse::Parser &parser, bool headerLine) {
    parseForBuilder(raw, parser, headerLine);
    const size_t index = m_staged.size();
    const size_t n = m_operator.inputFields().size();
    // Built in place in the staged arrays (an event built aside and copied in costs a
    // store-forwarding stall per event: its fields are stored 8 bytes at a time and copied 16).
    if (m_stagedValues.size() < (index + 1) * n) // grows to the largest group, then stays
        m_stagedValues.resize(std::max((index + 1) * n, 2 * m_stagedValues.size()));
    window::FieldValue *values = m_stagedValues.data() + index * n;
    window::InputEvent &e = m_staged.emplace_back();
    m_builder.buildInto(record.time, record.source, m_fields, raw, e, values);
    e.source = m_lanes.laneOf(record.source);
    e.key = keep(e.key, raw, index, kKeySlot);
    e.dedupKey = keep(e.dedupKey, raw, index, kDedupSlot);
    for (size_t i = 0; i < n; ++i)
        values[i].text = keep(values[i].text, raw, index, i);
    e.values = nullptr; // set by finishStaged (m_stagedValues may move until then)
}

void WindowProcessor::finishStaged(ProcessorVerdict *verdicts, size_t count) {
    const size_t n = m_operator.inputFields().size();
    for (size_t i = 0; i < m_staged.size(); ++i)
        m_staged[i].values = m_stagedValues.data() + i * n;
    for (const TextFixup &f : m_fixups) {
        const std::string_view text(m_arena.data() + f.offset, f.size);
        window::InputEvent &e = m_staged[f.event];
        if (f.slot == kKeySlot)
            e.key = text;
        else if (f.slot == kDedupSlot)
            e.dedupKey = text;
        else
            m_stagedValues[f.event * n + f.slot].text = text;
    }
    m_dispositions.resize(m_staged.size());
    m_operator.processBatch(m_staged.data(), m_staged.size(), m_now, m_dispositions.data());
    for (size_t i = 0; i < count && i < m_dispositions.size(); ++i)
        verdicts[i] = verdictOf(m_dispositions[i]);
    m_staged.clear();
    m_arena.clear();
    m_fixups.clear();
    if (m_operator.hasPanes())
        drain();
}

void WindowProcessor::onAssignment(SourceId channel, std::string_view partitions) {
    if (m_now == 0)
        m_now = monotonicNowNs();
    // Newly assigned partitions hold the watermark back until their first event; lanes of
    // partitions no longer assigned stop holding it.
    m_lanes.assignment(channel, partitions, m_assigned, m_revoked);
    for (const SourceId lane : m_assigned)
        m_operator.holdSource(lane, m_now);
    for (const SourceId lane : m_revoked)
        m_operator.endSource(lane);
    drain();
}

void WindowProcessor::onSourceEnd(SourceId channel) {
    for (const SourceId lane : m_lanes.lanesOf(channel))
        m_operator.endSource(lane);
    drain();
}

void WindowProcessor::onInputFinished() {
    m_operator.endAll();
    drain();
}

void WindowProcessor::onTick(int64_t monotonicNs) {
    m_now = monotonicNs;
    m_operator.onProcessingTime(monotonicNs);
    drain();
}

void WindowProcessor::drain() {
    if (!m_operator.hasPanes())
        return;
    m_panes.clear();
    m_operator.takePanes(m_panes);
    m_changed = true;
    for (const window::Pane &p : m_panes) {
        LiveKey k{p.window.end.value, p.window.start.value, p.key};
        if (p.final) {
            m_live.erase(k);
            m_finals.push_back(p);
            if (m_finals.size() > m_options.keptFinals) {
                m_finals.pop_front();
                ++m_finalsDropped;
            }
        } else {
            m_live[std::move(k)] = p;
        }
    }
    if (m_sink)
        m_sink(m_panes);
}

void WindowProcessor::publish(Snapshot &snapshot) {
    if (m_changed || !m_published) {
        auto r = std::make_shared<window::WindowResults>();
        r->name = m_options.name;
        r->spec = m_options.window.window;
        r->keyFields = m_options.keyFields;
        for (const auto &a : m_options.window.aggregates)
            r->aggregates.push_back(a.name);
        r->live.reserve(m_live.size());
        for (const auto &kv : m_live)
            r->live.push_back(kv.second);
        r->finals.assign(m_finals.begin(), m_finals.end());
        r->finalsDropped = m_finalsDropped;
        r->watermark = m_operator.watermark();
        r->stats = m_operator.stats();
        m_published = std::move(r);
        m_changed = false;
    } else if (m_published->watermark != m_operator.watermark() ||
               m_published->stats.events != m_operator.stats().events) {
        auto r = std::make_shared<window::WindowResults>(*m_published);
        r->watermark = m_operator.watermark();
        r->stats = m_operator.stats();
        m_published = std::move(r);
    }
    snapshot.windows.push_back(m_published);
}

} // namespace weir::engine
