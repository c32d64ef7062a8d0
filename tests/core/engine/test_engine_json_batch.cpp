// SPDX-License-Identifier: GPL-3.0-or-later
// The engine feeds JSON lines to the parser in batches (Parser::prepareLines): a file replayed
// through it must give exactly the events and dead letters (reason, line number) a line-by-line
// parse gives, with lines cut at the line limit, CRLF, blank and not-UTF-8 lines among them.
#include "../test_support.h"
#include "weir/common/text.h"
#include "weir/engine/engine.h"
#include "weir/parse/format_registry.h"
#include "weir/source/file_source.h"

#include <chrono>
#include <gtest/gtest.h>
#include <random>

using namespace weir;
using namespace std::chrono_literals;

namespace {

struct Expected {
    uint64_t position;
    bool event;
    parse::DeadLetterReason reason;
    parse::EventHeader header;
};

std::string jsonLine(std::mt19937 &rng, int i) {
    static const char *kLevels[] = {"info", "warn", "error", "debug"};
    std::string l = R"({"ts":"2024-03-04T05:06:)" + std::to_string(10 + i % 50) + "." +
                    std::to_string(100 + i % 900) + R"(Z","level":")" + kLevels[rng() % 4] +
                    R"(","http":{"status":)" + std::to_string(200 + rng() % 4 * 100) +
                    R"(},"msg":"line )" + std::to_string(i) + "\"}";
    switch (rng() % 40) {
    case 0:
        return l + "\r"; // CRLF
    case 1:
        return "";
    case 2:
        return "{\"a\":\"\xff\"}"; // not UTF-8
    case 3:
        return l.substr(0, l.size() / 2); // malformed
    case 4:
        return l + " {}"; // two documents
    case 5:
        return R"({"a":"odd " quote"})";
    case 6:
        return R"({"ts":"yesterday"})"; // bad timestamp
    case 7:
        return l + std::string(300, ' ') + "x"; // cut at the 256-byte limit below
    default:
        return l;
    }
}

} // namespace

TEST(EngineJsonBatch, FileReplayMatchesLineByLine) {
    test::TempDir dir;
    std::mt19937 rng(11);
    std::vector<std::string> lines;
    std::string content;
    for (int i = 0; i < 3000; ++i) {
        lines.push_back(jsonLine(rng, i));
        content += lines.back() + "\n";
    }
    const std::string path = dir.write("mixed.jsonl", content);
    constexpr size_t kMaxLine = 256;

    // The reference: one parser, line by line, with the engine's own checks before it.
    auto reference = parse::makeParser("json");
    std::vector<Expected> expected;
    for (size_t i = 0; i < lines.size(); ++i) {
        std::string_view l = lines[i];
        if (!l.empty() && l.back() == '\r')
            l.remove_suffix(1);
        const bool cut = l.size() > kMaxLine;
        l = l.substr(0, kMaxLine);
        Expected e{i + 1, false, parse::DeadLetterReason::None, {}};
        if (l.empty() || trim(l).empty()) {
            e.reason = parse::DeadLetterReason::Empty;
        } else if (!isValidUtf8(l)) {
            e.reason = parse::DeadLetterReason::InvalidUtf8;
        } else {
            const parse::ParseResult r = reference->parseHeader(l, e.header);
            e.event = r.status == parse::ParseStatus::Event;
            e.reason = e.event ? parse::DeadLetterReason::None : r.reason;
            if (e.reason == parse::DeadLetterReason::Malformed && cut)
                e.reason = parse::DeadLetterReason::TooLong;
        }
        expected.push_back(e);
    }

    engine::Engine::Options eo;
    eo.maxLineBytes = kMaxLine;
    engine::Engine engine(eo);
    source::FileSource::Options fo;
    fo.path = path;
    fo.format = "json";
    fo.blockBytes = 64 << 10; // several batches
    engine.addSource(std::make_unique<source::FileSource>(fo));
    engine.start();
    ASSERT_TRUE(engine.waitFinished(60s));
    engine.stop();
    const auto snap = engine.snapshot();

    std::vector<const Expected *> events, dead;
    for (const auto &e : expected)
        (e.event ? events : dead).push_back(&e);
    ASSERT_EQ(snap->stats.events, events.size());
    ASSERT_EQ(snap->stats.deadLetters, dead.size());
    ASSERT_GT(events.size(), 2000u);
    ASSERT_GT(dead.size(), 100u);

    size_t k = 0;
    snap->events.forEach(snap->events.firstIndex(), snap->events.endIndex(),
                         [&](const store::EventRef &ref) {
                             const store::EventRecord &rec = ref.record();
                             ASSERT_LT(k, events.size());
                             const Expected &e = *events[k++];
                             EXPECT_EQ(rec.position(), e.position);
                             EXPECT_EQ(rec.time.value, e.header.time.value) << e.position;
                             EXPECT_EQ(rec.severity, e.header.severity) << e.position;
                             EXPECT_EQ(rec.status, e.header.status) << e.position;
                         });
    EXPECT_EQ(k, events.size());
    ASSERT_EQ(snap->deadLetters.size(), dead.size());
    for (size_t i = 0; i < dead.size(); ++i) {
        EXPECT_EQ(snap->deadLetters[i].position, dead[i]->position);
        EXPECT_EQ(snap->deadLetters[i].reason, dead[i]->reason) << dead[i]->position;
    }
}
