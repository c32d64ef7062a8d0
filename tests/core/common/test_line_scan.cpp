// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/common/line_scan.h"
#include "weir/common/text.h"

#include <gtest/gtest.h>
#include <random>
#include <string>
#include <vector>

namespace {

struct Split {
    std::vector<std::string> lines;
    std::vector<bool> ascii;
};

// The reference: split at '\n', a last line without '\n' only when not empty.
Split reference(const std::string &buf) {
    Split out;
    size_t pos = 0;
    while (pos < buf.size()) {
        size_t nl = buf.find('\n', pos);
        if (nl == std::string::npos)
            nl = buf.size();
        out.lines.push_back(buf.substr(pos, nl - pos));
        out.ascii.push_back(weir::isAscii(out.lines.back()));
        pos = nl + 1;
    }
    return out;
}

Split splitAll(const std::string &buf, size_t max) {
    Split out;
    weir::LineSplitter splitter(buf.data(), buf.size());
    std::vector<weir::LineSplitter::Line> lines(max);
    for (int guard = 0; guard < 1000000; ++guard) {
        const size_t n = splitter.take(lines.data(), max);
        if (n == 0)
            break;
        EXPECT_LE(n, max);
        for (size_t i = 0; i < n; ++i) {
            out.lines.emplace_back(lines[i].data, lines[i].size);
            out.ascii.push_back(lines[i].ascii);
        }
    }
    return out;
}

// Same lines as the reference; `ascii` never claims a line with a byte >= 0x80 is ASCII.
void expectMatches(const std::string &buf, size_t max) {
    const Split want = reference(buf);
    const Split got = splitAll(buf, max);
    ASSERT_EQ(got.lines, want.lines) << "buffer size " << buf.size() << ", max " << max;
    for (size_t i = 0; i < want.lines.size(); ++i) {
        if (!want.ascii[i]) {
            EXPECT_FALSE(got.ascii[i]) << "line " << i << " of a " << buf.size() << "-byte buffer";
        }
    }
}

TEST(LineSplitter, EmptyBufferHasNoLines) {
    EXPECT_TRUE(splitAll("", 4).lines.empty());
}

TEST(LineSplitter, SplitsAtNewlinesAndKeepsALastLineWithoutOne) {
    const Split s = splitAll("a\n\nbc\r\nlast", 8);
    EXPECT_EQ(s.lines, (std::vector<std::string>{"a", "", "bc\r", "last"}));
    EXPECT_EQ(s.ascii, (std::vector<bool>{true, true, true, true}));
    EXPECT_EQ(splitAll("one\n", 8).lines, std::vector<std::string>{"one"});
    EXPECT_EQ(splitAll("\n", 8).lines, std::vector<std::string>{""});
}

TEST(LineSplitter, AsciiLinesAcrossBlocksAreReportedAscii) {
    // Lines of every length around the 64-byte block size, none with a high byte.
    std::string buf;
    for (size_t len = 0; len < 200; ++len)
        buf += std::string(len, 'x') + '\n';
    const Split s = splitAll(buf, 7);
    ASSERT_EQ(s.lines.size(), 200u);
    for (size_t i = 0; i < s.lines.size(); ++i) {
        EXPECT_EQ(s.lines[i].size(), i);
        EXPECT_TRUE(s.ascii[i]) << i;
    }
}

TEST(LineSplitter, LineWithAHighByteIsNotAscii) {
    const std::string buf = std::string(100, 'a') + "\n" + std::string(70, 'b') + "\xC3\xA9" +
                            std::string(70, 'c') + "\n" + std::string(300, 'd') + "\n";
    const Split s = splitAll(buf, 256);
    ASSERT_EQ(s.lines.size(), 3u);
    EXPECT_FALSE(s.ascii[1]);
    EXPECT_TRUE(s.ascii[2]); // far from the high bytes: no false alarm
    // A high byte in a last line without newline, in the final partial block.
    const Split t = splitAll("abc\nd\xFF", 4);
    ASSERT_EQ(t.lines.size(), 2u);
    EXPECT_FALSE(t.ascii[1]);
}

TEST(LineSplitter, MatchesTheReferenceOnRandomBuffers) {
    std::mt19937 rng(20261122);
    for (int round = 0; round < 400; ++round) {
        const size_t size = rng() % 700;
        std::string buf(size, '\0');
        const unsigned newlineEvery = 1 + rng() % 90;
        const bool withHigh = round % 3 == 0;
        for (auto &c : buf) {
            const unsigned r = rng();
            if (r % newlineEvery == 0)
                c = '\n';
            else if (withHigh && r % 97 == 1)
                c = static_cast<char>(0x80 + r % 128);
            else
                c = static_cast<char>(' ' + r % 95);
        }
        expectMatches(buf, 1 + rng() % 300);
        if (HasFatalFailure())
            return;
    }
}

} // namespace
