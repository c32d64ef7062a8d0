// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/query/query.h"
#include "weir/store/event_store.h"

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace weir::query {

struct Node;
struct Program;

// Evaluates one Query against events. Not thread-safe (it keeps per-event scratch: the parsed
// fields); use one Matcher per thread. Source names are resolved against the catalog once, at
// construction: build a new Matcher when channels were added.
//
// Evaluation order: and/or children run cheapest first (record tests on the 32-byte record,
// then substring search of the raw line, then regexes on it, then parsed fields), so costly
// work runs only for events the cheap tests did not already decide. Fields are parsed at most
// once per event, only when a field test is reached.
class Matcher {
public:
    Matcher(Query query, const SourceCatalog &catalog);
    Matcher()
        : Matcher(Query(), {}) {}

    const Query &query() const { return m_query; }

    bool matches(const store::EventRecord &record, std::string_view raw);
    // A stored event: its transport attributes (Kafka/MQTT provenance) are fields too.
    bool matches(const store::EventRef &event);
    // The same, with the event's fields already parsed by the caller (not parsed again).
    bool matches(const store::EventRecord &record, std::string_view raw,
                 const parse::FieldList &fields);

    // The fields parsed for the last event matched (empty unless a field test ran).
    const parse::FieldList &lastFields() const { return m_fields; }

private:
    bool eval(uint32_t node, const store::EventRecord &record, std::string_view raw);
    bool evalField(const Node &n, const store::EventRecord &record, std::string_view raw);

    Query m_query;
    const Program *m_prog = nullptr;
    std::vector<std::vector<uint8_t>> m_sourceMasks;              // [slot][SourceId value]
    std::vector<std::shared_ptr<const parse::Parser>> m_decoders; // by SourceId value
    parse::FieldList m_fields;
    const parse::FieldList *m_given = nullptr; // fields supplied by the caller
    std::string_view m_attrs;                  // the current stored event's attributes
    enum class FieldsState : uint8_t { NotParsed, Parsed, Failed };
    FieldsState m_fieldsState = FieldsState::NotParsed;
};

} // namespace weir::query
