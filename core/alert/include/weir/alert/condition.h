// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace weir::alert {

// An aggregate a condition refers to: "p95(latency)", "count()", "count(status>=500)" (the
// argument of count is a filter expression), or "ref.mean(SPEED)" (the same aggregate over the
// rule's reference key, a prefix of its key).
struct AggregateRef {
    std::string function; // lower case: count, sum, mean, min, max, p50..p99, distinct, first, last
    std::string argument; // field name, filter expression (count), or empty
    bool reference = false;

    std::string text() const; // "ref.mean(SPEED)"
    bool operator==(const AggregateRef &o) const {
        return function == o.function && argument == o.argument && reference == o.reference;
    }
};

// Outcome of evaluating a condition on one window's values.
enum class Verdict : uint8_t {
    False,
    True,
    NoData, // a referenced aggregate has no value (no events, no reference pane)
    Error,  // the arithmetic is undefined (division by zero, overflow)
};

// A boolean expression over aggregates, compiled once into a small stack program:
//   p95(latency) > 800
//   count(status>=500) / count() > 0.05
//   mean(SPEED) < 0.5 * ref.mean(SPEED)
//   (max(temp) > 80 or min(temp) < -10) and count() >= 3
// Numbers accept k/M/G suffixes (1k = 1000). The reported value of an evaluation is the left
// side of the first comparison (or the whole expression when it has no comparison).
// Immutable after parse(); evaluate() is const and thread-safe.
class Condition {
public:
    // Parses `text`; on failure returns nullopt and sets *error to "column N: reason".
    static std::optional<Condition> parse(std::string_view text, std::string *error);

    const std::string &text() const { return m_text; }
    // Distinct aggregates in first-use order; evaluate() takes their values in this order.
    const std::vector<AggregateRef> &aggregates() const { return m_aggregates; }

    struct Result {
        Verdict verdict = Verdict::NoData;
        double value = 0; // NaN when undefined
    };
    // values[i] is the value of aggregates()[i]; NaN means "no value".
    Result evaluate(const double *values) const;
    // evaluate() on n rows at once, instruction by instruction over blocks of rows (no
    // per-row interpretation): columns[a][r] is the value of aggregates()[a] in row r. Writes
    // verdicts[r] and values[r], exactly what evaluate() gives for row r.
    void evaluateColumns(const double *const *columns, size_t n, Verdict *verdicts,
                         double *values) const;

    enum class Op : uint8_t {
        Const,
        Agg,
        Neg,
        Add,
        Sub,
        Mul,
        Div,
        Less,
        LessEq,
        Greater,
        GreaterEq,
        Equal,
        NotEqual,
        And,
        Or,
        Not,
        Capture, // remember the top of the stack as the reported value
    };
    struct Instr {
        Op op;
        uint32_t index = 0; // aggregate index for Agg
        double constant = 0;
    };

    // The common shape "AGG <cmp> CONSTANT" (e.g. "mean(value) > 55"), which evaluators may
    // run without the stack program: NoData when the value is NaN, Error when it is infinite,
    // else the comparison; the reported value is the aggregate's. nullopt for anything else.
    struct SimpleComparison {
        uint32_t aggregate = 0;
        Op op = Op::Greater;
        double constant = 0;
        Result evaluate(double v) const;
        // evaluate() on n values: verdicts[r] for column[r] (the reported value is column[r]).
        void evaluateColumn(const double *column, size_t n, Verdict *verdicts) const;
    };
    std::optional<SimpleComparison> simpleComparison() const;
    // The stack program (ConditionSet compiles several conditions' programs together).
    const std::vector<Instr> &program() const { return m_program; }

private:
    std::string m_text;
    std::vector<AggregateRef> m_aggregates;
    std::vector<Instr> m_program;
    friend class ConditionParser;
};

} // namespace weir::alert
