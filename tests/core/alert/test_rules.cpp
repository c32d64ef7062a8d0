// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/alert/rule.h"

#include <gtest/gtest.h>

using namespace weir;
using namespace weir::alert;

namespace {

std::string loadError(const std::string &json) {
    std::string error;
    EXPECT_FALSE(loadRules(json, &error).has_value()) << json;
    return error;
}

} // namespace

TEST(RuleLoader, LoadsEveryKind) {
    const std::string json = R"j({"rules":[
      {"name":"slow","window":"fixed:1m","key":["path"],"condition":"p95(latency) > 800",
       "for":"3 windows","keep_firing_for":"2m","severity":"critical"},
      {"name":"5xx","kind":"ratio","window":"fixed:1m","condition":"count(status>=500)/count() > 0.05","for":"3m"},
      {"name":"lane","kind":"comparison","window":"sliding:5m/1m","key":"LATITUDE,LONGITUDE,LANE",
       "reference_key":["LATITUDE","LONGITUDE"],"condition":"mean(SPEED) < 0.5 * ref.mean(SPEED)"},
      {"name":"heartbeat","kind":"absence","key":["device"],"silent_for":"5m"},
      {"name":"errors","kind":"pattern","window":"fixed:1m","pattern":"level>=error","min_count":10},
      {"name":"latency anomaly","kind":"anomaly","window":"fixed:1m","value":"mean(latency)",
       "method":"ewma","alpha":0.2,"k":4,"min_history":3}
    ]})j";
    std::string error;
    const auto rules = loadRules(json, &error);
    ASSERT_TRUE(rules.has_value()) << error;
    ASSERT_EQ(rules->size(), 6u);
    const RuleSpec &slow = (*rules)[0];
    EXPECT_EQ(slow.kind, RuleKind::Threshold);
    EXPECT_EQ(slow.stateOptions.forEvaluations, 3u);
    EXPECT_EQ(slow.stateOptions.keepFiringForNs, 2 * kNsPerMinute);
    EXPECT_EQ(slow.severity, "critical");
    EXPECT_EQ((*rules)[1].stateOptions.forNs, 3 * kNsPerMinute);
    EXPECT_EQ((*rules)[2].key, (std::vector<std::string>{"LATITUDE", "LONGITUDE", "LANE"}));
    EXPECT_EQ((*rules)[3].kind, RuleKind::Absence);
    EXPECT_EQ((*rules)[3].silentForNs, 5 * kNsPerMinute);
    EXPECT_EQ((*rules)[4].minCount, 10u);
    EXPECT_EQ((*rules)[5].method, AnomalyMethod::Ewma);
    EXPECT_DOUBLE_EQ((*rules)[5].alpha, 0.2);
    EXPECT_EQ((*rules)[5].minHistory, 3u);
}

TEST(RuleLoader, AcceptsABareArray) {
    std::string error;
    const auto rules =
        loadRules(R"j([{"name":"a","window":"fixed:10s","condition":"count() > 1"}])j", &error);
    ASSERT_TRUE(rules.has_value()) << error;
    EXPECT_EQ(rules->front().name, "a");
}

TEST(RuleLoader, ErrorsNameTheField) {
    EXPECT_EQ(loadError("{"), "rules: not valid JSON (The JSON document has an "
                              "improper structure: missing or superfluous commas, braces, "
                              "missing keys, etc.)");
    EXPECT_EQ(loadError(R"j({"other":1})j"), "rules: missing \"rules\" array");
    EXPECT_EQ(loadError(R"j([{"window":"fixed:1m","condition":"count() > 1"}])j"),
              "rules[0].name: missing");
    EXPECT_EQ(loadError(R"j([{"name":"a","condition":"count() > 1"}])j"),
              "rules[0].window: missing (e.g. \"fixed:1m\")");
    EXPECT_EQ(loadError(R"j([{"name":"a","window":"fixed:1m","condition":"count() >"}])j"),
              "rules[0].condition: column 10: expected a value at the end");
    EXPECT_EQ(loadError(R"j([{"name":"a","window":5,"condition":"count() > 1"}])j"),
              "rules[0].window: expected a string");
    EXPECT_EQ(
        loadError(R"j([{"name":"a","window":"fixed:1m","condition":"count() > 1","for":"soon"}])j"),
        "rules[0].for: 'soon' is not a duration (e.g. 30s, 5m, 1h)");
    EXPECT_EQ(
        loadError(
            R"j([{"name":"a","window":"fixed:1m","condition":"count() > 1","colour":"red"}])j"),
        "rules[0].colour: unknown field");
    EXPECT_EQ(loadError(R"j([{"name":"a","kind":"magic"}])j"),
              "rules[0].kind: unknown kind 'magic' (threshold, ratio, comparison, pattern, "
              "absence, anomaly)");
    EXPECT_EQ(
        loadError(
            R"j([{"name":"a","window":"fixed:1m","key":["a","b"],"condition":"mean(x) < ref.mean(x)"}])j"),
        "rules[0].reference_key: missing: the condition uses ref.* aggregates");
    EXPECT_EQ(
        loadError(
            R"j([{"name":"a","window":"fixed:1m","key":["a","b"],"reference_key":["b"],"condition":"mean(x) < ref.mean(x)"}])j"),
        "rules[0].reference_key: must be a strict prefix of key");
    EXPECT_EQ(loadError(R"j([{"name":"a","kind":"absence","key":["d"]}])j"),
              "rules[0].silent_for: missing (e.g. \"5m\")");
    EXPECT_EQ(
        loadError(R"j([{"name":"a","kind":"anomaly","window":"fixed:1m","value":"mean(x) > 1"}])j"),
        "rules[0].value: expected one aggregate such as \"mean(latency)\"");
    EXPECT_EQ(loadError(R"j([{"name":"a","window":"fixed:1m","condition":"count() > 1"},
                            {"name":"a","window":"fixed:1m","condition":"count() > 2"}])j"),
              "rules[1].name: duplicate rule name 'a'");
    EXPECT_EQ(
        loadError(
            R"j([{"name":"a","kind":"pattern","window":"fixed:1m","pattern":"x","min_count":0}])j"),
        "rules[0].min_count: expected a whole number >= 1");
}
