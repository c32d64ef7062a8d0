// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/parse/text_log_parsers.h"

#include "weir/common/text.h"
#include "weir/parse/field_types.h"
#include "weir/parse/time_format.h"
#include "weir/parse/time_value.h"

#include <algorithm>

namespace weir::parse {

namespace {

inline std::string_view stripCr(std::string_view line) {
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    return line;
}

void addTime(FieldList &out, std::string_view name, std::string_view text, TimestampNs t) {
    Field f;
    f.name = name;
    f.type = FieldType::Time;
    f.text = text;
    f.i = t.value;
    out.fields.push_back(f);
}

void addString(FieldList &out, std::string_view name, std::string_view text) {
    Field f;
    f.name = name;
    f.text = text;
    f.type = text.empty() ? FieldType::Null : FieldType::String;
    out.fields.push_back(f);
}

Severity apacheLevel(std::string_view w) {
    // trace1..trace8
    if (w.size() == 6 && w.substr(0, 5) == "trace" && w[5] >= '1' && w[5] <= '8')
        return Severity::Trace;
    return severityFromName(w);
}

bool allDigits(std::string_view s) {
    if (s.empty())
        return false;
    for (char c : s) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

constexpr Severity kSyslogSeverity[8] = {Severity::Emergency, Severity::Alert,   Severity::Critical,
                                         Severity::Error,     Severity::Warning, Severity::Notice,
                                         Severity::Info,      Severity::Debug};

} // namespace

// ---------------------------------------------------------------------------------------------
ApacheErrorParser::ApacheErrorParser(const FormatOptions &options) {
    m_time.init(options, nullptr);
}

bool ApacheErrorParser::split(std::string_view line, Parts &out) const {
    line = stripCr(line);
    if (line.size() < 27 || line[0] != '[')
        return false;
    const size_t n = scanLeadingTimestamp(line, m_time.context, out.time);
    if (n == 0 || n + 2 >= line.size() || line[n] != ' ' || line[n + 1] != '[')
        return false;
    out.timeText = line.substr(1, n - 2);
    const size_t close = line.find(']', n + 2);
    if (close == std::string_view::npos)
        return false;
    std::string_view lv = line.substr(n + 2, close - n - 2);
    const size_t colon = lv.rfind(':');
    out.module = {};
    if (colon != std::string_view::npos) {
        out.module = lv.substr(0, colon);
        lv = lv.substr(colon + 1);
    }
    out.severity = apacheLevel(lv);
    if (out.severity == Severity::Unknown)
        return false;
    out.level = lv;
    size_t p = close + 1;
    out.pid = {};
    out.client = {};
    // Optional "[pid N:tid M]" and "[client a.b.c.d:port]" blocks.
    while (p + 1 < line.size() && line[p] == ' ' && line[p + 1] == '[') {
        const size_t e = line.find(']', p + 2);
        if (e == std::string_view::npos)
            break;
        const std::string_view block = line.substr(p + 2, e - p - 2);
        if (block.substr(0, 4) == "pid ") {
            out.pid = block.substr(4);
        } else if (block.substr(0, 7) == "client ") {
            out.client = block.substr(7);
        } else {
            break;
        }
        p = e + 1;
    }
    if (p < line.size() && line[p] == ' ')
        ++p;
    out.message = line.substr(p);
    return true;
}

ParseResult ApacheErrorParser::parseHeader(std::string_view line, EventHeader &out) {
    Parts parts;
    if (!split(line, parts))
        return ParseResult::dead(DeadLetterReason::Malformed);
    out.time = parts.time;
    out.hasTime = true;
    out.severity = parts.severity;
    return ParseResult::event();
}

bool ApacheErrorParser::parseFields(std::string_view line, FieldList &out) const {
    out.clear();
    Parts parts;
    if (!split(line, parts))
        return false;
    addTime(out, "time", parts.timeText, parts.time);
    addString(out, "level", parts.level);
    addString(out, "module", parts.module);
    addString(out, "pid", parts.pid);
    std::string_view client = parts.client;
    addInferred(out, "client", client);
    addString(out, "message", parts.message);
    return true;
}

std::vector<std::string> ApacheErrorParser::fieldNames() const {
    return {"time", "level", "module", "pid", "client", "message"};
}

std::unique_ptr<Parser> ApacheErrorParser::clone() const {
    return std::make_unique<ApacheErrorParser>(*this);
}

// ---------------------------------------------------------------------------------------------
SyslogParser::SyslogParser(const FormatOptions &options) {
    m_time.init(options, nullptr);
}

bool SyslogParser::split(std::string_view line, Parts &out) const {
    line = stripCr(line);
    size_t p = 0;
    out.priority = -1;
    out.rfc5424 = false;
    if (!line.empty() && line[0] == '<') {
        const size_t e = line.find('>');
        if (e == std::string_view::npos || e < 2 || e > 4)
            return false;
        int64_t pri = 0;
        if (!allDigits(line.substr(1, e - 1)) || !parseInt64(line.substr(1, e - 1), pri) ||
            pri > 191)
            return false;
        out.priority = static_cast<int>(pri);
        p = e + 1;
        if (line.compare(p, 2, "1 ") == 0) {
            out.rfc5424 = true;
            p += 2;
        }
    }
    const auto token = [&](std::string_view &t) {
        const size_t e = line.find(' ', p);
        if (e == std::string_view::npos || e == p)
            return false;
        t = line.substr(p, e - p);
        p = e + 1;
        return true;
    };
    if (out.rfc5424) {
        if (!token(out.timeText))
            return false;
        if (out.timeText == "-") {
            out.time = TimestampNs{};
        } else if (!m_time.parseValue(out.timeText, out.time)) {
            return false;
        }
        if (!token(out.host) || !token(out.app) || !token(out.pid) || !token(out.msgId))
            return false;
        // Structured data: "-" or one or more [id k="v" ...] elements.
        const size_t sd = p;
        if (p < line.size() && line[p] == '-') {
            ++p;
        } else {
            while (p < line.size() && line[p] == '[') {
                ++p;
                bool inQuote = false;
                while (p < line.size()) {
                    const char c = line[p];
                    if (c == '\\' && inQuote) {
                        p += 2;
                        continue;
                    }
                    if (c == '"')
                        inQuote = !inQuote;
                    else if (c == ']' && !inQuote)
                        break;
                    ++p;
                }
                if (p >= line.size())
                    return false;
                ++p;
            }
            if (p == sd)
                return false;
        }
        out.structuredData = line.substr(sd, p - sd);
        if (p < line.size() && line[p] != ' ')
            return false;
        out.message = p < line.size() ? line.substr(p + 1) : std::string_view();
        if (out.message.substr(0, 3) == "\xEF\xBB\xBF")
            out.message.remove_prefix(3); // BOM
        return true;
    }
    // RFC 3164.
    const std::string_view rest = line.substr(p);
    size_t n = 0;
    if (!rest.empty() && rest[0] >= 'A' && rest[0] <= 'Z')
        n = scanLeadingTimestamp(rest, m_time.context, out.time);
    else if (rest.size() >= 19 && rest[4] == '-' && rest[10] == 'T')
        n = scanLeadingTimestamp(rest, m_time.context, out.time);
    if (n == 0 || n >= rest.size() || rest[n] != ' ')
        return false;
    out.timeText = rest.substr(0, n);
    p += n + 1;
    if (!token(out.host))
        return false;
    out.structuredData = {};
    out.msgId = {};
    // TAG[PID]: or TAG: ; otherwise the rest is the message. Tags are short and have at most
    // two spaces ("syslogd 1.4.1: restart." as some old daemons write).
    while (p < line.size() && line[p] == ' ')
        ++p;
    out.app = {};
    out.pid = {};
    size_t spaces = 0;
    for (size_t e = p; e < line.size() && e - p <= 48 && spaces <= 2; ++e) {
        const char c = line[e];
        if (c == ' ') {
            ++spaces;
        } else if (c == ':' && e > p && (e + 1 == line.size() || line[e + 1] == ' ')) {
            std::string_view tag = line.substr(p, e - p);
            if (tag.back() == ']') {
                const size_t open = tag.rfind('[');
                if (open != std::string_view::npos && open > 0) {
                    out.pid = tag.substr(open + 1, tag.size() - open - 2);
                    tag = tag.substr(0, open);
                }
            }
            out.app = tag;
            p = e + 1;
            if (p < line.size() && line[p] == ' ')
                ++p;
            break;
        }
    }
    out.message = line.substr(std::min(p, line.size()));
    return true;
}

ParseResult SyslogParser::parseHeader(std::string_view line, EventHeader &out) {
    Parts parts;
    if (!split(line, parts))
        return ParseResult::dead(DeadLetterReason::Malformed);
    out.time = parts.time;
    out.hasTime = parts.time.value != 0 || parts.timeText != "-";
    if (parts.priority >= 0)
        out.severity = kSyslogSeverity[parts.priority & 7];
    return ParseResult::event();
}

bool SyslogParser::parseFields(std::string_view line, FieldList &out) const {
    out.clear();
    Parts parts;
    if (!split(line, parts))
        return false;
    if (parts.timeText != "-")
        addTime(out, "time", parts.timeText, parts.time);
    if (parts.priority >= 0) {
        Field f;
        f.name = "facility";
        f.type = FieldType::Int;
        f.i = parts.priority >> 3;
        f.f = static_cast<double>(f.i);
        f.text = out.keep(std::to_string(f.i));
        out.fields.push_back(f);
        addString(out, "level", severityName(kSyslogSeverity[parts.priority & 7]));
    }
    const auto nil = [](std::string_view v) { return v == "-" ? std::string_view() : v; };
    addInferred(out, "host", nil(parts.host));
    if (out.fields.back().type != FieldType::Ip && out.fields.back().type != FieldType::Null)
        out.fields.back().type = FieldType::String;
    addString(out, "app", nil(parts.app));
    addInferred(out, "pid", nil(parts.pid));
    if (parts.rfc5424) {
        addString(out, "msgid", nil(parts.msgId));
        addString(out, "structured_data", nil(parts.structuredData));
    }
    addString(out, "message", parts.message);
    return true;
}

std::vector<std::string> SyslogParser::fieldNames() const {
    return {"time", "facility", "level",           "host",   "app",
            "pid",  "msgid",    "structured_data", "message"};
}

std::unique_ptr<Parser> SyslogParser::clone() const {
    return std::make_unique<SyslogParser>(*this);
}

// ---------------------------------------------------------------------------------------------
GenericLogParser::GenericLogParser(bool requireLevel, const FormatOptions &options)
    : m_requireLevel(requireLevel) {
    m_time.init(options, nullptr);
}

ParseResult GenericLogParser::parseHeader(std::string_view line, EventHeader &out) {
    line = stripCr(line);
    size_t n = 0;
    if (!m_time.format.empty()) {
        if (!m_time.format.parse(line, m_time.context, out.time, &n))
            return ParseResult::dead(DeadLetterReason::Malformed);
    } else {
        n = scanLeadingTimestamp(line, m_time.context, out.time);
    }
    if (n == 0)
        return ParseResult::dead(DeadLetterReason::Malformed);
    out.hasTime = true;
    size_t b, e;
    if (!scanLevel(line.substr(n), out.severity, b, e) && m_requireLevel)
        return ParseResult::dead(DeadLetterReason::Malformed);
    return ParseResult::event();
}

bool GenericLogParser::parseFields(std::string_view line, FieldList &out) const {
    out.clear();
    line = stripCr(line);
    TimestampNs t;
    size_t n = 0;
    if (!m_time.format.empty()) {
        if (!m_time.format.parse(line, m_time.context, t, &n))
            return false;
    } else {
        n = scanLeadingTimestamp(line, m_time.context, t);
    }
    if (n == 0)
        return false;
    std::string_view ts = line.substr(0, n);
    if (ts.size() >= 2 && ts.front() == '[' && ts.back() == ']')
        ts = ts.substr(1, ts.size() - 2);
    addTime(out, "time", ts, t);
    const std::string_view rest = line.substr(n);
    Severity sev;
    size_t b = 0, e = 0;
    const bool hasLevel = scanLevel(rest, sev, b, e);
    if (!hasLevel && m_requireLevel)
        return false;
    const auto trimSeparators = [](std::string_view s) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '-' || s.front() == ':' ||
                              s.front() == '|' || s.front() == '\t'))
            s.remove_prefix(1);
        while (!s.empty() && (s.back() == ' ' || s.back() == '-' || s.back() == '|' ||
                              s.back() == '\t' || s.back() == '['))
            s.remove_suffix(1);
        return s;
    };
    if (hasLevel) {
        addString(out, "level", rest.substr(b, e - b));
        std::string_view context = trimSeparators(rest.substr(0, b));
        if (!context.empty() && context.front() == '[' && context.back() != ']')
            context.remove_prefix(1);
        addString(out, "context", context);
        std::string_view msg = rest.substr(e);
        if (!msg.empty() && (msg.front() == ']' || msg.front() == '>' || msg.front() == ')'))
            msg.remove_prefix(1);
        addString(out, "message", trimSeparators(msg));
    } else {
        addString(out, "level", {});
        addString(out, "context", {});
        addString(out, "message", trimSeparators(rest));
    }
    return true;
}

std::vector<std::string> GenericLogParser::fieldNames() const {
    return {"time", "level", "context", "message"};
}

std::unique_ptr<Parser> GenericLogParser::clone() const {
    return std::make_unique<GenericLogParser>(*this);
}

// ---------------------------------------------------------------------------------------------
LogfmtParser::LogfmtParser(const FormatOptions &options)
    : m_levelField(options.levelField) {
    m_time.init(options, nullptr);
}

template<typename Visitor>
bool LogfmtParser::walk(std::string_view line, Visitor &&visit) {
    line = stripCr(line);
    size_t p = 0;
    size_t pairs = 0;
    while (true) {
        while (p < line.size() && (line[p] == ' ' || line[p] == '\t'))
            ++p;
        if (p >= line.size())
            return pairs > 0;
        const size_t kb = p;
        while (p < line.size() && line[p] != '=' && line[p] != ' ' && line[p] != '"' &&
               line[p] != '\t')
            ++p;
        if (p == kb || p >= line.size() || line[p] != '=')
            return false;
        const std::string_view key = line.substr(kb, p - kb);
        ++p;
        std::string_view value;
        bool quoted = false;
        if (p < line.size() && line[p] == '"') {
            const size_t vb = ++p;
            while (p < line.size() && line[p] != '"') {
                if (line[p] == '\\')
                    ++p;
                ++p;
            }
            if (p >= line.size())
                return false;
            value = line.substr(vb, p - vb);
            quoted = true;
            ++p;
            if (p < line.size() && line[p] != ' ' && line[p] != '\t')
                return false;
        } else {
            const size_t vb = p;
            while (p < line.size() && line[p] != ' ' && line[p] != '\t') {
                if (line[p] == '"' || line[p] == '=')
                    return false;
                ++p;
            }
            value = line.substr(vb, p - vb);
        }
        ++pairs;
        visit(key, value, quoted);
    }
}

ParseResult LogfmtParser::parseHeader(std::string_view line, EventHeader &out) {
    bool timeFound = false, timeBad = false;
    const bool sample = m_sampled < 256;
    const bool ok = walk(line, [&](std::string_view key, std::string_view value, bool) {
        if (sample && std::find(m_names.begin(), m_names.end(), key) == m_names.end())
            m_names.emplace_back(key);
        const bool isTime =
            m_time.field.empty() ? isConventionalTimeName(key) : key == m_time.field;
        if (isTime && !timeFound) {
            timeFound = true;
            timeBad = !m_time.parseValue(value, out.time);
        }
        if (m_levelField.empty() ? isConventionalLevelName(key) : key == m_levelField)
            out.severity = severityFromWord(value);
        if (key == "status") {
            int64_t s = 0;
            if (parseInt64(value, s) && s > 0 && s < 1000)
                out.status = static_cast<uint16_t>(s);
        }
    });
    if (sample)
        ++m_sampled;
    if (!ok)
        return ParseResult::dead(DeadLetterReason::Malformed);
    if (timeBad)
        return ParseResult::dead(DeadLetterReason::BadTimestamp);
    out.hasTime = timeFound;
    return ParseResult::event();
}

bool LogfmtParser::parseFields(std::string_view line, FieldList &out) const {
    out.clear();
    bool timeFound = false;
    return walk(line, [&](std::string_view key, std::string_view value, bool quoted) {
        std::string_view text = value;
        if (quoted && value.find('\\') != std::string_view::npos) {
            std::string u;
            for (size_t i = 0; i < value.size(); ++i) {
                char c = value[i];
                if (c == '\\' && i + 1 < value.size()) {
                    c = value[++i];
                    c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
                }
                u += c;
            }
            text = out.keep(std::move(u));
        }
        const bool isTime =
            m_time.field.empty() ? isConventionalTimeName(key) : key == m_time.field;
        TimestampNs t;
        if (isTime && !timeFound && m_time.parseValue(text, t)) {
            timeFound = true;
            addTime(out, key, text, t);
            return;
        }
        if (quoted)
            addString(out, key, text);
        else
            addInferred(out, key, text);
    });
}

std::unique_ptr<Parser> LogfmtParser::clone() const {
    return std::make_unique<LogfmtParser>(*this);
}

} // namespace weir::parse
