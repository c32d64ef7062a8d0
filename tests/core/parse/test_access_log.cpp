// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/common/time_util.h"
#include "weir/parse/access_log_parser.h"

#include <gtest/gtest.h>

using namespace weir;
using namespace weir::parse;

namespace {

std::string fieldText(const FieldList &fl, std::string_view name) {
    const Field *f = fl.find(name);
    return f ? std::string(f->text) : std::string("<missing>");
}

} // namespace

TEST(AccessLogParser, SeedVariantKeepsRefererAndAgentApart) {
    AccessLogParser p;
    const std::string line =
        R"x(10.1.2.3 - - [22/Nov/2021:10:15:32] "GET /a,b HTTP/1.1" [200] 523 )x"
        R"x("https://x.example/?q=a,b" "Mozilla/5.0 (X11; Linux x86_64) (KHTML, like Gecko)")x";
    EventHeader h;
    ASSERT_EQ(p.parseHeader(line, h).status, ParseStatus::Event);
    EXPECT_EQ(h.status, 200);
    EXPECT_EQ(formatRfc3339Ms(h.time), "2021-11-22T10:15:32.000Z");
    FieldList fl;
    ASSERT_TRUE(p.parseFields(line, fl));
    EXPECT_EQ(fieldText(fl, "referer"), "https://x.example/?q=a,b");
    EXPECT_EQ(fieldText(fl, "user_agent"), "Mozilla/5.0 (X11; Linux x86_64) (KHTML, like Gecko)");
    EXPECT_EQ(fieldText(fl, "path"), "/a,b");
    EXPECT_EQ(fl.find("bytes")->i, 523);
}

TEST(AccessLogParser, CombinedWithZone) {
    AccessLogParser p;
    const std::string line =
        R"x(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)")x";
    EventHeader h;
    ASSERT_EQ(p.parseHeader(line, h).status, ParseStatus::Event);
    EXPECT_EQ(formatRfc3339Ms(h.time), "2000-10-10T20:55:36.000Z");
    FieldList fl;
    ASSERT_TRUE(p.parseFields(line, fl));
    EXPECT_EQ(fieldText(fl, "user"), "frank");
    EXPECT_EQ(fieldText(fl, "user_agent"), "Mozilla/4.08 [en] (Win98; I ;Nav)");
}

TEST(AccessLogParser, MalformedLinesAreDeadLetters) {
    AccessLogParser p;
    EventHeader h;
    EXPECT_EQ(p.parseHeader("GET /favicon.ico ???", h).reason, DeadLetterReason::Malformed);
    EXPECT_EQ(
        p.parseHeader(R"x(1.2.3.4 - - [99/Nov/2021:10:15:32] "GET / HTTP/1.1" 200 1)x", h).reason,
        DeadLetterReason::BadTimestamp);
    EXPECT_EQ(
        p.parseHeader(R"x(1.2.3.4 - - [22/Nov/2021:10:15:32] "GET / HTTP/1.1" 2000 1)x", h).reason,
        DeadLetterReason::Malformed);
}
