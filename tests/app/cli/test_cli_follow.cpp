// SPDX-License-Identifier: GPL-3.0-or-later
// weir-cli --follow: the real binary keeps reading a log file as it grows and as it is rotated,
// like tail -F, until a stop condition; Ctrl-C (SIGINT) stops it cleanly with its output.
#include "bus_fixtures.h"

#include <csignal>
#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>

using namespace std::chrono_literals;
using weir::testing::Process;

namespace {

std::string lines(int from, int to) {
    std::string out;
    for (int i = from; i < to; ++i)
        out += "{\"ts\":\"2026-11-22T10:00:0" + std::to_string(i % 10) +
               "Z\",\"level\":\"info\",\"n\":" + std::to_string(i) + "}\n";
    return out;
}

void append(const std::string &path, const std::string &text) {
    std::ofstream(path, std::ios::binary | std::ios::app) << text;
}

// The integer after "\"key\":" in a one-line JSON object, or -1.
long long jsonNumber(const std::string &json, const std::string &key) {
    const size_t at = json.find("\"" + key + "\":");
    return at == std::string::npos ? -1 : std::atoll(json.c_str() + at + key.size() + 3);
}

} // namespace

TEST(CliFollow, ReadsAppendedAndRotatedLinesUntilMaxEvents) {
    weir::testing::TempDir dir;
    const std::string path = dir.file("app.log");
    append(path, lines(0, 5));
    Process cli({WEIR_CLI_PATH, path, "--follow", "--format", "json", "--max-events", "12",
                 "--duration", "120", "--stats"});
    ASSERT_TRUE(cli.waitFor("following " + path, 60s, true)) << cli.err();
    append(path, lines(5, 8));
    ASSERT_EQ(std::rename(path.c_str(), (path + ".1").c_str()), 0);
    append(path, lines(8, 12)); // the new file
    const int code = cli.wait(90s);
    ASSERT_EQ(code, 0) << cli.err();
    EXPECT_EQ(jsonNumber(cli.out(), "lines"), 12) << cli.out();
    EXPECT_EQ(jsonNumber(cli.out(), "events"), 12) << cli.out();
    EXPECT_NE(cli.err().find("rotated"), std::string::npos) << cli.err();
}

TEST(CliFollow, InterruptStopsWithTheOutput) {
    weir::testing::TempDir dir;
    const std::string path = dir.file("app.log");
    append(path, lines(0, 3));
    Process cli(
        {WEIR_CLI_PATH, path, "--follow", "--format", "json", "--duration", "120", "--stats"});
    ASSERT_TRUE(cli.waitFor("following " + path, 60s, true)) << cli.err();
    cli.signal(SIGINT);
    const int code = cli.wait(60s);
    EXPECT_EQ(code, 0) << cli.err();
    EXPECT_NE(cli.err().find("interrupted"), std::string::npos) << cli.err();
    EXPECT_GE(jsonNumber(cli.out(), "lines"), 0) << "no stats written: " << cli.out();
}

TEST(CliFollow, HelpMentionsFollow) {
    Process cli({WEIR_CLI_PATH, "--help"});
    ASSERT_EQ(cli.wait(30s), 0);
    EXPECT_NE(cli.out().find("--follow"), std::string::npos);
}
