// SPDX-License-Identifier: GPL-3.0-or-later
// FileSource in follow mode (`tail -F`) through the engine: appended lines arrive, a partial
// last line waits for its newline, a rotated file (rename + create) is read to its end and then
// the new one from its start, a file truncated in place is read again from its start, a file
// that does not exist yet is waited for; in the mapped and the copying read paths. Every wait
// is bounded.
#include "../test_support.h"
#include "weir/engine/engine.h"
#include "weir/source/file_source.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <gtest/gtest.h>
#include <thread>

using namespace weir;
using namespace weir::engine;
using namespace std::chrono_literals;
using test::combinedLine;

namespace {

bool waitFor(const std::function<bool()> &pred, std::chrono::milliseconds timeout = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

void append(const std::string &path, const std::string &text) {
    std::ofstream(path, std::ios::binary | std::ios::app) << text;
}

void overwrite(const std::string &path, const std::string &text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string lines(int from, int to) {
    std::string out;
    for (int i = from; i < to; ++i)
        out += combinedLine("l" + std::to_string(i)) + "\n";
    return out;
}

// Every stored event's raw text, in order.
std::vector<std::string> raws(const Engine &engine) {
    const auto snap = engine.snapshot();
    std::vector<std::string> out;
    for (uint64_t i = 0; i < snap->events.size(); ++i)
        out.emplace_back(snap->events.at(i).raw());
    return out;
}

struct Follower {
    Engine engine;
    source::FileSource *file = nullptr;

    Follower(const std::string &path, bool zeroCopy) {
        source::FileSource::Options fo;
        fo.path = path;
        fo.format = "combined";
        fo.zeroCopy = zeroCopy;
        fo.follow = true;
        fo.followPollMs = 20;
        auto src = std::make_unique<source::FileSource>(fo);
        file = src.get();
        engine.addSource(std::move(src));
        engine.start();
    }
    uint64_t lines() const { return engine.snapshot()->stats.lines; }
};

class FileFollow : public ::testing::TestWithParam<bool> {
protected:
    test::TempDir m_dir;
};

TEST_P(FileFollow, AppendsRotationAndTruncation) {
    const std::string path = m_dir.path() + "/access.log";
    // Three lines and the head of a fourth.
    const std::string fourth = combinedLine("l3");
    overwrite(path, lines(0, 3) + fourth.substr(0, 20));
    Follower f(path, GetParam());
    EXPECT_FALSE(f.file->isBounded());
    ASSERT_TRUE(waitFor([&] { return f.lines() >= 3; }));
    // The partial line waits for its newline (two more polls change nothing).
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(f.lines(), 3u);
    EXPECT_EQ(f.file->metrics().state, source::SourceState::Connected);
    EXPECT_NE(f.file->status().find("following"), std::string::npos) << f.file->status();

    append(path, fourth.substr(20) + "\n" + lines(4, 6));
    ASSERT_TRUE(waitFor([&] { return f.lines() >= 6; }));
    EXPECT_EQ(raws(f.engine).at(3), fourth); // joined, not split in two

    // logrotate: rename, the writer adds one last line to the old file, then a new file.
    ASSERT_EQ(std::rename(path.c_str(), (path + ".1").c_str()), 0);
    append(path + ".1", lines(6, 7));
    overwrite(path, lines(7, 9));
    ASSERT_TRUE(waitFor([&] { return f.lines() >= 9; }));
    EXPECT_EQ(f.file->followCounters().rotations, 1u);

    // copytruncate: the file is emptied in place and written again (shorter than before).
    overwrite(path, lines(9, 10));
    ASSERT_TRUE(waitFor([&] { return f.lines() >= 10; }));
    EXPECT_EQ(f.file->followCounters().truncations, 1u);

    f.engine.stop();
    const std::vector<std::string> got = raws(f.engine);
    ASSERT_EQ(got.size(), 10u);
    for (int i = 0; i < 10; ++i)
        EXPECT_EQ(got[static_cast<size_t>(i)], combinedLine("l" + std::to_string(i))) << i;
    EXPECT_EQ(f.engine.snapshot()->stats.events, 10u);
    EXPECT_EQ(f.file->followCounters().lines, 10u);
    EXPECT_EQ(f.file->metrics().messages, 10u);
    EXPECT_EQ(f.file->metrics().state, source::SourceState::Stopped);
    EXPECT_TRUE(f.file->error().empty()) << f.file->error();
}

TEST_P(FileFollow, WaitsForAFileThatDoesNotExistYet) {
    const std::string path = m_dir.path() + "/later.log";
    Follower f(path, GetParam());
    ASSERT_TRUE(
        waitFor([&] { return f.file->metrics().state == source::SourceState::Reconnecting; }));
    EXPECT_NE(f.file->status().find("waiting for " + path), std::string::npos) << f.file->status();
    EXPECT_TRUE(f.file->error().empty()); // waiting is not an error when following
    overwrite(path, lines(0, 2));
    ASSERT_TRUE(waitFor([&] { return f.lines() >= 2; }));
    EXPECT_EQ(f.file->metrics().state, source::SourceState::Connected);
    // Endless: the engine does not finish, and stops promptly when asked.
    EXPECT_FALSE(f.engine.waitFinished(50ms));
    f.engine.stop();
    EXPECT_EQ(f.engine.snapshot()->stats.events, 2u);
}

TEST(FileFollowOff, MissingFileIsStillAnError) {
    test::TempDir dir;
    source::FileSource::Options fo;
    fo.path = dir.path() + "/missing.log";
    source::FileSource src(fo);
    EXPECT_TRUE(src.isBounded());
    Engine engine;
    source::FileSource::Options copy = fo;
    auto owned = std::make_unique<source::FileSource>(copy);
    source::FileSource *file = owned.get();
    engine.addSource(std::move(owned));
    engine.start();
    ASSERT_TRUE(engine.waitFinished(30s));
    EXPECT_NE(file->error().find("cannot open"), std::string::npos) << file->error();
    EXPECT_EQ(file->metrics().state, source::SourceState::None); // not a live source
    engine.stop();
}

INSTANTIATE_TEST_SUITE_P(ReadPaths, FileFollow, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool> &p) {
                             return p.param ? std::string("Mapped") : std::string("Copied");
                         });

} // namespace
