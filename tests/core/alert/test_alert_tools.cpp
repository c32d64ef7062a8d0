// SPDX-License-Identifier: GPL-3.0-or-later
// The alert tools the GUI builds on: the rule preview over stored events (it must agree with
// the live alert processor) and the user command runner (a real /bin/sh).
#include "../test_support.h"
#include "weir/alert/command_runner.h"
#include "weir/alert/rule_preview.h"
#include "weir/engine/alert_processor.h"
#include "weir/engine/engine.h"
#include "weir/source/file_source.h"

#include <fstream>
#include <gtest/gtest.h>

using namespace weir;

namespace {

// Host b is hot in [10,20) and [30,40), cold otherwise; host a never is.
std::string hostsCsv() {
    std::string s = "time,host,value\n";
    for (int t = 0; t < 50; ++t) {
        const bool hot = (t >= 10 && t < 20) || (t >= 30 && t < 40);
        s += std::to_string(1700000000 + t) + ",a,10\n";
        s += std::to_string(1700000000 + t) + ",b," + (hot ? "95" : "20") + "\n";
    }
    return s;
}

const char kRules[] = R"j({"rules":[
    {"name":"hot","window":"fixed:10s","key":["host"],"condition":"max(value) > 90"},
    {"name":"busy","window":"fixed:10s","condition":"count() > 1000"}]})j";

} // namespace

TEST(RulePreview, CountsWhatTheLiveProcessorReported) {
    test::TempDir dir;
    const std::string path = dir.write("hosts.csv", hostsCsv());
    std::string error;
    auto rules = alert::loadRules(kRules, &error);
    ASSERT_TRUE(rules) << error;
    auto alerts = alert::AlertEngine::create(std::move(*rules), &error);
    ASSERT_TRUE(alerts) << error;
    auto processor = std::make_shared<engine::AlertProcessor>(std::move(alerts));
    std::vector<alert::Transition> live;
    processor->setTransitionSink([&](const std::vector<alert::Transition> &batch) {
        live.insert(live.end(), batch.begin(), batch.end());
    });
    engine::Engine engine;
    engine.addProcessor(processor);
    source::FileSource::Options fo;
    fo.path = path;
    engine.addSource(std::make_unique<source::FileSource>(fo));
    engine.start();
    ASSERT_TRUE(engine.waitFinished(std::chrono::seconds(60)));
    engine.stop();
    const auto snap = engine.snapshot();

    uint64_t liveFiring = 0;
    for (const auto &t : live)
        liveFiring += t.state == alert::AlertState::Firing ? 1 : 0;
    ASSERT_EQ(liveFiring, 2u); // b at 20 s and at 40 s

    query::SourceCatalog catalog;
    for (const auto &ch : snap->channels)
        catalog.push_back({ch.name, ch.decoder, ch.fieldNames});
    const alert::RulePreview p = alert::previewRules(kRules, snap->events, catalog);
    ASSERT_TRUE(p.ok) << p.error;
    EXPECT_FALSE(p.cancelled);
    EXPECT_EQ(p.events, 100u);
    EXPECT_EQ(p.firing, liveFiring);
    EXPECT_EQ(p.transitions, live.size());
    ASSERT_EQ(p.rules.size(), 2u);
    EXPECT_EQ(p.rules[0].name, "hot");
    EXPECT_EQ(p.rules[0].firing, 2u);
    EXPECT_EQ(p.rules[1].name, "busy");
    EXPECT_EQ(p.rules[1].firing, 0u);

    // Cancelled before it starts: nothing is claimed.
    std::atomic<bool> cancel{true};
    const alert::RulePreview c = alert::previewRules(kRules, snap->events, catalog, &cancel);
    EXPECT_TRUE(c.cancelled);
    EXPECT_EQ(c.events, 0u);
}

TEST(RulePreview, NamesTheFieldAtFault) {
    const alert::RulePreview p = alert::previewRules(
        R"j({"rules":[{"name":"x","window":"fixed:1m","condition":"max(v) > 1"},
                      {"name":"y","window":"often","condition":"max(v) > 1"}]})j",
        store::StoreSnapshot{}, {});
    EXPECT_FALSE(p.ok);
    EXPECT_EQ(p.error.rfind("rules[y].window: ", 0), 0u) << p.error;
}

TEST(CommandRunner, FeedsTheAlertOnStandardInput) {
    test::TempDir dir;
    const std::string out = dir.file("alert.json");
    const std::string json = R"({"rule":"hot","key":"b","state":"firing"})";
    const alert::CommandResult r =
        alert::runShellCommand("cat > '" + out + "'", json, std::chrono::seconds(30));
    EXPECT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(test::readFile(out), json);
}

TEST(CommandRunner, ReportsTheExitStatus) {
    const alert::CommandResult r = alert::runShellCommand("exit 3", "{}", std::chrono::seconds(30));
    EXPECT_TRUE(r.started);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.exitCode, 3);
}

TEST(CommandRunner, SurvivesACommandThatDoesNotReadItsInput) {
    // 4 MiB is far more than a socket buffer: the writer must see EPIPE, not SIGPIPE.
    const std::string big(size_t{4} << 20, 'x');
    const alert::CommandResult r =
        alert::runShellCommand("exec 0<&-; exit 0", big, std::chrono::seconds(30));
    EXPECT_TRUE(r.started);
    EXPECT_FALSE(r.timedOut);
    EXPECT_EQ(r.exitCode, 0) << r.error;
}

TEST(CommandRunner, KillsACommandAtItsDeadline) {
    test::TempDir dir;
    const std::string marker = dir.file("still-running");
    // The background child is in the same process group and dies with it.
    const alert::CommandResult r = alert::runShellCommand("sleep 30; touch '" + marker + "'", "{}",
                                                          std::chrono::milliseconds(300));
    EXPECT_TRUE(r.started);
    EXPECT_TRUE(r.timedOut);
    EXPECT_FALSE(r.ok());
    EXPECT_NE(::access(marker.c_str(), F_OK), 0);
}
