// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/alert/alert_engine.h"

#include "weir/alert/condition_set.h"
#include "weir/common/text.h"
#include "weir/common/time_util.h"
#include "weir/query/matcher.h"
#include "weir/window/event_builder.h"
#include "weir/window/result_join.h"
#include "weir/window/window_operator.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>

namespace weir::alert {

namespace {

const double kNaN = std::nan("");

double toDouble(const window::AggValue &v) {
    return v.type == window::AggValue::Type::Number ? v.number : kNaN;
}

Observation observe(Verdict v) {
    switch (v) {
    case Verdict::True:
        return Observation::True;
    case Verdict::False:
        return Observation::False;
    case Verdict::NoData:
        return Observation::NoData;
    case Verdict::Error:
        return Observation::Error;
    }
    return Observation::Error;
}

std::string joinKey(const std::vector<std::string> &names, const parse::FieldList &fields) {
    std::string key;
    for (size_t i = 0; i < names.size(); ++i) {
        if (i)
            key += '|';
        if (const parse::Field *f = fields.find(names[i]))
            key.append(f->text);
    }
    return key;
}

// Per rule and group key, what the scan of a drain needs to know (one byte, so the scan of
// 10k keys reads 10 kB per rule instead of the states).
enum KeyMode : uint8_t {
    kNoState = 0,    // initial state: a False verdict changes nothing
    kHasState = 1,   // evaluate every pane
    kFiringFast = 2, // Firing with no keep-firing-for: a True verdict changes nothing
};

// Whether a pane is a candidate, by [key mode][verdict (False, True, NoData, Error)].
constexpr uint8_t kCandidate[3][4] = {{0, 1, 1, 1}, {1, 1, 1, 1}, {1, 0, 1, 1}};

// kCandidate[mode][verdict] in byte arithmetic, so that loops over panes whose key index is
// their own index vectorize: every pane but a False verdict of a key without state and a
// True verdict of a steady Firing key.
inline uint8_t candidateFlag(uint8_t mode, uint8_t verdict) {
    return static_cast<uint8_t>(((mode | verdict) != 0) &
                                !((mode == kFiringFast) & (verdict == uint8_t(Verdict::True))));
}

// The indices of the non-zero flags[0, n) go to `todo` (n entries); returns their count.
// Candidates are few after the first windows: eight flags are tested at once.
size_t compact(const uint8_t *flags, size_t n, uint32_t *todo) {
    size_t count = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t word = 0;
        std::memcpy(&word, flags + i, sizeof word);
        if (word == 0)
            continue;
        for (size_t j = i; j < i + 8; ++j) {
            todo[count] = static_cast<uint32_t>(j);
            count += flags[j];
        }
    }
    for (; i < n; ++i) {
        todo[count] = static_cast<uint32_t>(i);
        count += flags[i];
    }
    return count;
}

// The candidates of a simple rule in one pass: each pane's verdict (what
// SimpleComparison::evaluate gives: NoData for NaN, Error for an infinity, else the
// comparison) and its key's mode pick it; the indices go to `todo`, their count is returned.
template<typename Compare>
size_t candidates(const double *column, size_t n, double constant, const uint8_t *mode,
                  const uint32_t *keys, uint32_t *todo, Compare compare) {
    const double inf = std::numeric_limits<double>::infinity();
    size_t count = 0;
    for (size_t i = 0; i < n; ++i) {
        const double v = column[i];
        uint8_t verdict = compare(v, constant) ? uint8_t(Verdict::True) : uint8_t(Verdict::False);
        verdict = std::fabs(v) == inf ? uint8_t(Verdict::Error) : verdict;
        verdict = v != v ? uint8_t(Verdict::NoData) : verdict;
        todo[count] = static_cast<uint32_t>(i);
        count += kCandidate[mode[keys[i]]][verdict];
    }
    return count;
}

size_t simpleCandidates(const Condition::SimpleComparison &c, const double *column, size_t n,
                        const uint8_t *mode, const uint32_t *keys, uint32_t *todo) {
    using Op = Condition::Op;
    switch (c.op) {
    case Op::Less:
        return candidates(column, n, c.constant, mode, keys, todo, std::less<double>());
    case Op::LessEq:
        return candidates(column, n, c.constant, mode, keys, todo, std::less_equal<double>());
    case Op::Greater:
        return candidates(column, n, c.constant, mode, keys, todo, std::greater<double>());
    case Op::GreaterEq:
        return candidates(column, n, c.constant, mode, keys, todo, std::greater_equal<double>());
    case Op::Equal:
        return candidates(column, n, c.constant, mode, keys, todo, std::equal_to<double>());
    case Op::NotEqual:
        return candidates(column, n, c.constant, mode, keys, todo, std::not_equal_to<double>());
    default:
        return candidates(column, n, c.constant, mode, keys, todo,
                          [](double, double) { return false; });
    }
}

} // namespace

// Anomaly statistics of one key (allocated only by anomaly rules).
struct AnomalyState {
    std::deque<double> history;
    double ewmaMean = 0;
    double ewmaVar = 0;
    uint32_t seen = 0;
};

// Absence rules: one per key seen.
struct KeyState {
    AlertStateMachine machine;
    TimestampNs lastEval = kMinTimestamp;
    TimestampNs lastSeen = kMinTimestamp;
};

struct AlertEngine::Rule {
    RuleSpec spec;
    uint32_t index = 0;               // in the rules file; transitions are reported in this order
    std::string path;                 // "rules[name]" for messages
    const RuleLabel *label = nullptr; // name and severity, as transitions carry them
    // Absence rules
    std::optional<query::Query> filterQuery;
    std::optional<query::Matcher> filter;
    std::unordered_map<std::string, KeyState> keys;
    int64_t maxTime = kMinTimestamp.value; // watermark source
    int64_t lastSilenceCheck = kMinTimestamp.value;
    // Windowed rules
    Group *group = nullptr;
    std::optional<Condition> condition; // threshold/pattern condition, anomaly value
    std::optional<Condition::SimpleComparison> simple;
    std::vector<std::pair<int, size_t>> slots; // per condition aggregate: (0 main/1 ref, index)
    std::vector<size_t> columns;               // per condition aggregate: the group's column
    size_t member = 0; // without `simple`: the condition's index in the group's ConditionSet
    // Per condition aggregate, for the evidence (interned, shared by the rule's transitions).
    const std::vector<std::string> *aggregateTexts = nullptr;
    // Per key of the group: 0, or 1 + the index of the key's state in `states`. A state that
    // returns to Normal is released (a Normal machine behaves as a fresh one).
    std::vector<uint32_t> stateSlot;
    std::vector<uint8_t> mode; // per key of the group: a KeyMode
    // Per key that left the initial state (a fresh state machine that observes False stays as
    // it is, so those evaluations need no state at all): its machine (32 bytes: a burst of
    // alerts creates hundreds of thousands), its group key index, and for anomaly rules only,
    // its statistics. The reported value of the latest evaluation is recomputed from the
    // group's latest pane values.
    std::vector<AlertStateMachine> states;
    std::vector<uint32_t> stateKeys;
    std::vector<std::unique_ptr<AnomalyState>> anomalies; // anomaly rules: one per state
};

// Rules with the same window, key, filter, out-of-orderness and lateness (and no reference
// key or count(FILTER) predicates) share one group: one window operator computing the union
// of their aggregates, one key table, and each pane evaluated by every rule of the group. A
// rule with a reference key or predicates has a group of its own. Sharing changes nothing
// observable: panes depend on the events and those settings only, and every rule of a group
// evaluates the same panes in the same order (so their lastEval times are the group's).
struct AlertEngine::Group {
    window::WindowSpec windowSpec;
    std::vector<std::string> key;
    std::vector<std::string> referenceKey;
    std::string filterText;
    int64_t outOfOrderNs = 0;
    int64_t latenessNs = 0;
    bool shared = true; // other rules may join
    std::optional<query::Query> filterQuery;
    std::optional<query::Matcher> filter;
    std::vector<query::Query> predicateQueries; // count(FILTER) arguments
    std::vector<query::Matcher> predicates;
    std::vector<std::string> predicateFields; // the synthetic field each predicate fills
    std::vector<std::string> aggregates[2];   // main, reference: as parseAggregates reads them
    std::unique_ptr<window::WindowOperator> main, ref;
    std::unique_ptr<window::EventBuilder> mainBuilder, refBuilder;
    std::map<window::Window, std::unordered_map<std::string, std::vector<double>>> refValues;
    std::vector<Rule *> rules; // in file order
    // The conditions of the rules without `simple`, evaluated together on each drain's panes
    // (identical conditions and common sub-expressions computed once).
    ConditionSet conditions;
    std::vector<const double *> columnPointers; // scratch: paneValues' columns
    std::unordered_map<std::string, uint32_t> keyIndex;
    std::vector<std::string> keyNames;
    std::vector<TimestampNs> lastEval; // by key index
    std::vector<double> lastValues;    // by key index x columns: the key's latest pane
    // Scratch of one drain
    std::vector<window::Pane> panes;
    std::vector<uint32_t> paneKeys;
    bool identityKeys = false; // paneKeys[i] == i for every pane
    std::vector<TimestampNs> paneTimes;
    std::vector<window::Window> paneWindows; // panes[i].window, read without the pane
    // Column-major: paneValues[c * panes + i] is column c of pane i; columns are the main
    // aggregates, then the reference aggregates (of the pane's reference key and window).
    std::vector<double> paneValues;

    size_t slotFor(int side, const std::string &aggregate) {
        std::vector<std::string> &list = aggregates[side];
        const auto it = std::find(list.begin(), list.end(), aggregate);
        if (it != list.end())
            return static_cast<size_t>(it - list.begin());
        list.push_back(aggregate);
        return list.size() - 1;
    }
    uint32_t keyOf(const std::string &k) {
        const auto [it, inserted] = keyIndex.emplace(k, static_cast<uint32_t>(keyNames.size()));
        if (inserted) {
            keyNames.push_back(k);
            lastEval.push_back(kMinTimestamp);
        }
        return it->second;
    }
};

namespace {

// The process-lifetime copy of `value`, one per distinct value (per T and Less): nodes of a
// std::set never move and are never erased (function-local statics, destroyed at exit after
// the last use). Thread-safe.
template<typename T, typename Less = std::less<T>>
const T *internForever(T value) {
    static std::mutex mutex;
    static std::set<T, Less> values;
    const std::lock_guard<std::mutex> lock(mutex);
    return &*values.insert(std::move(value)).first;
}

struct RuleLabelLess {
    bool operator()(const RuleLabel &a, const RuleLabel &b) const {
        return a.name != b.name ? a.name < b.name : a.severity < b.severity;
    }
};

} // namespace

const std::vector<std::string> *Evidence::intern(const std::vector<std::string> &texts) {
    return internForever(texts);
}

void Evidence::setMore(const double *values, size_t count) {
    m_more = std::make_unique<double[]>(count);
    std::copy(values, values + count, m_more.get());
}

Evidence::Evidence(const Evidence &other)
    : m_texts(other.m_texts)
    , m_inline(other.m_inline) {
    const size_t n = size();
    if (n > kInline)
        setMore(other.m_more.get(), n - kInline);
}

Evidence &Evidence::operator=(const Evidence &other) {
    if (this != &other)
        *this = Evidence(other);
    return *this;
}

const RuleLabel *RuleLabel::intern(std::string_view name, std::string_view severity) {
    return internForever<RuleLabel, RuleLabelLess>(
        RuleLabel{std::string(name), std::string(severity)});
}

const std::string &Transition::emptyText() {
    static const std::string empty;
    return empty;
}

AlertEngine::~AlertEngine() = default;

size_t AlertEngine::ruleCount() const {
    return m_rules.size();
}

std::unique_ptr<AlertEngine> AlertEngine::create(std::vector<RuleSpec> specs, std::string *error) {
    std::unique_ptr<AlertEngine> engine(new AlertEngine());
    size_t predicateSerial = 0;
    for (size_t r = 0; r < specs.size(); ++r) {
        auto rule = std::make_unique<Rule>();
        rule->spec = std::move(specs[r]);
        rule->index = static_cast<uint32_t>(r);
        RuleSpec &s = rule->spec;
        rule->path = "rules[" + s.name + "]";
        rule->label = RuleLabel::intern(s.name, s.severity);
        const auto fail = [&](const std::string &field, const std::string &message) {
            if (error)
                *error = rule->path + "." + field + ": " + message;
            return nullptr;
        };
        std::string message;
        if (!validateRule(s, rule->path, &message)) {
            if (error)
                *error = message;
            return nullptr;
        }
        std::optional<query::Query> filterQuery;
        if (!s.filter.empty()) {
            query::QueryError qe;
            filterQuery = query::Query::compile(s.filter, {}, &qe);
            if (!filterQuery)
                return fail("filter", qe.toString());
        }
        if (s.kind == RuleKind::Absence) {
            rule->filterQuery = std::move(filterQuery);
            engine->m_units.push_back({rule.get(), nullptr});
            engine->m_rules.push_back(std::move(rule));
            continue;
        }
        window::WindowSpec windowSpec;
        if (!window::parseWindowSpec(s.window, windowSpec, &message))
            return fail("window", message);
        // The condition: written (threshold), built from pattern + min_count, or the value.
        std::string text = s.condition;
        if (s.kind == RuleKind::Pattern)
            text = "count(" + s.pattern + ") >= " + std::to_string(s.minCount);
        else if (s.kind == RuleKind::Anomaly)
            text = s.value;
        rule->condition = Condition::parse(text, &message);
        if (!rule->condition)
            return fail(s.kind == RuleKind::Anomaly   ? "value"
                        : s.kind == RuleKind::Pattern ? "pattern"
                                                      : "condition",
                        message);
        // Window aggregates for each side; count(FILTER) becomes the sum of a 0/1 field.
        struct Need {
            int side;
            std::string aggregate;
        };
        std::vector<Need> needs;
        std::vector<query::Query> predicateQueries;
        std::vector<std::string> predicateFields;
        bool hasRef = false;
        for (const AggregateRef &a : rule->condition->aggregates()) {
            std::string agg;
            if (a.function == "count" && !a.argument.empty()) {
                query::QueryError qe;
                auto q = query::Query::compile(a.argument, {}, &qe);
                if (!q)
                    return fail(s.kind == RuleKind::Pattern ? "pattern" : "condition",
                                "in " + a.text() + ": " + qe.toString());
                predicateQueries.push_back(*q);
                predicateFields.push_back("__weir_predicate_" + std::to_string(predicateSerial++));
                agg = "sum(" + predicateFields.back() + ")";
            } else if (a.function == "count") {
                agg = "count";
            } else {
                agg = a.function + "(" + a.argument + ")";
            }
            hasRef |= a.reference;
            needs.push_back({a.reference ? 1 : 0, agg});
        }
        // Join a group with the same settings, or start one.
        const bool shareable = !hasRef && predicateQueries.empty();
        Group *group = nullptr;
        if (shareable) {
            for (auto &g : engine->m_groups) {
                if (g->shared && g->windowSpec.kind == windowSpec.kind &&
                    g->windowSpec.size == windowSpec.size &&
                    g->windowSpec.period == windowSpec.period &&
                    g->windowSpec.gap == windowSpec.gap && g->key == s.key &&
                    g->filterText == s.filter && g->outOfOrderNs == s.outOfOrderNs &&
                    g->latenessNs == s.latenessNs) {
                    group = g.get();
                    break;
                }
            }
        }
        if (!group) {
            auto g = std::make_unique<Group>();
            g->windowSpec = windowSpec;
            g->key = s.key;
            g->referenceKey = s.referenceKey;
            g->filterText = s.filter;
            g->outOfOrderNs = s.outOfOrderNs;
            g->latenessNs = s.latenessNs;
            g->shared = shareable;
            g->filterQuery = std::move(filterQuery);
            g->predicateQueries = std::move(predicateQueries);
            g->predicateFields = std::move(predicateFields);
            group = g.get();
            engine->m_units.push_back({nullptr, group});
            engine->m_groups.push_back(std::move(g));
        }
        for (const Need &n : needs)
            rule->slots.emplace_back(n.side, group->slotFor(n.side, n.aggregate));
        std::vector<std::string> texts;
        for (const AggregateRef &a : rule->condition->aggregates())
            texts.push_back(a.text());
        rule->aggregateTexts = Evidence::intern(texts);
        rule->simple = rule->condition->simpleComparison();
        if (rule->simple && s.kind == RuleKind::Anomaly)
            rule->simple.reset();
        rule->group = group;
        group->rules.push_back(rule.get());
        engine->m_rules.push_back(std::move(rule));
    }
    // Every group's operators, once its aggregate lists are complete.
    for (auto &g : engine->m_groups) {
        for (Rule *rule : g->rules) {
            for (const auto &[side, index] : rule->slots)
                rule->columns.push_back(side == 0 ? index : g->aggregates[0].size() + index);
            if (!rule->simple)
                rule->member = g->conditions.add(*rule->condition, rule->columns);
        }
        g->conditions.finish();
        for (int side = 0; side < 2; ++side) {
            if (side == 1 && g->aggregates[1].empty())
                break;
            std::string list;
            for (const std::string &a : g->aggregates[side])
                list += (list.empty() ? "" : ",") + a;
            window::WindowOperator::Options o;
            o.window = g->windowSpec;
            std::string message;
            if (!window::parseAggregates(list, o.aggregates, &message)) {
                if (error)
                    *error = g->rules.front()->path + ".condition: " + message;
                return nullptr;
            }
            o.outOfOrderNs = g->outOfOrderNs;
            o.allowedLatenessNs = g->latenessNs;
            auto op = std::make_unique<window::WindowOperator>(o);
            auto builder = std::make_unique<window::EventBuilder>(
                side == 0 ? g->key : g->referenceKey, op->inputFields());
            (side == 0 ? g->main : g->ref) = std::move(op);
            (side == 0 ? g->mainBuilder : g->refBuilder) = std::move(builder);
        }
    }
    engine->setCatalog({});
    return engine;
}

void AlertEngine::setCatalog(const query::SourceCatalog &catalog) {
    for (auto &rule : m_rules) {
        if (rule->filterQuery)
            rule->filter.emplace(*rule->filterQuery, catalog);
    }
    for (auto &g : m_groups) {
        if (g->filterQuery)
            g->filter.emplace(*g->filterQuery, catalog);
        g->predicates.clear();
        for (const auto &q : g->predicateQueries)
            g->predicates.emplace_back(q, catalog);
    }
}

void AlertEngine::evaluateDrained() {
    // One group drained and no absence transitions (the usual case): its rules are in file
    // order already.
    if (m_absenceOut.empty()) {
        if (m_drained.size() == 1) {
            Group &g = *m_drained.front();
            for (Rule *rule : g.rules)
                evaluate(g, *rule);
        }
        if (m_drained.size() <= 1) {
            m_drained.clear();
            return;
        }
    }
    // Several units reported: every rule of the drained groups and every absence rule that
    // reported, by rule index (each group's rules and m_absenceOut are in rule order each).
    std::vector<Rule *> &rules = m_ruleScratch;
    rules.clear();
    for (Group *g : m_drained)
        rules.insert(rules.end(), g->rules.begin(), g->rules.end());
    for (size_t i = 0; i < m_absenceOut.size(); ++i) {
        if (i == 0 || m_absenceOut[i].rule != m_absenceOut[i - 1].rule)
            rules.push_back(m_rules[m_absenceOut[i].rule].get());
    }
    std::sort(rules.begin(), rules.end(),
              [](const Rule *a, const Rule *b) { return a->index < b->index; });
    size_t absence = 0;
    for (Rule *rule : rules) {
        if (rule->group) {
            evaluate(*rule->group, *rule);
            continue;
        }
        for (; absence < m_absenceOut.size() && m_absenceOut[absence].rule == rule->index;
             ++absence)
            m_pending.push_back(std::move(m_absenceOut[absence].transition));
    }
    m_drained.clear();
    m_absenceOut.clear();
}

void AlertEngine::holdSource(SourceId lane, int64_t nowNs) {
    for (auto &g : m_groups) {
        g->main->holdSource(lane, nowNs);
        if (g->ref)
            g->ref->holdSource(lane, nowNs);
    }
}

void AlertEngine::process(const store::EventRecord &record, std::string_view raw,
                          const parse::FieldList &fields, int64_t nowNs, SourceId lane) {
    m_scratch.fields = fields.fields;
    for (const Unit &unit : m_units) {
        if (Rule *rulePtr = unit.absence) {
            Rule &rule = *rulePtr;
            if (rule.filter && !rule.filter->matches(record, raw, fields))
                continue;
            const auto node = rule.keys.try_emplace(joinKey(rule.spec.key, fields)).first;
            const std::string &key = node->first; // stable: keys are never erased
            KeyState &ks = node->second;
            if (ks.machine.state() == AlertState::Firing) {
                const TimestampNs t = std::max(record.time, ks.lastEval);
                ks.lastEval = t;
                ++m_evaluations;
                if (ks.machine.step(t, Observation::False, rule.spec.stateOptions) ==
                    AlertState::Resolved)
                    m_absenceOut.push_back(
                        {rule.index,
                         Transition(rule.label, key, AlertState::Resolved, t, kNaN, {})});
            }
            ks.lastSeen = std::max(ks.lastSeen, record.time);
            rule.maxTime = std::max(rule.maxTime, record.time.value);
            drainAbsence(rule);
            continue;
        }
        Group &g = *unit.group;
        if (g.filter && !g.filter->matches(record, raw, fields))
            continue;
        // The group's count(FILTER) predicates as 0/1 fields.
        m_scratch.fields.resize(fields.fields.size());
        for (size_t p = 0; p < g.predicates.size(); ++p) {
            parse::Field f;
            f.name = g.predicateFields[p];
            const bool match = g.predicates[p].matches(record, raw, fields);
            f.type = parse::FieldType::Int;
            f.i = match;
            f.f = match;
            f.text = match ? "1" : "0";
            m_scratch.fields.push_back(f);
        }
        g.main->process(g.mainBuilder->build(record.time, lane, m_scratch, raw), nowNs);
        if (g.ref)
            g.ref->process(g.refBuilder->build(record.time, lane, m_scratch, raw), nowNs);
        if (g.main->hasPanes() || (g.ref && g.ref->hasPanes()))
            drain(g);
    }
    evaluateDrained();
}

void AlertEngine::drainAbsence(Rule &rule) {
    const RuleSpec &s = rule.spec;
    // Keys silent for silent_for below the watermark fire, once, at their deadline.
    const int64_t watermark = rule.maxTime - s.outOfOrderNs;
    if (rule.lastSilenceCheck != kMinTimestamp.value &&
        watermark - rule.lastSilenceCheck < kNsPerSecond)
        return;
    rule.lastSilenceCheck = watermark;
    std::vector<std::pair<TimestampNs, const std::string *>> due;
    for (auto &[key, ks] : rule.keys) {
        if (ks.machine.state() != AlertState::Firing &&
            watermark - ks.lastSeen.value >= s.silentForNs)
            due.emplace_back(TimestampNs{ks.lastSeen.value + s.silentForNs}, &key);
    }
    std::sort(due.begin(), due.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first < b.first : *a.second < *b.second;
    });
    for (const auto &[t, key] : due) {
        KeyState &ks = rule.keys[*key];
        const TimestampNs at = std::max(t, ks.lastEval);
        ks.lastEval = at;
        ++m_evaluations;
        StateMachineOptions immediate;
        if (ks.machine.step(at, Observation::True, immediate) == AlertState::Firing)
            m_absenceOut.push_back(
                {rule.index,
                 Transition(rule.label, *key, AlertState::Firing, at,
                            static_cast<double>(at.value - ks.lastSeen.value) / 1e9, {})});
    }
}

void AlertEngine::drain(Group &g) {
    if (g.ref) {
        g.panes.clear();
        g.ref->takePanes(g.panes);
        for (const window::Pane &p : g.panes) {
            if (p.timing == window::PaneTiming::Early)
                continue;
            std::vector<double> v(p.values.size());
            for (size_t i = 0; i < v.size(); ++i)
                v[i] = toDouble(p.values[i]);
            g.refValues[p.window][p.key] = std::move(v);
        }
    }
    g.panes.clear();
    g.main->takePanes(g.panes);
    // Speculative panes are not evaluated; with allowed lateness the closing pane repeats
    // the last evaluated value and is skipped too.
    const int64_t lateness = g.latenessNs;
    g.panes.erase(std::remove_if(g.panes.begin(), g.panes.end(),
                                 [&](const window::Pane &p) {
                                     return p.timing == window::PaneTiming::Early ||
                                            (lateness > 0 && p.final);
                                 }),
                  g.panes.end());
    // Panes are evaluated by window, then key. The operator already emits each window's panes
    // by key, so the sort is skipped when that order holds (the usual case).
    const auto byWindowThenKey = [](const window::Pane &a, const window::Pane &b) {
        if (a.window != b.window)
            return a.window < b.window;
        return a.key < b.key;
    };
    if (!std::is_sorted(g.panes.begin(), g.panes.end(), byWindowThenKey))
        std::sort(g.panes.begin(), g.panes.end(), byWindowThenKey);

    // Once per pane for the whole group: key index, evaluation time, values.
    const size_t n = g.panes.size();
    const size_t aggs = g.aggregates[0].size();
    const size_t refAggs = g.aggregates[1].size();
    g.paneKeys.resize(n);
    g.paneTimes.resize(n);
    g.paneWindows.resize(n);
    g.paneValues.assign(n * (aggs + refAggs), kNaN);
    const std::unordered_map<std::string, std::vector<double>> *refs = nullptr;
    const window::Window *refWindow = nullptr;
    const size_t refParts = g.referenceKey.size();
    std::string refKey;
    const size_t columns = aggs + refAggs;
    for (size_t i = 0; i < n; ++i) {
        const window::Pane &pane = g.panes[i];
        // Pane i is usually key i (the same keys, in the same order, at every close).
        const uint32_t k = i < g.keyNames.size() && g.keyNames[i] == pane.key
                               ? static_cast<uint32_t>(i)
                               : g.keyOf(pane.key);
        const TimestampNs t = std::max(pane.window.end, g.lastEval[k]);
        g.lastEval[k] = t;
        g.paneKeys[i] = k;
        g.paneTimes[i] = t;
        g.paneWindows[i] = pane.window;
        for (size_t c = 0; c < aggs && c < pane.values.size(); ++c)
            g.paneValues[c * n + i] = toDouble(pane.values[c]);
        if (refAggs == 0)
            continue;
        if (!refWindow || *refWindow != pane.window) {
            refWindow = &pane.window;
            const auto it = g.refValues.find(pane.window);
            refs = it != g.refValues.end() ? &it->second : nullptr;
        }
        if (!refs)
            continue;
        refKey.assign(window::ResultJoin::keyPrefix(pane.key, refParts));
        const auto it = refs->find(refKey);
        if (it == refs->end())
            continue;
        for (size_t c = 0; c < refAggs && c < it->second.size(); ++c)
            g.paneValues[(aggs + c) * n + i] = it->second[c];
    }
    g.identityKeys = true;
    for (size_t i = 0; i < n; ++i)
        g.identityKeys &= g.paneKeys[i] == i;
    g.lastValues.resize(g.keyNames.size() * columns, kNaN);
    for (size_t i = 0; i < n; ++i) {
        for (size_t c = 0; c < columns; ++c)
            g.lastValues[g.paneKeys[i] * columns + c] = g.paneValues[c * n + i];
    }
    g.columnPointers.resize(columns);
    for (size_t c = 0; c < columns; ++c)
        g.columnPointers[c] = g.paneValues.data() + c * n;
    g.conditions.begin(g.columnPointers.data(), n);
    m_drained.push_back(&g); // its rules evaluate these panes in evaluateDrained()

    // Reference values are needed until the main side's late panes can no longer come.
    if (g.ref) {
        const int64_t watermark = g.main->watermark().value;
        while (!g.refValues.empty()) {
            const auto &first = g.refValues.begin()->first;
            if (first.end.value > kMaxTimestamp.value - g.latenessNs ||
                first.end.value + g.latenessNs >= watermark)
                break;
            g.refValues.erase(g.refValues.begin());
        }
    }
}

void AlertEngine::evaluate(Group &g, Rule &rule) {
    const RuleSpec &s = rule.spec;
    const size_t n = g.panes.size();
    if (rule.stateSlot.size() < g.keyNames.size()) {
        rule.stateSlot.resize(g.keyNames.size(), 0);
        rule.mode.resize(g.keyNames.size(), kNoState);
    }
    m_evaluations += n;
    if (n == 0)
        return;
    // The panes that matter: a key in its initial state whose condition is False stays there,
    // so only keys with a state, or a condition that is not False, go on (branch-free scan).
    // Anomaly rules look at every value.
    std::vector<uint32_t> &todo = m_todo;
    todo.resize(n);
    size_t count = 0;
    const uint8_t *mode = rule.mode.data();
    const uint32_t *keys = g.paneKeys.data();
    const double *reported = nullptr;
    const Verdict *verdicts = nullptr;
    if (rule.simple) {
        // "AGG op CONST": the condition and the scan in one pass over the aggregate's column;
        // the candidates' verdicts are computed again below.
        reported = g.paneValues.data() + rule.columns[rule.simple->aggregate] * n;
        count = simpleCandidates(*rule.simple, reported, n, mode, keys, todo.data());
    } else {
        // The condition over every pane at once: verdicts and reported values (shared with
        // the group's rules that have the same condition).
        const ConditionSet::Results results = g.conditions.evaluate(rule.member);
        verdicts = results.verdicts;
        reported = results.values;
        if (s.kind == RuleKind::Anomaly) {
            for (size_t i = 0; i < n; ++i)
                todo[i] = static_cast<uint32_t>(i);
            count = n;
        } else if (g.identityKeys) {
            // Pane i is key i (the usual case once the keys are known): the key modes are
            // read in place, with byte flags (a loop that vectorizes).
            m_flags.resize(n);
            uint8_t *flags = m_flags.data();
            const uint8_t *v = reinterpret_cast<const uint8_t *>(verdicts);
            for (size_t i = 0; i < n; ++i)
                flags[i] = candidateFlag(mode[i], v[i]);
            count = compact(flags, n, todo.data());
        } else {
            for (size_t i = 0; i < n; ++i) {
                todo[count] = static_cast<uint32_t>(i);
                count += kCandidate[mode[keys[i]]][static_cast<uint8_t>(verdicts[i])];
            }
        }
    }
    // A rule's first burst (the first close of its window, when thousands of keys fire at
    // once) creates a state per candidate: room for them in one allocation instead of a copy
    // at each doubling. (Later drains release states as they go: their candidates are no
    // bound worth reserving.)
    const bool anomaly = s.kind == RuleKind::Anomaly;
    if (rule.states.empty() && count > rule.states.capacity()) {
        size_t room = 1; // the capacity growth by doubling would reach: no less slack
        while (room < count)
            room *= 2;
        rule.states.reserve(room);
        rule.stateKeys.reserve(room);
        if (anomaly)
            rule.anomalies.reserve(room);
    }
    // Steady Firing keys may skip the scan when nothing of theirs needs updating: no
    // keep-firing-for (which reads the last True time) and no anomaly statistics.
    const bool fast = s.kind != RuleKind::Anomaly && s.stateOptions.keepFiringForNs <= 0;
    // The candidates' states are scattered over memory that is too big for the caches with
    // many rules: fetch them ahead (the slot 16 candidates ahead, the state 8 ahead).
    const uint32_t *slots = rule.stateSlot.data();
    const uint32_t *paneKeys = g.paneKeys.data();
    m_evidence.resize(rule.columns.size());
    double *evidence = m_evidence.data();
    for (size_t j = 0; j < count; ++j) {
        if (j + 16 < count)
            __builtin_prefetch(slots + paneKeys[todo[j + 16]]);
        if (j + 8 < count) {
            if (const uint32_t ahead = slots[paneKeys[todo[j + 8]]])
                __builtin_prefetch(rule.states.data() + ahead - 1);
        }
        const uint32_t i = todo[j];
        const Condition::Result result = rule.simple ? rule.simple->evaluate(reported[i])
                                                     : Condition::Result{verdicts[i], reported[i]};
        const uint32_t k = g.paneKeys[i];
        Observation obs = observe(result.verdict);
        if (!rule.stateSlot[k]) {
            rule.states.emplace_back();
            rule.stateKeys.push_back(k);
            if (anomaly)
                rule.anomalies.emplace_back();
            rule.stateSlot[k] = static_cast<uint32_t>(rule.states.size());
        }
        const uint32_t index = rule.stateSlot[k] - 1;
        AlertStateMachine &machine = rule.states[index];
        if (result.verdict == Verdict::True && !anomaly && machine.stayFiring(g.paneTimes[i]))
            continue; // still firing: nothing to report
        if (anomaly && result.verdict != Verdict::NoData && result.verdict != Verdict::Error) {
            std::unique_ptr<AnomalyState> &stats = rule.anomalies[index];
            if (!stats)
                stats = std::make_unique<AnomalyState>();
            AnomalyState &as = *stats;
            const double x = result.value;
            bool anomalous = false;
            if (s.method == AnomalyMethod::ZScore) {
                if (as.history.size() >= s.minHistory) {
                    double mean = 0;
                    for (double h : as.history)
                        mean += h;
                    mean /= static_cast<double>(as.history.size());
                    double var = 0;
                    for (double h : as.history)
                        var += (h - mean) * (h - mean);
                    const double sd = std::sqrt(var / static_cast<double>(as.history.size()));
                    anomalous = sd > 0 ? std::fabs(x - mean) > s.k * sd : x != mean;
                }
                as.history.push_back(x);
                if (as.history.size() > s.history)
                    as.history.pop_front();
            } else {
                if (as.seen == 0) {
                    as.ewmaMean = x;
                    as.ewmaVar = 0;
                } else {
                    if (as.seen >= s.minHistory) {
                        const double sd = std::sqrt(as.ewmaVar);
                        anomalous =
                            sd > 0 ? std::fabs(x - as.ewmaMean) > s.k * sd : x != as.ewmaMean;
                    }
                    const double diff = x - as.ewmaMean;
                    as.ewmaMean += s.alpha * diff;
                    as.ewmaVar = (1 - s.alpha) * (as.ewmaVar + s.alpha * diff * diff);
                }
                ++as.seen;
            }
            obs = anomalous ? Observation::True : Observation::False;
        }
        const TimestampNs t = g.paneTimes[i];
        const AlertState state = machine.step(t, obs, s.stateOptions);
        const bool release =
            machine.state() == AlertState::Normal && !(anomaly && rule.anomalies[index]);
        rule.mode[k] = release                                         ? kNoState
                       : fast && machine.state() == AlertState::Firing ? kFiringFast
                                                                       : kHasState;
        if (state != AlertState::Normal) {
            for (size_t v = 0; v < rule.columns.size(); ++v)
                evidence[v] = g.paneValues[rule.columns[v] * n + i];
            m_pending.emplace_back(rule.label, g.keyNames[k], state, t, result.value,
                                   g.paneWindows[i], rule.aggregateTexts, evidence);
        }
        if (release) {
            // Back in the initial state: drop the state (the last one takes its place).
            const uint32_t last = static_cast<uint32_t>(rule.states.size() - 1);
            if (index != last) {
                rule.states[index] = rule.states[last];
                rule.stateKeys[index] = rule.stateKeys[last];
                rule.stateSlot[rule.stateKeys[index]] = index + 1;
                if (anomaly)
                    rule.anomalies[index] = std::move(rule.anomalies[last]);
            }
            rule.states.pop_back();
            rule.stateKeys.pop_back();
            if (anomaly)
                rule.anomalies.pop_back();
            rule.stateSlot[k] = 0;
        }
    }
}

void AlertEngine::endSource(SourceId source) {
    for (auto &g : m_groups) {
        g->main->endSource(source);
        if (g->ref)
            g->ref->endSource(source);
        drain(*g);
    }
    evaluateDrained();
}

void AlertEngine::endAll() {
    for (const Unit &unit : m_units) {
        if (unit.absence) {
            drainAbsence(*unit.absence);
            continue;
        }
        Group &g = *unit.group;
        if (g.ref)
            g.ref->endAll();
        g.main->endAll();
        drain(g);
    }
    evaluateDrained();
}

void AlertEngine::onProcessingTime(int64_t nowNs) {
    for (auto &g : m_groups) {
        g->main->onProcessingTime(nowNs);
        if (g->ref)
            g->ref->onProcessingTime(nowNs);
        if (g->main->hasPanes() || (g->ref && g->ref->hasPanes()))
            drain(*g);
    }
    evaluateDrained();
}

void AlertEngine::takeTransitions(std::vector<Transition> &out) {
    if (out.empty() && out.capacity() >= m_pending.size()) {
        // The caller's cleared vector becomes the next buffer: no transition is moved, and
        // both buffers keep capacity for a burst this big (their pages are not faulted in
        // again at the next one).
        out.swap(m_pending);
        return;
    }
    // The caller's vector holds transitions, or is too small to be the next buffer: it grows
    // (to at least the engine's capacity, so that it can be the next one), and the engine
    // keeps its own.
    if (out.capacity() < out.size() + m_pending.size())
        out.reserve(
            std::max({out.size() + m_pending.size(), 2 * out.capacity(), m_pending.capacity()}));
    out.insert(out.end(), std::make_move_iterator(m_pending.begin()),
               std::make_move_iterator(m_pending.end()));
    m_pending.clear();
}

std::vector<ActiveAlert> AlertEngine::active() const {
    std::vector<ActiveAlert> out;
    const auto add = [&](const Rule &rule, const std::string &key, const AlertStateMachine &m,
                         double value) {
        const AlertState st = m.state();
        if (st == AlertState::Normal || st == AlertState::Resolved)
            return;
        out.push_back(ActiveAlert{rule.spec.name, key, rule.spec.severity, st, m.since(), value});
    };
    for (const auto &rule : m_rules) {
        for (const auto &[key, ks] : rule->keys)
            add(*rule, key, ks.machine, kNaN);
        if (rule->group) {
            // The reported value of the key's latest evaluation, from its latest pane.
            const Group &g = *rule->group;
            const size_t columns = g.aggregates[0].size() + g.aggregates[1].size();
            std::vector<double> values(rule->columns.size());
            for (size_t i = 0; i < rule->states.size(); ++i) {
                const uint32_t k = rule->stateKeys[i];
                for (size_t v = 0; v < values.size(); ++v) {
                    const size_t at = k * columns + rule->columns[v];
                    values[v] = at < g.lastValues.size() ? g.lastValues[at] : kNaN;
                }
                add(*rule, g.keyNames[k], rule->states[i],
                    rule->condition->evaluate(values.data()).value);
            }
        }
    }
    std::sort(out.begin(), out.end(), [](const ActiveAlert &a, const ActiveAlert &b) {
        return a.rule != b.rule ? a.rule < b.rule : a.key < b.key;
    });
    return out;
}

std::string transitionJson(const Transition &t) {
    std::string out = "{\"rule\":";
    appendJsonString(out, t.rule());
    out += ",\"key\":";
    appendJsonString(out, t.key);
    out += ",\"state\":";
    appendJsonString(out, alertStateName(t.state));
    out += ",\"time\":\"";
    appendRfc3339Ms(out, t.time);
    out += "\",\"value\":";
    appendDouble(out, t.value); // NaN and infinities become null
    out += ",\"severity\":";
    appendJsonString(out, t.severity());
    if (t.window.end.value != 0 || t.window.start.value != 0) {
        out += ",\"window_start\":\"";
        appendRfc3339Ms(out, t.window.start);
        out += "\",\"window_end\":\"";
        appendRfc3339Ms(out, t.window.end);
        out += '"';
    }
    if (!t.evidence.empty()) {
        out += ",\"evidence\":{";
        for (size_t i = 0; i < t.evidence.size(); ++i) {
            if (i)
                out += ',';
            appendJsonString(out, t.evidence[i].first);
            out += ':';
            appendDouble(out, t.evidence[i].second);
        }
        out += '}';
    }
    out += '}';
    return out;
}

} // namespace weir::alert
