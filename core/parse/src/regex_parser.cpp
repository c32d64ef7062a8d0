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

// `pattern` with every capture group whose 1-based number is not in `keep` turned into a
// non-capturing group ("(x)" and "(?P<n>x)" become "(?:x)"). Escapes, \Q...\E and character
// classes are skipped. The caller checks the result (group count and names) with RE2.
std::string keepOnlyGroups(std::string_view pattern, const std::vector<bool> &keep) {
    std::string out;
    out.reserve(pattern.size());
    int group = 0;
    size_t i = 0;
    const size_t n = pattern.size();
    while (i < n) {
        const char c = pattern[i];
        if (c == '\\') {
            if (i + 1 < n && pattern[i + 1] == 'Q') {
                const size_t e = pattern.find("\\E", i + 2);
                const size_t end = e == std::string_view::npos ? n : e + 2;
                out.append(pattern.substr(i, end - i));
                i = end;
                continue;
            }
            out.append(pattern.substr(i, std::min<size_t>(2, n - i)));
            i += 2;
            continue;
        }
        if (c == '[') {
            // A class: "]" right after "[" or "[^" is literal; "[:name:]" may sit inside.
            size_t j = i + 1;
            if (j < n && pattern[j] == '^')
                ++j;
            if (j < n && pattern[j] == ']')
                ++j;
            while (j < n && pattern[j] != ']') {
                if (pattern[j] == '\\') {
                    j += 2;
                } else if (pattern[j] == '[' && j + 1 < n && pattern[j + 1] == ':') {
                    const size_t e = pattern.find(":]", j + 2);
                    j = e == std::string_view::npos ? j + 1 : e + 2;
                } else {
                    ++j;
                }
            }
            const size_t end = std::min(n, j + 1);
            out.append(pattern.substr(i, end - i));
            i = end;
            continue;
        }
        if (c == '(') {
            size_t body = 0; // length of the opener to replace, 0: not a capture group
            if (i + 1 >= n || pattern[i + 1] != '?') {
                body = 1;
            } else if (pattern.substr(i, 4) == "(?P<" ||
                       (pattern.substr(i, 3) == "(?<" && i + 3 < n && pattern[i + 3] != '=' &&
                        pattern[i + 3] != '!')) {
                const size_t close = pattern.find('>', i);
                body = close == std::string_view::npos ? 0 : close + 1 - i;
            }
            if (body > 0) {
                ++group;
                const bool kept = static_cast<size_t>(group) <= keep.size() &&
                                  keep[static_cast<size_t>(group - 1)];
                if (kept)
                    out.append(pattern.substr(i, body));
                else
                    out += "(?:";
                i += body;
                continue;
            }
        }
        out += c;
        ++i;
    }
    return out;
}

} // namespace

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
    p->m_headerRe = p->m_re;
    p->compileHeaderRegex(pattern);
    return p;
}

void RegexParser::compileHeaderRegex(std::string_view pattern) {
    // The hot path needs at most three groups. RE2 uses its fastest submatch engine
    // (one-pass) only for up to 4 groups, and each extra group costs in the others too: match
    // with a copy of the expression where every other group does not capture.
    m_hTimeGroup = m_timeGroup;
    m_hLevelGroup = m_levelGroup;
    m_hStatusGroup = m_statusGroup;
    std::vector<bool> keep(m_names.size(), false);
    int wanted = 0;
    for (int g : {m_timeGroup, m_levelGroup, m_statusGroup}) {
        if (g > 0 && !keep[static_cast<size_t>(g - 1)]) {
            keep[static_cast<size_t>(g - 1)] = true;
            ++wanted;
        }
    }
    if (wanted == static_cast<int>(m_names.size()))
        return;
    RE2::Options ro;
    ro.set_log_errors(false);
    auto re = std::make_shared<RE2>(keepOnlyGroups(pattern, keep), ro);
    if (!re->ok() || re->NumberOfCapturingGroups() != wanted)
        return; // the rewrite misread the pattern: keep matching with the full expression
    // The kept groups, renumbered in order; each must keep its name.
    const auto &names = re->CapturingGroupNames();
    int index = 0;
    int time = -1, level = -1, status = -1;
    for (int g = 1; g <= static_cast<int>(m_names.size()); ++g) {
        if (!keep[static_cast<size_t>(g - 1)])
            continue;
        ++index;
        const auto it = names.find(index);
        if (it == names.end() || it->second != m_names[static_cast<size_t>(g - 1)])
            return;
        if (g == m_timeGroup)
            time = index;
        if (g == m_levelGroup)
            level = index;
        if (g == m_statusGroup)
            status = index;
    }
    m_headerRe = std::move(re);
    m_hTimeGroup = time;
    m_hLevelGroup = level;
    m_hStatusGroup = status;
    m_headerGroups = wanted;
}

ParseResult RegexParser::parseHeader(std::string_view line, EventHeader &out) {
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    re2::StringPiece groups[kMaxGroups + 1];
    // Asking for fewer groups lets RE2 pick a faster engine.
    if (!m_headerRe->Match(re2::StringPiece(line.data(), line.size()), 0, line.size(),
                           RE2::UNANCHORED, groups, m_headerGroups + 1))
        return ParseResult::dead(DeadLetterReason::Malformed);
    const auto view = [&](int g) { return std::string_view(groups[g].data(), groups[g].size()); };
    if (m_hLevelGroup > 0)
        out.severity = severityFromName(trim(view(m_hLevelGroup)));
    if (m_hStatusGroup > 0) {
        int64_t s = 0;
        if (parseInt64(view(m_hStatusGroup), s) && s > 0 && s < 1000)
            out.status = static_cast<uint16_t>(s);
    }
    if (m_hTimeGroup > 0) {
        if (!m_time.parseValue(view(m_hTimeGroup), out.time))
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

int RegexParser::headerCaptureGroups() const {
    return m_headerRe->NumberOfCapturingGroups();
}

std::unique_ptr<Parser> RegexParser::clone() const {
    return std::unique_ptr<Parser>(new RegexParser(*this));
}

} // namespace weir::parse
