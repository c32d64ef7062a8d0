// SPDX-License-Identifier: GPL-3.0-or-later
// Engine::reparseDeadLetters: dead letters that parse with another format become events (at
// their original line, decodable), leave the counts, and stay kept marked resolved.
#include "../test_support.h"
#include "weir/engine/engine.h"
#include "weir/source/file_source.h"

#include <chrono>
#include <gtest/gtest.h>
#include <thread>

using namespace weir;
using namespace std::chrono_literals;
using parse::DeadLetterReason;

namespace {

// Waits (bounded) for a published snapshot that satisfies `done`.
template<typename Pred>
std::shared_ptr<const engine::Snapshot> waitSnapshot(const engine::Engine &engine, Pred done) {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    auto snap = engine.snapshot();
    while (!done(*snap) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(5ms);
        snap = engine.snapshot();
    }
    return snap;
}

uint64_t timelineTotal(const engine::RateTimeline &t) {
    uint64_t n = 0;
    for (size_t i = 0; i < t.size(); ++i) {
        for (const auto c : t.bucket(i))
            n += c;
    }
    return n + t.outOfRange();
}

const char *kAccess =
    R"(10.0.0.1 - - [22/Nov/2021:10:15:32 +0000] "GET /a HTTP/1.1" 200 12 "-" "curl")";

} // namespace

TEST(EngineReparse, DeadLettersThatParseBecomeEventsAtTheirLine) {
    test::TempDir dir;
    std::string content;
    for (int i = 1; i <= 10; ++i) {
        if (i == 3 || i == 7)
            content += R"({"ts":"2021-11-22T10:16:0)" + std::to_string(i) +
                       R"(Z","level":"error","status":503,"msg":"json line )" + std::to_string(i) +
                       "\"}\n";
        else if (i == 9)
            content += "neither access log nor json\n";
        else
            content += std::string(kAccess) + "\n";
    }
    const std::string path = dir.write("mixed.log", content);
    engine::Engine engine;
    source::FileSource::Options fo;
    fo.path = path;
    fo.format = "combined";
    const SourceId id = engine.addSource(std::make_unique<source::FileSource>(fo));
    engine.start();
    ASSERT_TRUE(engine.waitFinished(60s));
    const auto before = engine.snapshot();
    ASSERT_EQ(before->stats.events, 7u);
    ASSERT_EQ(before->stats.deadLetters, 3u);
    ASSERT_EQ(before->stats.deadByReason[size_t(DeadLetterReason::Malformed)], 3u);

    EXPECT_FALSE(engine.reparseDeadLetters(id, "regex:(unclosed"));
    ASSERT_TRUE(engine.reparseDeadLetters(id, "json"));
    const auto after =
        waitSnapshot(engine, [](const engine::Snapshot &s) { return s.stats.resolvedDeadLetters; });
    ASSERT_EQ(after->stats.resolvedDeadLetters, 2u);
    EXPECT_EQ(after->stats.events, 9u);
    EXPECT_EQ(after->stats.deadLetters, 1u);
    EXPECT_EQ(after->stats.deadByReason[size_t(DeadLetterReason::Malformed)], 1u);
    EXPECT_EQ(after->stats.lines, 10u); // nothing read twice
    // Both rate timelines count them.
    EXPECT_EQ(timelineTotal(before->timeline), 7u);
    EXPECT_EQ(timelineTotal(after->timeline), 9u);
    EXPECT_EQ(timelineTotal(after->severityTimeline), 9u);

    // A channel for the re-parsed events: the file's name, the new format.
    ASSERT_EQ(after->channels.size(), 2u);
    const engine::ChannelInfo &made = after->channels[1];
    EXPECT_TRUE(made.reparsed);
    EXPECT_EQ(made.reparsedFrom, id);
    EXPECT_EQ(made.name, after->channels[0].name);
    EXPECT_EQ(made.format, "json");
    EXPECT_EQ(made.events, 2u);
    EXPECT_EQ(after->channels[0].deadLetters, 1u);
    ASSERT_TRUE(made.decoder);

    // The new events: original line numbers, parsed time, level and status, decodable fields.
    std::vector<uint64_t> positions;
    after->events.forEach(after->events.firstIndex(), after->events.endIndex(),
                          [&](const store::EventRef &e) {
                              if (e.record().source != made.id)
                                  return;
                              positions.push_back(e.record().position());
                              EXPECT_EQ(e.record().severity, Severity::Error);
                              EXPECT_EQ(e.record().status, 503);
                              EXPECT_EQ(e.record().flags & store::TimeFromArrival, 0);
                              parse::FieldList fields;
                              ASSERT_TRUE(made.decoder->parseFields(e.raw(), fields));
                              ASSERT_NE(fields.find("msg"), nullptr);
                              EXPECT_EQ(fields.find("msg")->text,
                                        "json line " + std::to_string(e.record().position()));
                          });
    EXPECT_EQ(positions, (std::vector<uint64_t>{3, 7}));

    // The dead letters are still kept, the re-parsed ones marked resolved.
    ASSERT_EQ(after->deadLetters.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
        const store::DeadLetter &d = after->deadLetters[i];
        EXPECT_EQ(d.resolved, d.position != 9) << d.position;
    }
    // The snapshot taken before is unchanged.
    for (size_t i = 0; i < 3; ++i)
        EXPECT_FALSE(before->deadLetters[i].resolved);

    // Again with the same format: nothing left to resolve; no second copy of the events.
    ASSERT_TRUE(engine.reparseDeadLetters(std::nullopt, "json"));
    const uint64_t v = engine.version();
    const auto again =
        waitSnapshot(engine, [v](const engine::Snapshot &s) { return s.version > v; });
    EXPECT_EQ(again->stats.resolvedDeadLetters, 2u);
    EXPECT_EQ(again->stats.events, 9u);
    engine.stop();
}
