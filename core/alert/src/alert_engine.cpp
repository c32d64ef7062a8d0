// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/alert/alert_engine.h"

#include "weir/common/text.h"
#include "weir/common/time_util.h"
#include "weir/query/matcher.h"
#include "weir/window/event_builder.h"
#include "weir/window/result_join.h"
#include "weir/window/window_operator.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <map>
#include <optional>
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

// Windowed rules: only keys that left the initial state have one (a fresh state machine that
// observes False stays as it is, so those evaluations need no state at all).
struct RuleKeyState {
    AlertStateMachine machine;
    double lastValue = kNaN;
    std::unique_ptr<AnomalyState> anomaly;
};

struct AlertEngine::Rule {
    RuleSpec spec;
    uint32_t index = 0; // in the rules file; transitions are reported in this order
    std::string path;   // "rules[name]" for messages
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
    size_t simpleSlot = 0;                     // the group's main aggregate `simple` reads
    std::vector<std::pair<int, size_t>> slots; // per condition aggregate: (0 main/1 ref, index)
    // Per key of the group: 0, or 1 + the index of the key's state in `states`.
    std::vector<uint32_t> stateSlot;
    std::vector<RuleKeyState> states;
    std::vector<uint32_t> stateKeys; // the group key index of each state
    std::vector<double> values;      // scratch
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
    std::unordered_map<std::string, uint32_t> keyIndex;
    std::vector<std::string> keyNames;
    std::vector<TimestampNs> lastEval; // by key index
    // Scratch of one drain
    std::vector<window::Pane> panes;
    std::vector<uint32_t> paneKeys;
    std::vector<TimestampNs> paneTimes;
    std::vector<double> paneValues; // panes x main aggregates
    std::vector<uint64_t> keyStamp; // by key index: the last drain that saw the key
    uint64_t drainStamp = 0;
    bool uniqueKeys = true; // no key has two panes in this drain

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
        rule->simple = rule->condition->simpleComparison();
        if (rule->simple) {
            const auto [side, slot] = rule->slots[rule->simple->aggregate];
            if (side != 0 || s.kind == RuleKind::Anomaly)
                rule->simple.reset();
            else
                rule->simpleSlot = slot;
        }
        rule->group = group;
        group->rules.push_back(rule.get());
        engine->m_rules.push_back(std::move(rule));
    }
    // Every group's operators, once its aggregate lists are complete.
    for (auto &g : engine->m_groups) {
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

void AlertEngine::report(const Rule &rule, Transition t) {
    m_out.push_back(std::move(t));
    m_outRule.push_back(rule.index);
}

void AlertEngine::restoreRuleOrder(size_t from) {
    // Groups run in the order of their first rule, so one call's transitions can interleave
    // rules differently from a rule-by-rule run: restore rule order (stable within a rule).
    if (m_out.size() - from < 2 ||
        std::is_sorted(m_outRule.begin() + static_cast<std::ptrdiff_t>(from), m_outRule.end()))
        return;
    std::vector<size_t> order(m_out.size() - from);
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = from + i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return m_outRule[a] < m_outRule[b]; });
    std::vector<Transition> out;
    std::vector<uint32_t> ids;
    out.reserve(order.size());
    ids.reserve(order.size());
    for (size_t i : order) {
        out.push_back(std::move(m_out[i]));
        ids.push_back(m_outRule[i]);
    }
    std::move(out.begin(), out.end(), m_out.begin() + static_cast<std::ptrdiff_t>(from));
    std::copy(ids.begin(), ids.end(), m_outRule.begin() + static_cast<std::ptrdiff_t>(from));
}

void AlertEngine::process(const store::EventRecord &record, std::string_view raw,
                          const parse::FieldList &fields, int64_t nowNs) {
    const size_t mark = m_out.size();
    m_scratch.fields = fields.fields;
    for (const Unit &unit : m_units) {
        if (Rule *rulePtr = unit.absence) {
            Rule &rule = *rulePtr;
            if (rule.filter && !rule.filter->matches(record, raw, fields))
                continue;
            const std::string key = joinKey(rule.spec.key, fields);
            KeyState &ks = rule.keys[key];
            if (ks.machine.state() == AlertState::Firing) {
                const TimestampNs t = std::max(record.time, ks.lastEval);
                ks.lastEval = t;
                ++m_evaluations;
                if (ks.machine.step(t, Observation::False, rule.spec.stateOptions) ==
                    AlertState::Resolved)
                    report(rule, Transition{rule.spec.name,
                                            key,
                                            AlertState::Resolved,
                                            t,
                                            kNaN,
                                            rule.spec.severity,
                                            {},
                                            {}});
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
        g.main->process(g.mainBuilder->build(record.time, record.source, m_scratch, raw), nowNs);
        if (g.ref)
            g.ref->process(g.refBuilder->build(record.time, record.source, m_scratch, raw), nowNs);
        if (g.main->hasPanes() || (g.ref && g.ref->hasPanes()))
            drain(g);
    }
    restoreRuleOrder(mark);
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
            report(rule, Transition{s.name,
                                    *key,
                                    AlertState::Firing,
                                    at,
                                    static_cast<double>(at.value - ks.lastSeen.value) / 1e9,
                                    s.severity,
                                    {},
                                    {}});
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
    g.paneKeys.resize(n);
    g.paneTimes.resize(n);
    g.paneValues.resize(n * aggs);
    ++g.drainStamp;
    g.uniqueKeys = true;
    for (size_t i = 0; i < n; ++i) {
        const window::Pane &pane = g.panes[i];
        const uint32_t k = g.keyOf(pane.key);
        if (g.keyStamp.size() < g.keyNames.size())
            g.keyStamp.resize(g.keyNames.size(), 0);
        g.uniqueKeys &= g.keyStamp[k] != g.drainStamp;
        g.keyStamp[k] = g.drainStamp;
        const TimestampNs t = std::max(pane.window.end, g.lastEval[k]);
        g.lastEval[k] = t;
        g.paneKeys[i] = k;
        g.paneTimes[i] = t;
        for (size_t a = 0; a < aggs; ++a)
            g.paneValues[i * aggs + a] = a < pane.values.size() ? toDouble(pane.values[a]) : kNaN;
    }
    for (Rule *rule : g.rules)
        evaluate(g, *rule);

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
    const Condition &condition = *rule.condition;
    const size_t aggs = g.aggregates[0].size();
    const size_t refParts = s.referenceKey.size();
    const size_t n = g.panes.size();
    if (rule.stateSlot.size() < g.keyNames.size())
        rule.stateSlot.resize(g.keyNames.size(), 0);
    const auto fillValues = [&](size_t i) {
        const window::Pane &pane = g.panes[i];
        rule.values.assign(rule.slots.size(), kNaN);
        const std::unordered_map<std::string, std::vector<double>> *refs = nullptr;
        if (g.ref) {
            const auto it = g.refValues.find(pane.window);
            if (it != g.refValues.end())
                refs = &it->second;
        }
        const std::string_view refKey = window::ResultJoin::keyPrefix(pane.key, refParts);
        for (size_t v = 0; v < rule.slots.size(); ++v) {
            const auto [side, index] = rule.slots[v];
            if (side == 0) {
                rule.values[v] = g.paneValues[i * aggs + index];
            } else if (refs) {
                const auto it = refs->find(std::string(refKey));
                if (it != refs->end())
                    rule.values[v] = it->second[index];
            }
        }
    };
    m_evaluations += n;
    // Simple comparisons first scan for the panes that matter: a key in its initial state
    // whose value compares False stays there, so most panes need no further work.
    std::vector<uint32_t> &todo = m_todo;
    todo.clear();
    if (rule.simple && s.kind != RuleKind::Anomaly) {
        const double c = rule.simple->constant;
        const double *v = g.paneValues.data() + rule.simpleSlot;
        const uint32_t *has = rule.stateSlot.data();
        const uint32_t *keys = g.paneKeys.data();
        RuleKeyState *states = rule.states.data();
        const TimestampNs *times = g.paneTimes.data();
        // A Firing key that stays true needs no more either, when each key has one pane in
        // this drain (so handling it here cannot overtake an earlier pane of the same key).
        const bool unique = g.uniqueKeys;
        const auto scan = [&](auto cmp) {
            for (size_t i = 0; i < n; ++i) {
                const double x = v[i * aggs];
                const uint32_t slot = has[keys[i]];
                const bool finite = std::isfinite(x);
                if (slot == 0) {
                    if (finite && !cmp(x, c))
                        continue;
                } else if (unique && finite && cmp(x, c) &&
                           states[slot - 1].machine.stayFiring(times[i])) {
                    states[slot - 1].lastValue = x;
                    continue;
                }
                todo.push_back(static_cast<uint32_t>(i));
            }
        };
        switch (rule.simple->op) {
        case Condition::Op::Less:
            scan(std::less<double>());
            break;
        case Condition::Op::LessEq:
            scan(std::less_equal<double>());
            break;
        case Condition::Op::Greater:
            scan(std::greater<double>());
            break;
        case Condition::Op::GreaterEq:
            scan(std::greater_equal<double>());
            break;
        case Condition::Op::Equal:
            scan(std::equal_to<double>());
            break;
        default:
            scan(std::not_equal_to<double>());
            break;
        }
    } else {
        todo.resize(n);
        for (size_t i = 0; i < n; ++i)
            todo[i] = static_cast<uint32_t>(i);
    }
    for (const uint32_t i : todo) {
        Condition::Result result;
        if (rule.simple) {
            result = rule.simple->evaluate(g.paneValues[i * aggs + rule.simpleSlot]);
        } else {
            fillValues(i);
            result = condition.evaluate(rule.values.data());
        }
        const uint32_t k = g.paneKeys[i];
        Observation obs = observe(result.verdict);
        // A key in its initial state that observes False stays there: nothing to keep.
        if (!rule.stateSlot[k] && obs == Observation::False && s.kind != RuleKind::Anomaly)
            continue;
        if (!rule.stateSlot[k]) {
            rule.states.emplace_back();
            rule.stateKeys.push_back(k);
            rule.stateSlot[k] = static_cast<uint32_t>(rule.states.size());
        }
        RuleKeyState &ks = rule.states[rule.stateSlot[k] - 1];
        if (result.verdict == Verdict::True && s.kind != RuleKind::Anomaly &&
            ks.machine.stayFiring(g.paneTimes[i])) {
            ks.lastValue = result.value; // still firing: nothing to report
            continue;
        }
        if (s.kind == RuleKind::Anomaly && result.verdict != Verdict::NoData &&
            result.verdict != Verdict::Error) {
            if (!ks.anomaly)
                ks.anomaly = std::make_unique<AnomalyState>();
            AnomalyState &as = *ks.anomaly;
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
        ks.lastValue = result.value;
        const AlertState reported = ks.machine.step(t, obs, s.stateOptions);
        if (reported == AlertState::Normal)
            continue;
        if (rule.simple)
            fillValues(i); // the evidence
        const window::Pane &pane = g.panes[i];
        Transition tr{s.name, pane.key, reported, t, result.value, s.severity, pane.window, {}};
        for (size_t v = 0; v < rule.slots.size(); ++v)
            tr.evidence.emplace_back(condition.aggregates()[v].text(), rule.values[v]);
        report(rule, std::move(tr));
    }
}

void AlertEngine::endSource(SourceId source) {
    const size_t mark = m_out.size();
    for (auto &g : m_groups) {
        g->main->endSource(source);
        if (g->ref)
            g->ref->endSource(source);
        drain(*g);
    }
    restoreRuleOrder(mark);
}

void AlertEngine::endAll() {
    const size_t mark = m_out.size();
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
    restoreRuleOrder(mark);
}

void AlertEngine::onProcessingTime(int64_t nowNs) {
    const size_t mark = m_out.size();
    for (auto &g : m_groups) {
        g->main->onProcessingTime(nowNs);
        if (g->ref)
            g->ref->onProcessingTime(nowNs);
        if (g->main->hasPanes() || (g->ref && g->ref->hasPanes()))
            drain(*g);
    }
    restoreRuleOrder(mark);
}

void AlertEngine::takeTransitions(std::vector<Transition> &out) {
    std::move(m_out.begin(), m_out.end(), std::back_inserter(out));
    m_out.clear();
    m_outRule.clear();
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
            for (size_t i = 0; i < rule->states.size(); ++i)
                add(*rule, rule->group->keyNames[rule->stateKeys[i]], rule->states[i].machine,
                    rule->states[i].lastValue);
        }
    }
    std::sort(out.begin(), out.end(), [](const ActiveAlert &a, const ActiveAlert &b) {
        return a.rule != b.rule ? a.rule < b.rule : a.key < b.key;
    });
    return out;
}

std::string transitionJson(const Transition &t) {
    std::string out = "{\"rule\":";
    appendJsonString(out, t.rule);
    out += ",\"key\":";
    appendJsonString(out, t.key);
    out += ",\"state\":";
    appendJsonString(out, alertStateName(t.state));
    out += ",\"time\":\"";
    appendRfc3339Ms(out, t.time);
    out += "\",\"value\":";
    appendDouble(out, t.value); // NaN and infinities become null
    out += ",\"severity\":";
    appendJsonString(out, t.severity);
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
