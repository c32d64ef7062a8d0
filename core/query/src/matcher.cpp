// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/query/matcher.h"

#include "program.h"
#include "weir/common/text.h"
#include "weir/store/attributes.h"

namespace weir::query {

namespace {

bool sourceMatches(const Node &n, const std::string &name) {
    if (n.re)
        return re2::RE2::PartialMatch(name, *n.re);
    const size_t slash = name.find_last_of('/');
    const std::string_view base = slash == std::string::npos
                                      ? std::string_view(name)
                                      : std::string_view(name).substr(slash + 1);
    for (const Literal &l : n.values) {
        if (globMatchCaseless(l.lower, name) || globMatchCaseless(l.lower, base))
            return true;
    }
    return false;
}

// The field's numeric value, if it has one.
bool numericValue(const parse::Field &f, double &out) {
    switch (f.type) {
    case parse::FieldType::Int:
    case parse::FieldType::Bool:
        out = static_cast<double>(f.i);
        return true;
    case parse::FieldType::Float:
        out = f.f;
        return true;
    case parse::FieldType::String: {
        const std::string_view t = trim(f.text);
        return !t.empty() &&
               ((t[0] >= '0' && t[0] <= '9') || t[0] == '-' || t[0] == '+' || t[0] == '.') &&
               parseDouble(t, out);
    }
    default:
        return false;
    }
}

bool equalsLiteral(const parse::Field &f, const Literal &l) {
    if (l.isNumber && !l.wildcard) {
        if (f.type == parse::FieldType::Int && l.isInteger)
            return f.i == l.integer;
        double v = 0;
        if (numericValue(f, v))
            return v == l.number;
    }
    if (f.type == parse::FieldType::Time && l.isTime)
        return f.i == l.time;
    if (l.wildcard)
        return globMatchCaseless(l.lower, f.text);
    return iequals(f.text, l.text);
}

// -1, 0, 1, or 2 when the two cannot be ordered.
int orderAgainst(const parse::Field &f, const Literal &l) {
    if (f.type == parse::FieldType::Null)
        return 2;
    if (l.isNumber) {
        if (f.type == parse::FieldType::Int && l.isInteger)
            return f.i < l.integer ? -1 : f.i > l.integer ? 1 : 0;
        double v = 0;
        if (!numericValue(f, v))
            return 2;
        return v < l.number ? -1 : v > l.number ? 1 : 0;
    }
    if (l.isTime) {
        if (f.type != parse::FieldType::Time)
            return 2;
        return f.i < l.time ? -1 : f.i > l.time ? 1 : 0;
    }
    const int c = f.text.compare(l.text);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
}

} // namespace

Matcher::Matcher(Query query, const SourceCatalog &catalog)
    : m_query(std::move(query))
    , m_prog(m_query.program().get()) {
    m_sourceMasks.resize(m_prog->sourceSlots);
    for (const Node &n : m_prog->nodes) {
        if (n.op != NodeOp::Source)
            continue;
        auto &mask = m_sourceMasks[n.slot];
        mask.resize(catalog.size());
        for (size_t s = 0; s < catalog.size(); ++s)
            mask[s] = sourceMatches(n, catalog[s].name) ? 1 : 0;
    }
    if (m_prog->needsFields) {
        for (const SourceEntry &e : catalog)
            m_decoders.push_back(e.decoder);
    }
}

bool Matcher::matches(const store::EventRecord &record, std::string_view raw) {
    m_fieldsState = FieldsState::NotParsed;
    return eval(m_prog->root, record, raw);
}

bool Matcher::matches(const store::EventRef &event) {
    m_attrs = event.attributes();
    const bool result = matches(event.record(), event.raw());
    m_attrs = {};
    return result;
}

bool Matcher::matches(const store::EventRecord &record, std::string_view raw,
                      const parse::FieldList &fields) {
    m_given = &fields;
    m_fieldsState = FieldsState::Parsed;
    const bool result = eval(m_prog->root, record, raw);
    m_given = nullptr;
    return result;
}

bool Matcher::eval(uint32_t index, const store::EventRecord &r, std::string_view raw) {
    const Node &n = m_prog->nodes[index];
    switch (n.op) {
    case NodeOp::True:
        return true;
    case NodeOp::And:
        for (uint32_t c : n.children) {
            if (!eval(c, r, raw))
                return false;
        }
        return true;
    case NodeOp::Or:
        for (uint32_t c : n.children) {
            if (eval(c, r, raw))
                return true;
        }
        return false;
    case NodeOp::Not:
        return !eval(n.children[0], r, raw);
    case NodeOp::Time:
        return r.time.value >= n.lo && r.time.value <= n.hi;
    case NodeOp::Level:
        return (n.mask >> static_cast<unsigned>(r.severity)) & 1u;
    case NodeOp::Status:
        for (const auto &range : n.ranges) {
            if (r.status >= range.first && r.status <= range.second)
                return true;
        }
        return false;
    case NodeOp::Source: {
        const auto &mask = m_sourceMasks[n.slot];
        return r.source.value < mask.size() && mask[r.source.value];
    }
    case NodeOp::Text:
        return containsCaseless(raw, n.needle);
    case NodeOp::Regex:
        return re2::RE2::PartialMatch(raw, *n.re);
    case NodeOp::Field:
        return evalField(n, r, raw);
    }
    return false;
}

bool Matcher::evalField(const Node &n, const store::EventRecord &r, std::string_view raw) {
    if (m_fieldsState == FieldsState::NotParsed) {
        m_fieldsState = FieldsState::Failed;
        m_fields.clear();
        if (r.source.value < m_decoders.size() && m_decoders[r.source.value] &&
            m_decoders[r.source.value]->parseFields(raw, m_fields))
            m_fieldsState = FieldsState::Parsed;
        if (!m_attrs.empty()) {
            store::appendAttributeFields(m_attrs, m_fields);
            m_fieldsState = FieldsState::Parsed;
        }
    }
    if (m_fieldsState != FieldsState::Parsed)
        return false;
    const parse::FieldList &fields = m_given ? *m_given : m_fields;
    const parse::Field *f = fields.find(n.field);
    if (!f) {
        for (const auto &candidate : fields.fields) {
            if (iequals(candidate.name, n.field)) {
                f = &candidate;
                break;
            }
        }
        if (!f)
            return false;
    }
    switch (n.cmp) {
    case Cmp::Exists:
        return f->type != parse::FieldType::Null;
    case Cmp::Regex:
        return re2::RE2::PartialMatch(f->text, *n.re);
    case Cmp::Eq:
    case Cmp::In:
        for (const Literal &l : n.values) {
            if (equalsLiteral(*f, l))
                return true;
        }
        return false;
    case Cmp::Lt: {
        const int c = orderAgainst(*f, n.values[0]);
        return c == -1;
    }
    case Cmp::Le: {
        const int c = orderAgainst(*f, n.values[0]);
        return c == -1 || c == 0;
    }
    case Cmp::Gt:
        return orderAgainst(*f, n.values[0]) == 1;
    case Cmp::Ge: {
        const int c = orderAgainst(*f, n.values[0]);
        return c == 1 || c == 0;
    }
    case Cmp::Range: {
        const int lo = orderAgainst(*f, n.values[0]);
        const int hi = orderAgainst(*f, n.values[1]);
        return (lo == 0 || lo == 1) && (hi == 0 || hi == -1);
    }
    }
    return false;
}

} // namespace weir::query
