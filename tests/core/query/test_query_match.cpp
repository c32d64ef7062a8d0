// SPDX-License-Identifier: GPL-3.0-or-later
// Compiled predicates against a brute-force evaluation written independently over the values
// the generator used, on a real store filled through the real parsers.
#include "test_events.h"
#include "weir/query/matcher.h"
#include "weir/query/scanner.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <gtest/gtest.h>

using namespace weir;
using namespace weir::query;
using weir::testing::EventFixture;
using weir::testing::GeneratedEvent;

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}
bool has(const std::string &hay, const std::string &needle) {
    return lower(hay).find(lower(needle)) != std::string::npos;
}
bool startsWith(const std::string &s, const std::string &prefix) {
    return lower(s).rfind(lower(prefix), 0) == 0;
}

int64_t at(const char *iso) {
    TimestampNs t;
    EXPECT_TRUE(parseIso8601(iso, t));
    return t.value;
}

struct Case {
    const char *query;
    std::function<bool(const GeneratedEvent &)> expected;
};

using G = GeneratedEvent;

std::vector<Case> cases(int64_t now) {
    const bool access = true;
    (void)access;
    return {
        {"status>=500", [](const G &g) { return g.status >= 500; }},
        {"status:4xx", [](const G &g) { return g.status >= 400 && g.status < 500; }},
        {"status in (200, 304)", [](const G &g) { return g.status == 200 || g.status == 304; }},
        {"status!=200", [](const G &g) { return g.status != 200; }},
        {"status<300", [](const G &g) { return g.status > 0 && g.status < 300; }},
        {"level>=warn", [](const G &g) { return g.level >= Severity::Warning; }},
        {"level:error or level:fatal",
         [](const G &g) { return g.level == Severity::Error || g.level == Severity::Critical; }},
        {"level<info",
         [](const G &g) { return g.level != Severity::Unknown && g.level < Severity::Info; }},
        {"time>=\"2026-11-22 10:05\" time<2026-11-22T10:10:00Z",
         [](const G &g) {
             return g.timeNs >= at("2026-11-22T10:05:00Z") && g.timeNs < at("2026-11-22T10:10:00Z");
         }},
        {"time:2026-11-22T10:01..2026-11-22T10:02",
         [](const G &g) {
             return g.timeNs >= at("2026-11-22T10:01:00Z") &&
                    g.timeNs <= at("2026-11-22T10:02:00Z");
         }},
        {"last 5m", [now](const G &g) { return g.timeNs >= now - 5 * kNsPerMinute; }},
        {"source:access.log", [](const G &g) { return g.source == 0; }},
        {"source:app.*", [](const G &g) { return g.source == 1; }},
        {"source~/json/ level:warn",
         [](const G &g) { return g.source == 1 && g.level == Severity::Warning; }},
        {"source in (nothing, app.jsonl)", [](const G &g) { return g.source == 1; }},
        {"GET", [](const G &g) { return has(g.raw, "get"); }},
        {"\"connection RESET\"", [](const G &g) { return has(g.raw, "connection reset"); }},
        {"-GET", [](const G &g) { return !has(g.raw, "get"); }},
        {"/ti.?meout/i", [](const G &g) { return has(g.raw, "timeout"); }},
        {"/Bot/", [](const G &g) { return g.raw.find("Bot") != std::string::npos; }},
        {"path:/api/*", [](const G &g) { return g.source == 0 && startsWith(g.path, "/api/"); }},
        {"path:/health", [](const G &g) { return g.source == 0 && g.path == "/health"; }},
        {"bytes<1k", [](const G &g) { return g.source == 0 && g.bytes >= 0 && g.bytes < 1024; }},
        {"bytes:1k..4k",
         [](const G &g) { return g.source == 0 && g.bytes >= 1024 && g.bytes <= 4096; }},
        {"bytes:*", [](const G &g) { return g.source == 0 && g.bytes >= 0; }},
        {"method in (POST, put)",
         [](const G &g) { return g.source == 0 && (g.method == "POST" || g.method == "put"); }},
        {"user_agent~/bot/i", [](const G &g) { return g.source == 0 && has(g.agent, "bot"); }},
        {"user_agent!~/bot/i", [](const G &g) { return !(g.source == 0 && has(g.agent, "bot")); }},
        {"user!=bob", [](const G &g) { return !(g.source == 0 && g.user == "bob"); }},
        {"latency>0.5", [](const G &g) { return g.source == 1 && g.latency > 0.5; }},
        {"latency<=0.25 level>=error",
         [](const G &g) {
             return g.source == 1 && g.latency <= 0.25 && g.level >= Severity::Error;
         }},
        {"msg:\"cache miss\"", [](const G &g) { return g.source == 1 && g.msg == "cache miss"; }},
        {"msg:*reset*", [](const G &g) { return g.source == 1 && has(g.msg, "reset"); }},
        {"(status:404 or level:fatal) source:app.jsonl",
         [](const G &g) {
             return g.source == 1 && (g.status == 404 || g.level == Severity::Critical);
         }},
        {"status in (200, 5xx) and not /api/ or msg:timeout*",
         [](const G &g) {
             return ((g.status == 200 || (g.status >= 500 && g.status < 600)) &&
                     g.raw.find("/api/") == std::string::npos) ||
                    (g.source == 1 && startsWith(g.msg, "timeout"));
         }},
        {"not (GET or POST) level>=info -debug",
         [](const G &g) {
             return !(has(g.raw, "get") || has(g.raw, "post")) && g.level >= Severity::Info &&
                    !has(g.raw, "debug");
         }},
        {"nosuchfield:1", [](const G &) { return false; }},
        {"", [](const G &) { return true; }},
    };
}

} // namespace

TEST(QueryMatch, AgreesWithBruteForceOnEveryEvent) {
    EventFixture fx(6000);
    const auto snap = fx.snapshot();
    ASSERT_EQ(snap.size(), fx.events.size());
    CompileOptions opt;
    opt.now = TimestampNs{fx.endTime()};
    for (const Case &c : cases(fx.endTime())) {
        SCOPED_TRACE(c.query);
        QueryError err;
        const auto q = Query::compile(c.query, opt, &err);
        ASSERT_TRUE(q) << err.toString();
        // Both the per-event matcher and the block scanner.
        Matcher m(*q, fx.catalog);
        const ScanResult r = scan(*q, fx.catalog, snap);
        ASSERT_FALSE(r.cancelled);
        ASSERT_EQ(r.matches.first(), snap.firstIndex());
        ASSERT_EQ(r.matches.end(), snap.endIndex());
        size_t expectedCount = 0, mismatches = 0;
        for (size_t i = 0; i < fx.events.size(); ++i) {
            const bool want = c.expected(fx.events[i]);
            expectedCount += want;
            const bool got = m.matches(snap.at(i));
            if (got != want || r.matches.test(i) != want) {
                if (++mismatches <= 3)
                    ADD_FAILURE() << "event " << i << " want " << want << " got " << got << " scan "
                                  << r.matches.test(i) << ": " << fx.events[i].raw;
            }
        }
        EXPECT_EQ(mismatches, 0u);
        EXPECT_EQ(r.matches.count(), expectedCount);
        // A predicate that matches nothing or everything tests little; most cases are mixed.
        if (std::string(c.query) != "nosuchfield:1" && *c.query) {
            EXPECT_GT(expectedCount, 0u);
            EXPECT_LT(expectedCount, fx.events.size());
        }
    }
}

TEST(QueryMatch, FieldsAreParsedOnlyWhenReached) {
    EventFixture fx(200);
    const auto snap = fx.snapshot();
    // status is decided on the record: the access-log event with status 404 never needs fields.
    Matcher m(*Query::compile("status:404 or path:/health"), fx.catalog);
    size_t i = 0;
    for (; i < fx.events.size(); ++i) {
        if (fx.events[i].status == 404)
            break;
    }
    ASSERT_LT(i, fx.events.size());
    EXPECT_TRUE(m.matches(snap.at(i)));
    EXPECT_TRUE(m.lastFields().fields.empty());
}

TEST(QueryMatch, UnknownSourcesAndMissingDecodersMatchNothingForFields) {
    EventFixture fx(100);
    const auto snap = fx.snapshot();
    SourceCatalog noDecoders = fx.catalog;
    for (auto &e : noDecoders)
        e.decoder.reset();
    const auto q = Query::compile("bytes:* or latency:*");
    const ScanResult r = scan(*q, noDecoders, snap);
    EXPECT_EQ(r.matches.count(), 0u);
    // Record-level tests still work without a catalog at all (no names: source tests fail).
    const ScanResult all = scan(*Query::compile("level:* and not source:x"), {}, snap);
    EXPECT_EQ(all.matches.count(), snap.size());
}

TEST(QueryMatch, CaselessSearchFindsMatchesAtEveryOffset) {
    // The word-at-a-time search must find a needle at any alignment and reject near misses.
    store::EventStore st({});
    std::vector<std::string> lines;
    for (size_t pad = 0; pad < 20; ++pad) {
        lines.push_back(std::string(pad, 'x') + "NeEdLe" + std::string(pad % 3, 'y'));
        lines.push_back(std::string(pad, 'x') + "needl" + std::string(pad % 5, 'e'));
        lines.push_back(std::string(pad, 'n') + "eedle"); // "n" + "eedle" matches when pad>0
    }
    for (const auto &l : lines) {
        store::EventRecord rec{};
        st.append(rec, l, TimestampNs{0});
    }
    const auto r = scan(*Query::compile("needle"), {}, st.snapshot());
    for (size_t i = 0; i < lines.size(); ++i) {
        const bool want = lower(lines[i]).find("needle") != std::string::npos;
        EXPECT_EQ(r.matches.test(i), want) << lines[i];
    }
}
