// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/parse/format_options.h"
#include "weir/parse/parser.h"

#include <memory>
#include <string>
#include <vector>

// Line formats that start with a timestamp: Apache error logs, syslog, and the
// "timestamp + level + message" family (log4j, logback, Python logging, Hadoop, ...).
namespace weir::parse {

// "[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] msg" (Apache 2.2) and
// "[Sun Dec 04 04:47:44.123456 2005] [core:error] [pid 12:tid 34] [client 1.2.3.4:80] msg"
// (2.4). The time has no zone: it is read in the configured zone (UTC by default).
class ApacheErrorParser final : public Parser {
public:
    explicit ApacheErrorParser(const FormatOptions &options = {});
    std::string_view formatName() const override { return "apache-error"; }
    ParseResult parseHeader(std::string_view line, EventHeader &out) override;
    bool parseFields(std::string_view line, FieldList &out) const override;
    std::vector<std::string> fieldNames() const override;
    std::unique_ptr<Parser> clone() const override;

    struct Parts {
        TimestampNs time;
        std::string_view timeText, level, module, pid, client, message;
        Severity severity = Severity::Unknown;
    };
    bool split(std::string_view line, Parts &out) const;

private:
    TimeSettings m_time;
};

// Syslog: RFC 5424 ("<34>1 2003-10-11T22:14:15.003Z host app 123 ID47 [sd] msg") and
// RFC 3164 ("<34>Oct 11 22:14:15 host app[123]: msg", the <PRI> optional, also with an ISO
// timestamp as rsyslog writes it). RFC 3164 has no year: TimeContext::withoutYear infers it
// from the reference time (the wall clock by default): that year, or the one before when the
// result would lie more than 31 days in the future. The severity comes from PRI when present.
class SyslogParser final : public Parser {
public:
    explicit SyslogParser(const FormatOptions &options = {});
    std::string_view formatName() const override { return "syslog"; }
    ParseResult parseHeader(std::string_view line, EventHeader &out) override;
    bool parseFields(std::string_view line, FieldList &out) const override;
    std::vector<std::string> fieldNames() const override;
    std::unique_ptr<Parser> clone() const override;

    struct Parts {
        TimestampNs time;
        int priority = -1;
        bool rfc5424 = false;
        std::string_view timeText, host, app, pid, msgId, structuredData, message;
    };
    bool split(std::string_view line, Parts &out) const;

private:
    TimeSettings m_time;
};

// A timestamp in one of the common shapes (scanLeadingTimestamp) at the start of the line,
// then a severity word among the next tokens (scanLevel). "log4j" requires the level;
// "generic" accepts lines without one (severity Unknown).
class GenericLogParser final : public Parser {
public:
    GenericLogParser(bool requireLevel, const FormatOptions &options = {});
    std::string_view formatName() const override { return m_requireLevel ? "log4j" : "generic"; }
    ParseResult parseHeader(std::string_view line, EventHeader &out) override;
    bool parseFields(std::string_view line, FieldList &out) const override;
    std::vector<std::string> fieldNames() const override;
    std::unique_ptr<Parser> clone() const override;

private:
    bool m_requireLevel;
    TimeSettings m_time;
};

// logfmt: key=value pairs separated by spaces, values optionally double-quoted with
// backslash escapes. Every token must be a pair. Time and level come from the configured
// fields, else conventional names.
class LogfmtParser final : public Parser {
public:
    explicit LogfmtParser(const FormatOptions &options = {});
    std::string_view formatName() const override { return "logfmt"; }
    ParseResult parseHeader(std::string_view line, EventHeader &out) override;
    bool parseFields(std::string_view line, FieldList &out) const override;
    std::vector<std::string> fieldNames() const override { return m_names; }
    uint64_t schemaVersion() const override { return m_names.size(); }
    std::unique_ptr<Parser> clone() const override;

    // Calls visit(key, value, quoted) per pair; false when a token is not a pair.
    template<typename Visitor>
    static bool walk(std::string_view line, Visitor &&visit);

private:
    TimeSettings m_time;
    std::string m_levelField;
    std::vector<std::string> m_names; // seen in the first lines
    size_t m_sampled = 0;
};

} // namespace weir::parse
