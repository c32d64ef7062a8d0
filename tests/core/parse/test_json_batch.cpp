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

// Past the 256-line column sample, where prepareLines takes effect.
std::unique_ptr<Parser> warmed(const std::string &format = "json") {
    auto p = makeParser(format);
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
    };
    return kPieces;
}

// Parses `lines` line by line on one parser and batched on another; every line must agree.
void expectSameOutcomes(const std::vector<std::string> &lines, const std::string &format = "json") {
    auto single = warmed(format);
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
    auto single = warmed();
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
    for (const std::string_view n : {"TIME", "Time", "TS", "Date", "DATE", "LVL", "Severity",
                                     "SEVERITY", "log_level", "@time", "timestamp_ms"})
        addVariants(n);
    const auto listed = [](const auto &list, std::string_view n) {
        return std::find(std::begin(list), std::end(list), n) != std::end(list);
    };
    for (const auto &c : candidates) {
        EXPECT_EQ(isConventionalTimeName(c), listed(kConventionalTimeNames, c)) << c;
        EXPECT_EQ(isConventionalLevelName(c), listed(kConventionalLevelNames, c)) << c;
    }
}
