// SPDX-License-Identifier: GPL-3.0-or-later
// Hostile inputs: every parser and the CLI pipeline turn them into dead letters or flagged
// events, never a crash or a hang.
#include "weir/common/text.h"
#include "weir/parse/format_registry.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <unistd.h>

using namespace weir;
using namespace weir::parse;

namespace {

std::vector<std::string> allFormats() {
    std::vector<std::string> f = knownFormats();
    f.push_back(R"(regex:(?P<time>\S+) (?P<level>\w+) (?P<msg>.*))");
    f.push_back(R"(logformat:%h %l %u %t "%r" %>s %b)");
    return f;
}

std::vector<std::string> hostileLines() {
    using namespace std::string_literals;
    return {
        ""s,
        "\r"s,
        "\0\0\0"s,
        "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET /\0x HTTP/1.0\" 200 1"s,
        "{\"a\":\"\0\"}"s,
        "\xff\xfe\xfd invalid"s,
        "{\"msg\":\"\xc3\x28\"}"s,
        "2021-11-22T10:15:32Z INFO <script>alert(1)</script> <b>&amp;</b>\r"s,
        "<34>Oct 11 22:14:15 host app[1]: <html><body onload=x()>"s,
        "[Sun Dec 04 04:47:44 2005] [error] <a href=\"x\">"s,
        "{\"a\":{\"b\":{\"c\":{\"d\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]}}}}"s,
        std::string(10000, '{'),
        std::string(10000, '['),
        "a=\"" + std::string(5000, '\\'),
        std::string(5000, '"'),
        "%%%%%%%%%%%%%%%%",
        "[" + std::string(3000, '[') + "Sun Dec 04 04:47:44 2005]",
    };
}

void exercise(Parser &p, std::string_view line) {
    EventHeader h;
    const ParseResult r = p.parseHeader(line, h);
    EXPECT_TRUE(r.status == ParseStatus::Event || r.status == ParseStatus::Header ||
                (r.status == ParseStatus::DeadLetter && r.reason != DeadLetterReason::None));
    FieldList fl;
    if (p.parseFields(line, fl)) {
        for (const Field &f : fl.fields)
            EXPECT_LE(f.text.size(), std::max<size_t>(line.size(), 64));
    }
}

} // namespace

TEST(Hostile, EveryParserSurvivesHostileLines) {
    for (const std::string &format : allFormats()) {
        SCOPED_TRACE(format);
        std::string error;
        auto p = makeParser(format, &error);
        ASSERT_TRUE(p) << error;
        for (const std::string &line : hostileLines())
            exercise(*p, line);
    }
}

TEST(Hostile, HundredMegabyteLineInEveryParser) {
    std::string big(size_t{100} << 20, 'a');
    big[0] = '{';
    for (size_t i = 1000; i < big.size(); i += 4096)
        big[i] = ' ';
    for (const std::string &format : allFormats()) {
        SCOPED_TRACE(format);
        auto p = makeParser(format);
        ASSERT_TRUE(p);
        EventHeader h;
        const ParseResult r = p->parseHeader(big, h);
        EXPECT_NE(r.status, ParseStatus::Event);
    }
}

TEST(Hostile, MarkupStaysText) {
    auto p = makeParser("json");
    FieldList fl;
    ASSERT_TRUE(p->parseFields(R"({"msg":"<img src=x onerror=alert(1)>&lt;"})", fl));
    ASSERT_NE(fl.find("msg"), nullptr);
    EXPECT_EQ(fl.find("msg")->text, "<img src=x onerror=alert(1)>&lt;");
    EXPECT_EQ(fl.find("msg")->type, FieldType::String);
}

// The whole pipeline through weir-cli: a 100 MB single line, NUL bytes, invalid UTF-8, CRLF,
// markup and a last line cut mid-way, then the dead-letter file's content.
TEST(Hostile, CliPipelineDeadLetters) {
    char dir[] = "/tmp/weir-hostile-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    const std::string input = std::string(dir) + "/in.log";
    const std::string dead = std::string(dir) + "/dead.jsonl";
    const std::string ok = R"(127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1)";
    {
        std::ofstream out(input, std::ios::binary);
        out << ok << "\n";
        out << std::string(size_t{100} << 20, 'x') << "\n"; // 2: too long
        out << ok << "\r\n";                                // 3: CRLF, fine
        out << std::string("127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET /\0 HTTP/1.0\" 200 1",
                           66)
            << "\n";                   // 4: NUL inside
        out << "\xff\xfe not utf-8\n"; // 5: invalid UTF-8
        out << R"(127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /<b>x</b> HTTP/1.0" 200 1)"
            << "\n";                                 // 6: markup
        out << R"(127.0.0.1 - - [10/Oct/2000:13:5)"; // 7: cut mid-line
    }
    const std::string cmd = std::string(WEIR_CLI_PATH) + " " + input +
                            " --format common --stats --dead-letter " + dead + " > " + dir +
                            "/stats.json";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    std::ifstream statsIn(std::string(dir) + "/stats.json");
    std::stringstream stats;
    stats << statsIn.rdbuf();
    EXPECT_NE(stats.str().find("\"lines\":7"), std::string::npos) << stats.str();
    EXPECT_NE(stats.str().find("\"events\":4"), std::string::npos) << stats.str();
    EXPECT_NE(stats.str().find("\"too_long\":1"), std::string::npos) << stats.str();
    EXPECT_NE(stats.str().find("\"invalid_utf8\":1"), std::string::npos) << stats.str();
    EXPECT_NE(stats.str().find("\"malformed\":1"), std::string::npos) << stats.str();
    std::ifstream deadIn(dead);
    std::vector<std::string> rows;
    for (std::string l; std::getline(deadIn, l);)
        rows.push_back(l);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_NE(rows[0].find(R"("reason":"too_long")"), std::string::npos);
    EXPECT_NE(rows[0].find(R"("line":2)"), std::string::npos);
    EXPECT_NE(rows[0].find(R"("truncated":true)"), std::string::npos);
    EXPECT_NE(rows[1].find(R"("reason":"invalid_utf8")"), std::string::npos);
    EXPECT_NE(rows[1].find(R"("raw_base64":"//4gbm90IHV0Zi04")"), std::string::npos) << rows[1];
    EXPECT_NE(rows[2].find(R"("reason":"malformed")"), std::string::npos);
    EXPECT_NE(rows[2].find("in.log:7"), std::string::npos);
    for (const auto &r : rows)
        EXPECT_TRUE(isValidUtf8(r));
    std::remove(input.c_str());
    std::remove(dead.c_str());
    std::remove((std::string(dir) + "/stats.json").c_str());
    rmdir(dir);
}

TEST(Hostile, CliRejectsBadFormatsWithAMessage) {
    const std::string cli = WEIR_CLI_PATH;
    EXPECT_NE(std::system((cli + " /dev/null --format 'regex:(' 2>/dev/null").c_str()), 0);
    EXPECT_NE(std::system((cli + " /dev/null --format nope 2>/dev/null").c_str()), 0);
    EXPECT_NE(std::system((cli + " /dev/null --time-zone Mars 2>/dev/null").c_str()), 0);
    EXPECT_NE(std::system((cli + " /dev/null --time-format %Q 2>/dev/null").c_str()), 0);
    EXPECT_EQ(
        std::system((cli + " /dev/null --format 'logformat:%h %t' --time-zone local").c_str()), 0);
}
