// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/alert/condition.h"
#include "weir/alert/state_machine.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace weir::alert {

enum class RuleKind : uint8_t {
    Threshold, // a condition over window aggregates (ratios and reference comparisons too)
    Pattern,   // events matching a filter, at least min_count per window
    Absence,   // a key silent for silent_for (event time): a heartbeat
    Anomaly,   // a window value outside a rolling mean +- k sigma, or an EWMA band
};
std::string_view ruleKindName(RuleKind k);

enum class AnomalyMethod : uint8_t { ZScore, Ewma };

// One alert rule as written in a rules file. Durations are event time.
struct RuleSpec {
    std::string name;
    RuleKind kind = RuleKind::Threshold;
    std::string severity = "warning";
    std::string window;                    // window spec, e.g. "fixed:1m", "sliding:5m/1m"
    std::vector<std::string> key;          // group-by fields; empty: one global key
    std::vector<std::string> referenceKey; // for ref.* aggregates: a prefix of `key`
    std::string filter;                    // only events matching this filter count
    std::string condition;                 // Threshold; built for Pattern and Anomaly
    StateMachineOptions stateOptions;      // for, keep_firing_for
    int64_t outOfOrderNs = 0;
    int64_t latenessNs = 0;
    // Pattern
    std::string pattern;
    uint64_t minCount = 1;
    // Absence
    int64_t silentForNs = 0;
    // Anomaly
    std::string value; // an aggregate expression, e.g. "mean(latency)"
    AnomalyMethod method = AnomalyMethod::ZScore;
    uint32_t history = 10;   // windows in the rolling statistics (z-score)
    uint32_t minHistory = 5; // windows seen before anomalies are judged
    double k = 3.0;
    double alpha = 0.3; // EWMA smoothing
};

// Loads rules from JSON: either {"rules":[...]} or a bare array. Every problem is reported
// with the path of the offending field, e.g. "rules[2].window: expected a string".
std::optional<std::vector<RuleSpec>> loadRules(std::string_view json, std::string *error);
std::optional<std::vector<RuleSpec>> loadRulesFile(const std::string &path, std::string *error);

// Validates one rule on its own (the loader calls it): names the field at fault.
bool validateRule(RuleSpec &rule, const std::string &path, std::string *error);

} // namespace weir::alert
