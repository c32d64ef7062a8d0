// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/alert/condition.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

namespace weir::alert {

// The conditions of several rules over one table of value columns (a rule group's panes),
// compiled together so that an evaluation over n rows computes what they have in common once:
// - members whose conditions are the same expression over the same columns (whatever the
//   text's spacing or aggregate order) share one result;
// - a sub-expression that several conditions contain (`mean(value) * 2` under different
//   thresholds, `count() >= 1`) or that is the reported value is computed once per
//   evaluation into a column of its own, and the conditions read it.
// The results are exactly Condition::evaluate()'s, row by row (the same IEEE operations on
// the same operands; constant sub-expressions are folded with those operations too).
//
// Thread contract: not thread-safe, one owner thread. Built once (add() for every member,
// then finish()), then evaluated any number of times: begin(), then evaluate() per member.
class ConditionSet {
public:
    // Adds `condition`, whose aggregate i is column columnOf[i] of the table; returns the
    // member's index (0, 1, ...).
    size_t add(const Condition &condition, const std::vector<size_t> &columnOf);
    // Decides what is shared. Call once, after the last add() and before begin().
    void finish();

    // Starts an evaluation over n rows: columns[c][r] is column c of row r. The columns and
    // the pointer array must stay valid and unchanged until the evaluation's last evaluate().
    void begin(const double *const *columns, size_t n);

    struct Results {
        const Verdict *verdicts = nullptr; // n verdicts
        const double *values = nullptr;    // n reported values
    };
    // Member `member`'s verdict and reported value of each row of the current evaluation, as
    // Condition::evaluate() gives them. Valid until the next evaluate() or begin().
    Results evaluate(size_t member);

    size_t memberCount() const { return m_members.size(); }
    // Distinct conditions among the members (members with the same one share its results).
    size_t distinctCount() const { return m_classes.size(); }
    // Sub-expressions computed once per evaluation for several uses.
    size_t sharedCount() const { return m_shared.size(); }

    static constexpr uint32_t kNone = 0xffffffffu;

private:
    // A node of the expression graph: identical sub-expressions are one node.
    struct Node {
        Condition::Op op = Condition::Op::Const;
        uint32_t a = kNone, b = kNone; // operands
        uint32_t column = 0;           // Agg: the table's column
        double constant = 0;           // Const
    };
    // Where a program's operand comes from: a table column or a shared node's values.
    struct Leaf {
        bool shared = false;
        uint32_t index = 0; // column, or index in m_shared
    };
    // A node's expression as a stack program whose Agg instructions read leaves[index].
    struct Program {
        std::vector<Condition::Instr> code;
        std::vector<Leaf> leaves;
        size_t depth = 0;
    };
    struct Shared {
        uint32_t node = 0;
        Program program;
        std::vector<double> values; // this evaluation's, when ready
        uint64_t ready = 0;         // the evaluation it was computed in
    };
    struct Class {
        uint32_t root = kNone;
        uint32_t capture = kNone; // kNone: no reported value (NaN)
        uint32_t missing = 0;     // index in m_missingSets
        Program rootProgram;
        Program captureProgram; // empty when the capture is a column, shared or constant
        size_t members = 0;
        std::vector<Verdict> verdicts; // memo of this evaluation's (shared by its members)
        std::vector<double> values;    // the reported values, when computed here
        uint64_t ready = 0;
    };
    struct MissingSet {
        std::vector<uint32_t> columns; // sorted, distinct
        std::vector<uint8_t> rows;     // 1 where one of the columns is NaN, when ready
        uint64_t ready = 0;
    };
    struct Member {
        uint32_t cls = kNone;         // kNone: evaluated alone (a program too deep to share)
        const Condition *condition{}; // standalone: a copy in m_standalone
        std::vector<const double *> columns;
        std::vector<size_t> columnOf;
    };

    uint32_t node(const Node &n);
    void compile(uint32_t node, bool top, Program &p) const;
    const double *sharedValues(uint32_t shared);
    const uint8_t *missingRows(uint32_t set);
    // Runs the first `end` instructions of p over rows [base, base + m), its Agg instructions
    // reading leaves[index]; returns the stack depth (entries in m_stackVals/m_stackConsts).
    size_t exec(const Program &p, const double *const *leaves, size_t end, size_t base, size_t m);
    // Runs p over rows [base, base + m); returns the top's values (nullptr: *constant).
    const double *run(const Program &p, const double *const *leaves, size_t base, size_t m,
                      double *constant);

    std::vector<Node> m_nodes;
    std::map<std::tuple<uint8_t, uint32_t, uint32_t, uint32_t, uint64_t>, uint32_t> m_index;
    std::vector<uint32_t> m_sharedOf; // per node: its index in m_shared, or kNone
    std::vector<Shared> m_shared;
    std::vector<Class> m_classes;
    std::map<std::tuple<uint32_t, uint32_t, uint32_t>, uint32_t> m_classIndex;
    std::vector<MissingSet> m_missingSets;
    std::map<std::vector<uint32_t>, uint32_t> m_missingIndex;
    std::vector<Member> m_members;
    std::vector<std::unique_ptr<Condition>> m_standalone;
    // This evaluation
    const double *const *m_columns = nullptr;
    size_t m_n = 0;
    uint64_t m_evaluation = 0;
    // Scratch
    std::vector<Verdict> m_verdicts;
    std::vector<double> m_values;
    std::vector<uint8_t> m_missing;
    std::vector<double> m_blocks;            // the interpreter's blocks
    std::vector<const double *> m_stackVals; // the interpreter's stack
    std::vector<double> m_stackConsts;
};

} // namespace weir::alert
