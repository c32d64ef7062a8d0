// SPDX-License-Identifier: GPL-3.0-or-later
#include "program.h"
#include "weir/common/text.h"
#include "weir/common/time_util.h"

#include <cstring>
#include <limits>

namespace weir::query {

std::string toLowerAscii(std::string_view s) {
    std::string out(s);
    for (char &c : out)
        c = lowerAscii(c);
    return out;
}

bool globMatchCaseless(std::string_view pattern, std::string_view text) {
    size_t p = 0, t = 0;
    size_t starP = std::string_view::npos, starT = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == lowerAscii(text[t]))) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            starP = p++;
            starT = t;
        } else if (starP != std::string_view::npos) {
            p = starP + 1;
            t = ++starT;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

bool containsCaseless(std::string_view hay, std::string_view needle) {
    const size_t n = needle.size();
    if (n > hay.size())
        return false;
    const auto n0 = static_cast<unsigned char>(needle[0]);
    const bool letter = n0 >= 'a' && n0 <= 'z';
    const auto rest = [&](size_t i) {
        for (size_t k = 1; k < n; ++k) {
            if (lowerAscii(hay[i + k]) != needle[k])
                return false;
        }
        return true;
    };
    const size_t positions = hay.size() - n + 1; // candidate start positions
    size_t i = 0;
    // Eight bytes at a time: OR-ing 0x20 folds ASCII upper case onto lower case (other bytes
    // may produce false candidates, which the full comparison rejects).
    constexpr uint64_t kOnes = 0x0101010101010101ULL;
    constexpr uint64_t kHigh = 0x8080808080808080ULL;
    const uint64_t fold = letter ? 0x2020202020202020ULL : 0;
    const uint64_t pattern = kOnes * n0;
    while (i + 8 <= positions) {
        uint64_t w;
        std::memcpy(&w, hay.data() + i, 8);
        const uint64_t x = (w | fold) ^ pattern;
        uint64_t hits = (x - kOnes) & ~x & kHigh;
        while (hits) {
            const size_t at = i + static_cast<size_t>(__builtin_ctzll(hits) >> 3);
            if (lowerAscii(hay[at]) == static_cast<char>(n0) && rest(at))
                return true;
            hits &= hits - 1;
        }
        i += 8;
    }
    for (; i < positions; ++i) {
        if (lowerAscii(hay[i]) == static_cast<char>(n0) && rest(i))
            return true;
    }
    return false;
}

std::string QueryError::toString() const {
    return "column " + std::to_string(position + 1) + ": " + reason;
}

std::string QueryError::pointer(std::string_view text) const {
    std::string out(text);
    out += '\n';
    out.append(std::min(position, text.size()), ' ');
    out += "^ ";
    out += reason;
    return out;
}

Query::Query() {
    auto program = std::make_shared<Program>();
    program->nodes.emplace_back(); // True
    m_program = std::move(program);
}

Query::Query(std::shared_ptr<const Program> program)
    : m_program(std::move(program)) {}

const std::string &Query::text() const {
    return m_program->text;
}

bool Query::matchesEverything() const {
    return m_program->nodes[m_program->root].op == NodeOp::True;
}

bool Query::isRecordOnly() const {
    return m_program->recordOnly;
}

bool Query::needsFields() const {
    return m_program->needsFields;
}

namespace {

void describeTime(std::string &out, int64_t t) {
    if (t == std::numeric_limits<int64_t>::min())
        out += "-inf";
    else if (t == std::numeric_limits<int64_t>::max())
        out += "+inf";
    else
        out += formatRfc3339Ms(TimestampNs{t});
}

void describeLiteral(std::string &out, const Literal &l) {
    appendJsonString(out, l.text);
}

void describeNode(const Program &p, uint32_t i, std::string &out) {
    const Node &n = p.nodes[i];
    switch (n.op) {
    case NodeOp::True:
        out += "(true)";
        return;
    case NodeOp::And:
    case NodeOp::Or:
    case NodeOp::Not:
        out += n.op == NodeOp::And ? "(and" : n.op == NodeOp::Or ? "(or" : "(not";
        for (uint32_t c : n.children) {
            out += ' ';
            describeNode(p, c, out);
        }
        out += ')';
        return;
    case NodeOp::Time:
        out += "(time ";
        describeTime(out, n.lo);
        out += " .. ";
        describeTime(out, n.hi);
        out += ')';
        return;
    case NodeOp::Level:
        out += "(level";
        for (int s = 0; s <= static_cast<int>(Severity::Emergency); ++s) {
            if (n.mask & (1u << s)) {
                out += ' ';
                out +=
                    s == 0 ? std::string_view("unknown") : severityName(static_cast<Severity>(s));
            }
        }
        out += ')';
        return;
    case NodeOp::Status:
        out += "(status";
        for (const auto &r : n.ranges) {
            out += ' ' + std::to_string(r.first);
            if (r.second != r.first)
                out += ".." + std::to_string(r.second);
        }
        out += ')';
        return;
    case NodeOp::Source:
        out += "(source";
        if (n.re) {
            out += " ~ /" + n.reText + (n.reCaseless ? "/i" : "/");
        } else {
            for (const Literal &l : n.values) {
                out += ' ';
                describeLiteral(out, l);
            }
        }
        out += ')';
        return;
    case NodeOp::Text:
        out += "(text ";
        appendJsonString(out, n.needle);
        out += ')';
        return;
    case NodeOp::Regex:
        out += "(regex /" + n.reText + (n.reCaseless ? "/i)" : "/)");
        return;
    case NodeOp::Field: {
        out += "(field " + n.field;
        static constexpr const char *kCmp[] = {
            "=", "<", "<=", ">", ">=", "range", "in", "~", "exists"};
        out += ' ';
        out += kCmp[static_cast<size_t>(n.cmp)];
        if (n.cmp == Cmp::Regex)
            out += " /" + n.reText + (n.reCaseless ? "/i" : "/");
        for (const Literal &l : n.values) {
            out += ' ';
            if (l.isNumber && n.cmp != Cmp::Eq && n.cmp != Cmp::In)
                appendDouble(out, l.number);
            else
                describeLiteral(out, l);
        }
        out += ')';
        return;
    }
    }
}

} // namespace

std::string Query::describe() const {
    std::string out;
    describeNode(*m_program, m_program->root, out);
    return out;
}

} // namespace weir::query
