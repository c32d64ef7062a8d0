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

struct KeyState {
    AlertStateMachine machine;
    TimestampNs lastEval = kMinTimestamp;
    TimestampNs lastSeen = kMinTimestamp;
    double lastValue = kNaN;
    std::unique_ptr<AnomalyState> anomaly;
};

struct AlertEngine::Rule {
    RuleSpec spec;
    std::string path; // "rules[name]" for messages
    std::optional<query::Query> filterQuery;
    std::optional<query::Matcher> filter;
    std::vector<query::Query> predicateQueries; // count(FILTER) arguments
    std::vector<query::Matcher> predicates;
    std::vector<std::string> predicateFields;  // the synthetic field each predicate fills
    std::optional<Condition> condition;        // threshold/pattern condition, anomaly value
    std::vector<std::pair<int, size_t>> slots; // per condition aggregate: (0 main/1 ref, index)
    window::WindowSpec windowSpec;
    std::unique_ptr<window::WindowOperator> main, ref;
    std::unique_ptr<window::EventBuilder> mainBuilder, refBuilder;
    std::map<window::Window, std::unordered_map<std::string, std::vector<double>>> refValues;
    std::unordered_map<std::string, KeyState> keys;
    int64_t maxTime = kMinTimestamp.value; // absence rules: watermark source
    int64_t lastSilenceCheck = kMinTimestamp.value;
    std::vector<window::Pane> panes; // scratch
    std::vector<double> values;      // scratch
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
        if (!s.filter.empty()) {
            query::QueryError qe;
            rule->filterQuery = query::Query::compile(s.filter, {}, &qe);
            if (!rule->filterQuery)
                return fail("filter", qe.toString());
        }
        if (s.kind == RuleKind::Absence) {
            engine->m_rules.push_back(std::move(rule));
            continue;
        }
        if (!window::parseWindowSpec(s.window, rule->windowSpec, &message))
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
        std::string lists[2];
        size_t counts[2] = {0, 0};
        for (const AggregateRef &a : rule->condition->aggregates()) {
            std::string agg;
            if (a.function == "count" && !a.argument.empty()) {
                query::QueryError qe;
                auto q = query::Query::compile(a.argument, {}, &qe);
                if (!q)
                    return fail(s.kind == RuleKind::Pattern ? "pattern" : "condition",
                                "in " + a.text() + ": " + qe.toString());
                rule->predicateQueries.push_back(*q);
                rule->predicateFields.push_back("__weir_predicate_" +
                                                std::to_string(predicateSerial++));
                agg = "sum(" + rule->predicateFields.back() + ")";
            } else if (a.function == "count") {
                agg = "count";
            } else {
                agg = a.function + "(" + a.argument + ")";
            }
            const int side = a.reference ? 1 : 0;
            if (!lists[side].empty())
                lists[side] += ',';
            lists[side] += agg;
            rule->slots.emplace_back(side, counts[side]++);
        }
        for (int side = 0; side < 2; ++side) {
            if (side == 1 && counts[1] == 0)
                break;
            window::WindowOperator::Options o;
            o.window = rule->windowSpec;
            if (!window::parseAggregates(lists[side], o.aggregates, &message))
                return fail("condition", message);
            o.outOfOrderNs = s.outOfOrderNs;
            o.allowedLatenessNs = s.latenessNs;
            auto op = std::make_unique<window::WindowOperator>(o);
            auto builder = std::make_unique<window::EventBuilder>(
                side == 0 ? s.key : s.referenceKey, op->inputFields());
            (side == 0 ? rule->main : rule->ref) = std::move(op);
            (side == 0 ? rule->mainBuilder : rule->refBuilder) = std::move(builder);
        }
        engine->m_rules.push_back(std::move(rule));
    }
    engine->setCatalog({});
    return engine;
}

void AlertEngine::setCatalog(const query::SourceCatalog &catalog) {
    for (auto &rule : m_rules) {
        if (rule->filterQuery)
            rule->filter.emplace(*rule->filterQuery, catalog);
        rule->predicates.clear();
        for (const auto &q : rule->predicateQueries)
            rule->predicates.emplace_back(q, catalog);
    }
}

void AlertEngine::process(const store::EventRecord &record, std::string_view raw,
                          const parse::FieldList &fields, int64_t nowNs) {
    m_scratch.fields = fields.fields;
    for (auto &rulePtr : m_rules) {
        Rule &rule = *rulePtr;
        if (rule.filter && !rule.filter->matches(record, raw, fields))
            continue;
        if (rule.spec.kind == RuleKind::Absence) {
            const std::string key = joinKey(rule.spec.key, fields);
            KeyState &ks = rule.keys[key];
            if (ks.machine.state() == AlertState::Firing) {
                const TimestampNs t = std::max(record.time, ks.lastEval);
                ks.lastEval = t;
                ++m_evaluations;
                if (ks.machine.step(t, Observation::False, rule.spec.stateOptions) ==
                    AlertState::Resolved)
                    m_out.push_back(Transition{rule.spec.name,
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
            drain(rule);
            continue;
        }
        // The rule's count(FILTER) predicates as 0/1 fields.
        m_scratch.fields.resize(fields.fields.size());
        for (size_t p = 0; p < rule.predicates.size(); ++p) {
            parse::Field f;
            f.name = rule.predicateFields[p];
            const bool match = rule.predicates[p].matches(record, raw, fields);
            f.type = parse::FieldType::Int;
            f.i = match;
            f.f = match;
            f.text = match ? "1" : "0";
            m_scratch.fields.push_back(f);
        }
        rule.main->process(rule.mainBuilder->build(record.time, record.source, m_scratch, raw),
                           nowNs);
        if (rule.ref)
            rule.ref->process(rule.refBuilder->build(record.time, record.source, m_scratch, raw),
                              nowNs);
        if (rule.main->hasPanes() || (rule.ref && rule.ref->hasPanes()))
            drain(rule);
    }
}

void AlertEngine::drain(Rule &rule) {
    const RuleSpec &s = rule.spec;
    if (s.kind == RuleKind::Absence) {
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
                m_out.push_back(Transition{s.name,
                                           *key,
                                           AlertState::Firing,
                                           at,
                                           static_cast<double>(at.value - ks.lastSeen.value) / 1e9,
                                           s.severity,
                                           {},
                                           {}});
        }
        return;
    }
    if (rule.ref) {
        rule.panes.clear();
        rule.ref->takePanes(rule.panes);
        for (const window::Pane &p : rule.panes) {
            if (p.timing == window::PaneTiming::Early)
                continue;
            std::vector<double> v(p.values.size());
            for (size_t i = 0; i < v.size(); ++i)
                v[i] = toDouble(p.values[i]);
            rule.refValues[p.window][p.key] = std::move(v);
        }
    }
    rule.panes.clear();
    rule.main->takePanes(rule.panes);
    // Speculative panes are not evaluated; with allowed lateness the closing pane repeats
    // the last evaluated value and is skipped too.
    rule.panes.erase(std::remove_if(rule.panes.begin(), rule.panes.end(),
                                    [&](const window::Pane &p) {
                                        return p.timing == window::PaneTiming::Early ||
                                               (s.latenessNs > 0 && p.final);
                                    }),
                     rule.panes.end());
    // Panes are evaluated by window, then key. The operator already emits each window's panes
    // by key, so the sort is skipped when that order holds (the usual case).
    const auto byWindowThenKey = [](const window::Pane &a, const window::Pane &b) {
        if (a.window != b.window)
            return a.window < b.window;
        return a.key < b.key;
    };
    if (!std::is_sorted(rule.panes.begin(), rule.panes.end(), byWindowThenKey))
        std::sort(rule.panes.begin(), rule.panes.end(), byWindowThenKey);
    const Condition &condition = *rule.condition;
    const size_t refParts = s.referenceKey.size();
    for (const window::Pane &pane : rule.panes) {
        rule.values.assign(rule.slots.size(), kNaN);
        const std::unordered_map<std::string, std::vector<double>> *refs = nullptr;
        if (rule.ref) {
            const auto it = rule.refValues.find(pane.window);
            if (it != rule.refValues.end())
                refs = &it->second;
        }
        const std::string_view refKey = window::ResultJoin::keyPrefix(pane.key, refParts);
        for (size_t i = 0; i < rule.slots.size(); ++i) {
            const auto [side, index] = rule.slots[i];
            if (side == 0) {
                rule.values[i] = toDouble(pane.values[index]);
            } else if (refs) {
                const auto it = refs->find(std::string(refKey));
                if (it != refs->end())
                    rule.values[i] = it->second[index];
            }
        }
        const Condition::Result result = condition.evaluate(rule.values.data());
        KeyState &ks = rule.keys[pane.key];
        Observation obs = observe(result.verdict);
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
        const TimestampNs t = std::max(pane.window.end, ks.lastEval);
        ks.lastEval = t;
        ks.lastValue = result.value;
        ++m_evaluations;
        const AlertState reported = ks.machine.step(t, obs, s.stateOptions);
        if (reported == AlertState::Normal)
            continue;
        Transition tr{s.name, pane.key, reported, t, result.value, s.severity, pane.window, {}};
        for (size_t i = 0; i < rule.slots.size(); ++i)
            tr.evidence.emplace_back(condition.aggregates()[i].text(), rule.values[i]);
        m_out.push_back(std::move(tr));
    }
    // Reference values are needed until the main side's late panes can no longer come.
    if (rule.ref) {
        const int64_t watermark = rule.main->watermark().value;
        while (!rule.refValues.empty()) {
            const auto &first = rule.refValues.begin()->first;
            if (first.end.value > kMaxTimestamp.value - s.latenessNs ||
                first.end.value + s.latenessNs >= watermark)
                break;
            rule.refValues.erase(rule.refValues.begin());
        }
    }
}

void AlertEngine::endSource(SourceId source) {
    for (auto &rule : m_rules) {
        if (rule->main) {
            rule->main->endSource(source);
            if (rule->ref)
                rule->ref->endSource(source);
            drain(*rule);
        }
    }
}

void AlertEngine::endAll() {
    for (auto &rule : m_rules) {
        if (rule->main) {
            if (rule->ref)
                rule->ref->endAll();
            rule->main->endAll();
        }
        drain(*rule);
    }
}

void AlertEngine::onProcessingTime(int64_t nowNs) {
    for (auto &rule : m_rules) {
        if (!rule->main)
            continue;
        rule->main->onProcessingTime(nowNs);
        if (rule->ref)
            rule->ref->onProcessingTime(nowNs);
        if (rule->main->hasPanes() || (rule->ref && rule->ref->hasPanes()))
            drain(*rule);
    }
}

void AlertEngine::takeTransitions(std::vector<Transition> &out) {
    std::move(m_out.begin(), m_out.end(), std::back_inserter(out));
    m_out.clear();
}

std::vector<ActiveAlert> AlertEngine::active() const {
    std::vector<ActiveAlert> out;
    for (const auto &rule : m_rules) {
        for (const auto &[key, ks] : rule->keys) {
            const AlertState st = ks.machine.state();
            if (st == AlertState::Normal || st == AlertState::Resolved)
                continue;
            out.push_back(ActiveAlert{rule->spec.name, key, rule->spec.severity, st,
                                      ks.machine.since(), ks.lastValue});
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
