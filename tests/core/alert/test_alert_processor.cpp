// SPDX-License-Identifier: GPL-3.0-or-later
// The alert engine inside the engine: live evaluation, results published in snapshots.
#include "weir/engine/alert_processor.h"
#include "weir/engine/engine.h"
#include "weir/source/file_source.h"

#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace weir;

namespace {

// Replays 40 s of two hosts through an engine with one alert rule and checks the last snapshot.
// publishInterval 0 publishes after every batch: the events' batch (the firing transition) and
// then the end-of-stream batch, whose final evaluations change no state.
void checkPublishedAlerts(std::chrono::milliseconds publishInterval) {
    char tmpl[] = "/tmp/weir-alert-proc-XXXXXX";
    const std::string dir = ::mkdtemp(tmpl);
    const std::string path = dir + "/events.csv";
    {
        std::ofstream out(path);
        out << "time,host,value\n";
        // Host b runs hot in [10,20) and stays hot; host a never does.
        for (int t = 0; t < 40; ++t) {
            out << 1700000000 + t << ",a,10\n";
            out << 1700000000 + t << ",b," << (t >= 10 ? 95 : 20) << "\n";
        }
    }
    std::string error;
    auto rules = alert::loadRules(R"j([{"name":"hot","window":"fixed:10s","key":["host"],
        "filter":"source:events.csv","condition":"max(value) > 90","severity":"critical"}])j",
                                  &error);
    ASSERT_TRUE(rules) << error;
    auto alerts = alert::AlertEngine::create(std::move(*rules), &error);
    ASSERT_TRUE(alerts) << error;
    auto processor = std::make_shared<engine::AlertProcessor>(std::move(alerts));
    std::vector<alert::Transition> sunk;
    processor->setTransitionSink([&](const std::vector<alert::Transition> &batch) {
        sunk.insert(sunk.end(), batch.begin(), batch.end());
    });
    engine::Engine::Options eo;
    eo.publishInterval = publishInterval;
    engine::Engine engine(eo);
    engine.addProcessor(processor);
    source::FileSource::Options fo;
    fo.path = path;
    engine.addSource(std::make_unique<source::FileSource>(fo));
    engine.start();
    ASSERT_TRUE(engine.waitFinished(std::chrono::seconds(30)));
    engine.stop();
    const auto snap = engine.snapshot();
    ASSERT_TRUE(snap->alerts);
    const alert::AlertResults &results = *snap->alerts;
    // Windows [10,20), [20,30), [30,40) are hot for b: one firing, still active at the end.
    ASSERT_EQ(results.transitions, 1u);
    ASSERT_EQ(results.recent.size(), 1u);
    EXPECT_EQ(results.recent[0].key, "b");
    EXPECT_EQ(results.recent[0].state, alert::AlertState::Firing);
    EXPECT_EQ(results.recent[0].severity(), "critical");
    ASSERT_EQ(results.active.size(), 1u);
    EXPECT_EQ(results.active[0].key, "b");
    // Windows [0,10) .. [30,40) for a and for b, the last one closed by the end of input.
    EXPECT_EQ(results.evaluations, 8u);
    ASSERT_EQ(sunk.size(), 1u);
    EXPECT_EQ(sunk[0].time.value, (1700000000LL + 20) * kNsPerSecond);
    std::system(("rm -rf '" + dir + "'").c_str());
}

} // namespace

TEST(AlertProcessor, PublishesActiveAlertsAndTransitionsInSnapshots) {
    checkPublishedAlerts(std::chrono::milliseconds(50));
}

// The final evaluations change no state; the published count must still include them (it was
// once cached until the next transition, so a snapshot could show 6 evaluations of 8).
TEST(AlertProcessor, EvaluationsWithoutTransitionsReachTheSnapshot) {
    checkPublishedAlerts(std::chrono::milliseconds(0));
}

// Only the latest keptTransitions are kept for the GUI, in order, while the sink and the
// count see every one: five hosts fire in one window close and resolve at the end of input.
TEST(AlertProcessor, KeepsTheLatestTransitionsOnly) {
    char tmpl[] = "/tmp/weir-alert-kept-XXXXXX";
    const std::string dir = ::mkdtemp(tmpl);
    const std::string path = dir + "/events.csv";
    {
        std::ofstream out(path);
        out << "time,host,value\n";
        for (int t = 0; t < 15; ++t) {
            for (int h = 1; h <= 5; ++h)
                out << 1700000000 + t << ",h" << h << "," << (t < 10 ? 95 : 10) << "\n";
        }
    }
    std::string error;
    auto rules = alert::loadRules(R"j([{"name":"hot","window":"fixed:10s","key":["host"],
        "condition":"max(value) > 90"}])j",
                                  &error);
    ASSERT_TRUE(rules) << error;
    auto alerts = alert::AlertEngine::create(std::move(*rules), &error);
    ASSERT_TRUE(alerts) << error;
    auto processor = std::make_shared<engine::AlertProcessor>(std::move(alerts), 3);
    size_t sunk = 0;
    processor->setTransitionSink(
        [&](const std::vector<alert::Transition> &batch) { sunk += batch.size(); });
    engine::Engine engine;
    engine.addProcessor(processor);
    source::FileSource::Options fo;
    fo.path = path;
    engine.addSource(std::make_unique<source::FileSource>(fo));
    engine.start();
    ASSERT_TRUE(engine.waitFinished(std::chrono::seconds(30)));
    engine.stop();
    const auto snap = engine.snapshot();
    ASSERT_TRUE(snap->alerts);
    EXPECT_EQ(snap->alerts->transitions, 10u);
    EXPECT_EQ(sunk, 10u);
    std::string recent;
    for (const alert::Transition &t : snap->alerts->recent)
        recent += t.key + "=" + std::string(alert::alertStateName(t.state)) + " ";
    EXPECT_EQ(recent, "h3=resolved h4=resolved h5=resolved ");
    std::system(("rm -rf '" + dir + "'").c_str());
}
