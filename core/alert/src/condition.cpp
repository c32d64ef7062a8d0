// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/alert/condition.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace weir::alert {

std::string AggregateRef::text() const {
    return (reference ? "ref." : "") + function + "(" + argument + ")";
}

namespace {

bool isIdentStart(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool isIdent(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

bool knownFunction(std::string_view f) {
    static const char *const kNames[] = {"count", "sum", "mean", "avg",      "min",   "max", "p50",
                                         "p90",   "p95", "p99",  "distinct", "first", "last"};
    for (const char *n : kNames) {
        if (f == n)
            return true;
    }
    return false;
}

} // namespace

class ConditionParser {
public:
    ConditionParser(std::string_view text, Condition &out)
        : m_s(text)
        , m_out(out) {}

    bool run(std::string *error) {
        if (!orExpr())
            return fail(error);
        skipSpace();
        if (m_pos != m_s.size()) {
            m_errorPos = m_pos;
            m_error = "unexpected '" + std::string(1, m_s[m_pos]) + "'";
            return fail(error);
        }
        if (!m_captured)
            emit({Condition::Op::Capture});
        // The capture must stand where the reported value is computed; when there was no
        // comparison the whole expression is the value and the capture at the end is right.
        return true;
    }

private:
    bool fail(std::string *error) {
        if (error)
            *error = "column " + std::to_string(m_errorPos + 1) + ": " + m_error;
        return false;
    }
    bool expected(const std::string &what) {
        skipSpace();
        m_errorPos = m_pos;
        m_error = m_pos < m_s.size()
                      ? "expected " + what + " at '" + std::string(1, m_s[m_pos]) + "'"
                      : "expected " + what + " at the end";
        return false;
    }
    void skipSpace() {
        while (m_pos < m_s.size() && std::isspace(static_cast<unsigned char>(m_s[m_pos])))
            ++m_pos;
    }
    bool word(std::string_view w) {
        skipSpace();
        if (m_s.substr(m_pos, w.size()) != w)
            return false;
        const size_t end = m_pos + w.size();
        if (end < m_s.size() && isIdent(m_s[end]))
            return false;
        m_pos = end;
        return true;
    }
    bool symbol(std::string_view sym) {
        skipSpace();
        if (m_s.substr(m_pos, sym.size()) != sym)
            return false;
        m_pos += sym.size();
        return true;
    }
    void emit(Condition::Instr i) { m_out.m_program.push_back(i); }

    bool orExpr() {
        if (!andExpr())
            return false;
        while (word("or") || symbol("||")) {
            if (!andExpr())
                return false;
            emit({Condition::Op::Or});
        }
        return true;
    }
    bool andExpr() {
        if (!notExpr())
            return false;
        while (word("and") || symbol("&&")) {
            if (!notExpr())
                return false;
            emit({Condition::Op::And});
        }
        return true;
    }
    bool notExpr() {
        if (word("not")) {
            if (++m_nots > kMaxDepth) {
                m_errorPos = m_pos;
                m_error = "expression nested too deeply";
                return false;
            }
            if (!notExpr())
                return false;
            emit({Condition::Op::Not});
            return true;
        }
        return comparison();
    }
    bool comparison() {
        if (!sum())
            return false;
        static const std::pair<const char *, Condition::Op> kOps[] = {
            {">=", Condition::Op::GreaterEq}, {"<=", Condition::Op::LessEq},
            {"==", Condition::Op::Equal},     {"!=", Condition::Op::NotEqual},
            {">", Condition::Op::Greater},    {"<", Condition::Op::Less},
            {"=", Condition::Op::Equal}};
        for (const auto &[sym, op] : kOps) {
            if (symbol(sym)) {
                if (!m_captured) {
                    emit({Condition::Op::Capture});
                    m_captured = true;
                }
                if (!sum())
                    return false;
                emit({op});
                return true;
            }
        }
        return true;
    }
    bool sum() {
        if (!product())
            return false;
        while (true) {
            if (symbol("+")) {
                if (!product())
                    return false;
                emit({Condition::Op::Add});
            } else if (symbol("-")) {
                if (!product())
                    return false;
                emit({Condition::Op::Sub});
            } else {
                return true;
            }
        }
    }
    bool product() {
        if (!unary())
            return false;
        while (true) {
            if (symbol("*")) {
                if (!unary())
                    return false;
                emit({Condition::Op::Mul});
            } else if (symbol("/")) {
                if (!unary())
                    return false;
                emit({Condition::Op::Div});
            } else {
                return true;
            }
        }
    }
    bool unary() {
        if (++m_unary > kMaxDepth) {
            m_errorPos = m_pos;
            m_error = "expression nested too deeply";
            return false;
        }
        const bool ok = unaryInner();
        --m_unary;
        return ok;
    }
    bool unaryInner() {
        if (symbol("-")) {
            if (!unary())
                return false;
            emit({Condition::Op::Neg});
            return true;
        }
        return primary();
    }
    bool number() {
        const char *b = m_s.data() + m_pos;
        char *e = nullptr;
        double v = std::strtod(b, &e);
        // strtod would read past the view in theory; the text is a std::string's data, so
        // it is NUL-terminated.
        if (e == b)
            return false;
        m_pos += static_cast<size_t>(e - b);
        if (m_pos < m_s.size()) {
            const char c = m_s[m_pos];
            const double scale = c == 'k' ? 1e3 : c == 'M' ? 1e6 : c == 'G' ? 1e9 : 0;
            if (scale != 0 && !(m_pos + 1 < m_s.size() && isIdent(m_s[m_pos + 1]))) {
                v *= scale;
                ++m_pos;
            }
        }
        Condition::Instr i{Condition::Op::Const};
        i.constant = v;
        emit(i);
        return true;
    }
    bool primary() {
        skipSpace();
        if (m_pos >= m_s.size())
            return expected("a value");
        const char c = m_s[m_pos];
        if (c == '(') {
            if (++m_depth > kMaxDepth) {
                m_errorPos = m_pos;
                m_error = "expression nested too deeply";
                return false;
            }
            ++m_pos;
            if (!orExpr())
                return false;
            if (!symbol(")"))
                return expected("')'");
            --m_depth;
            return true;
        }
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '.')
            return number() || expected("a number");
        if (!isIdentStart(c))
            return expected("a number, an aggregate such as mean(x), or '('");
        const size_t start = m_pos;
        while (m_pos < m_s.size() && isIdent(m_s[m_pos]))
            ++m_pos;
        std::string name(m_s.substr(start, m_pos - start));
        AggregateRef ref;
        if (name.rfind("ref.", 0) == 0) {
            ref.reference = true;
            name = name.substr(4);
        }
        for (auto &ch : name)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (name == "avg")
            name = "mean";
        if (!knownFunction(name)) {
            m_errorPos = start;
            m_error = "unknown aggregate '" + name + "'";
            return false;
        }
        skipSpace();
        if (m_pos >= m_s.size() || m_s[m_pos] != '(')
            return expected("'(' after " + name);
        // The argument runs to the matching ')', quotes and nested parentheses included.
        size_t depth = 1;
        size_t p = ++m_pos;
        char quote = 0;
        for (; p < m_s.size(); ++p) {
            const char ch = m_s[p];
            if (quote) {
                if (ch == '\\')
                    ++p;
                else if (ch == quote)
                    quote = 0;
            } else if (ch == '"' || ch == '\'') {
                quote = ch;
            } else if (ch == '(') {
                ++depth;
            } else if (ch == ')' && --depth == 0) {
                break;
            }
        }
        if (p >= m_s.size()) {
            m_errorPos = start;
            m_error = "unclosed '(' in " + name;
            return false;
        }
        ref.function = name;
        std::string_view arg = m_s.substr(m_pos, p - m_pos);
        while (!arg.empty() && std::isspace(static_cast<unsigned char>(arg.front())))
            arg.remove_prefix(1);
        while (!arg.empty() && std::isspace(static_cast<unsigned char>(arg.back())))
            arg.remove_suffix(1);
        ref.argument = std::string(arg);
        if (ref.argument.empty() && name != "count") {
            m_errorPos = start;
            m_error = name + "() needs a field";
            return false;
        }
        m_pos = p + 1;
        uint32_t index = 0;
        while (index < m_out.m_aggregates.size() && !(m_out.m_aggregates[index] == ref))
            ++index;
        if (index == m_out.m_aggregates.size())
            m_out.m_aggregates.push_back(ref);
        Condition::Instr i{Condition::Op::Agg};
        i.index = index;
        emit(i);
        return true;
    }

    std::string_view m_s;
    Condition &m_out;
    size_t m_pos = 0;
    size_t m_errorPos = 0;
    std::string m_error;
    bool m_captured = false;
    static constexpr int kMaxDepth = 24;
    int m_depth = 0;
    int m_unary = 0;
    int m_nots = 0;
};

std::optional<Condition> Condition::parse(std::string_view text, std::string *error) {
    Condition c;
    c.m_text = std::string(text);
    ConditionParser p(c.m_text, c);
    if (!p.run(error))
        return std::nullopt;
    return c;
}

Condition::Result Condition::evaluate(const double *values) const {
    double stack[64];
    size_t sp = 0;
    Result r;
    r.value = std::nan("");
    bool missing = false;
    for (const Instr &in : m_program) {
        switch (in.op) {
        case Op::Const:
            stack[sp++] = in.constant;
            break;
        case Op::Agg: {
            const double v = values[in.index];
            missing |= std::isnan(v);
            stack[sp++] = v;
            break;
        }
        case Op::Capture:
            r.value = stack[sp - 1];
            break;
        case Op::Neg:
            stack[sp - 1] = -stack[sp - 1];
            break;
        case Op::Not:
            stack[sp - 1] = stack[sp - 1] == 0 ? 1 : 0;
            break;
        default: {
            const double b = stack[--sp];
            double &a = stack[sp - 1];
            switch (in.op) {
            case Op::Add:
                a = a + b;
                break;
            case Op::Sub:
                a = a - b;
                break;
            case Op::Mul:
                a = a * b;
                break;
            case Op::Div:
                a = a / b;
                break;
            case Op::Less:
                a = a < b;
                break;
            case Op::LessEq:
                a = a <= b;
                break;
            case Op::Greater:
                a = a > b;
                break;
            case Op::GreaterEq:
                a = a >= b;
                break;
            case Op::Equal:
                a = a == b;
                break;
            case Op::NotEqual:
                a = a != b;
                break;
            case Op::And:
                a = (a != 0 && b != 0);
                break;
            case Op::Or:
                a = (a != 0 || b != 0);
                break;
            default:
                break;
            }
        }
        }
        if (sp >= 63)
            return {Verdict::Error, r.value};
    }
    if (missing)
        return {Verdict::NoData, r.value};
    if (!std::isfinite(r.value) || sp != 1)
        return {Verdict::Error, r.value};
    r.verdict = stack[0] != 0 ? Verdict::True : Verdict::False;
    return r;
}

std::optional<Condition::SimpleComparison> Condition::simpleComparison() const {
    if (m_program.size() != 4 || m_program[0].op != Op::Agg || m_program[1].op != Op::Capture ||
        m_program[2].op != Op::Const)
        return std::nullopt;
    switch (m_program[3].op) {
    case Op::Less:
    case Op::LessEq:
    case Op::Greater:
    case Op::GreaterEq:
    case Op::Equal:
    case Op::NotEqual:
        return SimpleComparison{m_program[0].index, m_program[3].op, m_program[2].constant};
    default:
        return std::nullopt;
    }
}

Condition::Result Condition::SimpleComparison::evaluate(double v) const {
    // The same outcome as the stack program [Agg, Capture, Const, op] in evaluate().
    if (std::isnan(v))
        return {Verdict::NoData, v};
    if (!std::isfinite(v))
        return {Verdict::Error, v};
    bool t = false;
    switch (op) {
    case Op::Less:
        t = v < constant;
        break;
    case Op::LessEq:
        t = v <= constant;
        break;
    case Op::Greater:
        t = v > constant;
        break;
    case Op::GreaterEq:
        t = v >= constant;
        break;
    case Op::Equal:
        t = v == constant;
        break;
    case Op::NotEqual:
        t = v != constant;
        break;
    default:
        break;
    }
    return {t ? Verdict::True : Verdict::False, v};
}

} // namespace weir::alert
