// SPDX-License-Identifier: GPL-3.0-or-later
// Hostile inputs replayed through the engine by a FileSource, in each read path: the
// zero-copy mapped replay (Options::zeroCopy), the copying block read, and the paced path
// (speed > 0 without a pacing parser: reads through pacedEmit but never sleeps).
#include "../test_support.h"
#include "weir/engine/engine.h"
#include "weir/source/file_source.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <gtest/gtest.h>
#include <thread>

using namespace weir;
using namespace weir::engine;
using namespace std::chrono_literals;
using parse::DeadLetterReason;
using test::combinedLine;

namespace {

enum class ReadPath { Mapped, Copied, Paced };

struct ReplayResult {
    std::shared_ptr<const Snapshot> snap;
    std::string error;
    bool finished = false;
    long peakAnonKb = -1; // highest RssAnon seen while the replay ran

    const EngineStats &stats() const { return snap->stats; }
    uint64_t dead(DeadLetterReason r) const {
        return snap->stats.deadByReason[static_cast<size_t>(r)];
    }
    std::string raw(uint64_t i) const {
        const auto e = snap->events.at(i);
        return e ? std::string(e.raw()) : std::string("<no event>");
    }
};

ReplayResult replay(const std::string &path, ReadPath mode, std::string format = "combined",
                    size_t maxLineBytes = size_t{1} << 20, size_t blockBytes = 0) {
    Engine::Options eo;
    eo.maxLineBytes = maxLineBytes;
    Engine engine(eo);
    source::FileSource::Options fo;
    fo.path = path;
    fo.format = std::move(format);
    fo.maxLineBytes = maxLineBytes;
    if (blockBytes)
        fo.blockBytes = blockBytes;
    fo.zeroCopy = mode == ReadPath::Mapped;
    if (mode == ReadPath::Paced)
        fo.speed = 1e9; // no pacing parser: never sleeps
    auto src = std::make_unique<source::FileSource>(fo);
    source::FileSource *file = src.get();
    engine.addSource(std::move(src));
    ReplayResult r;
    engine.start();
    // Sample the anonymous memory while the replay runs (bounded: at most 120 s).
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (!(r.finished = engine.waitFinished(2ms)) && std::chrono::steady_clock::now() < deadline)
        r.peakAnonKb = std::max(r.peakAnonKb, test::procStatusKb("RssAnon"));
    r.peakAnonKb = std::max(r.peakAnonKb, test::procStatusKb("RssAnon"));
    r.error = file->error();
    engine.stop();
    r.snap = engine.snapshot();
    return r;
}

class FileSourceHostile : public ::testing::TestWithParam<ReadPath> {
protected:
    test::TempDir m_dir;
};

std::string pathName(const ::testing::TestParamInfo<ReadPath> &info) {
    switch (info.param) {
    case ReadPath::Mapped:
        return "Mapped";
    case ReadPath::Copied:
        return "Copied";
    case ReadPath::Paced:
        return "Paced";
    }
    return "Unknown";
}

} // namespace

INSTANTIATE_TEST_SUITE_P(ReadPaths, FileSourceHostile,
                         ::testing::Values(ReadPath::Mapped, ReadPath::Copied, ReadPath::Paced),
                         pathName);

TEST_P(FileSourceHostile, NoTrailingNewline) {
    const std::string p = m_dir.write("a.log", combinedLine("1") + "\n" + combinedLine("2") + "\n" +
                                                   combinedLine("3"));
    const ReplayResult r = replay(p, GetParam());
    ASSERT_TRUE(r.finished);
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.stats().lines, 3u);
    EXPECT_EQ(r.stats().events, 3u);
    EXPECT_EQ(r.raw(2), combinedLine("3"));
    EXPECT_EQ(r.snap->events.at(2).record().position(), 3u);
    EXPECT_EQ(r.stats().bytes, 3 * combinedLine("1").size() + 2);
}

TEST_P(FileSourceHostile, CrlfLineEndings) {
    const std::string p = m_dir.write("crlf.log", combinedLine("1") + "\r\n" + combinedLine("2") +
                                                      "\r\n\r\n" + combinedLine("3") + "\r");
    const ReplayResult r = replay(p, GetParam());
    ASSERT_TRUE(r.finished);
    EXPECT_EQ(r.stats().lines, 4u);
    EXPECT_EQ(r.stats().events, 3u);
    EXPECT_EQ(r.dead(DeadLetterReason::Empty), 1u); // the "\r\n" alone
    for (uint64_t i = 0; i < 3; ++i)
        EXPECT_EQ(r.raw(i), combinedLine(std::to_string(i + 1))) << "CR must be stripped";
}

TEST_P(FileSourceHostile, BlankLinesAreEmptyDeadLetters) {
    const std::string p = m_dir.write("blank.log", "\n" + combinedLine("1") + "\n\n   \n\t \n" +
                                                       combinedLine("2") + "\n\n");
    const ReplayResult r = replay(p, GetParam());
    ASSERT_TRUE(r.finished);
    EXPECT_EQ(r.stats().lines, 7u);
    EXPECT_EQ(r.stats().events, 2u);
    EXPECT_EQ(r.dead(DeadLetterReason::Empty), 5u);
    EXPECT_EQ(r.stats().deadLetters, 5u);
    // Line numbers stay true to the file.
    EXPECT_EQ(r.snap->events.at(0).record().position(), 2u);
    EXPECT_EQ(r.snap->events.at(1).record().position(), 6u);
    ASSERT_EQ(r.snap->deadLetters.size(), 5u);
    EXPECT_EQ(r.snap->deadLetters[0].position, 1u);
    EXPECT_EQ(r.snap->deadLetters[3].position, 5u);
    EXPECT_EQ(r.snap->deadLetters[4].position, 7u);
}

TEST_P(FileSourceHostile, EmptyFile) {
    const std::string p = m_dir.write("empty.log", "");
    const ReplayResult r = replay(p, GetParam(), "auto");
    ASSERT_TRUE(r.finished);
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.stats().lines, 0u);
    EXPECT_EQ(r.stats().events, 0u);
    EXPECT_EQ(r.stats().bytes, 0u);
    EXPECT_EQ(r.stats().deadLetters, 0u);
}

TEST_P(FileSourceHostile, MissingFileSetsErrorAndFinishes) {
    const std::string p = m_dir.file("does-not-exist.log");
    const ReplayResult r = replay(p, GetParam());
    EXPECT_TRUE(r.finished);
    EXPECT_NE(r.error.find("does-not-exist.log"), std::string::npos) << r.error;
    ASSERT_EQ(r.snap->sources.size(), 1u);
    EXPECT_EQ(r.snap->sources[0].error, r.error);
    EXPECT_TRUE(r.snap->sources[0].ended);
    EXPECT_EQ(r.stats().lines, 0u);
}

TEST_P(FileSourceHostile, DirectoryInsteadOfFileDoesNotHang) {
    const ReplayResult r = replay(m_dir.path(), GetParam());
    EXPECT_TRUE(r.finished);
    EXPECT_NE(r.error, "");
    EXPECT_EQ(r.stats().events, 0u);
}

TEST_P(FileSourceHostile, InvalidUtf8IsADeadLetter) {
    const std::string good = combinedLine("ok");
    std::string latin1 = combinedLine("caf\xE9");    // ISO-8859-1 byte
    std::string overlong = combinedLine("\xC0\xAF"); // overlong '/'
    std::string surrogate = combinedLine("\xED\xA0\x80");
    std::string truncated = combinedLine("x") + "\xE2\x82";
    const std::string utf8 = combinedLine("caf\xC3\xA9"); // valid
    const std::string p =
        m_dir.write("utf8.log", good + "\n" + latin1 + "\n" + overlong + "\n" + surrogate + "\n" +
                                    truncated + "\n" + utf8 + "\n");
    const ReplayResult r = replay(p, GetParam());
    ASSERT_TRUE(r.finished);
    EXPECT_EQ(r.stats().lines, 6u);
    EXPECT_EQ(r.stats().events, 2u);
    EXPECT_EQ(r.dead(DeadLetterReason::InvalidUtf8), 4u);
    EXPECT_EQ(r.raw(1), utf8);
    ASSERT_EQ(r.snap->deadLetters.size(), 4u);
    // Kept byte for byte in the dead-letter list.
    EXPECT_EQ(r.snap->deadLetters[0].raw, latin1);
    EXPECT_EQ(r.snap->deadLetters[0].reason, DeadLetterReason::InvalidUtf8);
    EXPECT_EQ(r.snap->deadLetters[0].position, 2u);
    EXPECT_EQ(r.snap->deadLetters[3].raw, truncated);
}

TEST_P(FileSourceHostile, NulBytes) {
    std::string withNul = combinedLine("nul");
    withNul.insert(withNul.size() - 3, std::string("\0\0", 2)); // inside the user agent
    const std::string onlyNul("\0\0\0\0", 4);
    const std::string content = combinedLine("1") + "\n" + withNul + "\n" + onlyNul + "\n" +
                                std::string("\0", 1) + combinedLine("2") + "\n" +
                                combinedLine("3") + "\n";
    const std::string p = m_dir.write("nul.log", content);
    const ReplayResult r = replay(p, GetParam());
    ASSERT_TRUE(r.finished);
    // NUL never ends a line: still five lines.
    EXPECT_EQ(r.stats().lines, 5u);
    EXPECT_EQ(r.stats().bytes, content.size());
    EXPECT_EQ(r.stats().events + r.stats().deadLetters, 5u);
    EXPECT_EQ(r.raw(0), combinedLine("1"));
    // The NULs survive in the stored raw bytes.
    EXPECT_EQ(r.raw(1), withNul);
    EXPECT_EQ(r.raw(1).size(), combinedLine("nul").size() + 2);
    // The NUL-only line does not parse; a NUL glued to the host is just part of the host.
    EXPECT_EQ(r.dead(DeadLetterReason::Malformed), 1u);
    EXPECT_EQ(r.stats().events, 4u);
    EXPECT_EQ(r.raw(2), std::string("\0", 1) + combinedLine("2"));
    EXPECT_EQ(r.raw(3), combinedLine("3"));
}

TEST_P(FileSourceHostile, HundredMegabyteSingleLine) {
    // head: a valid combined line; then one space and 100 MB of filler on the same line. Cut
    // at the 1 MiB limit it is still a valid line with trailing junk, so it must come out as
    // one event flagged Truncated.
    const std::string path = m_dir.file("huge.log");
    const std::string head = combinedLine("huge");
    constexpr size_t kFiller = size_t{100} << 20;
    {
        std::ofstream out(path, std::ios::binary);
        out << combinedLine("before") << "\n" << head << ' ';
        const std::string block(1 << 20, 'x');
        for (size_t n = 0; n < kFiller; n += block.size())
            out.write(block.data(), static_cast<std::streamsize>(block.size()));
        out << "\n" << combinedLine("after") << "\n";
        ASSERT_TRUE(out.good());
    }
    const long anonBefore = test::procStatusKb("RssAnon");
    const ReplayResult r = replay(path, GetParam());
    ASSERT_TRUE(r.finished);
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.stats().lines, 3u);
    EXPECT_EQ(r.stats().events, 3u);
    EXPECT_EQ(r.stats().truncated, 1u);
    ASSERT_EQ(r.stats().events, 3u);
    const auto huge = r.snap->events.at(1);
    EXPECT_TRUE(huge.record().flags & store::Truncated);
    EXPECT_EQ(huge.raw().size(), size_t{1} << 20);
    EXPECT_EQ(huge.raw().substr(0, head.size()), head);
    EXPECT_EQ(huge.record().position(), 2u);
    EXPECT_FALSE(r.snap->events.at(0).record().flags & store::Truncated);
    EXPECT_EQ(r.raw(2), combinedLine("after"));
    EXPECT_EQ(r.snap->events.at(2).record().position(), 3u);
    // Bounded memory: the 100 MB line is never copied whole into anonymous memory.
    if (!test::kSanitized && anonBefore >= 0 && r.peakAnonKb >= 0) {
        RecordProperty("peak_anon_growth_kb", static_cast<int>(r.peakAnonKb - anonBefore));
        EXPECT_LT(r.peakAnonKb - anonBefore, 48 * 1024) << "peak RssAnon grew too much";
    }
    EXPECT_LT(r.stats().memoryBytes, size_t{4} << 20);
}

TEST_P(FileSourceHostile, HugeGarbageLineIsOneTruncatedDeadLetter) {
    const std::string path = m_dir.file("garbage.log");
    {
        std::ofstream out(path, std::ios::binary);
        out << combinedLine("before") << "\n";
        const std::string block(1 << 20, 'g');
        for (int i = 0; i < 8; ++i)
            out.write(block.data(), static_cast<std::streamsize>(block.size()));
        out << "\n" << combinedLine("after");
    }
    const ReplayResult r = replay(path, GetParam(), "combined", 64 << 10);
    ASSERT_TRUE(r.finished);
    EXPECT_EQ(r.stats().lines, 3u);
    EXPECT_EQ(r.stats().events, 2u);
    EXPECT_EQ(r.stats().deadLetters, 1u);
    ASSERT_EQ(r.snap->deadLetters.size(), 1u);
    // Malformed, or a dedicated "too long" reason where the engine has one.
    const std::string_view reason = parse::reasonName(r.snap->deadLetters[0].reason);
    EXPECT_TRUE(reason == "malformed" || reason == "too_long") << reason;
    EXPECT_EQ(r.snap->deadLetters[0].position, 2u);
    EXPECT_LE(r.snap->deadLetters[0].raw.size(), size_t{64} << 10);
    EXPECT_EQ(r.raw(1), combinedLine("after"));
}

TEST_P(FileSourceHostile, LinesAcrossBlockBoundaries) {
    // Many lines with small blocks: every line arrives once, in order, whole.
    std::string content;
    constexpr int kLines = 20000;
    for (int i = 0; i < kLines; ++i)
        content +=
            combinedLine(std::string(static_cast<size_t>(i % 97), 'p') + std::to_string(i)) + "\n";
    const std::string p = m_dir.write("many.log", content);
    const ReplayResult r = replay(p, GetParam(), "combined", size_t{1} << 20, 4096);
    ASSERT_TRUE(r.finished);
    ASSERT_EQ(r.stats().lines, static_cast<uint64_t>(kLines));
    ASSERT_EQ(r.stats().events, static_cast<uint64_t>(kLines));
    EXPECT_EQ(r.stats().bytes, content.size());
    for (int i = 0; i < kLines; ++i) {
        const auto e = r.snap->events.at(static_cast<uint64_t>(i));
        ASSERT_EQ(e.raw(),
                  combinedLine(std::string(static_cast<size_t>(i % 97), 'p') + std::to_string(i)));
        ASSERT_EQ(e.record().position(), static_cast<uint64_t>(i + 1));
    }
}

TEST_P(FileSourceHostile, AutoDetectsCombined) {
    std::string content;
    for (int i = 0; i < 50; ++i)
        content += combinedLine(std::to_string(i)) + "\n";
    content += "garbage line\n";
    const std::string p = m_dir.write("auto.log", content);
    const ReplayResult r = replay(p, GetParam(), "auto");
    ASSERT_TRUE(r.finished);
    ASSERT_EQ(r.snap->channels.size(), 1u);
    EXPECT_EQ(r.snap->channels[0].format, "combined");
    EXPECT_TRUE(r.snap->channels[0].detected);
    EXPECT_EQ(r.stats().events, 50u);
    EXPECT_EQ(r.dead(DeadLetterReason::Malformed), 1u);
}

TEST(FileSource, StopMidReplayIsPrompt) {
    test::TempDir dir;
    std::string content;
    for (int i = 0; content.size() < (8u << 20); ++i)
        content += combinedLine(std::to_string(i)) + "\n";
    const std::string p = dir.write("stop.log", content);
    // Stopped right after start, long before the 8 MB are through: stop() cancels the source
    // and the engine cleanly (a hang would hit the ctest timeout), and counts stay coherent.
    Engine engine;
    source::FileSource::Options fo;
    fo.path = p;
    fo.format = "combined";
    engine.addSource(std::make_unique<source::FileSource>(fo));
    engine.start();
    engine.stop();
    const auto s = engine.snapshot();
    EXPECT_LE(s->stats.lines,
              static_cast<uint64_t>(std::count(content.begin(), content.end(), '\n')));
    EXPECT_EQ(s->stats.events + s->stats.deadLetters, s->stats.lines);
}
