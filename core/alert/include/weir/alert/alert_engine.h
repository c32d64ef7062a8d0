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
    // values[i] goes with (*texts)[i]; `texts` comes from intern() (or is null: no evidence).
    Evidence(const std::vector<std::string> *texts, const double *values)
        : m_texts(texts) {
        const size_t n = size();
        for (size_t i = 0; i < n && i < kInline; ++i)
            m_inline[i] = values[i];
        if (n > kInline)
            setMore(values + kInline, n - kInline);
    }
    Evidence(const Evidence &other);
    Evidence &operator=(const Evidence &other);
    Evidence(Evidence &&) noexcept = default;
    Evidence &operator=(Evidence &&) noexcept = default;
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
    void setMore(const double *values, size_t count);

    // First: a transition's destructor reads only its first cache line (key, m_more).
    std::unique_ptr<double[]> m_more; // the values after the first kInline (size() - kInline)
    const std::vector<std::string> *m_texts = nullptr;
    std::array<double, kInline> m_inline{};
};

// A rule's name and severity as its transitions carry them: interned for the life of the
// process (one immutable copy per distinct pair, never freed: the memory is that of the
// distinct pairs ever loaded), so a transition holds one pointer instead of two strings and
// stays valid after its engine or rule set is gone (the rule editor replaces rules at
// runtime; snapshots keep recent transitions). Any thread.
struct RuleLabel {
    std::string name;
    std::string severity;

    // The label of (name, severity); the same pointer for the same pair. Thread-safe.
    static const RuleLabel *intern(std::string_view name, std::string_view severity);
};

// One reported state change of one rule for one key, with its evidence. Copyable, any
// thread; nothing in it refers to the engine that reported it.
struct Transition {
    Transition() = default;
    // The evidence is Evidence(evidenceTexts, evidenceValues) (none when the texts are null).
    Transition(const RuleLabel *ruleLabel, const std::string &keyText, AlertState newState,
               TimestampNs at, double reported, const window::Window &evaluated,
               const std::vector<std::string> *evidenceTexts = nullptr,
               const double *evidenceValues = nullptr)
        : label(ruleLabel)
        , key(keyText)
        , evidence(evidenceTexts, evidenceValues)
        , state(newState)
        , time(at)
        , value(reported)
        , window(evaluated) {}

    const std::string &rule() const { return label ? label->name : emptyText(); }
    const std::string &severity() const { return label ? label->severity : emptyText(); }
    // Sets rule() and severity() (interns the pair: for tests and tools, not per transition).
    void setRule(std::string_view name, std::string_view severity) {
        label = RuleLabel::intern(name, severity);
    }

    // 128 bytes; what its destructor reads (the key's and the evidence's heap pointers) is in
    // the first 64.
    const RuleLabel *label = nullptr; // rule() and severity(); interned, or null for none
    std::string key;                  // key field values joined with '|'; empty for an unkeyed rule
    Evidence evidence; // the aggregates the state was decided on; empty for absence rules
    AlertState state = AlertState::Normal;
    TimestampNs time;        // event time of the evaluation (a window's end, a silence deadline)
    double value = 0;        // the condition's reported value; NaN when there is none
    window::Window window{}; // the window evaluated (empty for absence rules)

private:
    static const std::string &emptyText();
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

    // Moves the transitions reported so far to the end of `out`. An empty `out` with room for
    // them swaps its storage with the engine's: handing back the same (cleared) vector each
    // time keeps both buffers' capacity, so a burst is neither copied nor faulted in again.
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
    // An absence rule's transition, until the call's transitions are put in rule order.
    struct AbsenceOut {
        uint32_t rule = 0; // index in m_rules
        Transition transition;
    };
    AlertEngine() = default;
    // Takes a group's panes and prepares their values; its rules evaluate them in
    // evaluateDrained(), at the end of the call (process, endSource, endAll,
    // onProcessingTime), so that one call's transitions come out in rule order.
    void drain(Group &group);
    void drainAbsence(Rule &rule);
    void evaluateDrained();
    void evaluate(Group &group, Rule &rule);

    std::vector<std::unique_ptr<Rule>> m_rules;
    std::vector<std::unique_ptr<Group>> m_groups;
    std::vector<Unit> m_units;
    // The transitions reported and not taken yet, in report order (rule order within each
    // call); takeTransitions() swaps it with the caller's empty vector.
    std::vector<Transition> m_pending;
    std::vector<Group *> m_drained;       // the groups drained in this call, not evaluated yet
    std::vector<AbsenceOut> m_absenceOut; // this call's absence transitions, in rule order
    std::vector<Rule *> m_ruleScratch;    // scratch: evaluateDrained()'s rule order
    std::vector<double> m_evidence;       // scratch: one transition's evidence values
    std::vector<uint32_t> m_todo;         // scratch: panes a rule must evaluate in full
    std::vector<uint8_t> m_flags;         // scratch: whether each pane is one of them
    uint64_t m_evaluations = 0;
    parse::FieldList m_scratch; // event fields plus the rules' synthetic predicate fields
};

// One transition as a JSON object (the --alerts-out line format):
// {"rule":"...","key":"...","state":"firing","time":"<RFC 3339 UTC>","value":...,
//  "severity":"...","window_start":"...","window_end":"...","evidence":{...}}
std::string transitionJson(const Transition &t);

} // namespace weir::alert
