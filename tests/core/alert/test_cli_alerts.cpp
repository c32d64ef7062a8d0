// SPDX-License-Identifier: GPL-3.0-or-later
// weir-cli --rules/--alerts-out end to end: the course lab's accident alert on freeway sensor
// data, rule errors, and identical transitions whether the replay is paced or not.
#include "../test_support.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

using weir::test::readFile;
using weir::test::TempDir;

void writeFile(const std::string &path, const std::string &text) {
    std::ofstream(path, std::ios::binary) << text;
}

// Runs weir-cli with `args`; `output` gets what it printed (stdout, then stderr).
int runCli(const std::vector<std::string> &args, std::string &output) {
    const TempDir dir;
    const weir::test::CommandRun r = weir::test::runWeirCli(dir, args);
    output = r.out + r.err;
    return r.exitCode;
}

// One hour of readings every 30 s from 4 locations x 4 lanes; lane 2 at the second location
// crawls at 12 mph from minute 20 to minute 30.
std::string freewayCsv() {
    std::string out = "TIMESTAMP,LATITUDE,LONGITUDE,FREEWAY_ID,FREEWAY_DIR,LANE,SPEED\n";
    const char *locations[] = {"32.7492,-117.1553,163,S", "32.7601,-117.1501,163,N",
                               "32.7155,-117.1612,5,N", "32.8291,-117.1224,15,S"};
    unsigned seed = 7;
    char buf[160];
    for (int step = 0; step < 120; ++step) {
        const int seconds = step * 30;
        for (int loc = 0; loc < 4; ++loc) {
            for (int lane = 1; lane <= 4; ++lane) {
                seed = seed * 1103515245u + 12345u;
                double speed = 55.0 + static_cast<double>((seed >> 16) % 100) / 10.0;
                if (loc == 1 && lane == 2 && seconds >= 20 * 60 && seconds < 30 * 60)
                    speed = 12.0;
                std::snprintf(buf, sizeof buf, "2008-11-01 10:%02d:%02d,%s,%d,%.1f\n", seconds / 60,
                              seconds % 60, locations[loc], lane, speed);
                out += buf;
            }
        }
    }
    return out;
}

const char kLaneRule[] = R"j({"rules":[{
  "name": "accident",
  "kind": "comparison",
  "window": "sliding:5m/1m",
  "key": ["LATITUDE","LONGITUDE","FREEWAY_ID","FREEWAY_DIR","LANE"],
  "reference_key": ["LATITUDE","LONGITUDE","FREEWAY_ID","FREEWAY_DIR"],
  "condition": "mean(SPEED) < 0.5 * ref.mean(SPEED)",
  "severity": "critical"
}]})j";

} // namespace

TEST(CliAlerts, CourseLabAccidentFiresOnceAndResolvesOnce) {
    TempDir dir;
    writeFile(dir.file("freeway.csv"), freewayCsv());
    writeFile(dir.file("rules.json"), kLaneRule);
    std::string out;
    ASSERT_EQ(runCli({dir.file("freeway.csv"), "--format", "csv", "--rules", dir.file("rules.json"),
                      "--alerts-out", dir.file("alerts.jsonl")},
                     out),
              0)
        << out;
    const auto got = weir::test::splitLines(readFile(dir.file("alerts.jsonl")));
    ASSERT_EQ(got.size(), 2u) << readFile(dir.file("alerts.jsonl"));
    const std::string key = R"("key":"32.7601|-117.1501|163|N|2")";
    EXPECT_NE(got[0].find(key), std::string::npos) << got[0];
    EXPECT_NE(got[0].find(R"("state":"firing")"), std::string::npos) << got[0];
    EXPECT_NE(got[0].find(R"("rule":"accident")"), std::string::npos) << got[0];
    EXPECT_NE(got[1].find(key), std::string::npos) << got[1];
    EXPECT_NE(got[1].find(R"("state":"resolved")"), std::string::npos) << got[1];
    // Fires inside the slowdown and resolves after it, in event time.
    EXPECT_NE(got[0].find(R"("time":"2008-11-01T10:2)"), std::string::npos) << got[0];
    EXPECT_NE(got[1].find(R"("time":"2008-11-01T10:3)"), std::string::npos) << got[1];
}

TEST(CliAlerts, PacedAndUnpacedReplaysGiveIdenticalTransitions) {
    TempDir dir;
    // Two seconds of events, 20 ms apart; key b runs hot in the middle.
    std::string csv = "time,key,value\n";
    char buf[96];
    for (int i = 0; i < 100; ++i) {
        const double t = 1700000000.0 + i * 0.02;
        std::snprintf(buf, sizeof buf, "%.3f,a,%d\n", t, 10 + i % 5);
        csv += buf;
        std::snprintf(buf, sizeof buf, "%.3f,b,%d\n", t, i >= 40 && i < 70 ? 90 : 20);
        csv += buf;
    }
    writeFile(dir.file("events.csv"), csv);
    writeFile(dir.file("rules.json"), R"j([{"name":"hot","window":"fixed:200ms","key":["key"],
        "condition":"max(value) > 50","for":"2 windows"}])j");
    std::string out;
    ASSERT_EQ(runCli({dir.file("events.csv"), "--format", "csv", "--rules", dir.file("rules.json"),
                      "--alerts-out", dir.file("fast.jsonl")},
                     out),
              0)
        << out;
    ASSERT_EQ(runCli({dir.file("events.csv"), "--format", "csv", "--speed", "1", "--rules",
                      dir.file("rules.json"), "--alerts-out", dir.file("paced.jsonl")},
                     out),
              0)
        << out;
    const std::string fast = readFile(dir.file("fast.jsonl"));
    EXPECT_EQ(weir::test::splitLines(fast).size(), 3u)
        << fast; // pending, firing, resolved for key b
    EXPECT_NE(fast.find(R"("key":"b","state":"pending")"), std::string::npos) << fast;
    EXPECT_EQ(fast, readFile(dir.file("paced.jsonl")));
}

TEST(CliAlerts, InvalidRulesFailWithTheFieldNamed) {
    TempDir dir;
    writeFile(dir.file("events.csv"), "time,key,value\n1700000000,a,1\n");
    writeFile(dir.file("rules.json"),
              R"j([{"name":"x","window":"fixed:1m","condition":"p95(latency) >"}])j");
    std::string out;
    EXPECT_EQ(runCli({dir.file("events.csv"), "--rules", dir.file("rules.json")}, out), 2);
    EXPECT_NE(out.find("rules[0].condition: column 15: expected a value at the end"),
              std::string::npos)
        << out;
    EXPECT_EQ(runCli({dir.file("events.csv"), "--alerts-out", dir.file("a.jsonl")}, out), 2);
    EXPECT_NE(out.find("--alerts-out needs --rules"), std::string::npos) << out;
}
