// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/parse/regex_parser.h"

#include "weir/common/text.h"
#include "weir/parse/field_types.h"
#include "weir/parse/time_value.h"

#include <algorithm>
#include <re2/re2.h>

namespace weir::parse {

namespace {
constexpr int kMaxGroups = 64;
}

RegexParser::~RegexParser() = default;

std::unique_ptr<RegexParser>
RegexParser::compile(std::string_view pattern, const FormatOptions &options, std::string *error) {
    std::unique_ptr<RegexParser> p(new RegexParser());
    if (!p->m_time.init(options, error))
        return nullptr;
    RE2::Options ro;
    ro.set_log_errors(false);
    auto re = std::make_shared<RE2>(re2::StringPiece(pattern.data(), pattern.size()), ro);
    if (!re->ok()) {
        if (error)
            *error = "invalid regex: " + re->error();
        return nullptr;
    }
    const int groups = re->NumberOfCapturingGroups();
    if (groups <= 0 || groups > kMaxGroups) {
        if (error)
            *error = groups <= 0 ? "the regex has no capture group"
                                 : "the regex has more than 64 capture groups";
        return nullptr;
    }
    p->m_names.resize(static_cast<size_t>(groups));
    for (int i = 0; i < groups; ++i)
        p->m_names[static_cast<size_t>(i)] = "group" + std::to_string(i + 1);
    bool named = false;
    for (const auto &[name, index] : re->NamedCapturingGroups()) {
        p->m_names[static_cast<size_t>(index - 1)] = name;
        named = true;
    }
    if (!named) {
        if (error)
            *error = "the regex has no named group (?P<name>...)";
        return nullptr;
    }
    for (int i = 0; i < groups; ++i) {
        const std::string &n = p->m_names[static_cast<size_t>(i)];
        const bool isTime =
            options.timeField.empty() ? isConventionalTimeName(n) : n == options.timeField;
        if (isTime && p->m_timeGroup < 0)
            p->m_timeGroup = i + 1;
        const bool isLevel =
            options.levelField.empty() ? isConventionalLevelName(n) : n == options.levelField;
        if (isLevel && p->m_levelGroup < 0)
            p->m_levelGroup = i + 1;
        if (n == "status" && p->m_statusGroup < 0)
            p->m_statusGroup = i + 1;
    }
    p->m_headerGroups = std::max({p->m_timeGroup, p->m_levelGroup, p->m_statusGroup, 0});
    p->m_re = std::move(re);
    return p;
}

ParseResult RegexParser::parseHeader(std::string_view line, EventHeader &out) {
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    re2::StringPiece groups[kMaxGroups + 1];
    // Asking for fewer groups lets RE2 pick a faster engine.
    if (!m_re->Match(re2::StringPiece(line.data(), line.size()), 0, line.size(), RE2::UNANCHORED,
                     groups, m_headerGroups + 1))
        return ParseResult::dead(DeadLetterReason::Malformed);
    const auto view = [&](int g) { return std::string_view(groups[g].data(), groups[g].size()); };
    if (m_levelGroup > 0)
        out.severity = severityFromName(trim(view(m_levelGroup)));
    if (m_statusGroup > 0) {
        int64_t s = 0;
        if (parseInt64(view(m_statusGroup), s) && s > 0 && s < 1000)
            out.status = static_cast<uint16_t>(s);
    }
    if (m_timeGroup > 0) {
        if (!m_time.parseValue(view(m_timeGroup), out.time))
            return ParseResult::dead(DeadLetterReason::BadTimestamp);
        out.hasTime = true;
    }
    return ParseResult::event();
}

bool RegexParser::parseFields(std::string_view line, FieldList &out) const {
    out.clear();
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    const int n = static_cast<int>(m_names.size());
    re2::StringPiece groups[kMaxGroups + 1];
    if (!m_re->Match(re2::StringPiece(line.data(), line.size()), 0, line.size(), RE2::UNANCHORED,
                     groups, n + 1))
        return false;
    for (int i = 1; i <= n; ++i) {
        const std::string_view v(groups[i].data(), groups[i].size());
        const std::string &name = m_names[static_cast<size_t>(i - 1)];
        TimestampNs t;
        if (i == m_timeGroup && m_time.parseValue(v, t)) {
            Field f;
            f.name = name;
            f.type = FieldType::Time;
            f.text = v;
            f.i = t.value;
            out.fields.push_back(f);
            continue;
        }
        addInferred(out, name, v);
    }
    return true;
}

std::unique_ptr<Parser> RegexParser::clone() const {
    return std::unique_ptr<Parser>(new RegexParser(*this));
}

} // namespace weir::parse
