// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/alert/alert_engine.h"
#include "weir/common/time_util.h"
#include "weir/parse/csv_parser.h"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace weir;
using namespace weir::alert;

namespace {

// Feeds CSV events "time,key,value,lane" (time in seconds) with an HTTP status and level.
class Feeder {
public:
    explicit Feeder(AlertEngine &engine)
        : m_engine(engine)
        , m_parser(parse::CsvParser::Options{',', {"time", "key", "value", "lane"}, "time"}) {}

    void event(int64_t seconds, const std::string &key, double value, uint16_t status = 200,
               Severity level = Severity::Info, const std::string &lane = "1") {
        char buf[128];
        std::snprintf(buf, sizeof buf, "%lld,%s,%g,%s", static_cast<long long>(seconds),
                      key.c_str(), value, lane.c_str());
        const std::string line = buf;
        parse::EventHeader h;
        ASSERT_EQ(m_parser.parseHeader(line, h).status, parse::ParseStatus::Event) << line;
        parse::FieldList fields;
        ASSERT_TRUE(m_parser.parseFields(line, fields));
        store::EventRecord rec{};
        rec.time = h.time;
        rec.status = status;
        rec.severity = level;
        m_engine.process(rec, line, fields, 0);
    }

private:
    AlertEngine &m_engine;
    parse::CsvParser m_parser;
};

std::unique_ptr<AlertEngine> engineFor(const std::string &json) {
    std::string error;
    auto rules = loadRules(json, &error);
    EXPECT_TRUE(rules.has_value()) << error;
    if (!rules)
        return nullptr;
    auto engine = AlertEngine::create(std::move(*rules), &error);
    EXPECT_TRUE(engine) << error;
    return engine;
}

struct Seen {
    std::string key;
    AlertState state;
    int64_t seconds;
};

std::vector<Seen> transitions(AlertEngine &engine) {
    std::vector<Transition> ts;
    engine.takeTransitions(ts);
    std::vector<Seen> out;
    for (const auto &t : ts)
        out.push_back({t.key, t.state, t.time.value / kNsPerSecond});
    return out;
}

std::string describe(const std::vector<Seen> &v) {
    std::string s;
    for (const auto &t : v)
        s += t.key + ":" + std::string(alertStateName(t.state)) + "@" + std::to_string(t.seconds) +
             " ";
    return s;
}

} // namespace

TEST(AlertEngine, ThresholdWithForWindowsFiresAndResolves) {
    auto engine = engineFor(R"j([{"name":"hot","window":"fixed:10s","key":["key"],
        "condition":"max(value) > 50","for":"2 windows"}])j");
    ASSERT_TRUE(engine);
    Feeder feed(*engine);
    // Windows [0,10) cold, [10,20) hot, [20,30) hot, [30,40) cold; one more event closes them.
    feed.event(1, "a", 10);
    feed.event(11, "a", 60);
    feed.event(21, "a", 70);
    feed.event(31, "a", 20);
    feed.event(41, "a", 20);
    const auto seen = transitions(*engine);
    ASSERT_EQ(seen.size(), 3u) << describe(seen);
    EXPECT_EQ(seen[0].state, AlertState::Pending);
    EXPECT_EQ(seen[0].seconds, 20); // evaluated at the window end
    EXPECT_EQ(seen[1].state, AlertState::Firing);
    EXPECT_EQ(seen[1].seconds, 30);
    EXPECT_EQ(seen[2].state, AlertState::Resolved);
    EXPECT_EQ(seen[2].seconds, 40);
    EXPECT_GT(engine->evaluations(), 3u);
}

TEST(AlertEngine, RatioOfFilteredCountsAndEvidence) {
    auto engine = engineFor(R"j([{"name":"5xx","window":"fixed:10s",
        "condition":"count(status>=500) / count() > 0.25"}])j");
    ASSERT_TRUE(engine);
    Feeder feed(*engine);
    for (int i = 0; i < 4; ++i) // 1 of 4 is a 500: not above 0.25
        feed.event(1 + i, "x", 1, i == 0 ? 500 : 200);
    for (int i = 0; i < 4; ++i) // 2 of 4
        feed.event(11 + i, "x", 1, i < 2 ? 503 : 200);
    feed.event(25, "x", 1, 200);
    std::vector<Transition> ts;
    engine->takeTransitions(ts);
    ASSERT_EQ(ts.size(), 1u);
    EXPECT_EQ(ts[0].state, AlertState::Firing);
    EXPECT_DOUBLE_EQ(ts[0].value, 0.5);
    EXPECT_EQ(formatRfc3339Ms(ts[0].window.start), "1970-01-01T00:00:10.000Z");
    ASSERT_EQ(ts[0].evidence.size(), 2u);
    EXPECT_EQ(ts[0].evidence[0].first, "count(status>=500)");
    EXPECT_DOUBLE_EQ(ts[0].evidence[0].second, 2);
    EXPECT_DOUBLE_EQ(ts[0].evidence[1].second, 4);
    const std::string json = transitionJson(ts[0]);
    EXPECT_EQ(
        json.rfind(
            R"j({"rule":"5xx","key":"","state":"firing","time":"1970-01-01T00:00:20.000Z","value":0.5)j",
            0),
        0u)
        << json;
}

TEST(AlertEngine, ComparisonWithReferenceKeyPrefix) {
    // Lane speed below half the location's mean speed (the course lab's accident alert).
    auto engine = engineFor(R"j([{"name":"slow lane","window":"fixed:60s","key":["key","lane"],
        "reference_key":["key"],"condition":"mean(value) < 0.5 * ref.mean(value)"}])j");
    ASSERT_TRUE(engine);
    Feeder feed(*engine);
    for (int lane = 1; lane <= 4; ++lane)
        feed.event(5, "loc", lane == 3 ? 10 : 60, 200, Severity::Info, std::to_string(lane));
    feed.event(65, "loc", 60, 200, Severity::Info, "1");
    const auto seen = transitions(*engine);
    // Location mean = (60*3+10)/4 = 47.5; lane 3 at 10 < 23.75 fires, the others do not.
    ASSERT_EQ(seen.size(), 1u) << describe(seen);
    EXPECT_EQ(seen[0].key, "loc|3");
    EXPECT_EQ(seen[0].state, AlertState::Firing);
}

TEST(AlertEngine, AbsenceFiresAtTheDeadlineAndResolvesWhenDataReturns) {
    auto engine =
        engineFor(R"j([{"name":"heartbeat","kind":"absence","key":["key"],"silent_for":"30s"}])j");
    ASSERT_TRUE(engine);
    Feeder feed(*engine);
    feed.event(0, "dev1", 1);
    feed.event(0, "dev2", 1);
    for (int t = 10; t <= 50; t += 10)
        feed.event(t, "dev1", 1); // dev2 falls silent
    feed.event(60, "dev2", 1);    // and comes back
    const auto seen = transitions(*engine);
    ASSERT_EQ(seen.size(), 2u) << describe(seen);
    EXPECT_EQ(seen[0].key, "dev2");
    EXPECT_EQ(seen[0].state, AlertState::Firing);
    EXPECT_EQ(seen[0].seconds, 30);
    EXPECT_EQ(seen[1].state, AlertState::Resolved);
    EXPECT_EQ(seen[1].seconds, 60);
}

TEST(AlertEngine, PatternNeedsMinCountPerWindow) {
    auto engine = engineFor(R"j([{"name":"errors","kind":"pattern","window":"fixed:10s",
        "pattern":"level>=error","min_count":3}])j");
    ASSERT_TRUE(engine);
    Feeder feed(*engine);
    feed.event(1, "x", 1, 200, Severity::Error);
    feed.event(2, "x", 1, 200, Severity::Error);
    feed.event(3, "x", 1, 200, Severity::Info);
    for (int i = 0; i < 3; ++i)
        feed.event(11 + i, "x", 1, 200, Severity::Critical);
    feed.event(21, "x", 1);
    feed.event(31, "x", 1);
    const auto seen = transitions(*engine);
    ASSERT_EQ(seen.size(), 2u) << describe(seen);
    EXPECT_EQ(seen[0].state, AlertState::Firing);
    EXPECT_EQ(seen[0].seconds, 20);
    EXPECT_EQ(seen[1].state, AlertState::Resolved);
    EXPECT_EQ(seen[1].seconds, 30);
}

TEST(AlertEngine, ZScoreAnomalyAfterWarmUp) {
    auto engine = engineFor(R"j([{"name":"spike","kind":"anomaly","window":"fixed:10s",
        "value":"mean(value)","k":3,"min_history":4,"history":8}])j");
    ASSERT_TRUE(engine);
    Feeder feed(*engine);
    const double series[] = {100, 102, 98, 101, 99, 100, 300, 100, 101};
    for (int w = 0; w < 9; ++w)
        feed.event(w * 10 + 1, "x", series[w]);
    feed.event(95, "x", 100);
    const auto seen = transitions(*engine);
    ASSERT_EQ(seen.size(), 2u) << describe(seen);
    EXPECT_EQ(seen[0].state, AlertState::Firing);
    EXPECT_EQ(seen[0].seconds, 70); // the window holding 300
    EXPECT_EQ(seen[1].state, AlertState::Resolved);
}

TEST(AlertEngine, EwmaAnomaly) {
    auto engine = engineFor(R"j([{"name":"drift","kind":"anomaly","method":"ewma","alpha":0.5,
        "window":"fixed:10s","value":"max(value)","k":3,"min_history":3}])j");
    ASSERT_TRUE(engine);
    Feeder feed(*engine);
    const double series[] = {10, 11, 10, 11, 10, 50, 10};
    for (int w = 0; w < 7; ++w)
        feed.event(w * 10 + 1, "x", series[w]);
    feed.event(75, "x", 10);
    const auto seen = transitions(*engine);
    ASSERT_GE(seen.size(), 1u) << describe(seen);
    EXPECT_EQ(seen[0].state, AlertState::Firing);
    EXPECT_EQ(seen[0].seconds, 60);
}

TEST(AlertEngine, LatePaneReEvaluatesTheRule) {
    auto engine = engineFor(R"j([{"name":"busy","window":"fixed:10s","lateness":"60s",
        "condition":"count() >= 3"}])j");
    ASSERT_TRUE(engine);
    Feeder feed(*engine);
    feed.event(1, "x", 1);
    feed.event(2, "x", 1);
    feed.event(15, "x", 1); // closes [0,10) with 2 events: not busy
    EXPECT_TRUE(transitions(*engine).empty());
    feed.event(3, "x", 1); // late, within lateness: [0,10) now has 3
    const auto seen = transitions(*engine);
    ASSERT_EQ(seen.size(), 1u) << describe(seen);
    EXPECT_EQ(seen[0].state, AlertState::Firing);
    EXPECT_EQ(seen[0].seconds, 10);
}

TEST(AlertEngine, RuleFilterAndNoDataFromMissingReference) {
    auto engine = engineFor(R"j([{"name":"only b","window":"fixed:10s","filter":"key:b",
        "condition":"count() > 1"}])j");
    ASSERT_TRUE(engine);
    Feeder feed(*engine);
    feed.event(1, "a", 1);
    feed.event(2, "a", 1);
    feed.event(3, "b", 1);
    feed.event(12, "b", 1);
    EXPECT_TRUE(transitions(*engine).empty()); // "a" events do not count
}

TEST(AlertEngine, ActiveAlertsAndCompileErrors) {
    auto engine = engineFor(
        R"j([{"name":"any","window":"fixed:10s","key":["key"],"condition":"count() > 0"}])j");
    ASSERT_TRUE(engine);
    Feeder feed(*engine);
    feed.event(1, "a", 1);
    feed.event(11, "b", 1);
    const auto active = engine->active();
    ASSERT_EQ(active.size(), 1u);
    EXPECT_EQ(active[0].key, "a");
    EXPECT_EQ(active[0].state, AlertState::Firing);

    std::string error;
    auto rules = loadRules(
        R"j([{"name":"bad","window":"fixed:10s","condition":"count(status>>5) > 1"}])j", &error);
    ASSERT_TRUE(rules.has_value()) << error;
    EXPECT_FALSE(AlertEngine::create(std::move(*rules), &error));
    EXPECT_EQ(error.rfind("rules[bad].condition: in count(status>>5): column", 0), 0u) << error;
    rules = loadRules(R"j([{"name":"w","window":"fixd:10s","condition":"count() > 1"}])j", &error);
    ASSERT_TRUE(rules.has_value());
    EXPECT_FALSE(AlertEngine::create(std::move(*rules), &error));
    EXPECT_EQ(error.rfind("rules[w].window: ", 0), 0u) << error;
}

// Rules that share a window operator (and the engine's scan shortcuts: keys without state,
// steady Firing keys, released states that fire again) report exactly what each rule
// reports alone, with the same active alerts and values, over data that goes up and down.
TEST(AlertEngine, SharedRulesReportWhatEachRuleReportsAlone) {
    const std::vector<std::string> rules = {
        R"j({"name":"simple","window":"fixed:10s","key":["key"],"condition":"mean(value) > 50"})j",
        R"j({"name":"general","window":"fixed:10s","key":["key"],
             "condition":"mean(value) * 2 > 90 and count() >= 2"})j",
        R"j({"name":"for","window":"fixed:10s","key":["key"],"condition":"max(value) >= 60",
             "for":"2 windows"})j",
        R"j({"name":"keep","window":"fixed:10s","key":["key"],"condition":"min(value) < 30",
             "keep_firing_for":"20s"})j",
        R"j({"name":"ratio","window":"fixed:10s","key":["key"],
             "condition":"count(value>70) / count() >= 0.5"})j",
        R"j({"name":"lane","window":"fixed:10s","key":["key","lane"],"reference_key":["key"],
             "condition":"mean(value) < 0.8 * ref.mean(value)"})j",
        R"j({"name":"anomaly","kind":"anomaly","window":"fixed:10s","key":["key"],
             "value":"mean(value)","min_history":3,"k":1.5})j",
        // The same condition as "general" (one result for both), and conditions sharing its
        // sub-expressions (computed once for all).
        R"j({"name":"general twin","window":"fixed:10s","key":["key"],
             "condition":"mean(value)*2>90 and count()>=2","for":"2 windows"})j",
        R"j({"name":"general other","window":"fixed:10s","key":["key"],
             "condition":"mean(value) * 2 > 110 and count() >= 2"})j",
        R"j({"name":"anomaly expr","kind":"anomaly","window":"fixed:10s","key":["key"],
             "value":"mean(value) * 2","min_history":3,"k":1.5})j",
    };
    const auto feedAll = [](AlertEngine &engine, std::vector<Transition> &out,
                            std::vector<std::vector<ActiveAlert>> &actives) {
        Feeder feed(engine);
        uint64_t seed = 7;
        for (int64_t second = 0; second < 600; second += 2) {
            for (int k = 0; k < 6; ++k) {
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                const double wave = 50 + 40 * std::sin(static_cast<double>(second + 37 * k) / 40);
                const double value = std::round(wave + static_cast<double>((seed >> 40) % 21) - 10);
                feed.event(second, "k" + std::to_string(k), value, 200, Severity::Info,
                           std::to_string(1 + (seed >> 20) % 3));
            }
            if (second % 50 == 0)
                actives.push_back(engine.active());
        }
        engine.endAll();
        engine.takeTransitions(out);
        actives.push_back(engine.active());
    };
    std::string all = "[";
    for (const auto &r : rules)
        all += (all.size() > 1 ? "," : "") + r;
    auto shared = engineFor(all + "]");
    ASSERT_TRUE(shared);
    std::vector<Transition> together;
    std::vector<std::vector<ActiveAlert>> activeTogether;
    feedAll(*shared, together, activeTogether);

    std::vector<std::vector<ActiveAlert>> activeAlone(activeTogether.size());
    size_t firing = 0;
    size_t resolved = 0;
    for (const auto &r : rules) {
        auto alone = engineFor("[" + r + "]");
        ASSERT_TRUE(alone);
        std::vector<Transition> own;
        std::vector<std::vector<ActiveAlert>> actives;
        feedAll(*alone, own, actives);
        ASSERT_FALSE(own.empty()) << r;
        std::vector<std::string> expected, got;
        for (const auto &t : own)
            expected.push_back(transitionJson(t));
        for (const auto &t : together) {
            if (t.rule() == own.front().rule())
                got.push_back(transitionJson(t));
        }
        EXPECT_EQ(got, expected) << r;
        for (const auto &t : own) {
            firing += t.state == AlertState::Firing;
            resolved += t.state == AlertState::Resolved;
        }
        ASSERT_EQ(actives.size(), activeAlone.size());
        for (size_t i = 0; i < actives.size(); ++i)
            activeAlone[i].insert(activeAlone[i].end(), actives[i].begin(), actives[i].end());
    }
    // The data makes every rule fire and resolve several times (released states fire again).
    EXPECT_GT(firing, 2 * rules.size());
    EXPECT_GT(resolved, 2 * rules.size());
    const auto text = [](std::vector<ActiveAlert> v) {
        std::sort(v.begin(), v.end(), [](const ActiveAlert &a, const ActiveAlert &b) {
            return a.rule != b.rule ? a.rule < b.rule : a.key < b.key;
        });
        std::string s;
        for (const auto &a : v)
            s += a.rule + "/" + a.key + "/" + std::string(alertStateName(a.state)) + "/" +
                 std::to_string(a.since.value) + "/" + std::to_string(a.value) + "\n";
        return s;
    };
    for (size_t i = 0; i < activeTogether.size(); ++i)
        EXPECT_EQ(text(activeTogether[i]), text(activeAlone[i])) << "snapshot " << i;
}

// NoData, Error and keep-firing-for through the engine (the state machine's own tests cover
// them in isolation): each is reported once, in event time, and recovers with Resolved.
TEST(AlertEngine, NoDataErrorAndKeepFiringForInEventTime) {
    // NoData: the aggregate has no value (lane is not a number in those windows).
    auto noData =
        engineFor(R"j([{"name":"lanes","window":"fixed:10s","condition":"max(lane) > 2"}])j");
    ASSERT_TRUE(noData);
    {
        Feeder feed(*noData);
        feed.event(1, "a", 1, 200, Severity::Info, "x");
        feed.event(11, "a", 1, 200, Severity::Info, "y");
        feed.event(21, "a", 1, 200, Severity::Info, "1");
        feed.event(31, "a", 1, 200, Severity::Info, "1");
    }
    auto seen = transitions(*noData);
    ASSERT_EQ(seen.size(), 2u) << describe(seen);
    EXPECT_EQ(seen[0].state, AlertState::NoData);
    EXPECT_EQ(seen[0].seconds, 10);
    EXPECT_EQ(seen[1].state, AlertState::Resolved);
    EXPECT_EQ(seen[1].seconds, 30);

    // Error: a division by zero (no low values in the window).
    auto error = engineFor(R"j([{"name":"skew","window":"fixed:10s",
        "condition":"count(value>50) / count(value<=50) > 1"}])j");
    ASSERT_TRUE(error);
    {
        Feeder feed(*error);
        feed.event(1, "a", 60);
        feed.event(2, "a", 70);
        feed.event(11, "a", 80);
        feed.event(21, "a", 10);
        feed.event(22, "a", 20);
        feed.event(31, "a", 20);
    }
    seen = transitions(*error);
    ASSERT_EQ(seen.size(), 2u) << describe(seen);
    EXPECT_EQ(seen[0].state, AlertState::Error);
    EXPECT_EQ(seen[0].seconds, 10);
    EXPECT_EQ(seen[1].state, AlertState::Resolved);
    EXPECT_EQ(seen[1].seconds, 30);

    // keep_firing_for 20 s: hot, cold, hot, cold, cold windows fire once and resolve once,
    // 20 s after the last hot window; without it the same data flaps.
    const std::string flapping =
        R"j([{"name":"hot","window":"fixed:10s","condition":"max(value) > 50"
        KEEP}])j";
    for (const bool keep : {true, false}) {
        std::string json = flapping;
        json.replace(json.find("KEEP"), 4, keep ? R"(,"keep_firing_for":"20s")" : "");
        auto engine = engineFor(json);
        ASSERT_TRUE(engine);
        Feeder feed(*engine);
        const double values[] = {60, 10, 60, 10, 10, 10};
        for (int w = 0; w < 6; ++w)
            feed.event(w * 10 + 1, "a", values[w]);
        seen = transitions(*engine);
        if (keep) {
            ASSERT_EQ(seen.size(), 2u) << describe(seen);
            EXPECT_EQ(seen[0].state, AlertState::Firing);
            EXPECT_EQ(seen[0].seconds, 10);
            EXPECT_EQ(seen[1].state, AlertState::Resolved);
            EXPECT_EQ(seen[1].seconds, 50);
        } else {
            ASSERT_EQ(seen.size(), 4u) << describe(seen);
            EXPECT_EQ(seen[1].state, AlertState::Resolved);
            EXPECT_EQ(seen[1].seconds, 20);
            EXPECT_EQ(seen[2].state, AlertState::Firing);
            EXPECT_EQ(seen[2].seconds, 30);
        }
    }
}

// Rules on two window sizes closing on the same event: their transitions come out in rule
// order (not group by group), each with its own evidence; a rule with five aggregates keeps
// them all (past the values held inline), and the evidence outlives the engine.
TEST(AlertEngine, TransitionsOfOneEventInRuleOrderWithTheirEvidence) {
    auto engine = engineFor(R"j([
        {"name":"r0","window":"fixed:10s","key":["key"],"condition":"max(value) > 50"},
        {"name":"r1","window":"fixed:20s","key":["key"],
         "condition":"count() + sum(value) + min(value) + max(value) + mean(value) > 0"},
        {"name":"r2","window":"fixed:10s","key":["key"],"condition":"min(value) > 50"}])j");
    ASSERT_TRUE(engine);
    Feeder feed(*engine);
    feed.event(1, "a", 60);
    feed.event(2, "b", 70);
    feed.event(25, "c", 0); // closes [0,10) and [0,20)
    std::vector<Transition> ts;
    engine->takeTransitions(ts);
    engine.reset();
    std::string order;
    for (const Transition &t : ts)
        order += t.rule() + ":" + t.key + "=" + std::string(alertStateName(t.state)) + " ";
    EXPECT_EQ(order, "r0:a=firing r0:b=firing r1:a=firing r1:b=firing r2:a=firing r2:b=firing ");
    ASSERT_EQ(ts.size(), 6u);
    const std::vector<std::string> texts = {"count()", "sum(value)", "min(value)", "max(value)",
                                            "mean(value)"};
    for (size_t i : {size_t{2}, size_t{3}}) {
        const double v = ts[i].key == "a" ? 60 : 70;
        ASSERT_EQ(ts[i].evidence.size(), texts.size());
        for (size_t e = 0; e < texts.size(); ++e) {
            EXPECT_EQ(ts[i].evidence[e].first, texts[e]);
            EXPECT_DOUBLE_EQ(ts[i].evidence[e].second, e == 0 ? 1 : v) << texts[e];
        }
        EXPECT_DOUBLE_EQ(ts[i].value, 1 + 4 * v);
    }
    ASSERT_EQ(ts[5].evidence.size(), 1u);
    EXPECT_EQ(ts[5].evidence[0].first, "min(value)");
    EXPECT_DOUBLE_EQ(ts[5].evidence[0].second, 70);
    const Transition copy = ts[3];
    ts.clear();
    const std::string json = transitionJson(copy);
    EXPECT_NE(json.find(R"j("evidence":{"count()":1,"sum(value)":70,"min(value)":70,)j"
                        R"j("max(value)":70,"mean(value)":70})j"),
              std::string::npos)
        << json;
}

// Absence rules and windowed rules of two window sizes reporting on the same event: one rule
// order across all of them. Taking into a vector that holds transitions appends to them.
TEST(AlertEngine, AbsenceAndWindowedTransitionsOfOneEventInRuleOrder) {
    auto engine = engineFor(R"j([
        {"name":"r0","window":"fixed:10s","key":["key"],"condition":"max(value) > 50"},
        {"name":"h1","kind":"absence","key":["key"],"silent_for":"10s"},
        {"name":"r2","window":"fixed:20s","key":["key"],"condition":"min(value) > 50"},
        {"name":"h3","kind":"absence","key":["key"],"silent_for":"20s"}])j");
    ASSERT_TRUE(engine);
    Feeder feed(*engine);
    feed.event(1, "a", 60);
    feed.event(2, "b", 70);
    const auto orderOf = [](const std::vector<Transition> &ts) {
        std::string order;
        for (const Transition &t : ts)
            order += t.rule() + ":" + t.key + "=" + std::string(alertStateName(t.state)) + "@" +
                     std::to_string(t.time.value / kNsPerSecond) + " ";
        return order;
    };
    std::vector<Transition> ts(1); // taken transitions go after this one
    ts[0].setRule("earlier", "info");
    engine->takeTransitions(ts);
    ASSERT_EQ(ts.size(), 1u);
    feed.event(25, "c", 0); // closes [0,10) and [0,20); a and b are silent past both deadlines
    engine->takeTransitions(ts);
    EXPECT_EQ(orderOf(ts), "earlier:=normal@0 r0:a=firing@10 r0:b=firing@10 h1:a=firing@11 "
                           "h1:b=firing@12 r2:a=firing@20 r2:b=firing@20 h3:a=firing@21 "
                           "h3:b=firing@22 ");
    // Taken again into the same cleared vector (it has room: the engine swaps buffers).
    ts.clear();
    feed.event(45, "d", 0); // c is silent past both deadlines; the windows of c close
    engine->takeTransitions(ts);
    EXPECT_EQ(orderOf(ts), "h1:c=firing@35 h3:c=firing@45 ");
    std::vector<Transition> none;
    engine->takeTransitions(none);
    EXPECT_TRUE(none.empty());
}

namespace {

// A windowed rule "hot" with five aggregates and an absence rule "quiet", both of `severity`,
// over keys a (value 60 at 1 s) and b (70 at 25 s): the event at 25 s closes [0,10) and leaves
// a silent past its deadline.
std::vector<Transition> hotAndQuiet(const std::string &severity, const std::string &threshold) {
    const std::string json =
        "[{\"name\":\"hot\",\"window\":\"fixed:10s\",\"key\":[\"key\"],\"severity\":\"" + severity +
        "\",\"condition\":\"count() + sum(value) + min(value) + max(value) + " + "mean(value) > " +
        threshold +
        "\"},{\"name\":\"quiet\",\"kind\":\"absence\",\"key\":[\"key\"],\"silent_for\":\"10s\"," +
        "\"severity\":\"" + severity + "\"}]";
    std::vector<Transition> ts;
    auto engine = engineFor(json);
    if (!engine)
        return ts;
    Feeder feed(*engine);
    feed.event(1, "a", 60);
    feed.event(25, "b", 70);
    engine->takeTransitions(ts);
    return ts; // the engine and its rules are destroyed here
}

} // namespace

// A transition names its rule through an interned label: the same pointer for the same name
// and severity, and valid after its engine and rule set are gone and replaced by rules of the
// same names (what the rule editor does while snapshots still hold the old transitions).
TEST(AlertEngine, TransitionsOutliveTheirRuleSet) {
    std::vector<Transition> old = hotAndQuiet("critical", "0");
    ASSERT_EQ(old.size(), 2u);
    const std::vector<std::string> before = {transitionJson(old[0]), transitionJson(old[1])};
    EXPECT_EQ(old[0].rule(), "hot");
    EXPECT_EQ(old[1].rule(), "quiet");
    EXPECT_EQ(old[0].label, RuleLabel::intern("hot", "critical"));
    EXPECT_NE(old[0].label, RuleLabel::intern("hot", "warning"));
    const std::vector<Transition> kept = old; // what a snapshot holds: copies
    old.clear();
    old.shrink_to_fit();
    // The rule set is replaced: the same names with another severity and condition.
    const std::vector<Transition> replaced = hotAndQuiet("info", "1e9");
    ASSERT_EQ(replaced.size(), 1u); // only the absence rule reports now
    EXPECT_EQ(replaced[0].rule(), "quiet");
    EXPECT_EQ(replaced[0].severity(), "info");
    ASSERT_EQ(kept.size(), 2u);
    EXPECT_EQ(transitionJson(kept[0]), before[0]);
    EXPECT_EQ(transitionJson(kept[1]), before[1]);
    EXPECT_EQ(kept[0].severity(), "critical");
    EXPECT_EQ(kept[1].severity(), "critical");
    ASSERT_EQ(kept[0].evidence.size(), 5u);
    EXPECT_EQ(kept[0].evidence[4].first, "mean(value)");
    EXPECT_DOUBLE_EQ(kept[0].evidence[4].second, 60);
    EXPECT_NE(before[0].find(R"j("severity":"critical")j"), std::string::npos) << before[0];
    // A default transition names no rule.
    const Transition none;
    EXPECT_EQ(none.rule(), "");
    EXPECT_EQ(none.severity(), "");
}
