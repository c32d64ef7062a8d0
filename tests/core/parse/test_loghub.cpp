// SPDX-License-Identifier: GPL-3.0-or-later
// Golden tests against the loghub samples: for every line, the parsed timestamp and level (or,
// for syslog, host/program/pid) agree with the collection's _structured.csv ground truth.
#include "weir/common/text.h"
#include "weir/common/time_util.h"
#include "weir/parse/csv_parser.h"
#include "weir/parse/format_registry.h"

#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <sstream>

using namespace weir;
using namespace weir::parse;

namespace {

std::vector<std::string> readLines(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<std::string> lines;
    std::string l;
    while (std::getline(in, l)) {
        if (!l.empty() && l.back() == '\r')
            l.pop_back();
        lines.push_back(l);
    }
    return lines;
}

// The ground truth rows as column name -> value.
std::vector<std::map<std::string, std::string>> readTruth(const std::string &path) {
    const auto lines = readLines(path);
    std::vector<std::map<std::string, std::string>> rows;
    std::vector<std::string_view> cells;
    std::vector<std::string> header;
    std::string scratch;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (!CsvParser::splitCells(lines[i], ',', cells)) {
            ADD_FAILURE() << path << ": bad CSV row " << i;
            continue;
        }
        if (i == 0) {
            for (auto c : cells)
                header.emplace_back(c);
            continue;
        }
        std::map<std::string, std::string> row;
        for (size_t c = 0; c < cells.size() && c < header.size(); ++c)
            row[header[c]] = std::string(CsvParser::unquote(cells[c], scratch));
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string trimmed(const std::string &s) {
    return std::string(trim(s));
}

std::string two(const std::string &s) {
    return s.size() == 1 ? "0" + s : s;
}

std::string monthNumber(const std::string &abbrev) {
    const unsigned m = monthFromAbbrev(abbrev);
    return two(std::to_string(m));
}

struct Sample {
    std::string lines, truth;
};

Sample sample(const std::string &name) {
    const std::string dir = std::string(WEIR_TEST_DATA_DIR) + "/loghub/";
    return {dir + name + "_2k.log", dir + name + "_2k.log_structured.csv"};
}

std::string fieldText(const FieldList &fl, std::string_view name) {
    const Field *f = fl.find(name);
    return f ? std::string(f->text) : std::string("<missing>");
}

// Detects the format on the first 1,000 lines, then checks every line with `check`.
template<typename Check>
void runSample(const std::string &name, const std::string &expectedFormat,
               const std::string &formatString, Check check) {
    const Sample s = sample(name);
    const auto lines = readLines(s.lines);
    const auto truth = readTruth(s.truth);
    ASSERT_EQ(lines.size(), 2000u);
    ASSERT_EQ(truth.size(), lines.size());
    std::vector<std::string_view> first(lines.begin(), lines.begin() + 1000);
    const Detection d = detectFormat(first);
    EXPECT_EQ(d.format, expectedFormat);
    EXPECT_DOUBLE_EQ(d.matchRate, 1.0);
    std::string error;
    auto parser = makeParser(formatString, &error);
    ASSERT_TRUE(parser) << error;
    size_t failures = 0;
    for (size_t i = 0; i < lines.size() && failures < 5; ++i) {
        EventHeader h;
        const ParseResult r = parser->parseHeader(lines[i], h);
        FieldList fl;
        if (r.status != ParseStatus::Event || !parser->parseFields(lines[i], fl)) {
            ADD_FAILURE() << name << " line " << i + 1 << " did not parse: " << lines[i];
            ++failures;
            continue;
        }
        ASSERT_TRUE(h.hasTime);
        if (!check(truth[i], h, fl)) {
            ADD_FAILURE() << name << " line " << i + 1 << ": " << lines[i] << "\n  parsed "
                          << formatRfc3339Ms(h.time) << " level " << fieldText(fl, "level");
            ++failures;
        }
    }
    EXPECT_EQ(failures, 0u);
}

} // namespace

TEST(Loghub, ApacheErrorLog) {
    runSample("Apache", "apache-error", "apache-error",
              [](const auto &row, const EventHeader &h, const FieldList &fl) {
                  // "Sun Dec 04 04:47:44 2005"
                  const std::string t = row.at("Time");
                  const std::string want = t.substr(20, 4) + "-" + monthNumber(t.substr(4, 3)) +
                                           "-" + t.substr(8, 2) + "T" + t.substr(11, 8) + ".000Z";
                  return formatRfc3339Ms(h.time) == want &&
                         fieldText(fl, "level") == row.at("Level") &&
                         severityFromName(row.at("Level")) == h.severity &&
                         (fieldText(fl, "message") == row.at("Content") ||
                          "[client " + fieldText(fl, "client") + "] " + fieldText(fl, "message") ==
                              row.at("Content"));
              });
}

TEST(Loghub, HdfsLog) {
    runSample(
        "HDFS", "log4j", "log4j", [](const auto &row, const EventHeader &h, const FieldList &fl) {
            const std::string d = row.at("Date"), t = row.at("Time");
            const std::string want = "20" + d.substr(0, 2) + "-" + d.substr(2, 2) + "-" +
                                     d.substr(4, 2) + "T" + t.substr(0, 2) + ":" + t.substr(2, 2) +
                                     ":" + t.substr(4, 2) + ".000Z";
            return formatRfc3339Ms(h.time) == want && fieldText(fl, "level") == row.at("Level") &&
                   severityFromName(row.at("Level")) == h.severity;
        });
}

TEST(Loghub, ZookeeperLog) {
    runSample("Zookeeper", "log4j", "log4j",
              [](const auto &row, const EventHeader &h, const FieldList &fl) {
                  std::string t = row.at("Time");
                  t[8] = '.';
                  const std::string want = row.at("Date") + "T" + t + "Z";
                  return formatRfc3339Ms(h.time) == want &&
                         fieldText(fl, "level") == row.at("Level") &&
                         severityFromName(row.at("Level")) == h.severity;
              });
}

// RFC 3164 has no year: with the reference time at the end of the collection's year, the
// inferred year is that year.
TEST(Loghub, LinuxSyslog) {
    FormatOptions o;
    o.reference = TimestampNs{daysFromCivil(2005, 12, 31) * kNsPerDay};
    runSample("Linux", "syslog", composeFormat("syslog", o),
              [](const auto &row, const EventHeader &h, const FieldList &fl) {
                  const std::string want = "2005-" + monthNumber(row.at("Month")) + "-" +
                                           two(row.at("Date")) + "T" + row.at("Time") + ".000Z";
                  // This sample's "Level" column holds the host name.
                  return formatRfc3339Ms(h.time) == want &&
                         fieldText(fl, "host") == row.at("Level") &&
                         fieldText(fl, "app") == row.at("Component") &&
                         fieldText(fl, "pid") == (row.at("PID").empty() ? "" : row.at("PID")) &&
                         h.severity == Severity::Unknown;
              });
}

TEST(Loghub, OpenSshSyslog) {
    FormatOptions o;
    o.reference = TimestampNs{daysFromCivil(2017, 12, 31) * kNsPerDay};
    runSample("OpenSSH", "syslog", composeFormat("syslog", o),
              [](const auto &row, const EventHeader &h, const FieldList &fl) {
                  const std::string want = "2017-" + monthNumber(row.at("Date")) + "-" +
                                           two(row.at("Day")) + "T" + row.at("Time") + ".000Z";
                  return formatRfc3339Ms(h.time) == want &&
                         fieldText(fl, "host") == row.at("Component") &&
                         fieldText(fl, "pid") == row.at("Pid") &&
                         trimmed(fieldText(fl, "message")) == row.at("Content");
              });
}
