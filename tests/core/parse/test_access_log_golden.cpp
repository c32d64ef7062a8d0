// SPDX-License-Identifier: GPL-3.0-or-later
// Golden lines for the access-log parser: the seed variant, common, combined, escaped quotes,
// and malformed lines of many kinds (each a dead letter with the right reason, never a crash).
#include "weir/common/time_util.h"
#include "weir/parse/access_log_parser.h"

#include <cstdint>
#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace weir;
using namespace weir::parse;

namespace {

struct Parsed {
    ParseResult result;
    EventHeader header;
    FieldList fields;
    bool fieldsOk = false;
};

Parsed parseLine(std::string_view line) {
    AccessLogParser p;
    Parsed r;
    r.result = p.parseHeader(line, r.header);
    r.fieldsOk = p.parseFields(line, r.fields);
    return r;
}

std::string text(const Parsed &r, std::string_view name) {
    const Field *f = r.fields.find(name);
    return f ? std::string(f->text) : std::string("<missing>");
}

FieldType type(const Parsed &r, std::string_view name) {
    const Field *f = r.fields.find(name);
    return f ? f->type : static_cast<FieldType>(255);
}

std::string iso(const Parsed &r) {
    return formatRfc3339Ms(r.header.time);
}

} // namespace

TEST(AccessLogGolden, SeedVariantStatuses) {
    for (const int status : {200, 401, 404}) {
        const std::string line = "10.0.3.7 - - [22/Nov/2021:10:15:32] \"POST /api/v1/orders "
                                 "HTTP/1.1\" [" +
                                 std::to_string(status) + "] 17 \"-\" \"Wget/1.21.3 (linux-gnu)\"";
        const Parsed r = parseLine(line);
        ASSERT_EQ(r.result.status, ParseStatus::Event) << line;
        EXPECT_EQ(r.header.status, status);
        EXPECT_TRUE(r.header.hasTime);
        EXPECT_EQ(iso(r), "2021-11-22T10:15:32.000Z"); // no zone: UTC
        EXPECT_EQ(r.header.severity, status >= 400 ? Severity::Warning : Severity::Info);
        ASSERT_TRUE(r.fieldsOk);
        EXPECT_EQ(text(r, "host"), "10.0.3.7");
        EXPECT_EQ(text(r, "method"), "POST");
        EXPECT_EQ(text(r, "path"), "/api/v1/orders");
        EXPECT_EQ(text(r, "protocol"), "HTTP/1.1");
        EXPECT_EQ(text(r, "status"), std::to_string(status));
        EXPECT_EQ(r.fields.find("bytes")->i, 17);
        EXPECT_EQ(type(r, "referer"), FieldType::Null); // "-"
        EXPECT_EQ(text(r, "user_agent"), "Wget/1.21.3 (linux-gnu)");
    }
}

TEST(AccessLogGolden, SeedVariantWithCommasEverywhere) {
    // The seed's regex parser split on commas and swapped referer and agent; ours must not.
    const Parsed r =
        parseLine("192.168.0.1 - - [01/Jan/2022:00:00:00] \"GET /search?q=a,b,c "
                  "HTTP/1.1\" [404] 0 \"https://news.example.net/a,b\" \"Mozilla/5.0 "
                  "(Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101, Firefox/121.0\"");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    ASSERT_TRUE(r.fieldsOk);
    EXPECT_EQ(text(r, "path"), "/search?q=a,b,c");
    EXPECT_EQ(text(r, "referer"), "https://news.example.net/a,b");
    EXPECT_EQ(text(r, "user_agent"),
              "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101, Firefox/121.0");
    EXPECT_EQ(r.fields.find("bytes")->i, 0);
    EXPECT_EQ(iso(r), "2022-01-01T00:00:00.000Z");
}

TEST(AccessLogGolden, CommonLogFormat) {
    const Parsed r = parseLine("127.0.0.1 user-identifier frank [10/Oct/2000:13:55:36 -0700] \"GET "
                               "/apache_pb.gif HTTP/1.0\" 200 2326");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(r.header.status, 200);
    EXPECT_EQ(iso(r), "2000-10-10T20:55:36.000Z");
    ASSERT_TRUE(r.fieldsOk);
    EXPECT_EQ(text(r, "ident"), "user-identifier");
    EXPECT_EQ(text(r, "user"), "frank");
    EXPECT_EQ(r.fields.find("bytes")->i, 2326);
    // No referer or agent in common format.
    EXPECT_EQ(r.fields.find("referer"), nullptr);
    EXPECT_EQ(r.fields.find("user_agent"), nullptr);
}

TEST(AccessLogGolden, CommonWithDashBytes) {
    const Parsed r =
        parseLine("10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] \"HEAD / HTTP/1.1\" 304 -");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(r.header.status, 304);
    EXPECT_EQ(r.header.severity, Severity::Info);
    ASSERT_TRUE(r.fieldsOk);
    EXPECT_EQ(type(r, "bytes"), FieldType::Null);
    EXPECT_EQ(type(r, "user"), FieldType::Null);
    EXPECT_EQ(text(r, "method"), "HEAD");
}

TEST(AccessLogGolden, CombinedZonesAndSeverities) {
    struct Case {
        const char *time;
        int status;
        const char *iso;
        Severity severity;
    };
    const Case cases[] = {
        {"10/Oct/2000:13:55:36 -0700", 200, "2000-10-10T20:55:36.000Z", Severity::Info},
        {"10/Oct/2000:13:55:36 +0530", 404, "2000-10-10T08:25:36.000Z", Severity::Warning},
        {"31/Dec/2021:23:30:00 -0100", 500, "2022-01-01T00:30:00.000Z", Severity::Error},
        {"29/Feb/2024:12:00:00 +0000", 503, "2024-02-29T12:00:00.000Z", Severity::Error},
        {"01/Jan/2022:00:10:00 +0100", 302, "2021-12-31T23:10:00.000Z", Severity::Info},
        {"30/Jun/2015:23:59:60 +0000", 200, "2015-07-01T00:00:00.000Z", Severity::Info}, // leap s
    };
    for (const Case &c : cases) {
        const std::string line = std::string("203.0.113.9 - - [") + c.time +
                                 "] \"GET /x HTTP/2.0\" " + std::to_string(c.status) +
                                 " 512 \"https://www.example.com/\" \"curl/7.88.1\"";
        const Parsed r = parseLine(line);
        ASSERT_EQ(r.result.status, ParseStatus::Event) << line;
        EXPECT_EQ(iso(r), c.iso) << line;
        EXPECT_EQ(r.header.status, c.status);
        EXPECT_EQ(r.header.severity, c.severity) << line;
        ASSERT_TRUE(r.fieldsOk);
        EXPECT_EQ(text(r, "referer"), "https://www.example.com/");
        EXPECT_EQ(text(r, "user_agent"), "curl/7.88.1");
        EXPECT_EQ(text(r, "protocol"), "HTTP/2.0");
    }
}

TEST(AccessLogGolden, CombinedOddButValidShapes) {
    // IPv6 host, user with an @, an empty request "-" (Apache's 408), a query with spaces
    // encoded, extra logged fields after the agent, and a lowercase month.
    const std::vector<std::string> lines = {
        "2001:db8::1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"",
        "10.1.1.1 - alice@example.com [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 200 1 "
        "\"-\" \"ua\"",
        "10.1.1.1 - - [10/Oct/2000:13:55:36 -0700] \"-\" 408 0 \"-\" \"-\"",
        "10.1.1.1 - - [10/Oct/2000:13:55:36 -0700] \"GET /a%20b?c=d%2Ce HTTP/1.1\" 200 1 \"-\" "
        "\"ua\"",
        "10.1.1.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 200 1 \"-\" \"ua\" 0.123 "
        "upstream=10.0.0.2",
        "10.1.1.1 - - [10/oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 200 1 \"-\" \"ua\"",
        "10.1.1.1 - - [10/Oct/2000:13:55:36 -0700] \"\\x16\\x03\\x01\\x00\\xa5\" 400 226 \"-\" "
        "\"-\"",
    };
    for (const auto &line : lines) {
        const Parsed r = parseLine(line);
        EXPECT_EQ(r.result.status, ParseStatus::Event) << line;
        EXPECT_TRUE(r.fieldsOk) << line;
        EXPECT_TRUE(r.header.hasTime) << line;
    }
    const Parsed v6 = parseLine(lines[0]);
    EXPECT_EQ(text(v6, "host"), "2001:db8::1");
    const Parsed req408 = parseLine(lines[2]);
    EXPECT_EQ(req408.header.status, 408);
    EXPECT_EQ(text(req408, "path"), "-");
    const Parsed extra = parseLine(lines[4]);
    EXPECT_EQ(text(extra, "user_agent"), "ua");
}

TEST(AccessLogGolden, EscapedQuotes) {
    const Parsed r = parseLine(
        R"x(10.0.0.5 - - [22/Nov/2021:10:15:32 +0000] "GET /q?x=\"y\" HTTP/1.1" 200 99 "http://ref.example/\"quoted\"" "Agent \"with quotes\" (and, commas)")x");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(r.header.status, 200);
    ASSERT_TRUE(r.fieldsOk);
    EXPECT_NE(text(r, "path").find("x="), std::string::npos);
    EXPECT_EQ(text(r, "protocol"), "HTTP/1.1");
    EXPECT_EQ(r.fields.find("bytes")->i, 99);
    EXPECT_NE(text(r, "referer").find("quoted"), std::string::npos);
    EXPECT_EQ(text(r, "referer").rfind("http://ref.example/", 0), 0u);
    EXPECT_NE(text(r, "user_agent").find("with quotes"), std::string::npos);
    EXPECT_NE(text(r, "user_agent").find("(and, commas)"), std::string::npos);

    // An escaped backslash right before the closing quote does not escape the quote.
    const Parsed bs = parseLine(
        R"x(10.0.0.5 - - [22/Nov/2021:10:15:32 +0000] "GET /dir\\ HTTP/1.1" 200 1 "ref\\" "ua")x");
    ASSERT_EQ(bs.result.status, ParseStatus::Event);
    ASSERT_TRUE(bs.fieldsOk);
    EXPECT_EQ(text(bs, "user_agent"), "ua");
}

TEST(AccessLogGolden, TrailingCarriageReturnIsIgnored) {
    const Parsed r = parseLine("10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] \"GET / HTTP/1.1\" 200 5 "
                               "\"-\" \"ua\"\r");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    ASSERT_TRUE(r.fieldsOk);
    EXPECT_EQ(text(r, "user_agent"), "ua");
}

TEST(AccessLogGolden, MalformedLinesAreDeadLetters) {
    const std::string t = "[22/Nov/2021:10:15:32 +0000]";
    const std::vector<std::string> malformed = {
        "",
        " ",
        "GET /favicon.ico ???",
        "1.2.3.4",
        "1.2.3.4 -",
        "1.2.3.4 - -",
        "1.2.3.4 - - 22/Nov/2021:10:15:32 \"GET / HTTP/1.1\" 200 1",        // no brackets
        "1.2.3.4 - - [22/Nov/2021:10:15:32 +0000 \"GET / HTTP/1.1\" 200 1", // no ']'
        "1.2.3.4 - - [22/Nov/20",                                           // cut in the time
        "1.2.3.4 - -" + t + " \"GET / HTTP/1.1\" 200 1",                    // no space before '['
        "1.2.3.4 - - " + t + "\"GET / HTTP/1.1\" 200 1",                    // no space after ']'
        "1.2.3.4 - - " + t + " GET / HTTP/1.1 200 1",                       // request not quoted
        "1.2.3.4 - - " + t + " \"GET / HTTP/1.1 200 1",                     // unterminated request
        "1.2.3.4 - - " + t + " \"GET / HTTP/1.1\"200 1",                  // no space after request
        "1.2.3.4 - - " + t + " \"GET / HTTP/1.1\"",                       // no status
        "1.2.3.4 - - " + t + " \"GET / HTTP/1.1\" ",                      // empty status
        "1.2.3.4 - - " + t + " \"GET / HTTP/1.1\" 20 1",                  // 2-digit status
        "1.2.3.4 - - " + t + " \"GET / HTTP/1.1\" 2000 1",                // 4-digit status
        "1.2.3.4 - - " + t + " \"GET / HTTP/1.1\" OK 1",                  // word status
        "1.2.3.4 - - " + t + " \"GET / HTTP/1.1\" [200 1",                // unclosed bracket
        "1.2.3.4 - - " + t + " \"GET / HTTP/1.1\" 200",                   // no bytes
        "1.2.3.4 - - " + t + " \"GET / HTTP/1.1\" 200 ",                  // empty bytes
        "1.2.3.4 - - " + t + " \"GET / HTTP/1.1\" 200 abc",               // word bytes
        "1.2.3.4 - - " + t + " \"GET / HTTP/1.1\" 200 12x",               // junk after bytes
        "1.2.3.4 - - " + t + " \"GET / HTTP/1.1\" 200 1 \"ref",           // unterminated referer
        "1.2.3.4 - - " + t + " \"GET / HTTP/1.1\" 200 1 \"ref\"",         // referer, no agent
        "1.2.3.4 - - " + t + " \"GET / HTTP/1.1\" 200 1 \"ref\" ua",      // agent not quoted
        "1.2.3.4 - - " + t + " \"GET / HTTP/1.1\" 200 1 \"ref\" \"ua",    // unterminated agent
        "1.2.3.4 - - " + t + " \"GET / HTTP/1.1\" 200 1 \"ref\" \"ua\"x", // junk after agent
        "1.2.3.4 - - " + t + " \"GET / HTTP/1.1\" 200 1 ref ua",          // nothing quoted
        " 1.2.3.4 - - " + t + " \"GET / HTTP/1.1\" 200 1",                // empty host
        "{\"level\":\"info\",\"msg\":\"json is not an access log\"}",
        "TIMESTAMP,LATITUDE,LONGITUDE,FREEWAY_ID,FREEWAY_DIR,LANE,SPEED",
    };
    for (const auto &line : malformed) {
        const Parsed r = parseLine(line);
        EXPECT_EQ(r.result.status, ParseStatus::DeadLetter) << "'" << line << "'";
        EXPECT_EQ(r.result.reason, DeadLetterReason::Malformed) << "'" << line << "'";
        EXPECT_FALSE(r.fieldsOk) << "'" << line << "'";
    }
}

TEST(AccessLogGolden, BadTimestampsAreDeadLetters) {
    const std::vector<std::string> times = {
        "99/Nov/2021:10:15:32",        // day 99
        "00/Nov/2021:10:15:32",        // day 0
        "22/Foo/2021:10:15:32",        // unknown month
        "22/Nov/2021:25:15:32",        // hour 25
        "22/Nov/2021:10:61:32",        // minute 61
        "22/Nov/2021:10:15:62",        // second 62
        "22/Nov/2021",                 // date only
        "22/Nov/21:10:15:32",          // two-digit year
        "2021-11-22T10:15:32Z",        // ISO, not the Apache format
        "22/Nov/2021:10:15:32 +07",    // short zone
        "22/Nov/2021:10:15:32 0700",   // unsigned zone
        "22/Nov/2021:10:15:32 +07:00", // colon in zone
        "22/Nov/2021:1a:15:32",        // letter in the hour
        "01/Jan/1000:00:00:00 +0000",  // before TimestampNs can hold
        "31/Dec/9999:23:59:59 +0000",  // after it
        "01/Jan/0000:00:00:00",
        "", // empty brackets
    };
    for (const auto &tt : times) {
        for (const char *tail : {"", " \"-\" \"ua\""}) {
            const std::string line =
                "1.2.3.4 - - [" + tt + "] \"GET / HTTP/1.1\" 200 1" + std::string(tail);
            const Parsed r = parseLine(line);
            EXPECT_EQ(r.result.status, ParseStatus::DeadLetter) << line;
            EXPECT_EQ(r.result.reason, DeadLetterReason::BadTimestamp) << line;
        }
    }
}

TEST(AccessLogGolden, EveryPrefixOfAValidLineIsHandled) {
    const std::string full = "10.0.0.1 - bob [10/Oct/2000:13:55:36 -0700] \"GET /index.html "
                             "HTTP/1.1\" 200 2326 \"http://ref.example/\" \"Mozilla/5.0 (X11)\"";
    const size_t commonEnd = full.find(" \"http://");
    size_t events = 0;
    for (size_t n = 0; n <= full.size(); ++n) {
        const std::string prefix = full.substr(0, n);
        const Parsed r = parseLine(prefix);
        if (r.result.status == ParseStatus::Event) {
            ++events;
            EXPECT_TRUE(r.fieldsOk) << prefix;
            // Only the common-format prefixes (ending in the bytes digits) and the full line.
            EXPECT_TRUE(n == full.size() || (n > commonEnd - 4 && n <= commonEnd)) << prefix;
        } else {
            EXPECT_EQ(r.result.status, ParseStatus::DeadLetter) << prefix;
            EXPECT_NE(r.result.reason, DeadLetterReason::None) << prefix;
            EXPECT_FALSE(r.fieldsOk) << prefix;
        }
    }
    EXPECT_EQ(events, 5u); // "2", "23", "232", "2326" as bytes, and the whole line
}

TEST(AccessLogGolden, RandomMutationsNeverCrashAndAgree) {
    // Deterministic byte mutations of valid lines: the header and field parsers must agree on
    // every outcome, and every dead letter has a reason.
    const std::vector<std::string> seeds = {
        "10.0.0.1 - bob [10/Oct/2000:13:55:36 -0700] \"GET /index.html HTTP/1.1\" 200 2326 "
        "\"http://ref.example/\" \"Mozilla/5.0 (X11)\"",
        "10.1.2.3 - - [22/Nov/2021:10:15:32] \"GET /a,b HTTP/1.1\" [200] 523 \"x,y\" \"a "
        "\\\"b\\\"\"",
        "127.0.0.1 - - [10/Oct/2000:13:55:36 +0000] \"HEAD / HTTP/1.0\" 304 -",
    };
    const char alphabet[] = " \"[]\\-/:+0123456789aZ\t\r\x80\xff";
    uint64_t state = 12345;
    const auto next = [&] {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return state >> 33;
    };
    size_t events = 0, dead = 0;
    for (int i = 0; i < 30000; ++i) {
        std::string line = seeds[static_cast<size_t>(i) % seeds.size()];
        const int edits = 1 + static_cast<int>(next() % 3);
        for (int e = 0; e < edits && !line.empty(); ++e) {
            const size_t pos = next() % line.size();
            switch (next() % 3) {
            case 0:
                line[pos] = alphabet[next() % (sizeof alphabet - 1)];
                break;
            case 1:
                line.erase(pos, 1 + next() % 4);
                break;
            default:
                line.insert(pos, 1, alphabet[next() % (sizeof alphabet - 1)]);
                break;
            }
        }
        const Parsed r = parseLine(line);
        if (r.result.status == ParseStatus::Event) {
            ++events;
            ASSERT_TRUE(r.fieldsOk) << line;
            ASSERT_LE(r.header.status, 999) << line; // three digits ("000" exists in the wild)
        } else {
            ++dead;
            ASSERT_EQ(r.result.status, ParseStatus::DeadLetter) << line;
            ASSERT_NE(r.result.reason, DeadLetterReason::None) << line;
            ASSERT_FALSE(r.fieldsOk) << line;
        }
    }
    EXPECT_GT(events, 0u);
    EXPECT_GT(dead, 0u);
}
