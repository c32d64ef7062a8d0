// SPDX-License-Identifier: GPL-3.0-or-later
// Golden tests: one or more real-shaped lines per format, with every field checked.
#include "weir/common/time_util.h"
#include "weir/parse/format_registry.h"
#include "weir/parse/regex_parser.h"
#include "weir/parse/time_format.h"
#include "weir/parse/time_value.h"

#include <gtest/gtest.h>
#include <string>
#include <utility>
#include <vector>

using namespace weir;
using namespace weir::parse;

namespace {

std::string text(const FieldList &fl, std::string_view name) {
    const Field *f = fl.find(name);
    return f ? std::string(f->text) : std::string("<missing>");
}

FieldType type(const FieldList &fl, std::string_view name) {
    const Field *f = fl.find(name);
    return f ? f->type : FieldType::Null;
}

struct Parsed {
    ParseResult result;
    EventHeader header;
    FieldList fields;
    bool fieldsOk = false;
    std::string time() const { return formatRfc3339Ms(header.time); }
};

Parsed run(Parser &p, std::string_view line) {
    Parsed r;
    r.result = p.parseHeader(line, r.header);
    r.fieldsOk = p.parseFields(line, r.fields);
    return r;
}

std::unique_ptr<Parser> make(const std::string &format) {
    std::string error;
    auto p = makeParser(format, &error);
    EXPECT_TRUE(p) << format << ": " << error;
    return p;
}

} // namespace

TEST(Formats, AccessCommonCombinedSeedVhost) {
    auto common = make("common");
    auto r =
        run(*common,
            R"x(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326)x");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(r.time(), "2000-10-10T20:55:36.000Z");
    EXPECT_EQ(r.header.status, 200);
    EXPECT_EQ(type(r.fields, "host"), FieldType::Ip);
    EXPECT_EQ(text(r.fields, "method"), "GET");
    EXPECT_EQ(r.fields.find("bytes")->i, 2326);
    EXPECT_EQ(common->formatName(), "common");

    auto seed = make("seed");
    r = run(*seed,
            R"x(10.0.0.9 - - [22/Nov/2021:10:15:32] "POST /api HTTP/1.1" [503] - "-" "curl/8")x");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(r.header.status, 503);
    EXPECT_EQ(r.header.severity, Severity::Error);
    EXPECT_EQ(type(r.fields, "bytes"), FieldType::Null);

    auto vhost = make("vhost-combined");
    r = run(
        *vhost,
        R"x(www.example.com:443 2001:db8::1 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/2" 404 12 "https://r.example/" "Mozilla/5.0")x");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(text(r.fields, "vhost"), "www.example.com:443");
    EXPECT_EQ(type(r.fields, "host"), FieldType::Ip);
    EXPECT_EQ(text(r.fields, "user_agent"), "Mozilla/5.0");
    EXPECT_EQ(r.header.severity, Severity::Warning);
}

TEST(Formats, AccessTimeWithoutZoneUsesConfiguredZone) {
    FormatOptions o;
    o.timeZone = "+02:00";
    auto p = make(composeFormat("seed", o));
    const auto r = run(*p, R"x(10.0.0.9 - - [22/Nov/2021:10:15:32] "GET / HTTP/1.1" [200] 5)x");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(r.time(), "2021-11-22T08:15:32.000Z");
}

TEST(Formats, ApacheLogFormatString) {
    auto p = make(R"x(logformat:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %D)x");
    const auto r = run(
        *p,
        R"x(192.168.1.7 - alice [10/Oct/2000:13:55:36 -0700] "GET /x?q=\"a b\" HTTP/1.1" 302 - "-" "Agent \"quoted\" (X11)" 1234)x");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    ASSERT_TRUE(r.fieldsOk);
    EXPECT_EQ(r.time(), "2000-10-10T20:55:36.000Z");
    EXPECT_EQ(r.header.status, 302);
    EXPECT_EQ(text(r.fields, "user"), "alice");
    EXPECT_EQ(text(r.fields, "path"), R"x(/x?q=\"a b\")x"); // split at the first/last space
    EXPECT_EQ(text(r.fields, "referer"), "-");
    EXPECT_EQ(type(r.fields, "referer"), FieldType::Null);
    EXPECT_EQ(text(r.fields, "user_agent"), R"x(Agent \"quoted\" (X11))x");
    EXPECT_EQ(type(r.fields, "duration_us"), FieldType::Int);
    EXPECT_EQ(type(r.fields, "host"), FieldType::Ip);
    EXPECT_EQ(run(*p, "garbage line").result.reason, DeadLetterReason::Malformed);
    EXPECT_EQ(
        run(*p, R"x(1.2.3.4 - - [99/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "-" 1)x")
            .result.reason,
        DeadLetterReason::BadTimestamp);
}

TEST(Formats, ApacheLogFormatCustomTime) {
    auto p = make(R"x(logformat:%a [%{%Y-%m-%d %H:%M:%S}t] %>s)x");
    const auto r = run(*p, "10.1.1.1 [2024-02-29 23:59:58] 200");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(r.time(), "2024-02-29T23:59:58.000Z");
}

TEST(Formats, NginxLogFormatString) {
    auto p = make(
        R"x(logformat:$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time)x");
    const auto r = run(
        *p,
        R"x(203.0.113.5 - - [22/Nov/2021:10:15:32 +0100] "GET /index.html HTTP/1.1" 200 612 "-" "curl/7.88" 0.004)x");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(r.time(), "2021-11-22T09:15:32.000Z");
    EXPECT_EQ(r.header.status, 200);
    EXPECT_EQ(text(r.fields, "http_user_agent"), "curl/7.88");
    EXPECT_EQ(type(r.fields, "request_time"), FieldType::Float);
    EXPECT_EQ(type(r.fields, "remote_addr"), FieldType::Ip);
    EXPECT_EQ(type(r.fields, "body_bytes_sent"), FieldType::Int);
}

TEST(Formats, LogFormatErrors) {
    std::string error;
    EXPECT_FALSE(makeParser("logformat:%h %Q", &error));
    EXPECT_NE(error.find("%Q"), std::string::npos);
    EXPECT_FALSE(makeParser("logformat:no fields here", &error));
    EXPECT_FALSE(makeParser("regex:(unclosed", &error));
    EXPECT_FALSE(makeParser("regex:(\\d+) no names", &error));
}

TEST(Formats, ApacheErrorLog24) {
    auto p = make("apache-error");
    const auto r =
        run(*p, "[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client "
                "72.15.99.187:54321] File does not exist: /usr/local/apache2/htdocs/favicon.ico");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(r.time(), "2000-10-11T14:32:52.123Z");
    EXPECT_EQ(r.header.severity, Severity::Error);
    EXPECT_EQ(text(r.fields, "module"), "core");
    EXPECT_EQ(text(r.fields, "pid"), "35708:tid 4328636416");
    EXPECT_EQ(text(r.fields, "client"), "72.15.99.187:54321");
    EXPECT_EQ(text(r.fields, "message"),
              "File does not exist: /usr/local/apache2/htdocs/favicon.ico");
    EXPECT_EQ(run(*p, "[Sun Dec 04 04:47:44 2005] [bogus] x").result.status,
              ParseStatus::DeadLetter);
}

TEST(Formats, SyslogRfc5424) {
    auto p = make("syslog");
    const auto r = run(
        *p,
        R"x(<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Appl\]ication"] An application event)x");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(r.time(), "2003-10-11T22:14:15.003Z");
    EXPECT_EQ(r.header.severity, Severity::Notice); // 165 & 7 = 5
    EXPECT_EQ(r.fields.find("facility")->i, 20);
    EXPECT_EQ(text(r.fields, "host"), "mymachine.example.com");
    EXPECT_EQ(text(r.fields, "app"), "evntslog");
    EXPECT_EQ(type(r.fields, "pid"), FieldType::Null);
    EXPECT_EQ(text(r.fields, "msgid"), "ID47");
    EXPECT_EQ(text(r.fields, "message"), "An application event");
    EXPECT_EQ(text(r.fields, "structured_data"),
              R"x([exampleSDID@32473 iut="3" eventSource="Appl\]ication"])x");
}

TEST(Formats, SyslogRfc3164InfersYear) {
    FormatOptions o;
    // Read on 2024-01-05: a December line belongs to 2023, a January line to 2024.
    o.reference = TimestampNs{daysFromCivil(2024, 1, 5) * kNsPerDay};
    auto p = make(composeFormat("syslog", o));
    auto r = run(
        *p, "<34>Dec 31 23:59:59 mymachine su[123]: 'su root' failed for lonvick on /dev/pts/8");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(r.time(), "2023-12-31T23:59:59.000Z");
    EXPECT_EQ(r.header.severity, Severity::Critical); // 34 & 7 = 2
    EXPECT_EQ(text(r.fields, "app"), "su");
    EXPECT_EQ(r.fields.find("pid")->i, 123);
    r = run(*p, "Jan  4 08:00:00 host kernel: booted");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(r.time(), "2024-01-04T08:00:00.000Z");
    EXPECT_EQ(text(r.fields, "app"), "kernel");
    EXPECT_EQ(text(r.fields, "message"), "booted");
    r = run(*p, "2021-11-22T10:15:32.250+01:00 web01 nginx[77]: started");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(r.time(), "2021-11-22T09:15:32.250Z");
    EXPECT_EQ(run(*p, "<999>Jan  4 08:00:00 host x: y").result.status, ParseStatus::DeadLetter);
}

TEST(Formats, Log4jLogbackPythonStyles) {
    auto p = make("log4j");
    auto r = run(*p, "2015-07-29 17:41:44,747 - INFO  "
                     "[QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - "
                     "Notification time out: 3200");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(r.time(), "2015-07-29T17:41:44.747Z");
    EXPECT_EQ(r.header.severity, Severity::Info);
    EXPECT_EQ(text(r.fields, "level"), "INFO");
    r = run(*p, "2023-03-01 12:00:00.125 [main] WARN  com.example.App - disk low");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(r.header.severity, Severity::Warning);
    EXPECT_EQ(text(r.fields, "context"), "[main]");
    EXPECT_EQ(text(r.fields, "message"), "com.example.App - disk low");
    r = run(*p, "2023-03-01 12:00:00,001 - myapp.db - ERROR - connection refused");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(r.header.severity, Severity::Error);
    EXPECT_EQ(text(r.fields, "context"), "myapp.db");
    EXPECT_EQ(text(r.fields, "message"), "connection refused");
    r = run(*p, "17/06/09 20:10:40 INFO spark.SecurityManager: Changing view acls to: yarn");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(r.time(), "2017-06-09T20:10:40.000Z");
    // No level: log4j refuses, generic accepts.
    EXPECT_EQ(run(*p, "2023-03-01 12:00:00 something happened").result.status,
              ParseStatus::DeadLetter);
    auto g = make("generic");
    r = run(*g, "2023-03-01T12:00:00Z something happened");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(r.header.severity, Severity::Unknown);
    EXPECT_EQ(text(r.fields, "message"), "something happened");
}

TEST(Formats, JsonFlattensAndTypes) {
    auto p = make("json");
    const auto r = run(
        *p,
        R"x({"@timestamp":"2021-11-22T10:15:32.5+01:00","level":"warn","http":{"status":503,"req":{"ip":"10.0.0.1"}},"tags":["a",{"b":1}],"ok":true,"ratio":0.25,"msg":"<script>x</script> \u00e9","none":null})x");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    ASSERT_TRUE(r.fieldsOk);
    EXPECT_EQ(r.time(), "2021-11-22T09:15:32.500Z");
    EXPECT_EQ(r.header.severity, Severity::Warning);
    EXPECT_EQ(r.fields.find("http.status")->i, 503);
    EXPECT_EQ(text(r.fields, "http.req.ip"), "10.0.0.1");
    EXPECT_EQ(text(r.fields, "tags"), R"x(["a",{"b":1}])x");
    EXPECT_EQ(type(r.fields, "ok"), FieldType::Bool);
    EXPECT_EQ(type(r.fields, "ratio"), FieldType::Float);
    EXPECT_EQ(type(r.fields, "none"), FieldType::Null);
    EXPECT_EQ(text(r.fields, "msg"), "<script>x</script> \xC3\xA9");
    EXPECT_EQ(type(r.fields, "@timestamp"), FieldType::Time);
}

TEST(Formats, JsonTimeFieldEpochAndShape) {
    FormatOptions o;
    o.timeField = "when";
    auto p = make(composeFormat("json", o));
    auto r = run(*p, R"x({"time":"ignored","when":1637576132123,"level":30})x");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(r.time(), "2021-11-22T10:15:32.123Z");
    EXPECT_EQ(r.header.severity, Severity::Info); // bunyan 30
    // No conventional name: the first ISO-shaped value.
    auto q = make("json");
    r = run(*q, R"x({"msg":"x","created":"2021-11-22 10:15:32"})x");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_TRUE(r.header.hasTime);
    EXPECT_EQ(r.time(), "2021-11-22T10:15:32.000Z");
    r = run(*q, R"x({"msg":"x"})x");
    EXPECT_FALSE(r.header.hasTime);
    EXPECT_EQ(run(*q, R"x({"ts":"yesterday"})x").result.reason, DeadLetterReason::BadTimestamp);
    EXPECT_EQ(run(*q, R"x({"a":1} trailing)x").result.reason, DeadLetterReason::Malformed);
    EXPECT_EQ(run(*q, R"x([1,2])x").result.reason, DeadLetterReason::Malformed);
}

TEST(Formats, JsonExplicitTimeFormatAndZone) {
    FormatOptions o;
    o.timeField = "t";
    o.timeFormat = "%d/%m/%Y %H:%M";
    o.timeZone = "-05:00";
    auto p = make(composeFormat("json", o));
    const auto r = run(*p, R"x({"t":"02/01/2024 07:30"})x");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(r.time(), "2024-01-02T12:30:00.000Z");
}

TEST(Formats, Logfmt) {
    auto p = make("logfmt");
    const auto r = run(
        *p,
        R"x(ts=2021-11-22T10:15:32Z level=error msg="disk \"sda\" full" took=1.5 n=3 ip=::1 empty=)x");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    ASSERT_TRUE(r.fieldsOk);
    EXPECT_EQ(r.time(), "2021-11-22T10:15:32.000Z");
    EXPECT_EQ(r.header.severity, Severity::Error);
    EXPECT_EQ(text(r.fields, "msg"), R"x(disk "sda" full)x");
    EXPECT_EQ(type(r.fields, "took"), FieldType::Float);
    EXPECT_EQ(type(r.fields, "n"), FieldType::Int);
    EXPECT_EQ(type(r.fields, "ip"), FieldType::Ip);
    EXPECT_EQ(type(r.fields, "empty"), FieldType::Null);
    EXPECT_EQ(run(*p, "just some words").result.status, ParseStatus::DeadLetter);
    EXPECT_EQ(run(*p, R"x(a="unterminated)x").result.status, ParseStatus::DeadLetter);
}

TEST(Formats, CsvHeaderAndTypes) {
    auto p = make("csv");
    EventHeader h;
    EXPECT_EQ(p->parseHeader("timestamp,station,flow,speed,ip", h).status, ParseStatus::Header);
    const auto r = run(*p, R"x(2021-11-22T10:15:00Z,"S-12, north",420,61.5,192.168.0.1)x");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_EQ(r.time(), "2021-11-22T10:15:00.000Z");
    EXPECT_EQ(text(r.fields, "station"), "S-12, north");
    EXPECT_EQ(type(r.fields, "flow"), FieldType::Int);
    EXPECT_EQ(type(r.fields, "speed"), FieldType::Float);
    EXPECT_EQ(type(r.fields, "ip"), FieldType::Ip);
    EXPECT_EQ(run(*p, "1,2").result.status, ParseStatus::DeadLetter);
}

TEST(Formats, CsvTimeColumnByShape) {
    auto p = make("csv");
    EventHeader h;
    p->parseHeader("sensor,observed,value", h);
    const auto r = run(*p, "s1,2021/11/22 10:15:00,3");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    EXPECT_TRUE(r.header.hasTime);
    EXPECT_EQ(r.time(), "2021-11-22T10:15:00.000Z");
}

TEST(Formats, RegexNamedGroups) {
    auto p = make(
        R"x(regex:^(?P<time>\S+ \S+) \[(?P<level>\w+)\] (?P<user>\w+) from (?P<ip>\S+) took (?P<ms>\d+)ms)x");
    const auto r = run(*p, "2021-11-22 10:15:32.250 [ERROR] bob from 10.2.3.4 took 17ms");
    ASSERT_EQ(r.result.status, ParseStatus::Event);
    ASSERT_TRUE(r.fieldsOk);
    EXPECT_EQ(r.time(), "2021-11-22T10:15:32.250Z");
    EXPECT_EQ(r.header.severity, Severity::Error);
    EXPECT_EQ(text(r.fields, "user"), "bob");
    EXPECT_EQ(type(r.fields, "ip"), FieldType::Ip);
    EXPECT_EQ(r.fields.find("ms")->i, 17);
    EXPECT_EQ(p->fieldNames(), (std::vector<std::string>{"time", "level", "user", "ip", "ms"}));
    EXPECT_EQ(run(*p, "no match").result.reason, DeadLetterReason::Malformed);
}

TEST(Formats, RegexHotPathCapturesOnlyTimeLevelStatus) {
    struct Case {
        const char *pattern;
        const char *line;
        const char *time;
        Severity level;
        int status;
        int headerGroups; // capture groups the hot path uses
    };
    const Case cases[] = {
        // The benchmark's 7-group access expression: time and status only.
        {R"re(^(?P<host>\S+) \S+ (?P<user>\S+) \[(?P<time>[^\]]+)\] "(?P<request>[^"]*)" (?P<status>\d{3}) (?P<bytes>\S+))re",
         R"re(1.2.3.4 - bob [22/Nov/2021:10:15:32 +0000] "GET /(x) HTTP/1.1" 503 12)re",
         "2021-11-22T10:15:32.000Z", Severity::Unknown, 503, 2},
        // Escaped parentheses, classes holding "(" and "]", \Q..\E, POSIX classes, unnamed and
        // non-capturing groups, nesting, (?i) flags.
        {R"re(^\((?P<a>[(\]x]+)\) (\w+) \Q(lit)\E (?:(?P<time>[[:digit:]-]+T[\d:]+Z)) (?i:(?P<level>warn|error)) ((?P<inner>[a-z]+)(?P<status>\d+)))re",
         "(((]x) word (lit) 2021-11-22T10:15:32Z ERROR abc404", "2021-11-22T10:15:32.000Z",
         Severity::Error, 404, 3},
        // Every group needed: the expression is used as it is.
        {R"re((?P<time>\S+) (?P<status>\d+))re", "2021-11-22T10:15:32Z 200",
         "2021-11-22T10:15:32.000Z", Severity::Unknown, 200, 2},
        // Nothing needed: no capture at all on the hot path.
        {R"re(^(?P<a>\w+) (?P<b>\w+)$)re", "x y", nullptr, Severity::Unknown, 0, 0},
    };
    for (const auto &c : cases) {
        std::string error;
        auto p = RegexParser::compile(c.pattern, FormatOptions{}, &error);
        ASSERT_TRUE(p) << c.pattern << ": " << error;
        EXPECT_EQ(p->headerCaptureGroups(), c.headerGroups) << c.pattern;
        const auto r = run(*p, c.line);
        ASSERT_EQ(r.result.status, ParseStatus::Event) << c.pattern;
        EXPECT_EQ(r.header.hasTime, c.time != nullptr) << c.pattern;
        if (c.time) {
            EXPECT_EQ(r.time(), c.time) << c.pattern;
        }
        EXPECT_EQ(r.header.severity, c.level) << c.pattern;
        EXPECT_EQ(r.header.status, c.status) << c.pattern;
        // Fields still come from the full expression, every group in order.
        ASSERT_TRUE(r.fieldsOk) << c.pattern;
        EXPECT_EQ(r.fields.fields.size(), p->fieldNames().size()) << c.pattern;
    }
    // A bad time in the reduced expression is still a bad timestamp.
    auto p =
        RegexParser::compile(R"re(^(?P<host>\S+) (?P<time>\S+) (?P<msg>.*))re", FormatOptions{});
    ASSERT_TRUE(p);
    EXPECT_EQ(p->headerCaptureGroups(), 1);
    EXPECT_EQ(run(*p, "h not-a-time rest").result.reason, DeadLetterReason::BadTimestamp);
    EXPECT_EQ(run(*p, "nospace").result.reason, DeadLetterReason::Malformed);
}

TEST(Formats, IsoFastPathAgreesWithTheScanner) {
    // Every text the fast path accepts, the general scanner reads to the same instant.
    const char *dates[] = {"2021-11-22", "1900-01-01", "2200-12-31", "1899-12-31",
                           "2201-01-01", "2021-02-31", "2021-00-10", "2021-13-10",
                           "2021-11-00", "2021-11-32", "2x21-11-22", "2021-1a-22"};
    const char *clocks[] = {"T00:00:00", "T23:59:60", "T24:00:00", "T12:60:00", "T12:00:61",
                            "T10:15:32", " 10:15:32", "t10:15:32", "T1:15:32"};
    const char *fractions[] = {"", ".5", ".123", ".123456789", ".1234567891234", ".", ",5", ".x"};
    const char *zones[] = {"Z",   "z", "+01:00", "-23:59", "+24:00",    "+01:60", "+0100",
                           "+01", "",  "Z ",     "ZZ",     "+01:00:00", "-00:30", "+1a:00"};
    TimeContext ctx;
    size_t accepted = 0, checked = 0;
    for (const char *d : dates) {
        for (const char *c : clocks) {
            for (const char *f : fractions) {
                for (const char *z : zones) {
                    const std::string s = std::string(d) + c + f + z;
                    TimestampNs fast, general;
                    ++checked;
                    if (!parseIsoTimestampFast(s, fast))
                        continue;
                    ++accepted;
                    ASSERT_EQ(scanLeadingTimestamp(s, ctx, general), s.size()) << s;
                    ASSERT_EQ(fast.value, general.value) << s;
                }
            }
        }
    }
    EXPECT_EQ(checked, 12u * 9 * 8 * 14);
    EXPECT_GT(accepted, 100u);
    TimestampNs t;
    ASSERT_TRUE(parseIsoTimestampFast("2021-11-22T10:15:32.250Z", t));
    EXPECT_EQ(formatRfc3339Ms(t), "2021-11-22T10:15:32.250Z");
    ASSERT_TRUE(parseIsoTimestampFast("2021-11-22T11:15:32+01:00", t));
    EXPECT_EQ(formatRfc3339Ms(t), "2021-11-22T10:15:32.000Z");
    EXPECT_FALSE(parseIsoTimestampFast("2021-11-22T10:15:32", t)); // zone-less: the zone applies
}

TEST(Formats, IsoMinuteCacheGivesTheFastPathsAnswers) {
    // parseIsoTimestampCached answers as parseIsoTimestampFast on every text, whatever the
    // cached minute: texts in an order where consecutive ones often share their minute, valid
    // or not, and the same texts again with the cache holding another minute.
    const char *minutes[] = {"2021-11-22T10:15", "2021-11-22T10:16", "2021-02-31T10:15",
                             "2021-11-22T24:15", "2021-11-22T10:60", "2x21-11-22T10:15",
                             "2021-11-22 10:15", "1899-12-31T23:59", "2200-12-31T23:59"};
    const char *seconds[] = {":00", ":59", ":60", ":61", ":5", ":x0", "-00", ":00:00"};
    const char *fractions[] = {"", ".5", ".123456789", ".1234567891234", ".", ".x"};
    const char *zones[] = {"Z", "z", "+01:00", "-23:59", "+24:00", "+01:60", "", "Z ", "+0100"};
    std::vector<std::string> texts;
    for (const char *m : minutes)
        for (const char *sec : seconds)
            for (const char *f : fractions)
                for (const char *z : zones)
                    texts.push_back(std::string(m) + sec + f + z);
    IsoMinuteCache cache;
    size_t accepted = 0, cachedHits = 0;
    for (int pass = 0; pass < 2; ++pass) {
        for (size_t i = 0; i < texts.size(); ++i) {
            // Second pass: from the end, so the cache holds a neighbour's minute or another.
            const std::string &s = pass == 0 ? texts[i] : texts[texts.size() - 1 - i];
            const bool hit = cache.valid && s.compare(0, 16, cache.prefix, 16) == 0;
            TimestampNs fast, cached;
            const bool fastOk = parseIsoTimestampFast(s, fast);
            ASSERT_EQ(parseIsoTimestampCached(s, cached, cache), fastOk) << s;
            if (fastOk) {
                ++accepted;
                cachedHits += hit;
                ASSERT_EQ(cached.value, fast.value) << s;
            }
        }
        // A minute that is not cached: read in full, then cached.
        TimestampNs t;
        ASSERT_TRUE(parseIsoTimestampCached("2030-01-02T03:04:05.5+02:00", t, cache));
        EXPECT_EQ(formatRfc3339Ms(t), "2030-01-02T01:04:05.500Z");
        EXPECT_EQ(std::string(cache.prefix, 16), "2030-01-02T03:04");
    }
    EXPECT_GT(accepted, 200u);
    EXPECT_GT(cachedHits, 100u); // most accepted texts were read with the cached minute
}

TEST(Formats, JsonHeaderAfterTheColumnSample) {
    // After the first 256 lines (the column sample) the header scan skips names too long to
    // matter; the results must not change.
    FormatOptions explicitField;
    explicitField.timeField = "request.timing.started_at";
    explicitField.levelField = "meta.severity_text_long";
    auto byName = makeParser("json");
    auto byField = makeParser(composeFormat("json", explicitField));
    ASSERT_TRUE(byName && byField);
    const std::string warm = R"({"ts":"2021-11-22T10:00:00Z","level":"info"})";
    for (int i = 0; i < 300; ++i) {
        EventHeader h;
        ASSERT_EQ(byName->parseHeader(warm, h).status, ParseStatus::Event);
        ASSERT_EQ(byField->parseHeader(warm, h).status, ParseStatus::Event);
    }
    struct Case {
        Parser *parser;
        const char *line;
        const char *time; // nullptr: no time
        Severity level;
        int status;
    };
    const Case cases[] = {
        // ISO-shape fallback through long nested names.
        {byName.get(),
         R"({"a":{"a_rather_long_name":{"deeper_still":"2021-11-22T10:15:32Z"}},"msg":"x"})",
         "2021-11-22T10:15:32.000Z", Severity::Unknown, 0},
        // Conventional names nested: log.level, http.status; a long sibling in between.
        {byName.get(),
         R"({"log":{"level":"error","a_long_field_name":1},"http":{"status":503},"time":"2021-11-22T10:15:33Z"})",
         "2021-11-22T10:15:33.000Z", Severity::Error, 503},
        {byName.get(), R"({"http":{"status_code_long":404,"x":{"status":1}},"msg":"no time"})",
         nullptr, Severity::Unknown, 0},
        // Configured long nested names.
        {byField.get(),
         R"({"ts":"2000-01-01T00:00:00Z","request":{"timing":{"started_at":"2021-11-22T10:15:34Z"}},"meta":{"severity_text_long":"WARN"}})",
         "2021-11-22T10:15:34.000Z", Severity::Warning, 0},
    };
    for (const auto &c : cases) {
        EventHeader h;
        ASSERT_EQ(c.parser->parseHeader(c.line, h).status, ParseStatus::Event) << c.line;
        EXPECT_EQ(h.hasTime, c.time != nullptr) << c.line;
        if (c.time) {
            EXPECT_EQ(formatRfc3339Ms(h.time), c.time) << c.line;
        }
        EXPECT_EQ(h.severity, c.level) << c.line;
        EXPECT_EQ(h.status, c.status) << c.line;
    }
}

TEST(Formats, TimeFormatConversions) {
    TimeContext ctx;
    TimeFormat f;
    TimestampNs t;
    ASSERT_TRUE(f.compile("%d/%b/%Y:%H:%M:%S %z"));
    ASSERT_TRUE(f.parse("10/Oct/2000:13:55:36 -0700", ctx, t));
    EXPECT_EQ(formatRfc3339Ms(t), "2000-10-10T20:55:36.000Z");
    ASSERT_TRUE(f.compile("%s"));
    ASSERT_TRUE(f.parse("1637576132.5", ctx, t));
    EXPECT_EQ(formatRfc3339Ms(t), "2021-11-22T10:15:32.500Z");
    ASSERT_TRUE(f.compile("%m/%d/%Y %I:%M:%S %p"));
    ASSERT_TRUE(f.parse("11/22/2021 12:05:00 AM", ctx, t));
    EXPECT_EQ(formatRfc3339Ms(t), "2021-11-22T00:05:00.000Z");
    ASSERT_TRUE(f.compile("%FT%T.%f%z"));
    ASSERT_TRUE(f.parse("2021-11-22T10:15:32.123456+01:00", ctx, t));
    EXPECT_EQ(formatRfc3339Ms(t), "2021-11-22T09:15:32.123Z");
    EXPECT_FALSE(f.parse("2021-11-22T10:15:32", ctx, t));
    ASSERT_TRUE(f.compile("%Y-%m-%d"));
    EXPECT_FALSE(f.parse("0000-01-01", ctx, t)); // outside what TimestampNs holds
    EXPECT_FALSE(f.parse("9999-12-31", ctx, t));
    std::string error;
    EXPECT_FALSE(f.compile("%Q", &error));
    EXPECT_FALSE(error.empty());
    TimeZoneSpec z;
    EXPECT_TRUE(TimeZoneSpec::parse("+0530", z));
    EXPECT_EQ(z.offsetNs, 5 * kNsPerHour + 30 * kNsPerMinute);
    EXPECT_FALSE(TimeZoneSpec::parse("Europe/Nowhere", z));
}

TEST(Formats, DetectionPicksTheSpecificFormat) {
    const auto detect = [](std::vector<std::string_view> lines) { return detectFormat(lines); };
    EXPECT_EQ(
        detect({R"x(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1 "-" "x")x"})
            .format,
        "combined");
    EXPECT_EQ(
        detect({R"x(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1)x"}).format,
        "common");
    EXPECT_EQ(
        detect({R"x(1.2.3.4 - - [22/Nov/2021:10:15:32] "GET / HTTP/1.0" [200] 1 "-" "x")x"}).format,
        "seed");
    EXPECT_EQ(
        detect(
            {R"x(h:80 1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1 "-" "x")x"})
            .format,
        "vhost-combined");
    EXPECT_EQ(detect({R"x({"a":1,"b":2})x", R"x({"a":3,"b":4})x"}).format, "json");
    EXPECT_EQ(detect({"a=1 b=2", "a=3 b=4"}).format, "logfmt");
    EXPECT_EQ(detect({"x,y,z", "1,2,3", "4,5,6"}).format, "csv");
    EXPECT_EQ(detect({"<13>1 2021-11-22T10:15:32Z h app - - - hi"}).format, "syslog");
    EXPECT_EQ(detect({"2021-11-22 10:15:32 just text"}).format, "generic");
    const Detection mixed = detect({"a=1 b=2", "a=3 b=4", "a=5 b=6", "not logfmt at all"});
    EXPECT_EQ(mixed.format, "logfmt");
    EXPECT_DOUBLE_EQ(mixed.matchRate, 0.75);
    EXPECT_EQ(mixed.sampleSize, 4u);
    EXPECT_FALSE(mixed.scores.empty());
    EXPECT_DOUBLE_EQ(detect({"nothing matches this"}).matchRate, 0.0);
}

TEST(Formats, FormatOptionsRoundTrip) {
    FormatOptions o;
    o.timeField = "when";
    o.timeFormat = "%s";
    o.timeZone = "local";
    const std::string s = composeFormat("regex:(?P<when>\\d+)x", o);
    FormatOptions back;
    EXPECT_EQ(splitFormat(s, back), "regex:(?P<when>\\d+)x");
    EXPECT_EQ(back.timeField, "when");
    EXPECT_EQ(back.timeFormat, "%s");
    EXPECT_EQ(back.timeZone, "local");
    EXPECT_TRUE(isAutoFormat(composeFormat("auto", o)));
    EXPECT_EQ(withOptionsOf("json", s), composeFormat("json", o));
    EXPECT_EQ(reasonName(DeadLetterReason::TooLong), "too_long");
    EXPECT_EQ(fieldTypeName(FieldType::Ip), "ip");
}

// Whole epoch numbers are exact in every unit. A millisecond or microsecond epoch scaled to
// nanoseconds through a double rounds to a multiple of 256 ns: ...123 ms would read 64 ns late
// and ...101 ms 64 ns early (so .100 where times are truncated to milliseconds).
TEST(Formats, WholeEpochNumbersAreExact) {
    const std::pair<const char *, int64_t> exact[] = {
        {"1637576132", 1637576132000000000LL},
        {"1637576132123", 1637576132123000000LL},
        {"1637576132101", 1637576132101000000LL},
        {"1637576132123457", 1637576132123457000LL},
        {" 1637576132123456789 ", 1637576132123456789LL},
        {"9200000000", 9200000000000000000LL},   // the range: up to 9.2e18 ns in each unit
        {"1637576132.5", 1637576132500000000LL}, // fractions: still the decimal reading
    };
    for (const auto &[text, ns] : exact) {
        TimestampNs t;
        ASSERT_TRUE(parseTimeValue(text, t)) << text;
        EXPECT_EQ(t.value, ns) << text;
    }
    for (const char *text : {"9200000001", "9200000000001", "9200000000000001",
                             "9200000000000000001", "92000000000000000000", "-5"}) {
        TimestampNs t;
        EXPECT_FALSE(parseTimeValue(text, t)) << text;
    }
}
