// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Builds a small real event store from generated access-log and JSON lines, parsed with the
// real parsers exactly as the engine does, and keeps the generated values for brute-force
// checks. Deterministic (fixed seed).

#include "weir/common/time_util.h"
#include "weir/parse/access_log_parser.h"
#include "weir/parse/json_parser.h"
#include "weir/query/query.h"
#include "weir/store/event_store.h"

#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace weir::testing {

struct GeneratedEvent {
    int source = 0; // 0 access.log (combined), 1 app.jsonl (json)
    int64_t timeNs = 0;
    int status = 0; // 0 = none
    Severity level = Severity::Unknown;
    std::string method, path, agent, user, msg;
    int64_t bytes = -1;  // -1 = none / "-"
    double latency = -1; // json only, -1 = absent
    std::string raw;
};

class EventFixture {
public:
    explicit EventFixture(size_t count, uint32_t seed = 7, store::EventStore::Options so = {})
        : m_store(so) {
        m_access = std::make_shared<parse::AccessLogParser>();
        m_json = std::make_shared<parse::JsonParser>();
        catalog.push_back({"/var/log/nginx/access.log", m_access, m_access->fieldNames()});
        catalog.push_back({"app.jsonl", m_json, {}});
        m_rng.seed(seed);
        append(count);
    }

    void append(size_t count) {
        static const char *kMethods[] = {"GET", "POST", "put", "DELETE"};
        static const char *kPaths[] = {"/api/users", "/API/orders?id=7", "/static/app.js",
                                       "/health", "/api/login"};
        static const char *kAgents[] = {"Mozilla/5.0", "curl/8.1", "Googlebot/2.1",
                                        "python-requests", "BingBot"};
        static const char *kUsers[] = {"-", "bob", "alice"};
        static const char *kLevels[] = {"debug", "info", "warn", "error", "fatal"};
        static const char *kMsgs[] = {"request done", "connection reset by peer",
                                      "Timeout while reading", "cache miss", "GET upstream"};
        static const char *kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        const int statuses[] = {200, 200, 201, 204, 301, 304, 400, 403, 404, 500, 502, 503};
        for (size_t i = 0; i < count; ++i) {
            GeneratedEvent g;
            g.source = pick(4) == 0 ? 1 : 0;
            // Mostly increasing times with some disorder, whole seconds (the access-log
            // format has no sub-second part).
            m_clock += static_cast<int64_t>(pick(3)) * kNsPerSecond;
            g.timeNs = m_clock - static_cast<int64_t>(pick(2)) * 5 * kNsPerSecond;
            char buf[512];
            if (g.source == 0) {
                g.method = kMethods[pick(4)];
                g.path = kPaths[pick(5)];
                g.agent = kAgents[pick(5)];
                g.user = kUsers[pick(3)];
                g.status = statuses[pick(12)];
                g.bytes = pick(5) == 0 ? -1 : static_cast<int64_t>(pick(8000));
                g.level = g.status >= 500   ? Severity::Error
                          : g.status >= 400 ? Severity::Warning
                                            : Severity::Info;
                const CivilTime c = civilFromTimestamp(TimestampNs{g.timeNs});
                std::snprintf(buf, sizeof buf,
                              "10.0.%d.%d - %s [%02u/%s/%04lld:%02u:%02u:%02u +0000] \"%s %s "
                              "HTTP/1.1\" %d %s \"-\" \"%s\"",
                              static_cast<int>(pick(4)), static_cast<int>(pick(200)),
                              g.user.c_str(), c.day, kMonths[c.month - 1],
                              static_cast<long long>(c.year), c.hour, c.minute, c.second,
                              g.method.c_str(), g.path.c_str(), g.status,
                              g.bytes < 0 ? "-" : std::to_string(g.bytes).c_str(), g.agent.c_str());
            } else {
                const char *lvl = kLevels[pick(5)];
                g.level = severityFromName(lvl);
                g.msg = kMsgs[pick(5)];
                g.latency = static_cast<double>(pick(2000)) / 1000.0;
                g.status = pick(2) ? statuses[pick(12)] : 0;
                std::string statusPart =
                    g.status ? ",\"status\":" + std::to_string(g.status) : std::string();
                std::snprintf(buf, sizeof buf,
                              "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":\"%s\",\"latency\":%.3f%s}",
                              formatRfc3339Ms(TimestampNs{g.timeNs}).c_str(), lvl, g.msg.c_str(),
                              g.latency, statusPart.c_str());
            }
            g.raw = buf;
            parse::EventHeader h;
            parse::Parser &p = g.source == 0 ? static_cast<parse::Parser &>(*m_access)
                                             : static_cast<parse::Parser &>(*m_json);
            const parse::ParseResult r = p.parseHeader(g.raw, h);
            if (r.status != parse::ParseStatus::Event)
                std::abort(); // generator bug
            store::EventRecord rec{};
            rec.time = h.time;
            rec.source = SourceId{static_cast<uint16_t>(g.source)};
            rec.severity = h.severity;
            rec.status = h.status;
            rec.setPosition(events.size());
            m_store.append(rec, g.raw, TimestampNs{g.timeNs});
            events.push_back(std::move(g));
        }
    }

    store::StoreSnapshot snapshot() const { return m_store.snapshot(); }
    const store::EventStore &store() const { return m_store; }
    int64_t endTime() const { return m_clock; }

    query::SourceCatalog catalog;
    std::vector<GeneratedEvent> events; // by global index

private:
    uint32_t pick(uint32_t n) { return static_cast<uint32_t>(m_rng() % n); }

    store::EventStore m_store;
    std::shared_ptr<parse::AccessLogParser> m_access;
    std::shared_ptr<parse::JsonParser> m_json;
    std::mt19937 m_rng;
    int64_t m_clock = 1795341600LL * kNsPerSecond; // 2026-11-22T10:00:00Z
};

} // namespace weir::testing
