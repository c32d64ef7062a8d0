// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/window/event_builder.h"

#include "weir/common/text.h"

namespace weir::window {

EventBuilder::EventBuilder(std::vector<std::string> keyFields, std::vector<std::string> inputFields,
                           std::vector<std::string> dedupFields)
    : m_keyFields(std::move(keyFields))
    , m_inputFields(std::move(inputFields))
    , m_dedupFields(std::move(dedupFields)) {
    m_dedupRaw =
        m_dedupFields.size() == 1 && (m_dedupFields[0] == "raw" || m_dedupFields[0] == "line");
    m_values.resize(m_inputFields.size());
}

std::vector<std::string> EventBuilder::splitList(std::string_view commaList) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos <= commaList.size()) {
        size_t comma = commaList.find(',', pos);
        if (comma == std::string_view::npos)
            comma = commaList.size();
        const std::string_view part = trim(commaList.substr(pos, comma - pos));
        if (!part.empty())
            out.emplace_back(part);
        pos = comma + 1;
    }
    return out;
}

void EventBuilder::joinInto(std::string &out, const std::vector<std::string> &names,
                            const parse::FieldList &fields) {
    out.clear();
    for (size_t i = 0; i < names.size(); ++i) {
        if (i)
            out += '|';
        if (const parse::Field *f = fields.find(names[i]))
            out.append(f->text.data(), f->text.size());
    }
}

InputEvent EventBuilder::build(TimestampNs time, SourceId source, const parse::FieldList &fields,
                               std::string_view raw) {
    InputEvent e;
    buildInto(time, source, fields, raw, e, m_values.data());
    return e;
}

void EventBuilder::buildInto(TimestampNs time, SourceId source, const parse::FieldList &fields,
                             std::string_view raw, InputEvent &out, FieldValue *values) {
    std::string_view key;
    if (m_keyFields.size() == 1) {
        // One key field: its text as it is (no copy), as joinInto would give it.
        if (const parse::Field *f = fields.find(m_keyFields[0]))
            key = f->text;
    } else {
        joinInto(m_key, m_keyFields, fields);
        key = m_key;
    }
    for (size_t i = 0; i < m_inputFields.size(); ++i) {
        FieldValue &v = values[i];
        v = FieldValue{};
        const parse::Field *f = fields.find(m_inputFields[i]);
        if (!f || f->type == parse::FieldType::Null)
            continue;
        v.present = true;
        v.text = f->text;
        if (f->type == parse::FieldType::Float || f->type == parse::FieldType::Int ||
            f->type == parse::FieldType::Bool) {
            v.numeric = true;
            v.number = f->type == parse::FieldType::Float ? f->f : static_cast<double>(f->i);
        } else {
            v.numeric = parseDouble(trim(f->text), v.number);
        }
    }
    out.time = time;
    out.source = source;
    out.key = key;
    out.values = values;
    out.dedupKey = {};
    if (m_dedupRaw) {
        out.dedupKey = raw;
    } else if (!m_dedupFields.empty()) {
        joinInto(m_dedup, m_dedupFields, fields);
        // A separator byte so an all-missing key is still non-empty (and thus deduplicated).
        m_dedup += '\x1f';
        out.dedupKey = m_dedup;
    }
}

} // namespace weir::window
