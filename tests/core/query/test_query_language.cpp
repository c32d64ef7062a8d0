// SPDX-License-Identifier: GPL-3.0-or-later
// The filter language: what each construct compiles to, and every error message.
#include "weir/common/time_util.h"
#include "weir/query/query.h"

#include <gtest/gtest.h>

using namespace weir;
using namespace weir::query;

namespace {

std::string compiled(std::string_view text, TimestampNs now = TimestampNs{0}) {
    CompileOptions o;
    o.now = now;
    QueryError err;
    const auto q = Query::compile(text, o, &err);
    if (!q)
        return "ERROR " + err.toString();
    return q->describe();
}

QueryError errorOf(std::string_view text) {
    QueryError err;
    CompileOptions o;
    o.now = TimestampNs{0};
    const auto q = Query::compile(text, o, &err);
    EXPECT_FALSE(q.has_value()) << text << " compiled to " << (q ? q->describe() : "");
    return err;
}

} // namespace

TEST(QueryLanguage, EmptyMatchesEverything) {
    const auto q = Query::compile("   ");
    ASSERT_TRUE(q);
    EXPECT_TRUE(q->matchesEverything());
    EXPECT_TRUE(q->isRecordOnly());
    EXPECT_TRUE(Query().matchesEverything());
    EXPECT_FALSE(Query::compile("x")->matchesEverything());
}

TEST(QueryLanguage, FreeTextAndRegexTerms) {
    EXPECT_EQ(compiled("Error"), R"((text "error"))");
    EXPECT_EQ(compiled("\"connection Reset\""), R"((text "connection reset"))");
    EXPECT_EQ(compiled("'single quoted'"), R"((text "single quoted"))");
    EXPECT_EQ(compiled("10:15:32"), R"((text "10:15:32"))");
    EXPECT_EQ(compiled("/time(d)?out/"), "(regex /time(d)?out/)");
    EXPECT_EQ(compiled("/GET/i"), "(regex /GET/i)");
    EXPECT_EQ(compiled(R"(/a\/b/)"), "(regex /a/b/)");
    EXPECT_EQ(compiled("\"say \\\"hi\\\"\""), R"((text "say \"hi\""))");
    const auto q = Query::compile("foo");
    EXPECT_FALSE(q->isRecordOnly());
    EXPECT_FALSE(q->needsFields());
}

TEST(QueryLanguage, ImplicitAndOrNotAndParentheses) {
    EXPECT_EQ(compiled("a b"), R"((and (text "a") (text "b")))");
    EXPECT_EQ(compiled("a and b AND c"), R"((and (text "a") (text "b") (text "c")))");
    EXPECT_EQ(compiled("a && b"), R"((and (text "a") (text "b")))");
    EXPECT_EQ(compiled("a or b || c"), R"((or (text "a") (text "b") (text "c")))");
    // and binds tighter than or
    EXPECT_EQ(compiled("a b or c"), R"((or (and (text "a") (text "b")) (text "c")))");
    EXPECT_EQ(compiled("a (b or c)"), R"((and (text "a") (or (text "b") (text "c"))))");
    EXPECT_EQ(compiled("not a"), R"((not (text "a")))");
    EXPECT_EQ(compiled("!a -b"), R"((and (not (text "a")) (not (text "b"))))");
    EXPECT_EQ(compiled("NOT (a or b)"), R"((not (or (text "a") (text "b"))))");
    EXPECT_EQ(compiled("not not a"), R"((not (not (text "a"))))");
    // Words that only start like keywords are text.
    EXPECT_EQ(compiled("notice order android"),
              R"((and (text "notice") (text "order") (text "android")))");
    // A dash inside a word or before a digit is text.
    EXPECT_EQ(compiled("-5 a-b"), R"((and (text "-5") (text "a-b")))");
}

TEST(QueryLanguage, CheapTestsAreOrderedFirst) {
    EXPECT_EQ(compiled("path:/x /re/ foo status>=500"),
              R"((and (status 500..65535) (text "foo") (regex /re/) (field path = "/x")))");
    EXPECT_EQ(compiled("foo or level:error"), R"((or (level error) (text "foo")))");
    EXPECT_TRUE(Query::compile("status>=500 level>=warn source:a last 5m")->isRecordOnly());
    EXPECT_TRUE(Query::compile("path:/x")->needsFields());
    EXPECT_FALSE(Query::compile("status:500 or foo")->isRecordOnly());
}

TEST(QueryLanguage, StatusComparisonsListsRangesClasses) {
    EXPECT_EQ(compiled("status>=500"), "(status 500..65535)");
    EXPECT_EQ(compiled("status > 499"), "(status 500..65535)");
    EXPECT_EQ(compiled("status<300"), "(status 1..299)");
    EXPECT_EQ(compiled("status<=300"), "(status 1..300)");
    EXPECT_EQ(compiled("status:404"), "(status 404)");
    EXPECT_EQ(compiled("status=404"), "(status 404)");
    EXPECT_EQ(compiled("status==404"), "(status 404)");
    EXPECT_EQ(compiled("status:5xx"), "(status 500..599)");
    EXPECT_EQ(compiled("status:500..504"), "(status 500..504)");
    EXPECT_EQ(compiled("status in (500, 502,4xx)"), "(status 500 502 400..499)");
    EXPECT_EQ(compiled("status!=200"), "(not (status 200))");
    EXPECT_EQ(compiled("status:*"), "(status 1..65535)");
    EXPECT_EQ(compiled("status<1"), "(status)"); // never matches
}

TEST(QueryLanguage, LevelShortcuts) {
    EXPECT_EQ(compiled("level>=warn"), "(level warning error critical alert emergency)");
    EXPECT_EQ(compiled("level>error"), "(level critical alert emergency)");
    EXPECT_EQ(compiled("severity<info"), "(level trace debug)");
    EXPECT_EQ(compiled("level<=info"), "(level trace debug info)");
    EXPECT_EQ(compiled("level:ERR"), "(level error)");
    EXPECT_EQ(compiled("level in (warn, fatal)"), "(level warning critical)");
    EXPECT_EQ(compiled("level:debug..notice"), "(level debug info notice)");
    EXPECT_EQ(compiled("level:unknown"), "(level unknown)");
    EXPECT_EQ(compiled("level:*"),
              "(level trace debug info notice warning error critical alert emergency)");
}

TEST(QueryLanguage, TimeRangesAndLast) {
    EXPECT_EQ(compiled("time>\"2026-11-22 10:00\""), "(time 2026-11-22T10:00:00.000Z .. +inf)");
    EXPECT_EQ(compiled("time>=2026-11-22T10:00:00Z"), "(time 2026-11-22T10:00:00.000Z .. +inf)");
    EXPECT_EQ(compiled("time<'2026-11-22 10:00:01.5'"), "(time -inf .. 2026-11-22T10:00:01.499Z)");
    EXPECT_EQ(compiled("time:\"2026-11-22\"..\"2026-11-23\""),
              "(time 2026-11-22T00:00:00.000Z .. 2026-11-23T00:00:00.000Z)");
    EXPECT_EQ(compiled("time:2026-11-22..2026-11-23T12:00"),
              "(time 2026-11-22T00:00:00.000Z .. 2026-11-23T12:00:00.000Z)");
    TimestampNs now;
    ASSERT_TRUE(parseIso8601("2026-11-22T10:00:00Z", now));
    EXPECT_EQ(compiled("last 5m", now), "(time 2026-11-22T09:55:00.000Z .. +inf)");
    EXPECT_EQ(compiled("LAST 2h error", now),
              R"((and (time 2026-11-22T08:00:00.000Z .. +inf) (text "error")))");
    // Exact times: > excludes the instant itself.
    const auto q = Query::compile("time>2026-11-22T10:00:00Z");
    ASSERT_TRUE(q);
    // Without a given now, `last` is relative to the wall clock.
    const auto wall = Query::compile("last 1d");
    ASSERT_TRUE(wall);
    EXPECT_NE(wall->describe().find(formatRfc3339Ms(wallNow()).substr(0, 4)), std::string::npos);
}

TEST(QueryLanguage, FieldsAndSources) {
    EXPECT_EQ(compiled("path:/api/*"), R"((field path = "/api/*"))");
    EXPECT_EQ(compiled("host=\"10.0.0.1\""), R"((field host = "10.0.0.1"))");
    EXPECT_EQ(compiled("user!=bob"), R"((not (field user = "bob")))");
    EXPECT_EQ(compiled("bytes<1k"), "(field bytes < 1024)");
    EXPECT_EQ(compiled("bytes>=1.5MB"), "(field bytes >= 1572864)");
    EXPECT_EQ(compiled("bytes:1k..2kib"), "(field bytes range 1024 2048)");
    EXPECT_EQ(compiled("latency>0.25"), "(field latency > 0.25)");
    EXPECT_EQ(compiled("agent~/bot/i"), "(field agent ~ /bot/i)");
    EXPECT_EQ(compiled("path!~^/static"), "(not (field path ~ /^/static/))");
    EXPECT_EQ(compiled("(agent~(a|b)x) y"), R"((and (text "y") (field agent ~ /(a|b)x/)))");
    EXPECT_EQ(compiled("agent~\"a b\""), "(field agent ~ /a b/)");
    EXPECT_EQ(compiled("method in (GET, \"POST\")"), R"((field method in "GET" "POST"))");
    EXPECT_EQ(compiled("user_agent:*"), "(field user_agent exists)");
    EXPECT_EQ(compiled("\"my field\":x"), R"((field my field = "x"))");
    EXPECT_EQ(compiled("req.id:42"), R"((field req.id = "42"))");
    EXPECT_EQ(compiled("source:access.log"), R"((source "access.log"))");
    EXPECT_EQ(compiled("source in (a, b*)"), R"((source "a" "b*"))");
    EXPECT_EQ(compiled("source~/node-\\d+/"), R"((source ~ /node-\d+/))");
    EXPECT_EQ(compiled("source:*"), "(true)");
}

struct ErrorCase {
    const char *text;
    size_t position;
    const char *reason;
};

// Readable test names and failure messages instead of gtest's byte dump.
void PrintTo(const ErrorCase &c, std::ostream *os) {
    *os << '"' << c.text << '"';
}

class QueryErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(QueryErrors, PositionAndReason) {
    const ErrorCase &c = GetParam();
    const QueryError err = errorOf(c.text);
    EXPECT_EQ(err.reason, c.reason) << c.text;
    EXPECT_EQ(err.position, c.position) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Every, QueryErrors,
    ::testing::Values(
        ErrorCase{"a )", 2, "unexpected ')' without a matching '('"},
        ErrorCase{")", 0, "unexpected ')' without a matching '('"},
        ErrorCase{"(a", 0, "'(' is never closed"}, ErrorCase{"x (", 2, "'(' is never closed"},
        ErrorCase{"()", 1, "empty parentheses"},
        ErrorCase{"a ,b", 2, "unexpected ',' outside an 'in (...)' list"},
        ErrorCase{":x", 0, "expected a field name before ':'"},
        ErrorCase{"a >=5 >= 5", 6, "expected a field name before '>'"},
        ErrorCase{"a and", 5, "expected an expression after 'and'"},
        ErrorCase{"a &&", 4, "expected an expression after '&&'"},
        ErrorCase{"a or", 4, "expected an expression after 'or'"},
        ErrorCase{"a || )", 5, "expected an expression after '||'"},
        ErrorCase{"and a", 0, "expected an expression before 'and'"},
        ErrorCase{"or a", 0, "expected an expression before 'or'"},
        ErrorCase{"a (or b)", 3, "expected an expression before 'or'"},
        ErrorCase{"not", 3, "expected an expression after 'not'"},
        ErrorCase{"a !", 3, "expected an expression after '!'"},
        ErrorCase{"\"abc", 0, "unclosed quote: missing the closing \""},
        ErrorCase{"x:'abc", 2, "unclosed quote: missing the closing '"},
        ErrorCase{"\"\"", 0, "empty search text"},
        ErrorCase{"/abc", 0, "unclosed regex: missing the closing '/'"},
        ErrorCase{"//", 0, "empty regex"}, ErrorCase{"/a(/", 0, "invalid regex: missing ): a("},
        ErrorCase{"/api/v1", 5, "unknown regex flag 'v' (only 'i'; quote text that contains '/')"},
        ErrorCase{"status>=", 8, "expected a value after 'status>='"},
        ErrorCase{"(path: )", 7, "expected a value after 'path:'"},
        ErrorCase{"agent~", 6, "expected a regex after 'agent~'"},
        ErrorCase{"agent~(a", 6, "invalid regex: missing ): (a"},
        ErrorCase{"(agent~a)) x", 9, "unexpected ')' without a matching '('"},
        ErrorCase{"agent~'('", 6, "invalid regex: missing ): ("},
        ErrorCase{"status:abc", 7, "'status' needs a whole number or a class like 5xx, not 'abc'"},
        ErrorCase{"status in (500, x)", 16,
                  "'status' needs a whole number or a class like 5xx, not 'x'"},
        ErrorCase{"status:599..500", 7, "the range starts after it ends"},
        ErrorCase{"status~/5/", 0, "'~' (regex) is not supported on 'status'"},
        ErrorCase{"level~/e/", 0, "'~' (regex) is not supported on 'level'"},
        ErrorCase{"level>=loud", 7,
                  "unknown level 'loud' (expected trace, debug, info, notice, warn, error, "
                  "critical, alert or emergency)"},
        ErrorCase{"level:error..info", 6, "the range starts after it ends"},
        ErrorCase{"time:2026-11-22", 4,
                  "'time' needs <, <=, >, >= or a range A..B, e.g. time>\"2026-11-22 10:00\""},
        ErrorCase{"time>yesterday", 5,
                  "invalid time 'yesterday' (expected e.g. \"2026-11-22 10:00\" or "
                  "2026-11-22T10:00:00Z)"},
        ErrorCase{"time:2026-11-23..2026-11-22", 5, "the range starts after it ends"},
        ErrorCase{"last", 4, "expected a duration after 'last', e.g. last 5m"},
        ErrorCase{"last soon", 5, "invalid duration 'soon' (use e.g. 30s, 5m, 2h, 1d)"},
        ErrorCase{"last 0s", 5, "the duration after 'last' must be positive"},
        ErrorCase{"source>a", 6, "'source' supports ':', '=', '!=', '~' and 'in' only"},
        ErrorCase{"x in ()", 6, "empty list after 'in'"},
        ErrorCase{"x in (a", 5, "the list's '(' is never closed"},
        ErrorCase{"x in (a b)", 8, "expected ',' or ')' in the list"},
        ErrorCase{"x in (a,,b)", 8, "expected a value in the list"},
        ErrorCase{"x:..5", 2, "a range needs both ends, e.g. 500..599"},
        ErrorCase{"x:\"a\"..", 7, "a range needs both ends, e.g. 500..599"},
        ErrorCase{"bytes:2k..1k", 6, "the range starts after it ends"}),
    [](const ::testing::TestParamInfo<ErrorCase> &param) {
        return "Case" + std::to_string(param.index);
    });

TEST(QueryLanguage, ErrorFormatting) {
    const QueryError err = errorOf("status>=");
    EXPECT_EQ(err.toString(), "column 9: expected a value after 'status>='");
    EXPECT_EQ(err.pointer("status>="), "status>=\n        ^ expected a value after 'status>='");
}
