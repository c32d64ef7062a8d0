// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/alert/condition_set.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>

namespace weir::alert {

namespace {

using Op = Condition::Op;

constexpr size_t kBlock = 256;
// What is kept for a whole evaluation is bounded: at most this many sub-expression columns
// (n doubles each), memoized results (n bytes each) and missing-data masks (n bytes each).
// Beyond them a sub-expression is computed inside each condition that uses it, and a result
// or a mask is computed again for each member that needs it: slower, never different.
constexpr size_t kMaxShared = 32;
constexpr size_t kMaxMemoClasses = 64;
constexpr size_t kMaxMemoMissing = 64;

bool isUnary(Op op) {
    return op == Op::Neg || op == Op::Not;
}

// The operation as Condition::evaluate() performs it (constant folding uses it, so a folded
// constant is what evaluate() computes on every row).
double apply(Op op, double a, double b) {
    switch (op) {
    case Op::Neg:
        return -a;
    case Op::Not:
        return a == 0 ? 1 : 0;
    case Op::Add:
        return a + b;
    case Op::Sub:
        return a - b;
    case Op::Mul:
        return a * b;
    case Op::Div:
        return a / b;
    case Op::Less:
        return a < b;
    case Op::LessEq:
        return a <= b;
    case Op::Greater:
        return a > b;
    case Op::GreaterEq:
        return a >= b;
    case Op::Equal:
        return a == b;
    case Op::NotEqual:
        return a != b;
    case Op::And:
        return (a != 0 && b != 0);
    case Op::Or:
        return (a != 0 || b != 0);
    default:
        return 0;
    }
}

// out[j] = f(a[j], b[j]) over one block, with either side possibly a scalar; out may be a.
template<typename F>
void applyBlock(F f, const double *a, double ac, const double *b, double bc, double *out,
                size_t m) {
    if (!b) {
        for (size_t j = 0; j < m; ++j)
            out[j] = f(a[j], bc);
    } else if (!a) {
        for (size_t j = 0; j < m; ++j)
            out[j] = f(ac, b[j]);
    } else {
        for (size_t j = 0; j < m; ++j)
            out[j] = f(a[j], b[j]);
    }
}

// Calls visit(f) with f(x, y) the operation as Condition::evaluate() performs it.
template<typename Visit>
void withOp(Op op, Visit &&visit) {
    switch (op) {
    case Op::Neg:
        visit([](double x, double) { return -x; });
        break;
    case Op::Not:
        visit([](double x, double) { return x == 0 ? 1.0 : 0.0; });
        break;
    case Op::Add:
        visit([](double x, double y) { return x + y; });
        break;
    case Op::Sub:
        visit([](double x, double y) { return x - y; });
        break;
    case Op::Mul:
        visit([](double x, double y) { return x * y; });
        break;
    case Op::Div:
        visit([](double x, double y) { return x / y; });
        break;
    case Op::Less:
        visit([](double x, double y) { return x < y ? 1.0 : 0.0; });
        break;
    case Op::LessEq:
        visit([](double x, double y) { return x <= y ? 1.0 : 0.0; });
        break;
    case Op::Greater:
        visit([](double x, double y) { return x > y ? 1.0 : 0.0; });
        break;
    case Op::GreaterEq:
        visit([](double x, double y) { return x >= y ? 1.0 : 0.0; });
        break;
    case Op::Equal:
        visit([](double x, double y) { return x == y ? 1.0 : 0.0; });
        break;
    case Op::NotEqual:
        visit([](double x, double y) { return x != y ? 1.0 : 0.0; });
        break;
    case Op::And:
        visit([](double x, double y) { return (x != 0) & (y != 0) ? 1.0 : 0.0; });
        break;
    case Op::Or:
        visit([](double x, double y) { return (x != 0) | (y != 0) ? 1.0 : 0.0; });
        break;
    default:
        visit([](double, double) { return 0.0; });
        break;
    }
}

void applyOp(Op op, const double *a, double ac, const double *b, double bc, double *out, size_t m) {
    withOp(op, [&](auto f) { applyBlock(f, a, ac, b, bc, out, m); });
}

// One row's verdict from its root value, reported value and missing flag: NoData when an
// aggregate has no value, Error when the reported value is not finite, else the root's truth
// (Verdict: False 0, True 1, NoData 2, Error 3).
inline uint8_t verdictOf(double root, double reported, uint8_t missing) {
    uint8_t verdict = root != 0 ? uint8_t(Verdict::True) : uint8_t(Verdict::False);
    verdict = std::fabs(reported) <= DBL_MAX ? verdict : uint8_t(Verdict::Error);
    return missing ? uint8_t(Verdict::NoData) : verdict;
}

// The verdicts of one block whose root is f(a, b) (either side possibly a scalar), without
// writing the root's values.
template<typename F>
void verdictBlock(F f, const double *a, double ac, const double *b, double bc,
                  const double *reported, const uint8_t *miss, uint8_t *out, size_t m) {
    if (a && b) {
        for (size_t j = 0; j < m; ++j)
            out[j] = verdictOf(f(a[j], b[j]), reported[j], miss[j]);
    } else if (a) {
        for (size_t j = 0; j < m; ++j)
            out[j] = verdictOf(f(a[j], bc), reported[j], miss[j]);
    } else if (b) {
        for (size_t j = 0; j < m; ++j)
            out[j] = verdictOf(f(ac, b[j]), reported[j], miss[j]);
    } else {
        const double root = f(ac, bc);
        for (size_t j = 0; j < m; ++j)
            out[j] = verdictOf(root, reported[j], miss[j]);
    }
}

// The deepest the stack of `code` gets.
size_t depthOf(const std::vector<Condition::Instr> &code) {
    size_t depth = 0;
    size_t deepest = 0;
    for (const Condition::Instr &in : code) {
        if (in.op == Op::Const || in.op == Op::Agg)
            ++depth;
        else if (!isUnary(in.op))
            --depth;
        deepest = std::max(deepest, depth);
    }
    return deepest;
}

uint64_t bitsOf(double d) {
    uint64_t u = 0;
    std::memcpy(&u, &d, sizeof u);
    return u;
}

} // namespace

uint32_t ConditionSet::node(const Node &n) {
    Node x = n;
    // Constant operands fold into a constant (the value evaluate() computes on every row).
    if (x.op != Op::Const && x.op != Op::Agg && m_nodes[x.a].op == Op::Const &&
        (isUnary(x.op) || m_nodes[x.b].op == Op::Const)) {
        const double a = m_nodes[x.a].constant;
        const double b = isUnary(x.op) ? 0 : m_nodes[x.b].constant;
        x = Node{};
        x.constant = apply(n.op, a, b);
    }
    const auto key =
        std::make_tuple(static_cast<uint8_t>(x.op), x.a, x.b, x.op == Op::Agg ? x.column : 0u,
                        x.op == Op::Const ? bitsOf(x.constant) : 0u);
    const auto [it, inserted] = m_index.emplace(key, static_cast<uint32_t>(m_nodes.size()));
    if (inserted)
        m_nodes.push_back(x);
    return it->second;
}

size_t ConditionSet::add(const Condition &condition, const std::vector<size_t> &columnOf) {
    Member member;
    member.columnOf = columnOf;
    std::vector<uint32_t> stack;
    std::vector<uint32_t> missing;
    uint32_t capture = kNone;
    bool ok = true;
    for (const Condition::Instr &in : condition.program()) {
        switch (in.op) {
        case Op::Const: {
            Node n;
            n.constant = in.constant;
            stack.push_back(node(n));
            break;
        }
        case Op::Agg: {
            if (in.index >= columnOf.size()) {
                ok = false;
                break;
            }
            Node n;
            n.op = Op::Agg;
            n.column = static_cast<uint32_t>(columnOf[in.index]);
            missing.push_back(n.column);
            stack.push_back(node(n));
            break;
        }
        case Op::Capture:
            if (stack.empty())
                ok = false;
            else
                capture = stack.back();
            break;
        default:
            if (stack.size() < (isUnary(in.op) ? 1u : 2u)) {
                ok = false;
                break;
            }
            Node n;
            n.op = in.op;
            if (!isUnary(in.op)) {
                n.b = stack.back();
                stack.pop_back();
            }
            n.a = stack.back();
            stack.back() = node(n);
            break;
        }
        // evaluate() gives up at this depth (an Error mid-program): keep it for that one.
        if (!ok || stack.size() >= 63) {
            ok = false;
            break;
        }
    }
    if (!ok || stack.size() != 1) {
        m_standalone.push_back(std::make_unique<Condition>(condition));
        member.condition = m_standalone.back().get();
        m_members.push_back(std::move(member));
        return m_members.size() - 1;
    }
    std::sort(missing.begin(), missing.end());
    missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
    const auto [mit, newSet] =
        m_missingIndex.emplace(missing, static_cast<uint32_t>(m_missingSets.size()));
    if (newSet)
        m_missingSets.push_back(MissingSet{missing, {}, 0});
    const auto [cit, newClass] =
        m_classIndex.emplace(std::make_tuple(stack.back(), capture, mit->second),
                             static_cast<uint32_t>(m_classes.size()));
    if (newClass) {
        Class c;
        c.root = stack.back();
        c.capture = capture;
        c.missing = mit->second;
        m_classes.push_back(std::move(c));
    }
    member.cls = cit->second;
    ++m_classes[member.cls].members;
    m_members.push_back(std::move(member));
    return m_members.size() - 1;
}

void ConditionSet::finish() {
    // Uses of each node: as an operand of a (distinct) node of some condition, as a root, as
    // a reported value. A computed node with two uses or more is worth a column of its own.
    std::vector<uint32_t> uses(m_nodes.size(), 0);
    std::vector<uint8_t> reached(m_nodes.size(), 0);
    std::vector<uint32_t> todo;
    for (const Class &c : m_classes) {
        ++uses[c.root];
        todo.push_back(c.root);
        if (c.capture != kNone) {
            ++uses[c.capture];
            todo.push_back(c.capture);
        }
    }
    while (!todo.empty()) {
        const uint32_t x = todo.back();
        todo.pop_back();
        if (reached[x])
            continue;
        reached[x] = 1;
        const Node &n = m_nodes[x];
        if (n.op == Op::Const || n.op == Op::Agg)
            continue;
        ++uses[n.a];
        todo.push_back(n.a);
        if (!isUnary(n.op)) {
            ++uses[n.b];
            todo.push_back(n.b);
        }
    }
    // Operands come before the nodes that use them, so shared nodes in index order can be
    // compiled in that order.
    m_sharedOf.assign(m_nodes.size(), kNone);
    for (uint32_t x = 0; x < m_nodes.size() && m_shared.size() < kMaxShared; ++x) {
        const Op op = m_nodes[x].op;
        if (reached[x] && uses[x] >= 2 && op != Op::Const && op != Op::Agg) {
            m_sharedOf[x] = static_cast<uint32_t>(m_shared.size());
            m_shared.push_back(Shared{x, {}, {}, 0});
        }
    }
    for (Shared &s : m_shared) {
        compile(s.node, true, s.program);
        s.program.depth = depthOf(s.program.code);
    }
    size_t memo = 0;
    for (Class &c : m_classes) {
        compile(c.root, false, c.rootProgram);
        c.rootProgram.depth = depthOf(c.rootProgram.code);
        if (c.capture != kNone && m_sharedOf[c.capture] == kNone &&
            m_nodes[c.capture].op != Op::Const && m_nodes[c.capture].op != Op::Agg) {
            compile(c.capture, false, c.captureProgram);
            c.captureProgram.depth = depthOf(c.captureProgram.code);
        }
        if (c.members >= 2 && memo < kMaxMemoClasses) {
            ++memo;
            c.ready = 0; // memoized: ready marks the evaluation it holds
        } else {
            c.ready = UINT64_MAX; // never memoized
        }
    }
}

void ConditionSet::compile(uint32_t x, bool top, Program &p) const {
    const Node &n = m_nodes[x];
    const auto leaf = [&](Leaf l) {
        uint32_t i = 0;
        while (i < p.leaves.size() &&
               !(p.leaves[i].shared == l.shared && p.leaves[i].index == l.index))
            ++i;
        if (i == p.leaves.size())
            p.leaves.push_back(l);
        Condition::Instr in{Op::Agg};
        in.index = i;
        p.code.push_back(in);
    };
    if (!top && m_sharedOf[x] != kNone) {
        leaf(Leaf{true, m_sharedOf[x]});
    } else if (n.op == Op::Agg) {
        leaf(Leaf{false, n.column});
    } else if (n.op == Op::Const) {
        Condition::Instr in{Op::Const};
        in.constant = n.constant;
        p.code.push_back(in);
    } else {
        compile(n.a, false, p);
        if (!isUnary(n.op))
            compile(n.b, false, p);
        p.code.push_back(Condition::Instr{n.op});
    }
}

void ConditionSet::begin(const double *const *columns, size_t n) {
    m_columns = columns;
    m_n = n;
    ++m_evaluation;
    for (Member &mb : m_members) {
        if (mb.cls != kNone)
            continue;
        mb.columns.resize(mb.columnOf.size());
        for (size_t i = 0; i < mb.columnOf.size(); ++i)
            mb.columns[i] = columns[mb.columnOf[i]];
    }
}

size_t ConditionSet::exec(const Program &p, const double *const *leaves, size_t end, size_t base,
                          size_t m) {
    // Stack entries are a block of values (a leaf read in place or a scratch block) or a
    // constant (nullptr values). An operation writes into the scratch block of the slot its
    // result takes; reading that block as an operand while writing it is safe (element-wise).
    const double **vals = m_stackVals.data();
    double *consts = m_stackConsts.data();
    double *scratch = m_blocks.data();
    size_t sp = 0;
    for (size_t pc = 0; pc < end; ++pc) {
        const Condition::Instr &in = p.code[pc];
        switch (in.op) {
        case Op::Const:
            vals[sp] = nullptr;
            consts[sp++] = in.constant;
            break;
        case Op::Agg:
            vals[sp++] = leaves[in.index] + base;
            break;
        default: {
            const bool unary = isUnary(in.op);
            if (!unary)
                --sp;
            const size_t a = sp - 1;
            const double *bv = unary ? nullptr : vals[sp];
            const double bc = unary ? 0 : consts[sp];
            if (!vals[a] && !bv) {
                consts[a] = apply(in.op, consts[a], bc);
                break;
            }
            double *out = scratch + a * kBlock;
            if (unary)
                applyOp(in.op, vals[a], consts[a], nullptr, 0, out, m);
            else
                applyOp(in.op, vals[a], consts[a], bv, bc, out, m);
            vals[a] = out;
            break;
        }
        }
    }
    return sp;
}

const double *ConditionSet::run(const Program &p, const double *const *leaves, size_t base,
                                size_t m, double *constant) {
    exec(p, leaves, p.code.size(), base, m);
    *constant = m_stackConsts[0];
    return m_stackVals[0];
}

const double *ConditionSet::sharedValues(uint32_t index) {
    Shared &s = m_shared[index];
    if (s.ready == m_evaluation)
        return s.values.data();
    std::vector<const double *> leaves(s.program.leaves.size());
    for (size_t i = 0; i < leaves.size(); ++i) {
        const Leaf &l = s.program.leaves[i];
        leaves[i] = l.shared ? sharedValues(l.index) : m_columns[l.index];
    }
    s.values.resize(m_n);
    m_stackVals.resize(std::max<size_t>(m_stackVals.size(), s.program.depth));
    m_stackConsts.resize(m_stackVals.size());
    m_blocks.resize(std::max(m_blocks.size(), s.program.depth * kBlock));
    for (size_t base = 0; base < m_n; base += kBlock) {
        const size_t m = std::min(kBlock, m_n - base);
        double c = 0;
        const double *top = run(s.program, leaves.data(), base, m, &c);
        double *out = s.values.data() + base;
        if (top)
            std::copy_n(top, m, out);
        else
            std::fill_n(out, m, c);
    }
    s.ready = m_evaluation;
    return s.values.data();
}

const uint8_t *ConditionSet::missingRows(uint32_t index) {
    MissingSet &set = m_missingSets[index];
    const bool memo = index < kMaxMemoMissing;
    if (memo && set.ready == m_evaluation)
        return set.rows.data();
    std::vector<uint8_t> &rows = memo ? set.rows : m_missing;
    rows.assign(m_n, 0);
    uint8_t *r = rows.data();
    for (const uint32_t c : set.columns) {
        const double *v = m_columns[c];
        for (size_t j = 0; j < m_n; ++j)
            r[j] |= static_cast<uint8_t>(v[j] != v[j]); // NaN: no value
    }
    if (memo)
        set.ready = m_evaluation;
    return r;
}

ConditionSet::Results ConditionSet::evaluate(size_t member) {
    Member &mb = m_members[member];
    if (mb.cls == kNone) {
        m_verdicts.resize(m_n);
        m_values.resize(m_n);
        mb.condition->evaluateColumns(mb.columns.data(), m_n, m_verdicts.data(), m_values.data());
        return {m_verdicts.data(), m_values.data()};
    }
    Class &c = m_classes[mb.cls];
    const bool memo = c.ready != UINT64_MAX;
    // The reported values: a column, a shared sub-expression, a constant or computed here.
    const double *values = nullptr;
    double capturedConstant = std::nan("");
    bool computeCapture = false;
    if (c.capture != kNone) {
        const Node &cap = m_nodes[c.capture];
        if (m_sharedOf[c.capture] != kNone)
            values = sharedValues(m_sharedOf[c.capture]);
        else if (cap.op == Op::Agg)
            values = m_columns[cap.column];
        else if (cap.op == Op::Const)
            capturedConstant = cap.constant;
        else
            computeCapture = true;
    }
    std::vector<double> &ownValues = memo ? c.values : m_values;
    if (memo && c.ready == m_evaluation)
        return {c.verdicts.data(), values ? values : c.values.data()};
    if (!values)
        ownValues.resize(m_n);
    const uint8_t *missing = missingRows(c.missing);
    std::vector<Verdict> &verdicts = memo ? c.verdicts : m_verdicts;
    verdicts.resize(m_n);
    // Leaves of both programs, then each block: the root, the capture, the verdicts.
    std::vector<const double *> rootLeaves(c.rootProgram.leaves.size());
    for (size_t i = 0; i < rootLeaves.size(); ++i) {
        const Leaf &l = c.rootProgram.leaves[i];
        rootLeaves[i] = l.shared ? sharedValues(l.index) : m_columns[l.index];
    }
    std::vector<const double *> captureLeaves(c.captureProgram.leaves.size());
    for (size_t i = 0; i < captureLeaves.size(); ++i) {
        const Leaf &l = c.captureProgram.leaves[i];
        captureLeaves[i] = l.shared ? sharedValues(l.index) : m_columns[l.index];
    }
    const size_t depth = std::max(c.rootProgram.depth, c.captureProgram.depth);
    m_stackVals.resize(std::max(m_stackVals.size(), depth));
    m_stackConsts.resize(m_stackVals.size());
    m_blocks.resize(std::max(m_blocks.size(), depth * kBlock));
    uint8_t *out = reinterpret_cast<uint8_t *>(verdicts.data());
    // A root that is an operation is fused with the verdicts (its values are not written).
    const size_t codeSize = c.rootProgram.code.size();
    const Op last = c.rootProgram.code[codeSize - 1].op;
    const bool fused = last != Op::Const && last != Op::Agg;
    for (size_t base = 0; base < m_n; base += kBlock) {
        const size_t m = std::min(kBlock, m_n - base);
        double *v = ownValues.data() + base;
        if (!values) {
            if (computeCapture) {
                double k = 0;
                const double *top = run(c.captureProgram, captureLeaves.data(), base, m, &k);
                if (top)
                    std::copy_n(top, m, v);
                else
                    std::fill_n(v, m, k);
            } else {
                std::fill_n(v, m, capturedConstant);
            }
        }
        const double *reported = values ? values + base : v;
        const uint8_t *miss = missing + base;
        uint8_t *o = out + base;
        if (fused) {
            const size_t sp = exec(c.rootProgram, rootLeaves.data(), codeSize - 1, base, m);
            const double *a = m_stackVals[sp - (isUnary(last) ? 1 : 2)];
            const double ac = m_stackConsts[sp - (isUnary(last) ? 1 : 2)];
            const double *b = isUnary(last) ? nullptr : m_stackVals[sp - 1];
            const double bc = isUnary(last) ? 0 : m_stackConsts[sp - 1];
            if (isUnary(last) && !a) {
                const double root = apply(last, ac, 0);
                for (size_t j = 0; j < m; ++j)
                    o[j] = verdictOf(root, reported[j], miss[j]);
            } else {
                withOp(last, [&](auto f) { verdictBlock(f, a, ac, b, bc, reported, miss, o, m); });
            }
        } else {
            double rootConstant = 0;
            const double *root = run(c.rootProgram, rootLeaves.data(), base, m, &rootConstant);
            for (size_t j = 0; j < m; ++j)
                o[j] = verdictOf(root ? root[j] : rootConstant, reported[j], miss[j]);
        }
    }
    if (memo)
        c.ready = m_evaluation;
    return {verdicts.data(), values ? values : ownValues.data()};
}

} // namespace weir::alert
