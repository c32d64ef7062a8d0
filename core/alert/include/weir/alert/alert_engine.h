// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/alert/condition.h"
#include "weir/alert/rule.h"
#include "weir/alert/state_machine.h"
#include "weir/parse/parser.h"
#include "weir/query/query.h"
#include "weir/store/event_record.h"
#include "weir/window/window_spec.h"

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace weir::alert {

// The aggregates a windowed rule's transition was decided on: (aggregate text, value) pairs
// such as ("p95(latency)", 912). The texts are an interned list (immutable, kept for the
// life of the process, shared by every transition of the rules that use it); up to four
// values are held inline, so a transition allocates nothing and counts no references for
// them. Copyable, any thread.
class Evidence {
public:
    Evidence() = default;
    // values[i] goes with (*texts)[i]; `texts` comes from intern().
    Evidence(const std::vector<std::string> *texts, const double *values);
    // The process-lifetime copy of `texts`: one per distinct list (it costs the lists' size
    // once, however many engines are created and destroyed). Thread-safe.
    static const std::vector<std::string> *intern(const std::vector<std::string> &texts);

    size_t size() const { return m_texts ? m_texts->size() : 0; }
    bool empty() const { return size() == 0; }
    std::pair<const std::string &, double> operator[](size_t i) const {
        return {(*m_texts)[i], i < kInline ? m_inline[i] : m_more[i - kInline]};
    }

private:
    static constexpr size_t kInline = 4;
    const std::vector<std::string> *m_texts = nullptr;
    std::array<double, kInline> m_inline{};
    std::vector<double> m_more; // the values after the first kInline
};

// One reported state change of one rule for one key, with its evidence.
struct Transition {
    std::string rule;
    std::string key; // key field values joined with '|'; empty for an unkeyed rule
    AlertState state = AlertState::Normal;
    TimestampNs time; // event time of the evaluation (a window's end, a silence deadline)
    double value = 0; // the condition's reported value; NaN when there is none
    std::string severity;
    window::Window window{}; // the window evaluated (empty for absence rules)
    Evidence evidence;       // empty for absence rules
};

// An alert that is currently pending, firing, without data or in error.
struct ActiveAlert {
    std::string rule;
    std::string key;
    std::string severity;
    AlertState state = AlertState::Normal;
    TimestampNs since;
    double value = 0;
};

// What the GUI shows: published immutably in engine snapshots by the alert processor.
struct AlertResults {
    std::vector<ActiveAlert> active;
    std::vector<Transition> recent; // the latest transitions, oldest first (bounded)
    uint64_t transitions = 0;       // reported since the start
    uint64_t evaluations = 0;
};

// Evaluates alert rules over the event stream in event time: rules with the same window,
// key, filter, out-of-orderness and lateness share one window operator (a rule with ref.*
// aggregates or count(FILTER) has its own, plus one over the reference key), evaluate their
// conditions on each ON_TIME or LATE pane, and drive one state machine per rule and key
// (kept only for keys that left the initial state). Because
// evaluation follows event time and panes, a replay at any speed and a live run over the
// same events produce the same transitions.
//
// Evaluation order: the panes one event releases are evaluated by window end, then key, so
// the transition order does not depend on hash order or batch sizes. A LATE pane re-evaluates
// its window and feeds the state machine at the latest time seen for that key.
//
// Thread contract: not thread-safe; one owner thread (the engine thread) calls everything.
class AlertEngine {
public:
    // Compiles every rule (filters, conditions, windows). nullptr with *error naming the rule
    // and field ("rules[slow].filter: column 3: ...") on failure.
    static std::unique_ptr<AlertEngine> create(std::vector<RuleSpec> rules, std::string *error);
    ~AlertEngine();

    // The channels filters resolve `source:` terms and parsers against; call again when
    // channels were added. Without it, filters see no source names and parse no fields.
    void setCatalog(const query::SourceCatalog &catalog);

    // One stored event with its parsed fields. `nowNs` is processing time (monotonic).
    void process(const store::EventRecord &record, std::string_view raw,
                 const parse::FieldList &fields, int64_t nowNs) {
        process(record, raw, fields, nowNs, record.source);
    }
    // The same, with the watermark lane the event advances: its channel, or its Kafka
    // partition's own lane (engine::AlertProcessor); filters still see record.source.
    void process(const store::EventRecord &record, std::string_view raw,
                 const parse::FieldList &fields, int64_t nowNs, SourceId lane);
    // A lane (e.g. a newly assigned partition) holds the watermark back until its first
    // event; endSource releases it.
    void holdSource(SourceId lane, int64_t nowNs);
    void endSource(SourceId source);
    // End of all input: windows close, final evaluations run.
    void endAll();
    void onProcessingTime(int64_t nowNs);

    // Moves the transitions reported so far to the end of `out`.
    void takeTransitions(std::vector<Transition> &out);
    std::vector<ActiveAlert> active() const;

    size_t ruleCount() const;
    uint64_t evaluations() const { return m_evaluations; }

private:
    struct Rule;
    struct Group;
    // What process() walks, in the order of each unit's first rule: an absence rule, or a
    // group of windowed rules sharing one window operator.
    struct Unit {
        Rule *absence = nullptr;
        Group *group = nullptr;
    };
    // A transition as evaluation finds it: takeTransitions() builds its Transition (strings,
    // evidence), so evaluation and reordering move small records only.
    struct Found {
        uint32_t rule = 0;                    // index in m_rules
        uint32_t key = 0;                     // windowed rules: the group's key index
        const std::string *keyText = nullptr; // absence rules: the key (a node of Rule::keys)
        AlertState state = AlertState::Normal;
        TimestampNs time;
        double value = 0;
        window::Window window{};
        size_t evidence = 0; // windowed rules: the first of the rule's values in m_evidence
    };
    AlertEngine() = default;
    void drain(Group &group);
    void drainAbsence(Rule &rule);
    void evaluate(Group &group, Rule &rule);
    void restoreRuleOrder(size_t from);

    std::vector<std::unique_ptr<Rule>> m_rules;
    std::vector<std::unique_ptr<Group>> m_groups;
    std::vector<Unit> m_units;
    std::vector<Found> m_out;       // in report order (rule order within each call)
    std::vector<double> m_evidence; // the evidence values of m_out's windowed transitions
    // The order takeTransitions() builds m_out in, where restoreRuleOrder() changed it
    // (entries past its end are in order).
    std::vector<uint32_t> m_order;
    std::vector<uint32_t> m_todo; // scratch: panes a rule must evaluate in full
    std::vector<uint8_t> m_flags; // scratch: whether each pane is one of them
    uint64_t m_evaluations = 0;
    parse::FieldList m_scratch; // event fields plus the rules' synthetic predicate fields
};

// One transition as a JSON object (the --alerts-out line format):
// {"rule":"...","key":"...","state":"firing","time":"<RFC 3339 UTC>","value":...,
//  "severity":"...","window_start":"...","window_end":"...","evidence":{...}}
std::string transitionJson(const Transition &t);

} // namespace weir::alert
