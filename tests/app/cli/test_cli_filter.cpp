// SPDX-License-Identifier: GPL-3.0-or-later
// weir-cli --filter / --events-out end to end: runs the real binary (WEIR_CLI_PATH) and checks
// the files it writes with an independent JSON parser (simdjson) and a CSV reader.
#include "../../core/test_support.h"

#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace {

const std::string kData = std::string(WEIR_TEST_DATA_DIR) + "/cli/";

using weir::test::readFile;
using weir::test::splitLines;
using CliRun = weir::test::CommandRun;

CliRun run(const weir::test::TempDir &dir, const std::vector<std::string> &args) {
    return weir::test::runWeirCli(dir, args, 60);
}

// 120 combined lines, one every 10 s from 2026-11-22T10:00:00Z; status 200, 404, 500 in turn;
// bytes = 100 * i.
std::string timedLog() {
    std::string s;
    for (int i = 0; i < 120; ++i) {
        const int t = i * 10;
        char line[256];
        std::snprintf(line, sizeof line,
                      "10.0.0.%d - - [22/Nov/2026:10:%02d:%02d +0000] \"GET /api/%d HTTP/1.1\" %d "
                      "%d \"-\" \"curl/8\"\n",
                      i % 250, t / 60, t % 60, i,
                      i % 3 == 0   ? 200
                      : i % 3 == 1 ? 404
                                   : 500,
                      100 * i);
        s += line;
    }
    return s;
}

} // namespace

TEST(CliFilter, FilteredEventsToJsonLines) {
    weir::test::TempDir dir;
    const std::string out = dir.file("errors.jsonl");
    const CliRun r =
        run(dir, {kData + "combined_200.log", "--filter", "status>=500", "--events-out", out});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto jl = splitLines(readFile(out));
    ASSERT_EQ(jl.size(), 66u); // the fixture's status-500 lines
    simdjson::dom::parser parser;
    for (const auto &l : jl) {
        simdjson::dom::element doc;
        ASSERT_EQ(parser.parse(l).get(doc), simdjson::SUCCESS) << l;
        std::string_view level, raw, time, source;
        int64_t status = 0;
        ASSERT_EQ(doc["level"].get(level), simdjson::SUCCESS);
        ASSERT_EQ(doc["raw"].get(raw), simdjson::SUCCESS);
        ASSERT_EQ(doc["time"].get(time), simdjson::SUCCESS);
        ASSERT_EQ(doc["source"].get(source), simdjson::SUCCESS);
        ASSERT_EQ(doc["fields"]["status"].get(status), simdjson::SUCCESS);
        EXPECT_EQ(level, "error");
        EXPECT_EQ(status, 500);
        EXPECT_EQ(time, "2021-11-22T10:15:33.000Z");
        EXPECT_NE(raw.find("\" 500 "), std::string_view::npos);
        EXPECT_NE(source.find("combined_200.log"), std::string_view::npos);
    }
}

TEST(CliFilter, CsvAndFieldPredicatesAndNoFilter) {
    weir::test::TempDir dir;
    const std::string log = dir.write("timed.log", timedLog());
    const std::string csv = dir.file("out.csv");
    // bytes<1k: i < 10; of those not 404: i in {0,2,3,5,6,8,9}
    CliRun r = run(dir, {log, "--filter", "bytes<1k -status:404", "--events-out", csv});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const std::string text = readFile(csv);
    const auto rows = splitLines(text);
    ASSERT_EQ(rows.size(), 8u);
    EXPECT_EQ(rows[0].rfind("time,level,source,", 0), 0u) << rows[0];
    EXPECT_NE(text.find("\r\n"), std::string::npos);
    EXPECT_EQ(rows[1].rfind("2026-11-22T10:00:00.000Z,info,", 0), 0u) << rows[1];
    EXPECT_EQ(rows[2].rfind("2026-11-22T10:00:20.000Z,error,", 0), 0u) << rows[2];

    const std::string all = dir.file("all.jsonl");
    r = run(dir, {log, "--events-out", all});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(splitLines(readFile(all)).size(), 120u);
}

TEST(CliFilter, LastIsRelativeToTheNewestEvent) {
    weir::test::TempDir dir;
    const std::string log = dir.write("timed.log", timedLog());
    // Newest event 10:19:50; last 5m = from 10:14:50 inclusive: i = 89..119.
    CliRun r = run(dir, {log, "--filter", "last 5m", "--events-out", "-"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto jl = splitLines(r.out);
    ASSERT_EQ(jl.size(), 31u);
    EXPECT_NE(jl.front().find("\"time\":\"2026-11-22T10:14:50.000Z\""), std::string::npos);
    r = run(dir, {log, "--filter", "last 5m and status:404 and path:/api/1*", "--events-out", "-"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    jl = splitLines(r.out);
    // i in 89..119 with i % 3 == 1 and path /api/1..: 100, 103, ..., 118
    ASSERT_EQ(jl.size(), 7u);
}

TEST(CliFilter, InvalidUtf8InputStillGivesValidJson) {
    weir::test::TempDir dir;
    const std::string out = dir.file("mixed.jsonl");
    const CliRun r = run(dir, {kData + "access_mixed.log", "--events-out", out});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto jl = splitLines(readFile(out));
    ASSERT_FALSE(jl.empty());
    simdjson::dom::parser parser;
    for (const auto &l : jl) {
        simdjson::dom::element doc;
        EXPECT_EQ(parser.parse(l).get(doc), simdjson::SUCCESS) << l;
    }
}

TEST(CliFilter, UsageErrors) {
    weir::test::TempDir dir;
    CliRun r = run(dir, {kData + "combined_200.log", "--filter", "status>=", "--events-out",
                         dir.file("x.jsonl")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("bad --filter expression at column 9: expected a value after "
                         "'status>='"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("status>=\n        ^"), std::string::npos) << r.err;
    r = run(dir, {kData + "combined_200.log", "--filter", "status>=500"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("--filter needs --events-out"), std::string::npos) << r.err;
    r = run(dir, {kData + "combined_200.log", "--events-out", "/nonexistent-weir-dir/x.csv"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("--events-out"), std::string::npos) << r.err;
    r = run(dir, {"--help"});
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_NE(r.out.find("--filter EXPR"), std::string::npos);
    EXPECT_NE(r.out.find("--events-out FILE"), std::string::npos);
}
