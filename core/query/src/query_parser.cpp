// SPDX-License-Identifier: GPL-3.0-or-later
// Recursive-descent parser for the filter language; builds the Program node array directly.
//
//   expr    := and ( ("or" | "||") and )*
//   and     := unary ( ["and" | "&&"] unary )*          (juxtaposition is an implicit and)
//   unary   := ("not" | "!" | "-") unary | primary
//   primary := "(" expr ")" | "last" DURATION | FIELD OP VALUE | FIELD "in" "(" VALUE,... ")"
//            | "/" REGEX "/" [i] | QUOTED | WORD

#include "program.h"
#include "weir/common/text.h"
#include "weir/common/time_util.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace weir::query {

namespace {

struct ParseFailure {
    QueryError error;
};

[[noreturn]] void fail(size_t position, std::string reason) {
    throw ParseFailure{QueryError{position, std::move(reason)}};
}

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool isIdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '@';
}
bool isIdentChar(char c) {
    return isIdentStart(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}
bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// "1k" = 1024, "1.5mb" = 1.5 * 2^20; plain numbers as parseDouble reads them.
bool parseNumber(std::string_view s, double &out) {
    if (s.empty())
        return false;
    size_t p = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    if (p >= s.size() || !(isDigit(s[p]) || (s[p] == '.' && p + 1 < s.size() && isDigit(s[p + 1]))))
        return false;
    if (parseDouble(s, out))
        return std::isfinite(out);
    size_t e = p;
    while (e < s.size() && (isDigit(s[e]) || s[e] == '.'))
        ++e;
    double base = 0;
    if (!parseDouble(s.substr(0, e), base))
        return false;
    const std::string suffix = toLowerAscii(s.substr(e));
    static constexpr const char *kUnits[] = {"k", "m", "g", "t"};
    for (size_t i = 0; i < 4; ++i) {
        const std::string u = kUnits[i];
        if (suffix == u || suffix == u + "b" || suffix == u + "ib") {
            out = base * std::pow(1024.0, static_cast<double>(i + 1));
            return std::isfinite(out);
        }
    }
    return false;
}

bool looksLikeDate(std::string_view s) {
    return s.size() >= 10 && isDigit(s[0]) && isDigit(s[1]) && isDigit(s[2]) && isDigit(s[3]) &&
           s[4] == '-';
}

struct Token {
    std::string text;
    size_t pos = 0;
    bool quoted = false;
};

class ExprParser {
public:
    ExprParser(std::string_view text, const CompileOptions &options, Program &program)
        : m_s(text)
        , m_options(options)
        , m_prog(program) {}

    uint32_t parseAll() {
        skipSpace();
        if (atEnd()) {
            Node n;
            return add(std::move(n));
        }
        const uint32_t root = parseOr();
        skipSpace();
        if (!atEnd()) {
            if (peek() == ')')
                fail(m_pos, "unexpected ')' without a matching '('");
            fail(m_pos, "unexpected '" + std::string(1, peek()) + "'");
        }
        return root;
    }

private:
    bool atEnd() const { return m_pos >= m_s.size(); }
    char peek(size_t ahead = 0) const {
        return m_pos + ahead < m_s.size() ? m_s[m_pos + ahead] : '\0';
    }
    void skipSpace() {
        while (!atEnd() && isSpace(m_s[m_pos]))
            ++m_pos;
    }
    // True when the word at m_pos is `kw` (case-insensitive) followed by a delimiter.
    bool atKeyword(std::string_view kw) const {
        if (m_pos + kw.size() > m_s.size() || !iequals(m_s.substr(m_pos, kw.size()), kw))
            return false;
        const size_t e = m_pos + kw.size();
        return e == m_s.size() || !isIdentChar(m_s[e]);
    }
    bool atExprEnd() const {
        return atEnd() || peek() == ')' || atKeyword("or") || atKeyword("and") ||
               (peek() == '|' && peek(1) == '|') || (peek() == '&' && peek(1) == '&');
    }

    uint32_t add(Node n) {
        m_prog.nodes.push_back(std::move(n));
        return static_cast<uint32_t>(m_prog.nodes.size() - 1);
    }

    // And/Or with flattening of same-operator children and cheapest-first ordering.
    uint32_t combine(NodeOp op, const std::vector<uint32_t> &items) {
        if (items.size() == 1)
            return items[0];
        Node n;
        n.op = op;
        for (uint32_t c : items) {
            const Node &child = m_prog.nodes[c];
            if (child.op == op)
                n.children.insert(n.children.end(), child.children.begin(), child.children.end());
            else
                n.children.push_back(c);
        }
        std::stable_sort(n.children.begin(), n.children.end(), [&](uint32_t a, uint32_t b) {
            return m_prog.nodes[a].cost < m_prog.nodes[b].cost;
        });
        n.cost = m_prog.nodes[n.children.back()].cost;
        return add(std::move(n));
    }

    uint32_t negate(uint32_t child) {
        Node n;
        n.op = NodeOp::Not;
        n.children.push_back(child);
        n.cost = m_prog.nodes[child].cost;
        return add(std::move(n));
    }

    uint32_t parseOr() {
        std::vector<uint32_t> items{parseAnd()};
        for (;;) {
            skipSpace();
            size_t opLen = 0;
            if (atKeyword("or"))
                opLen = 2;
            else if (peek() == '|' && peek(1) == '|')
                opLen = 2;
            else
                break;
            const std::string opText(m_s.substr(m_pos, opLen));
            m_pos += opLen;
            skipSpace();
            if (atExprEnd())
                fail(m_pos, "expected an expression after '" + opText + "'");
            items.push_back(parseAnd());
        }
        return combine(NodeOp::Or, items);
    }

    uint32_t parseAnd() {
        skipSpace();
        if (atKeyword("and") || atKeyword("or") || (peek() == '&' && peek(1) == '&') ||
            (peek() == '|' && peek(1) == '|'))
            fail(m_pos, "expected an expression before '" +
                            std::string(m_s.substr(m_pos, atKeyword("and") ? 3 : 2)) + "'");
        std::vector<uint32_t> items{parseUnary()};
        for (;;) {
            skipSpace();
            if (atEnd() || peek() == ')' || atKeyword("or") || (peek() == '|' && peek(1) == '|'))
                break;
            if (atKeyword("and") || (peek() == '&' && peek(1) == '&')) {
                const std::string opText(m_s.substr(m_pos, atKeyword("and") ? 3 : 2));
                m_pos += opText.size();
                skipSpace();
                if (atExprEnd())
                    fail(m_pos, "expected an expression after '" + opText + "'");
            }
            items.push_back(parseUnary());
        }
        return combine(NodeOp::And, items);
    }

    uint32_t parseUnary() {
        skipSpace();
        std::string opText;
        if (atKeyword("not"))
            opText = std::string(m_s.substr(m_pos, 3));
        else if (peek() == '!' && peek(1) != '=' && peek(1) != '~')
            opText = "!";
        else if (peek() == '-' && (isIdentStart(peek(1)) || peek(1) == '"' || peek(1) == '\'' ||
                                   peek(1) == '/' || peek(1) == '('))
            opText = "-";
        if (opText.empty())
            return parsePrimary();
        m_pos += opText.size();
        skipSpace();
        if (atExprEnd())
            fail(m_pos, "expected an expression after '" + opText + "'");
        return negate(parseUnary());
    }

    static bool isOperatorStart(char c) {
        return c == ':' || c == '=' || c == '<' || c == '>' || c == '~';
    }
    bool atOperator() const {
        return isOperatorStart(peek()) || (peek() == '!' && (peek(1) == '=' || peek(1) == '~'));
    }

    uint32_t parsePrimary() {
        skipSpace();
        const size_t start = m_pos;
        const char c = peek();
        if (c == '(') {
            ++m_pos;
            skipSpace();
            if (peek() == ')')
                fail(m_pos, "empty parentheses");
            if (atEnd())
                fail(start, "'(' is never closed");
            const uint32_t inner = parseOr();
            skipSpace();
            if (peek() != ')')
                fail(start, "'(' is never closed");
            ++m_pos;
            return inner;
        }
        if (c == ')')
            fail(m_pos, "unexpected ')' without a matching '('");
        if (c == ',')
            fail(m_pos, "unexpected ',' outside an 'in (...)' list");
        if (atOperator())
            fail(m_pos, "expected a field name before '" + std::string(1, c) + "'");
        if (c == '/')
            return rawRegex();
        if (c == '"' || c == '\'') {
            Token t = readQuoted();
            const size_t afterQuote = m_pos;
            skipSpace();
            if (atOperator())
                return parseComparison(t.text, start);
            m_pos = afterQuote;
            if (t.text.empty())
                fail(start, "empty search text");
            return textNode(t.text);
        }
        // A word: a field name when an operator or 'in (' follows, else free text.
        while (!atEnd() && isIdentChar(peek()))
            ++m_pos;
        const std::string_view ident = m_s.substr(start, m_pos - start);
        if (!ident.empty() && isIdentStart(ident[0])) {
            const size_t afterIdent = m_pos;
            skipSpace();
            if (atOperator())
                return parseComparison(std::string(ident), start);
            if (atKeyword("in")) {
                const size_t inPos = m_pos;
                m_pos += 2;
                skipSpace();
                if (peek() == '(')
                    return parseIn(std::string(ident), start);
                m_pos = inPos;
            }
            m_pos = afterIdent;
            if (iequals(ident, "last") && (atEnd() || isSpace(peek())))
                return parseLast(start);
        }
        while (!atEnd() && !isSpace(peek()) && peek() != '(' && peek() != ')' && peek() != '"')
            ++m_pos;
        return textNode(std::string(m_s.substr(start, m_pos - start)));
    }

    uint32_t textNode(std::string text) {
        Node n;
        n.op = NodeOp::Text;
        n.cost = Cost::Raw;
        n.needle = toLowerAscii(text);
        m_prog.recordOnly = false;
        return add(std::move(n));
    }

    Token readQuoted() {
        const size_t start = m_pos;
        const char q = m_s[m_pos++];
        Token t;
        t.pos = start;
        t.quoted = true;
        while (!atEnd() && peek() != q) {
            if (peek() == '\\' && (peek(1) == q || peek(1) == '\\'))
                ++m_pos;
            t.text += m_s[m_pos++];
        }
        if (atEnd())
            fail(start, "unclosed quote: missing the closing " + std::string(1, q));
        ++m_pos;
        return t;
    }

    // /pattern/flags at m_pos. Only "\/" is unescaped; other escapes go to RE2 as written.
    std::shared_ptr<const re2::RE2> readRegex(std::string &pattern, bool &caseless) {
        const size_t start = m_pos++;
        pattern.clear();
        while (!atEnd() && peek() != '/') {
            if (peek() == '\\' && peek(1) == '/') {
                pattern += '/';
                m_pos += 2;
                continue;
            }
            if (peek() == '\\' && m_pos + 1 < m_s.size()) {
                pattern += m_s.substr(m_pos, 2);
                m_pos += 2;
                continue;
            }
            pattern += m_s[m_pos++];
        }
        if (atEnd())
            fail(start, "unclosed regex: missing the closing '/'");
        ++m_pos;
        if (pattern.empty())
            fail(start, "empty regex");
        caseless = false;
        while (!atEnd() && isIdentChar(peek())) {
            if (peek() != 'i')
                fail(m_pos, "unknown regex flag '" + std::string(1, peek()) +
                                "' (only 'i'; quote text that contains '/')");
            caseless = true;
            ++m_pos;
        }
        return compileRegex(pattern, caseless, start);
    }

    std::shared_ptr<const re2::RE2> compileRegex(const std::string &pattern, bool caseless,
                                                 size_t pos) {
        re2::RE2::Options o;
        o.set_log_errors(false);
        o.set_case_sensitive(!caseless);
        auto re = std::make_shared<const re2::RE2>(pattern, o);
        if (!re->ok())
            fail(pos, "invalid regex: " + re->error());
        return re;
    }

    uint32_t rawRegex() {
        Node n;
        n.op = NodeOp::Regex;
        n.cost = Cost::RawRegex;
        n.re = readRegex(n.reText, n.reCaseless);
        m_prog.recordOnly = false;
        return add(std::move(n));
    }

    // A value after an operator: quoted, or a bare run up to space, parenthesis (or comma
    // inside lists).
    Token readValue(bool inList) {
        Token t;
        t.pos = m_pos;
        if (peek() == '"' || peek() == '\'')
            return readQuoted();
        while (!atEnd() && !isSpace(peek()) && peek() != '(' && peek() != ')' &&
               !(inList && peek() == ','))
            ++m_pos;
        t.text = std::string(m_s.substr(t.pos, m_pos - t.pos));
        return t;
    }

    uint32_t parseLast(size_t start) {
        m_pos = start + 4;
        skipSpace();
        const Token v = readValue(false);
        if (v.text.empty())
            fail(m_pos, "expected a duration after 'last', e.g. last 5m");
        int64_t ns = 0;
        if (!parseDuration(v.text, ns))
            fail(v.pos, "invalid duration '" + v.text + "' (use e.g. 30s, 5m, 2h, 1d)");
        if (ns <= 0)
            fail(v.pos, "the duration after 'last' must be positive");
        const int64_t now = m_options.now == kMinTimestamp ? wallNow().value : m_options.now.value;
        Node n;
        n.op = NodeOp::Time;
        n.lo = now - ns;
        n.hi = std::numeric_limits<int64_t>::max();
        return add(std::move(n));
    }

    uint32_t parseIn(std::string name, size_t namePos) {
        const size_t open = m_pos++;
        std::vector<Token> values;
        for (;;) {
            skipSpace();
            if (atEnd())
                fail(open, "the list's '(' is never closed");
            if (peek() == ')' && values.empty())
                fail(m_pos, "empty list after 'in'");
            const Token v = readValue(true);
            if (!v.quoted && v.text.empty())
                fail(m_pos, "expected a value in the list");
            values.push_back(v);
            skipSpace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() == ')') {
                ++m_pos;
                break;
            }
            if (atEnd())
                fail(open, "the list's '(' is never closed");
            fail(m_pos, "expected ',' or ')' in the list");
        }
        return build(name, namePos, Cmp::In, "in", open, values);
    }

    uint32_t parseComparison(std::string name, size_t namePos) {
        const size_t opPos = m_pos;
        std::string op(1, peek());
        if ((peek() == '!' || peek() == '<' || peek() == '>' || peek() == '=') && peek(1) == '=')
            op += '=';
        else if (peek() == '!' && peek(1) == '~')
            op += '~';
        m_pos += op.size();
        if (op == "==")
            op = "=";
        skipSpace();
        const std::string what = "'" + name + op + "'";
        if (op == "~" || op == "!~") {
            Node n;
            n.cost = Cost::Fields;
            if (atEnd() || peek() == ')')
                fail(m_pos, "expected a regex after " + what);
            const size_t vpos = m_pos;
            if (peek() == '/') {
                n.re = readRegex(n.reText, n.reCaseless);
            } else if (peek() == '"' || peek() == '\'') {
                const Token v = readQuoted();
                n.reText = v.text;
                n.re = compileRegex(v.text, false, vpos);
            } else {
                // Bare pattern: up to a space or a ')' that closes an enclosing group.
                int depth = 0;
                while (!atEnd() && !isSpace(peek()) && !(peek() == ')' && depth == 0)) {
                    if (peek() == '\\' && m_pos + 1 < m_s.size()) {
                        m_pos += 2;
                        continue;
                    }
                    depth += peek() == '(' ? 1 : peek() == ')' ? -1 : 0;
                    ++m_pos;
                }
                n.reText = std::string(m_s.substr(vpos, m_pos - vpos));
                n.re = compileRegex(n.reText, false, vpos);
            }
            const uint32_t node = buildRegex(name, namePos, std::move(n));
            return op == "!~" ? negate(node) : node;
        }
        if (atEnd() || peek() == ')' || peek() == ',')
            fail(m_pos, "expected a value after " + what);
        std::vector<Token> values{readValue(false)};
        Cmp cmp = Cmp::Eq;
        if (op == "<")
            cmp = Cmp::Lt;
        else if (op == "<=")
            cmp = Cmp::Le;
        else if (op == ">")
            cmp = Cmp::Gt;
        else if (op == ">=")
            cmp = Cmp::Ge;
        // Ranges: A..B (bare) or "A".."B".
        if (cmp == Cmp::Eq || op == "!=") {
            Token &first = values[0];
            if (first.quoted && peek() == '.' && peek(1) == '.') {
                m_pos += 2;
                if (atEnd() || isSpace(peek()) || peek() == ')')
                    fail(m_pos, "a range needs both ends, e.g. 500..599");
                values.push_back(readValue(false));
                cmp = Cmp::Range;
            } else if (!first.quoted) {
                const size_t dots = first.text.find("..");
                if (dots != std::string::npos) {
                    Token second;
                    second.text = first.text.substr(dots + 2);
                    second.pos = first.pos + dots + 2;
                    if (!second.text.empty() && (second.text[0] == '"' || second.text[0] == '\'')) {
                        m_pos = second.pos;
                        second = readQuoted();
                    }
                    first.text.resize(dots);
                    if (first.text.empty() || second.text.empty())
                        fail(first.pos, "a range needs both ends, e.g. 500..599");
                    values.push_back(second);
                    cmp = Cmp::Range;
                }
            }
            if (cmp == Cmp::Eq && !first.quoted && first.text == "*")
                cmp = Cmp::Exists;
        }
        const uint32_t node = build(name, namePos, cmp, op, opPos, values);
        return op == "!=" ? negate(node) : node;
    }

    Literal literal(const Token &t) {
        Literal l;
        l.text = t.text;
        l.lower = toLowerAscii(t.text);
        l.quoted = t.quoted;
        l.wildcard = !t.quoted && t.text.find_first_of("*?") != std::string::npos;
        l.isNumber = parseNumber(t.text, l.number);
        if (l.isNumber && std::floor(l.number) == l.number && std::fabs(l.number) < 9.0e15) {
            l.isInteger = true;
            l.integer = static_cast<int64_t>(l.number);
        }
        TimestampNs ts;
        if (looksLikeDate(t.text) && parseIso8601(t.text, ts)) {
            l.isTime = true;
            l.time = ts.value;
        }
        return l;
    }

    static Severity levelOf(const Token &t) {
        if (iequals(t.text, "unknown") || iequals(t.text, "none"))
            return Severity::Unknown;
        const Severity s = severityFromName(t.text);
        if (s == Severity::Unknown)
            fail(t.pos, "unknown level '" + t.text +
                            "' (expected trace, debug, info, notice, warn, error, critical, "
                            "alert or emergency)");
        return s;
    }

    uint32_t build(const std::string &name, size_t namePos, Cmp cmp, const std::string &op,
                   size_t opPos, const std::vector<Token> &values) {
        const std::string lname = toLowerAscii(name);
        Node n;
        if (lname == "time") {
            n.op = NodeOp::Time;
            n.lo = std::numeric_limits<int64_t>::min();
            n.hi = std::numeric_limits<int64_t>::max();
            if (cmp == Cmp::Eq || cmp == Cmp::In || cmp == Cmp::Exists || op == "!=")
                fail(opPos, "'time' needs <, <=, >, >= or a range A..B, e.g. time>\"2026-11-22 "
                            "10:00\"");
            int64_t t[2] = {0, 0};
            for (size_t i = 0; i < values.size(); ++i) {
                TimestampNs ts;
                if (!parseIso8601(values[i].text, ts))
                    fail(values[i].pos, "invalid time '" + values[i].text +
                                            "' (expected e.g. \"2026-11-22 10:00\" or "
                                            "2026-11-22T10:00:00Z)");
                t[i] = ts.value;
            }
            switch (cmp) {
            case Cmp::Lt:
                n.hi = t[0] - 1;
                break;
            case Cmp::Le:
                n.hi = t[0];
                break;
            case Cmp::Gt:
                n.lo = t[0] + 1;
                break;
            case Cmp::Ge:
                n.lo = t[0];
                break;
            default:
                if (t[0] > t[1])
                    fail(values[0].pos, "the range starts after it ends");
                n.lo = t[0];
                n.hi = t[1];
            }
            return add(std::move(n));
        }
        if (lname == "level" || lname == "severity") {
            n.op = NodeOp::Level;
            if (cmp == Cmp::Exists) {
                n.mask = 0x3FE;
                return add(std::move(n));
            }
            std::vector<int> levels;
            for (const Token &t : values)
                levels.push_back(static_cast<int>(levelOf(t)));
            for (int s = 0; s <= static_cast<int>(Severity::Emergency); ++s) {
                bool hit = false;
                const int v = levels[0];
                switch (cmp) {
                case Cmp::Eq:
                    hit = s == v;
                    break;
                case Cmp::In:
                    hit = std::find(levels.begin(), levels.end(), s) != levels.end();
                    break;
                case Cmp::Lt:
                    hit = s != 0 && s < v;
                    break;
                case Cmp::Le:
                    hit = s != 0 && s <= v;
                    break;
                case Cmp::Gt:
                    hit = s != 0 && s > v;
                    break;
                case Cmp::Ge:
                    hit = s != 0 && s >= v;
                    break;
                case Cmp::Range:
                    if (levels[0] > levels[1])
                        fail(values[0].pos, "the range starts after it ends");
                    hit = s >= levels[0] && s <= levels[1];
                    break;
                default:
                    break;
                }
                if (hit)
                    n.mask |= 1u << s;
            }
            return add(std::move(n));
        }
        if (lname == "status") {
            n.op = NodeOp::Status;
            if (cmp == Cmp::Exists) {
                n.ranges.emplace_back(1, 65535);
                return add(std::move(n));
            }
            std::vector<std::pair<int64_t, int64_t>> r; // one per value
            for (const Token &t : values) {
                if (t.text.size() == 3 && isDigit(t.text[0]) &&
                    (t.text[1] == 'x' || t.text[1] == 'X') &&
                    (t.text[2] == 'x' || t.text[2] == 'X')) {
                    const int64_t base = (t.text[0] - '0') * 100;
                    r.emplace_back(base, base + 99);
                    continue;
                }
                int64_t v = 0;
                if (!parseInt64(t.text, v) || v < 0)
                    fail(t.pos,
                         "'status' needs a whole number or a class like 5xx, not '" + t.text + "'");
                r.emplace_back(v, v);
            }
            const int64_t kMax = 65535;
            auto addRange = [&](int64_t lo, int64_t hi) {
                lo = std::max<int64_t>(lo, 1);
                hi = std::min<int64_t>(hi, kMax);
                if (lo <= hi)
                    n.ranges.emplace_back(static_cast<uint32_t>(lo), static_cast<uint32_t>(hi));
            };
            switch (cmp) {
            case Cmp::Eq:
                addRange(r[0].first, r[0].second);
                break;
            case Cmp::In:
                for (auto &x : r)
                    addRange(x.first, x.second);
                break;
            case Cmp::Lt:
                addRange(1, r[0].first - 1);
                break;
            case Cmp::Le:
                addRange(1, r[0].second);
                break;
            case Cmp::Gt:
                addRange(r[0].second + 1, kMax);
                break;
            case Cmp::Ge:
                addRange(r[0].first, kMax);
                break;
            default:
                if (r[0].first > r[1].second)
                    fail(values[0].pos, "the range starts after it ends");
                addRange(r[0].first, r[1].second);
            }
            return add(std::move(n));
        }
        if (lname == "source") {
            if (cmp == Cmp::Exists)
                return add(std::move(n)); // every event has a source
            if (cmp != Cmp::Eq && cmp != Cmp::In)
                fail(opPos, "'source' supports ':', '=', '!=', '~' and 'in' only");
            n.op = NodeOp::Source;
            n.slot = m_prog.sourceSlots++;
            for (const Token &t : values)
                n.values.push_back(literal(t));
            return add(std::move(n));
        }
        n.op = NodeOp::Field;
        n.cost = Cost::Fields;
        n.field = name;
        n.cmp = cmp;
        for (const Token &t : values) {
            if (cmp != Cmp::Exists)
                n.values.push_back(literal(t));
        }
        if (cmp == Cmp::Range) {
            const Literal &a = n.values[0], &b = n.values[1];
            if ((a.isNumber && b.isNumber && a.number > b.number) ||
                (!a.isNumber && a.isTime && b.isTime && a.time > b.time))
                fail(values[0].pos, "the range starts after it ends");
        }
        (void)namePos;
        m_prog.recordOnly = false;
        m_prog.needsFields = true;
        return add(std::move(n));
    }

    uint32_t buildRegex(const std::string &name, size_t namePos, Node n) {
        const std::string lname = toLowerAscii(name);
        if (lname == "time" || lname == "level" || lname == "severity" || lname == "status")
            fail(namePos, "'~' (regex) is not supported on '" + name + "'");
        n.cmp = Cmp::Regex;
        if (lname == "source") {
            n.op = NodeOp::Source;
            n.cost = Cost::Record;
            n.slot = m_prog.sourceSlots++;
            return add(std::move(n));
        }
        n.op = NodeOp::Field;
        n.field = name;
        m_prog.recordOnly = false;
        m_prog.needsFields = true;
        return add(std::move(n));
    }

    std::string_view m_s;
    size_t m_pos = 0;
    const CompileOptions &m_options;
    Program &m_prog;
};

} // namespace

std::optional<Query> Query::compile(std::string_view text, const CompileOptions &options,
                                    QueryError *error) {
    auto prog = std::make_shared<Program>();
    prog->text = std::string(text);
    try {
        ExprParser parser(text, options, *prog);
        prog->root = parser.parseAll();
    } catch (const ParseFailure &f) {
        if (error)
            *error = f.error;
        return std::nullopt;
    }
    prog->recordOnly = prog->nodes[prog->root].cost == Cost::Record;
    return Query(std::move(prog));
}

} // namespace weir::query
