// SPDX-License-Identifier: GPL-3.0-or-later
// weir-cli --window end to end: runs the real binary (WEIR_CLI_PATH) on generated CSV inputs.
#include "../test_support.h"
#include "weir/common/time_util.h"
#include "weir/source/demo_source.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <sstream>
#include <sys/wait.h>

namespace {

const std::string kCli = WEIR_CLI_PATH;

using weir::test::readFile;
using weir::test::shellQuote;
using weir::test::splitLines;
using CliRun = weir::test::CommandRun;

// Runs weir-cli with `args` (a shell command-line fragment).
CliRun run(const weir::test::TempDir &dir, const std::string &args) {
    return weir::test::runShell(dir, shellQuote(kCli) + " " + args);
}

// Out of order within the bound, one late update, one too-late event, one duplicate line.
const char kAccess[] = "time,status,bytes\n"
                       "2021-11-22T10:00:05Z,200,100\n"
                       "2021-11-22T10:00:20Z,404,7\n"
                       "2021-11-22T10:00:50Z,200,50\n"
                       "2021-11-22T10:01:10Z,200,1\n"
                       "2021-11-22T10:00:55Z,500,3\n"
                       "2021-11-22T10:02:30Z,200,9\n"
                       "2021-11-22T10:00:30Z,200,1000\n"
                       "2021-11-22T10:05:00Z,200,1\n"
                       "2021-11-22T10:00:10Z,200,5\n"
                       "2021-11-22T10:05:00Z,200,1\n";

} // namespace

TEST(WindowCli, FinalRowsWithLatenessDedupAndStats) {
    weir::test::TempDir dir;
    const std::string in = dir.write("access.csv", kAccess);
    const std::string out = dir.file("w.csv");
    const CliRun r = run(dir, shellQuote(in) +
                                  " --format csv --window fixed:60s --key status --agg "
                                  "'count,sum(bytes)' --out-of-order 20s --lateness 2m "
                                  "--dedup raw --emit final --stats --out " +
                                  shellQuote(out));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(readFile(out),
              "window_start,window_end,key,count,sum(bytes),pane,final\n"
              "2021-11-22T10:00:00.000Z,2021-11-22T10:01:00.000Z,200,3,1150,LATE,true\n"
              "2021-11-22T10:00:00.000Z,2021-11-22T10:01:00.000Z,404,1,7,ON_TIME,true\n"
              "2021-11-22T10:00:00.000Z,2021-11-22T10:01:00.000Z,500,1,3,ON_TIME,true\n"
              "2021-11-22T10:01:00.000Z,2021-11-22T10:02:00.000Z,200,1,1,ON_TIME,true\n"
              "2021-11-22T10:02:00.000Z,2021-11-22T10:03:00.000Z,200,1,9,ON_TIME,true\n"
              "2021-11-22T10:05:00.000Z,2021-11-22T10:06:00.000Z,200,1,1,ON_TIME,true\n");
    EXPECT_NE(r.out.find("\"late_dropped\":1,\"late_updates\":1,\"duplicates\":1,\"windows\":6}"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("\"late\":1"), std::string::npos) << "dead letter reason late";
}

TEST(WindowCli, AllPanesMultiFieldKeyAndJsonLines) {
    weir::test::TempDir dir;
    const std::string in = dir.write("access.csv", kAccess);
    const std::string csv = dir.file("w.csv");
    CliRun r = run(dir, shellQuote(in) +
                            " --format csv --window fixed:1m --key status,bytes --agg "
                            "'count,max(bytes),topk(status,2)' --out-of-order 20s "
                            "--lateness 2m --out " +
                            shellQuote(csv));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto rows = splitLines(readFile(csv));
    ASSERT_GE(rows.size(), 2u);
    EXPECT_EQ(rows[0],
              "window_start,window_end,key,count,max(bytes),\"topk(status,2)\",pane,final");
    size_t onTime = 0, late = 0, finals = 0;
    for (size_t i = 1; i < rows.size(); ++i) {
        onTime += rows[i].find(",ON_TIME,") != std::string::npos;
        late += rows[i].find(",LATE,") != std::string::npos;
        finals += rows[i].size() > 5 && rows[i].compare(rows[i].size() - 5, 5, ",true") == 0;
    }
    EXPECT_EQ(late, 2u) << "the late update and its closing pane";
    EXPECT_EQ(finals, 8u); // every (window, status|bytes) key once (no dedup here)
    EXPECT_GT(onTime, finals - 2);
    EXPECT_NE(readFile(csv).find(",200|1000,1,1000,200=1,LATE,false"), std::string::npos);

    const std::string jsonl = dir.file("w.jsonl");
    r = run(dir, shellQuote(in) +
                     " --format csv --window session:30s --agg 'count,mean(bytes)' "
                     "--emit final --out " +
                     shellQuote(jsonl));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto js = splitLines(readFile(jsonl));
    ASSERT_FALSE(js.empty());
    EXPECT_EQ(js[0].rfind("{\"window_start\":\"2021-11-22T10:00:05.000Z\",\"window_end\":", 0), 0u)
        << js[0];
    for (const auto &l : js)
        EXPECT_NE(l.find("\"pane\":\"ON_TIME\""), std::string::npos) << l;
}

TEST(WindowCli, BadOptionsExitWithUsageError) {
    weir::test::TempDir dir;
    const std::string in = dir.write("access.csv", kAccess);
    for (const char *bad :
         {"--window hourly:1h --out x.csv", "--window fixed:1m --agg 'sum' --out x.csv",
          "--window fixed:1m --out x.txt", "--window fixed:1m",
          "--window fixed:1m --lateness soon --out x.csv",
          "--window fixed:1m --emit some --out x.csv"}) {
        const CliRun r = run(dir, shellQuote(in) + " " + bad);
        EXPECT_EQ(r.exitCode, 2) << bad;
        EXPECT_FALSE(r.err.empty()) << bad;
    }
}

namespace {

// Freeway sensor CSV from the demo generator (sensor channel only, clean): `rows` data rows,
// event time advancing 60 ms per generated message.
std::string freewayCsv(size_t rows) {
    weir::source::DemoSource::Options o;
    o.seed = 5;
    o.lateShare = 0;
    o.duplicateShare = 0;
    o.malformedShare = 0;
    weir::source::DemoSource::Generator gen(o);
    std::string out;
    int64_t t = 1637576132LL * weir::kNsPerSecond;
    size_t n = 0;
    std::string line;
    for (size_t guard = 0; n <= rows && guard < rows * 100; ++guard) {
        line.clear();
        t += 60 * weir::kNsPerMs;
        if (gen.next(t, line) != 1)
            continue;
        out += line;
        out += '\n';
        ++n;
    }
    return out;
}

} // namespace

// The course lab: sliding-window mean speed per sensor is the same whether the file is
// replayed as fast as possible or paced by event time (event time, not processing time).
TEST(WindowCli, FreewayLabPacedReplayEqualsUnpaced) {
    weir::test::TempDir dir;
    const std::string csv = freewayCsv(2500);
    const std::string in = dir.write("freeway.csv", csv);
    const std::string args = " --format csv --window sliding:60s/10s --key "
                             "LATITUDE,LONGITUDE,FREEWAY_ID,FREEWAY_DIR --agg 'count,mean(SPEED)' "
                             "--emit final --out ";
    const std::string fast = dir.file("fast.csv"), paced = dir.file("paced.csv");
    CliRun r = run(dir, shellQuote(in) + args + shellQuote(fast));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    // ~750 s of event time at 400x: about 2 s of wall time.
    r = run(dir, shellQuote(in) + " --speed 400" + args + shellQuote(paced));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const std::string a = readFile(fast);
    EXPECT_EQ(a, readFile(paced));

    // And the means are right: brute force over the generated rows.
    std::map<std::pair<int64_t, std::string>, std::pair<double, int>> sums;
    for (const auto &row : splitLines(csv)) {
        if (row.rfind("TIMESTAMP", 0) == 0)
            continue;
        std::vector<std::string> c;
        std::stringstream ss(row);
        std::string cell;
        while (std::getline(ss, cell, ','))
            c.push_back(cell);
        ASSERT_EQ(c.size(), 7u);
        weir::TimestampNs t;
        ASSERT_TRUE(weir::parseIso8601(c[0], t));
        const std::string key = c[1] + "|" + c[2] + "|" + c[3] + "|" + c[4];
        const int64_t step = 10 * weir::kNsPerSecond, size = 60 * weir::kNsPerSecond;
        for (int64_t s = (t.value / step) * step; s > t.value - size; s -= step) {
            auto &e = sums[{s, key}];
            e.first += std::stod(c[6]);
            e.second += 1;
        }
    }
    const auto rows = splitLines(a);
    ASSERT_EQ(rows.size(), sums.size() + 1);
    size_t checked = 0;
    for (size_t i = 1; i < rows.size(); ++i) {
        std::vector<std::string> c;
        std::stringstream ss(rows[i]);
        std::string cell;
        while (std::getline(ss, cell, ','))
            c.push_back(cell);
        ASSERT_EQ(c.size(), 7u) << rows[i];
        weir::TimestampNs start;
        ASSERT_TRUE(weir::parseIso8601(c[0], start));
        const auto it = sums.find({start.value, c[2]});
        ASSERT_NE(it, sums.end()) << rows[i];
        EXPECT_EQ(std::stoi(c[3]), it->second.second);
        EXPECT_NEAR(std::stod(c[4]), it->second.first / it->second.second, 1e-9);
        ++checked;
    }
    EXPECT_GT(checked, 300u);
}
