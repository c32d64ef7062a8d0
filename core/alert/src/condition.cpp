// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/alert/condition.h"

#include "weir/common/text.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

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
        double v = strtodC(b, &e);
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

void Condition::evaluateColumns(const double *const *columns, size_t n, Verdict *verdicts,
                                double *values) const {
    // The stack depth after each instruction does not depend on the values: find the deepest.
    size_t depth = 0;
    size_t maxDepth = 0;
    for (const Instr &in : m_program) {
        if (in.op == Op::Const || in.op == Op::Agg)
            ++depth;
        else if (in.op != Op::Capture && in.op != Op::Neg && in.op != Op::Not)
            --depth;
        maxDepth = std::max(maxDepth, depth);
    }
    if (maxDepth >= 63 || maxDepth == 0) {
        // evaluate() gives up mid-program at that depth: keep its exact outcome row by row.
        std::vector<double> row(m_aggregates.size());
        for (size_t r = 0; r < n; ++r) {
            for (size_t a = 0; a < row.size(); ++a)
                row[a] = columns[a][r];
            const Result res = evaluate(row.data());
            verdicts[r] = res.verdict;
            values[r] = res.value;
        }
        return;
    }
    // Each stack entry is a constant or a block of values: a column read in place, or the
    // entry's own scratch block. An operation writes into the scratch block of the slot its
    // result takes (its left operand's), element by element, so reading that block as an
    // operand while writing it is safe. Constants stay scalars (no fill, no copy).
    constexpr size_t kBlock = 256;
    struct Entry {
        const double *values = nullptr; // nullptr: the constant
        double constant = 0;
    };
    std::vector<Entry> stack(maxDepth);
    std::vector<double> scratch(maxDepth * kBlock);
    double captured[kBlock];
    double missing[kBlock]; // 0 or 1: the values' width, so the loops vectorize
    for (size_t base = 0; base < n; base += kBlock) {
        const size_t m = std::min(kBlock, n - base);
        size_t sp = 0;
        const double nan = std::nan("");
        bool capturedConstant = true;
        double capturedValue = nan;
        for (size_t j = 0; j < m; ++j)
            missing[j] = 0;
        for (const Instr &in : m_program) {
            switch (in.op) {
            case Op::Const:
                stack[sp++] = Entry{nullptr, in.constant};
                break;
            case Op::Agg: {
                const double *src = columns[in.index] + base;
                for (size_t j = 0; j < m; ++j)
                    missing[j] = src[j] != src[j] ? 1.0 : missing[j]; // NaN
                stack[sp++] = Entry{src, 0};
                break;
            }
            case Op::Capture: {
                const Entry &top = stack[sp - 1];
                capturedConstant = top.values == nullptr;
                capturedValue = top.constant;
                if (!capturedConstant)
                    std::copy_n(top.values, m, captured);
                break;
            }
            default: {
                const bool unary = in.op == Op::Neg || in.op == Op::Not;
                if (!unary)
                    --sp;
                Entry &a = stack[sp - 1];
                const Entry b = unary ? Entry{} : stack[sp];
                const auto apply = [&](auto f) {
                    if (!a.values && (unary || !b.values)) {
                        a.constant = f(a.constant, b.constant);
                        return;
                    }
                    double *out = &scratch[(sp - 1) * kBlock];
                    if (unary) {
                        for (size_t j = 0; j < m; ++j)
                            out[j] = f(a.values[j], 0.0);
                    } else if (!a.values) {
                        const double x = a.constant;
                        for (size_t j = 0; j < m; ++j)
                            out[j] = f(x, b.values[j]);
                    } else if (!b.values) {
                        const double y = b.constant;
                        for (size_t j = 0; j < m; ++j)
                            out[j] = f(a.values[j], y);
                    } else {
                        for (size_t j = 0; j < m; ++j)
                            out[j] = f(a.values[j], b.values[j]);
                    }
                    a.values = out;
                };
                // The same expressions as evaluate(), element by element.
                switch (in.op) {
                case Op::Neg:
                    apply([](double x, double) { return -x; });
                    break;
                case Op::Not:
                    apply([](double x, double) { return x == 0 ? 1.0 : 0.0; });
                    break;
                case Op::Add:
                    apply([](double x, double y) { return x + y; });
                    break;
                case Op::Sub:
                    apply([](double x, double y) { return x - y; });
                    break;
                case Op::Mul:
                    apply([](double x, double y) { return x * y; });
                    break;
                case Op::Div:
                    apply([](double x, double y) { return x / y; });
                    break;
                case Op::Less:
                    apply([](double x, double y) { return x < y ? 1.0 : 0.0; });
                    break;
                case Op::LessEq:
                    apply([](double x, double y) { return x <= y ? 1.0 : 0.0; });
                    break;
                case Op::Greater:
                    apply([](double x, double y) { return x > y ? 1.0 : 0.0; });
                    break;
                case Op::GreaterEq:
                    apply([](double x, double y) { return x >= y ? 1.0 : 0.0; });
                    break;
                case Op::Equal:
                    apply([](double x, double y) { return x == y ? 1.0 : 0.0; });
                    break;
                case Op::NotEqual:
                    apply([](double x, double y) { return x != y ? 1.0 : 0.0; });
                    break;
                case Op::And:
                    apply([](double x, double y) { return (x != 0) & (y != 0) ? 1.0 : 0.0; });
                    break;
                case Op::Or:
                    apply([](double x, double y) { return (x != 0) | (y != 0) ? 1.0 : 0.0; });
                    break;
                default:
                    break;
                }
            }
            }
        }
        const Entry &top = stack[0];
        for (size_t j = 0; j < m; ++j) {
            const double v = capturedConstant ? capturedValue : captured[j];
            const double result = top.values ? top.values[j] : top.constant;
            values[base + j] = v;
            verdicts[base + j] = missing[j]                     ? Verdict::NoData
                                 : !std::isfinite(v) || sp != 1 ? Verdict::Error
                                 : result != 0                  ? Verdict::True
                                                                : Verdict::False;
        }
    }
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

void Condition::SimpleComparison::evaluateColumn(const double *column, size_t n,
                                                 Verdict *verdicts) const {
    const auto run = [&](auto cmp) {
        for (size_t r = 0; r < n; ++r) {
            const double v = column[r];
            verdicts[r] = std::isnan(v)       ? Verdict::NoData
                          : !std::isfinite(v) ? Verdict::Error
                          : cmp(v, constant)  ? Verdict::True
                                              : Verdict::False;
        }
    };
    switch (op) {
    case Op::Less:
        run([](double x, double c) { return x < c; });
        break;
    case Op::LessEq:
        run([](double x, double c) { return x <= c; });
        break;
    case Op::Greater:
        run([](double x, double c) { return x > c; });
        break;
    case Op::GreaterEq:
        run([](double x, double c) { return x >= c; });
        break;
    case Op::Equal:
        run([](double x, double c) { return x == c; });
        break;
    case Op::NotEqual:
        run([](double x, double c) { return x != c; });
        break;
    default:
        run([](double, double) { return false; });
        break;
    }
}

} // namespace weir::alert
