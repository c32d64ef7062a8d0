// SPDX-License-Identifier: GPL-3.0-or-later
// JsonParser::prepareLines (one simdjson document stream over many lines) must answer exactly
// as the line-by-line path: same status, reason, time, level and HTTP status for every line,
// whatever mix of valid, malformed, multi-document, not-UTF-8 or blank lines it is given.
#include "weir/parse/format_registry.h"
#include "weir/parse/json_parser.h"
#include "weir/parse/time_value.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <random>
#include <string>
#include <vector>

using namespace weir;
using namespace weir::parse;

namespace {

struct Outcome {
    ParseStatus status;
    DeadLetterReason reason;
    bool hasTime;
    int64_t time;
    Severity severity;
    uint16_t httpStatus;
    bool operator==(const Outcome &o) const {
        return status == o.status && reason == o.reason && hasTime == o.hasTime && time == o.time &&
               severity == o.severity && httpStatus == o.httpStatus;
    }
};

std::ostream &operator<<(std::ostream &os, const Outcome &o) {
    return os << "status=" << int(o.status) << " reason=" << reasonName(o.reason)
              << " hasTime=" << o.hasTime << " time=" << o.time << " severity=" << int(o.severity)
              << " http=" << o.httpStatus;
}

Outcome outcome(Parser &p, std::string_view line) {
    EventHeader h;
    const ParseResult r = p.parseHeader(line, h);
    return {r.status, r.reason, h.hasTime, h.time.value, h.severity, h.status};
}

// Past the 256-line column sample, where prepareLines and the fast scan take effect.
// fastScan false: simdjson alone, line by line (the reference).
std::unique_ptr<Parser> warmed(const std::string &format = "json", bool fastScan = true) {
    auto p = makeParser(format);
    if (auto *json = dynamic_cast<JsonParser *>(p.get()))
        json->setFastScan(fastScan);
    EventHeader h;
    for (int i = 0; i < 300; ++i)
        p->parseHeader(R"({"ts":"2024-01-02T03:04:05Z","level":"info","msg":"warm"})", h);
    return p;
}

const std::vector<std::string> &pieces() {
    static const std::vector<std::string> kPieces = {
        R"({"ts":"2024-05-06T07:08:09.123Z","level":"warn","http":{"status":503},"msg":"x"})",
        R"({"time":1700000000123,"severity":"error","status":404})",
        R"(  {"a":{"b":{"c":"2024-01-01T00:00:00Z"}},"lvl":30}  )",
        R"({"ts":"not a time","level":"info"})",
        R"({"arr":[1,2,{"x":"y"}],"ok":true,"n":null,"f":-1.5e3})",
        R"({"u":18446744073709551615,"i":-9223372036854775808,"status":200})",
        R"({})",
        R"({} {})",
        R"({"a":1} 2)",
        R"({"a":1}})",
        R"({"a":1},)",
        R"({"a":)",
        R"(1})",
        R"({"a":"unclosed)",
        R"({"a":"odd \" quote"})",
        R"("just a string")",
        R"(12345)",
        R"([1,2,3])",
        R"(true)",
        R"({"a":"tab	inside"})",
        R"({"a":"back\\slash\\"})",
        R"({"a":"\ud800"})",
        R"({"a":"\uD83D\uDE00","level":"DEBUG"})",
        R"({"a":1e400})",
        R"({"a":01})",
        R"({"a":tru})",
        R"({"a":"x"}x)",
        "{\"a\":\"\xff\xfe\"}",
        "{\"a\":\"caf\xc3\xa9\",\"level\":\"info\"}",
        std::string("{\"a\":\"nul\0inside\"}", 19),
        std::string("{\"a\":1}\0", 8),
        "{\"ts\":\"2024-05-06T07:08:09Z\"}\r",
        "   ",
        "",
        "\t",
        "{\"a\":\n1}",
        R"({"a":"\q"})",
        R"({"@timestamp":"2024-05-06 07:08:09","log.level":"notice","status_code":201})",
        R"({"a":{"b":1},"a":{"b":2},"level":"info","level":"error"})",
        std::string(2000, '[') + std::string(2000, ']'),
        "{\"deep\":" + std::string(1100, '[') + std::string(1100, ']') + "}",
        R"({"ts":-5})",
        R"({"ts":true})",
        R"({"a":"b\)",
        R"(\)",
        R"({"a":"b"}\)",
        R"({} {"}  )", // simdjson's stream drops an unterminated last document silently
        R"({"a":1} {"b)",
        R"({"a":1} ")",
        // Shapes at the fast scan's limits (numbers, literals, depth, string chunk edges).
        R"({"ts":1700000000.123,"level":30,"status":200})",
        R"({"time":1700000000123456789,"lvl":"ERROR"})",
        R"({"time":17000000001234567890})",
        R"({"ts":123456789012345678,"status":-0})",
        R"({"ts":-0.0,"level":-10,"status":0})",
        R"({"ts":0,"status":999,"level":60.0})",
        R"({"ts":1.5E3})",
        R"({"ts":1e-3})",
        R"({"a":-})",
        R"({"a":--1})",
        R"({"a":1.})",
        R"({"a":.5})",
        R"({"a":+1})",
        R"({"a":1.5.5})",
        R"({"a":0.1234567890123456789})",
        R"({"a":-9223372036854775808,"status":18446744073709551615})",
        R"({"a":nul,"b":tru})",
        R"({"a":falsey})",
        R"({"a":true,"b":false,"c":null,"level":null,"ts":null})",
        R"({"a":[{"ts":"2024-01-01T00:00:00Z"},[1,[2,[3]]],"x",true,null,-1.25]})",
        R"({"a":[1,]})",
        R"({"a":[,1]})",
        R"({"a":[})",
        R"({"a":1,})",
        R"({,"a":1})",
        R"({"a" 1})",
        R"({"a":1 "b":2})",
        R"({"":"2024-01-01T00:00:00Z","level":"warn"})",
        R"({"x":{"":"2024-01-01T00:00:00Z"}})",
        R"({"a\u0062":1,"level":"error"})",
        R"({"le\u0076el":"error","t\u0073":"2024-01-01T00:00:00Z"})",
        "{\"a\":\"del\x7f\",\"level\":\"info\"}",
        "\t{ \"ts\" :\t\"2024-05-06T07:08:09Z\" ,\r\"level\" : \"info\" }\t ",
        R"({"abcdefghijklmno":"abcdefghijklmnop","abcdefghijklmnopq":"2024-01-01T00:00:00Z"})",
        R"({"a":"abcdefghijklmnopqrstuvwxyz0123456789)",
        R"({"a":"abcdefghijklmnopqrstuvwxyz01234\"56789"})",
        R"({"http":{"status":"200","method":"GET"},"status_code":"404"})",
        R"({"http":{"request":{"status":201}},"log":{"level":"error"}})",
        R"({"log.level":"warn","nested":{"deeper":{"ts":"2024-01-01T00:00:00Z"}}})",
        R"({"verylongnamethatisnotatimefield":{"ts":"2024-03-04T05:06:07Z"},"level":"info"})",
        R"({"m":{"n":{"o":"2024-03-04T05:06:07Z"}},"ts":"2024-01-01T00:00:00Z"})",
        R"({"ts":"2024-01-01T00:00:00Z","time":"not a time"})",
        R"({"time":"bad","ts":"2024-01-01T00:00:00Z"})",
        std::string("{\"d\":") + std::string(30, '[') + std::string(30, ']') + "}",
        std::string("{\"d\":") + std::string(31, '[') + std::string(31, ']') + "}",
        std::string("{\"d\":") + std::string(40, '[') + std::string(40, ']') + "}",
        [] {
            std::string s = "{\"level\":\"warn\"";
            for (int i = 0; i < 34; ++i)
                s += ",\"k\":{\"ts\":\"2024-01-01T00:00:00Z\"";
            return s + std::string(34, '}') + "}";
        }(),
        R"({"a":1}   )",
        R"({"a":1}x)",
        R"({"a":1)",
        R"({"a")",
        R"({)",
        R"({"ts":"2024-01-01T00:00:00Z"   ,   "level"   :   "critical"   }  )",
    };
    return kPieces;
}

// Parses `lines` line by line on one parser and batched on another; every line must agree.
// Also parses them line by line with the fast scan: all three must agree.
void expectSameOutcomes(const std::vector<std::string> &lines, const std::string &format = "json") {
    auto single = warmed(format, false);
    auto fast = warmed(format);
    auto batched = warmed(format);
    // One buffer, as the engine's lines are: views into it.
    std::string data;
    std::vector<size_t> offsets;
    for (const auto &l : lines) {
        offsets.push_back(data.size());
        data.append(l).push_back('\n');
    }
    std::vector<std::string_view> views;
    for (size_t i = 0; i < lines.size(); ++i)
        views.emplace_back(data.data() + offsets[i], lines[i].size());
    batched->prepareLines(views.data(), views.size());
    for (size_t i = 0; i < lines.size(); ++i) {
        std::string_view v = views[i];
        if (!v.empty() && v.back() == '\r')
            v.remove_suffix(1); // as the engine passes it
        const Outcome a = outcome(*single, v);
        const Outcome b = outcome(*batched, v);
        ASSERT_EQ(a, b) << "line " << i << ": " << lines[i];
        ASSERT_EQ(a, outcome(*fast, v)) << "fast scan, line " << i << ": " << lines[i];
    }
    batched->prepareLines(nullptr, 0);
}

uint64_t batchedLines(const Parser &p) {
    const auto *json = dynamic_cast<const JsonParser *>(&p);
    return json ? json->batchedLines() : 0;
}

// Parses `lines` batched; returns how many were answered from the batch.
uint64_t batchedCount(const std::vector<std::string> &lines) {
    auto p = warmed();
    std::string data;
    for (const auto &l : lines)
        data.append(l).push_back('\n');
    std::vector<std::string_view> views;
    size_t pos = 0;
    for (const auto &l : lines) {
        views.emplace_back(data.data() + pos, l.size());
        pos += l.size() + 1;
    }
    p->prepareLines(views.data(), views.size());
    for (const auto v : views)
        outcome(*p, v);
    p->prepareLines(nullptr, 0);
    return batchedLines(*p);
}

} // namespace

TEST(JsonBatch, ValidLinesAreAnsweredFromTheBatch) {
    const std::string valid = pieces()[0];
    EXPECT_EQ(batchedCount(std::vector<std::string>(200, valid)), 200u);
    // One line not UTF-8 or with an odd quote fails stage 1 for the whole stream: the halves
    // are streamed again, so only that line (and a few neighbours at most) go line by line.
    for (const std::string &bad : {std::string("{\"a\":\"\xff\"}"), std::string(R"({"a":"b)"),
                                   std::string(R"({} {})"), std::string(R"({"a":1}})")}) {
        std::vector<std::string> lines(200, valid);
        lines[77] = bad;
        EXPECT_GE(batchedCount(lines), 195u) << bad;
    }
}

TEST(JsonBatch, EveryPieceAloneAndBetweenValidLines) {
    const std::string valid = pieces()[0];
    for (const auto &piece : pieces()) {
        SCOPED_TRACE(piece);
        expectSameOutcomes({piece});
        expectSameOutcomes({valid, piece, valid});
        expectSameOutcomes({piece, valid, valid, piece});
    }
}

TEST(JsonBatch, RandomMixesAgree) {
    std::mt19937 rng(20261122);
    const auto &p = pieces();
    std::uniform_int_distribution<size_t> pick(0, p.size() - 1);
    std::uniform_int_distribution<int> validShare(0, 9);
    for (int round = 0; round < 400; ++round) {
        std::vector<std::string> lines;
        const size_t n = 1 + rng() % 300;
        const int share = validShare(rng);
        for (size_t i = 0; i < n; ++i)
            lines.push_back(int(rng() % 10) < share ? p[0] : p[pick(rng)]);
        expectSameOutcomes(lines);
        if (HasFatalFailure())
            return;
    }
}

TEST(JsonBatch, TheComparisonReallyUsesTheBatch) {
    // Guards the tests above against a batch path that silently never answers.
    std::vector<std::string> lines;
    for (int i = 0; i < 100; ++i)
        lines.push_back(pieces()[i % 3]);
    EXPECT_EQ(batchedCount(lines), 100u);
}

TEST(JsonBatch, TheFastScanAnswersPlainLinesOnly) {
    // Guards the comparisons against a fast scan that silently never answers, and checks that
    // what it leaves to simdjson (escapes, non-ASCII, exponents) really goes there.
    auto p = warmed();
    auto *json = dynamic_cast<JsonParser *>(p.get());
    ASSERT_NE(json, nullptr);
    const uint64_t before = json->fastLines();
    const Outcome plain = outcome(*p, pieces()[0]);
    EXPECT_EQ(json->fastLines(), before + 1);
    EXPECT_EQ(plain.status, ParseStatus::Event);
    EXPECT_EQ(plain.severity, Severity::Warning);
    EXPECT_EQ(plain.httpStatus, 503);
    EXPECT_TRUE(plain.hasTime);
    EXPECT_EQ(outcome(*p, R"({"ts":1700000000.5,"level":50})").time, 1700000000500000000);
    EXPECT_EQ(json->fastLines(), before + 2);
    for (const std::string line :
         {R"({"le\u0076el":"error"})", "{\"a\":\"caf\xc3\xa9\"}", R"({"a":1e3})", R"({"a":1} x)"})
        outcome(*p, line);
    EXPECT_EQ(json->fastLines(), before + 2);
    // With the fast scan off, simdjson answers the same.
    json->setFastScan(false);
    EXPECT_EQ(outcome(*p, pieces()[0]), plain);
    EXPECT_EQ(json->fastLines(), before + 2);
}

TEST(JsonBatch, ConfiguredFieldsAgree) {
    FormatOptions o;
    o.timeField = "when";
    o.levelField = "sev";
    const std::string format = composeFormat("json", o);
    expectSameOutcomes({R"({"when":"2024-05-06T07:08:09Z","sev":"error","ts":"x"})",
                        R"({"ts":"2024-05-06T07:08:09Z","level":"error"})",
                        R"({"when":"bad","sev":"debug"})", R"({"when":12})"},
                       format);
}

TEST(JsonBatch, AnswersOnlyTheViewsItWasGiven) {
    auto p = warmed();
    const std::string data = "{\"ts\":\"2024-05-06T07:08:09Z\",\"level\":\"error\"}\n"
                             "{\"ts\":\"2024-05-06T07:08:10Z\",\"level\":\"info\"}\n";
    const std::string_view first(data.data(), data.find('\n'));
    const std::string_view second(data.data() + first.size() + 1, first.size());
    const std::string_view views[] = {first, second};
    p->prepareLines(views, 2);
    // A line cut shorter (the engine's line limit) is parsed as given: malformed here.
    EXPECT_EQ(outcome(*p, first.substr(0, 20)).status, ParseStatus::DeadLetter);
    // The second line, skipped over the first, still answers from the batch, correctly.
    const Outcome b = outcome(*p, second);
    EXPECT_EQ(b.status, ParseStatus::Event);
    EXPECT_EQ(b.severity, Severity::Info);
    // After prepareLines(nullptr, 0), the same memory with other bytes parses afresh.
    p->prepareLines(nullptr, 0);
    std::string changed = data;
    changed.replace(changed.find("info"), 4, "warn");
    const std::string_view again(changed.data() + first.size() + 1, first.size());
    EXPECT_EQ(outcome(*p, again).severity, Severity::Warning);
}

TEST(JsonBatch, ManyGroupsThroughOneParser) {
    // Several prepareLines calls in a row on the same parser, as the engine makes them.
    auto single = warmed("json", false);
    auto batched = warmed();
    std::mt19937 rng(7);
    const auto &p = pieces();
    for (int group = 0; group < 50; ++group) {
        std::vector<std::string> lines;
        for (int i = 0; i < 256; ++i)
            lines.push_back(rng() % 20 ? p[rng() % 3] : p[rng() % p.size()]);
        std::string data;
        for (const auto &l : lines)
            data.append(l).push_back('\n');
        std::vector<std::string_view> views;
        size_t pos = 0;
        for (const auto &l : lines) {
            views.emplace_back(data.data() + pos, l.size());
            pos += l.size() + 1;
        }
        batched->prepareLines(views.data(), views.size());
        for (size_t i = 0; i < views.size(); ++i) {
            std::string_view v = views[i];
            if (!v.empty() && v.back() == '\r')
                v.remove_suffix(1);
            ASSERT_EQ(outcome(*single, v), outcome(*batched, v)) << lines[i];
        }
        batched->prepareLines(nullptr, 0);
    }
}

TEST(JsonBatch, NameListsMatchThePredicates) {
    // The JSON header's name filter is built from these lists: every name the predicates
    // accept must be listed (checked over the listed names and many near variants of them).
    std::vector<std::string> candidates;
    const auto addVariants = [&](std::string_view n) {
        const std::string s(n);
        candidates.push_back(s);
        for (size_t i = 0; i < s.size(); ++i) {
            std::string up = s, cut = s;
            up[i] = static_cast<char>(up[i] ^ 0x20);
            cut.erase(i, 1);
            candidates.push_back(up);
            candidates.push_back(cut);
            candidates.push_back(s.substr(0, i));
        }
        candidates.push_back(s + "s");
        candidates.push_back("x" + s);
    };
    for (const std::string_view n : kConventionalTimeNames)
        addVariants(n);
    for (const std::string_view n : kConventionalLevelNames)
        addVariants(n);
    for (const std::string_view n :
         {"TIME", "Time", "TS", "Date", "DATE", "LVL", "Severity", "SEVERITY", "log_level", "@time",
          "timestamp_ms", "status", "status_code"})
        addVariants(n);
    const auto listed = [](const auto &list, std::string_view n) {
        return std::find(std::begin(list), std::end(list), n) != std::end(list);
    };
    for (const auto &c : candidates) {
        EXPECT_EQ(isConventionalTimeName(c), listed(kConventionalTimeNames, c)) << c;
        EXPECT_EQ(isConventionalLevelName(c), listed(kConventionalLevelNames, c)) << c;
    }
    // The header (both scans) takes exactly those names: a bad time only under a time name,
    // a level word only under a level name, an HTTP status only under a status name.
    for (const bool fastScan : {false, true}) {
        auto p = warmed("json", fastScan);
        for (std::string c : candidates) {
            for (char &ch : c) {
                if (ch == '"' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20)
                    ch = '_';
            }
            SCOPED_TRACE(c + (fastScan ? " (fast scan)" : " (simdjson)"));
            const bool time = isConventionalTimeName(c);
            const bool level = isConventionalLevelName(c);
            const bool status = c == "status" || c == "status_code";
            EXPECT_EQ(outcome(*p, "{\"" + c + "\":\"not a time\"}").reason,
                      time ? DeadLetterReason::BadTimestamp : DeadLetterReason::None);
            const Outcome lv = outcome(*p, "{\"x\":1,\"" + c + "\":\"error\"}");
            EXPECT_EQ(lv.severity, level && !time ? Severity::Error : Severity::Unknown);
            const Outcome st = outcome(*p, "{\"x\":1,\"" + c + "\":404}");
            EXPECT_EQ(st.httpStatus, status ? 404 : 0);
            if (c.size() < 8) {
                const Outcome nested = outcome(*p, "{\"http\":{\"" + c + "\":404}}");
                EXPECT_EQ(nested.httpStatus, c == "status" ? 404 : 0);
            }
        }
    }
}
