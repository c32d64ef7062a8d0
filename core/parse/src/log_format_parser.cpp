// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/parse/log_format_parser.h"

#include "weir/common/text.h"
#include "weir/common/time_util.h"
#include "weir/parse/access_log_parser.h"
#include "weir/parse/field_types.h"
#include "weir/parse/time_value.h"

#include <cstring>

namespace weir::parse {

namespace {

using Kind = LogFormatParser::Kind;

std::string headerName(std::string_view prefix, std::string_view h) {
    std::string n(prefix);
    for (char c : h) {
        if (c == '-')
            n += '_';
        else if (c >= 'A' && c <= 'Z')
            n += static_cast<char>(c - 'A' + 'a');
        else
            n += c;
    }
    return n;
}

// Apache directive letter -> field name and kind.
bool apacheDirective(char d, std::string_view arg, std::string &name, Kind &kind,
                     std::string *error) {
    kind = Kind::Text;
    switch (d) {
    case 'h':
        name = "host";
        return true;
    case 'a':
        name = "client_ip";
        return true;
    case 'A':
        name = "local_ip";
        return true;
    case 'l':
        name = "ident";
        return true;
    case 'u':
        name = "user";
        return true;
    case 't':
        name = "time";
        kind = arg.empty() ? Kind::ApacheTime : Kind::FormattedTime;
        return true;
    case 'r':
        name = "request";
        kind = Kind::Request;
        return true;
    case 's':
        name = "status";
        kind = Kind::Status;
        return true;
    case 'b':
    case 'B':
        name = "bytes";
        kind = Kind::Bytes;
        return true;
    case 'D':
        name = "duration_us";
        return true;
    case 'T':
        name = "duration_s";
        return true;
    case 'v':
        name = "vhost";
        return true;
    case 'V':
        name = "server_name";
        return true;
    case 'p':
        name = "port";
        return true;
    case 'P':
        name = "pid";
        return true;
    case 'U':
        name = "url_path";
        return true;
    case 'q':
        name = "query";
        return true;
    case 'H':
        name = "protocol";
        return true;
    case 'm':
        name = "method";
        return true;
    case 'I':
        name = "bytes_in";
        return true;
    case 'O':
        name = "bytes_out";
        return true;
    case 'S':
        name = "bytes_total";
        return true;
    case 'k':
        name = "keepalive";
        return true;
    case 'L':
        name = "log_id";
        return true;
    case 'X':
        name = "conn_status";
        return true;
    case 'f':
        name = "filename";
        return true;
    case 'R':
        name = "handler";
        return true;
    case 'i':
    case 'o':
    case 'e':
    case 'C':
    case 'n': {
        if (arg.empty()) {
            if (error)
                *error = std::string("LogFormat directive %") + d + " needs a {name}";
            return false;
        }
        const std::string_view prefix = d == 'i'   ? ""
                                        : d == 'o' ? "resp_"
                                        : d == 'e' ? "env_"
                                        : d == 'C' ? "cookie_"
                                                   : "note_";
        name = headerName(prefix, arg);
        return true;
    }
    default:
        break;
    }
    if (error)
        *error = std::string("unknown LogFormat directive %") + d;
    return false;
}

Kind nginxKind(std::string_view var) {
    if (var == "time_local")
        return Kind::ApacheTime;
    if (var == "time_iso8601")
        return Kind::IsoTime;
    if (var == "msec")
        return Kind::EpochSeconds;
    if (var == "status")
        return Kind::Status;
    if (var == "body_bytes_sent" || var == "bytes_sent")
        return Kind::Bytes;
    if (var == "request")
        return Kind::Request;
    return Kind::Text;
}

bool isVarChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// End of a field starting at `pos` and followed by `lit`: the position where `lit` starts.
// A literal opening with '"' skips backslash-escaped quotes.
size_t findLiteral(std::string_view s, size_t pos, std::string_view lit) {
    const char first = lit[0];
    while (pos < s.size()) {
        const void *hit = std::memchr(s.data() + pos, first, s.size() - pos);
        if (!hit)
            return std::string_view::npos;
        const size_t q = static_cast<size_t>(static_cast<const char *>(hit) - s.data());
        if (first == '"') {
            size_t bs = 0;
            while (q > bs && s[q - 1 - bs] == '\\')
                ++bs;
            if (bs & 1) {
                pos = q + 1;
                continue;
            }
        }
        if (s.compare(q, lit.size(), lit) == 0)
            return q;
        pos = q + 1;
    }
    return std::string_view::npos;
}

Severity severityForStatus(uint16_t status) {
    if (status == 0)
        return Severity::Unknown;
    if (status >= 500)
        return Severity::Error;
    if (status >= 400)
        return Severity::Warning;
    return Severity::Info;
}

} // namespace

std::unique_ptr<LogFormatParser> LogFormatParser::compile(std::string_view format,
                                                          const FormatOptions &options,
                                                          std::string *error) {
    std::unique_ptr<LogFormatParser> p(new LogFormatParser());
    if (!p->m_time.init(options, error))
        return nullptr;
    bool apache = false;
    for (size_t i = 0; i + 1 < format.size(); ++i) {
        if (format[i] == '%' && format[i + 1] != '%' && format[i + 1] != ' ') {
            apache = true;
            break;
        }
    }
    std::string literal;
    const auto addField = [&](std::string name, Kind kind) {
        Step s;
        s.literal = std::move(literal);
        literal.clear();
        s.name = std::move(name);
        s.kind = kind;
        p->m_steps.push_back(std::move(s));
    };
    for (size_t i = 0; i < format.size();) {
        const char c = format[i];
        if (apache && c == '%') {
            if (i + 1 < format.size() && format[i + 1] == '%') {
                literal += '%';
                i += 2;
                continue;
            }
            size_t j = i + 1;
            // Modifiers: status conditions ("400,501" or "!200"), '<' and '>'.
            while (j < format.size() &&
                   (format[j] == '<' || format[j] == '>' || format[j] == '!' || format[j] == ',' ||
                    (format[j] >= '0' && format[j] <= '9')))
                ++j;
            std::string_view arg;
            if (j < format.size() && format[j] == '{') {
                const size_t close = format.find('}', j);
                if (close == std::string_view::npos) {
                    if (error)
                        *error = "unterminated %{...} in LogFormat";
                    return nullptr;
                }
                arg = format.substr(j + 1, close - j - 1);
                j = close + 1;
            }
            if (j >= format.size()) {
                if (error)
                    *error = "LogFormat ends inside a directive";
                return nullptr;
            }
            std::string name;
            Kind kind;
            if (!apacheDirective(format[j], arg, name, kind, error))
                return nullptr;
            if (kind == Kind::ApacheTime) {
                literal += '[';
                addField(std::move(name), kind);
                literal += ']';
            } else {
                addField(std::move(name), kind);
                if (kind == Kind::FormattedTime) {
                    std::string_view f = arg;
                    if (f.substr(0, 6) == "begin:")
                        f.remove_prefix(6);
                    else if (f.substr(0, 4) == "end:")
                        f.remove_prefix(4);
                    if (f == "sec" || f == "msec" || f == "usec") {
                        p->m_steps.back().kind = Kind::EpochSeconds;
                    } else if (!p->m_steps.back().timeFormat.compile(f, error)) {
                        return nullptr;
                    }
                }
            }
            i = j + 1;
            continue;
        }
        if (!apache && c == '$' && i + 1 < format.size() &&
            (isVarChar(format[i + 1]) || format[i + 1] == '{')) {
            size_t j = i + 1;
            std::string_view var;
            if (format[j] == '{') {
                const size_t close = format.find('}', j);
                if (close == std::string_view::npos) {
                    if (error)
                        *error = "unterminated ${...} in log_format";
                    return nullptr;
                }
                var = format.substr(j + 1, close - j - 1);
                j = close + 1;
            } else {
                while (j < format.size() && isVarChar(format[j]))
                    ++j;
                var = format.substr(i + 1, j - i - 1);
            }
            addField(std::string(var), nginxKind(var));
            i = j;
            continue;
        }
        literal += c;
        ++i;
    }
    if (p->m_steps.empty()) {
        if (error)
            *error = "the log format has no field";
        return nullptr;
    }
    if (p->m_steps.size() > kMaxSteps - 1) {
        if (error)
            *error = "the log format has too many fields";
        return nullptr;
    }
    if (!literal.empty()) {
        Step tail;
        tail.literal = std::move(literal);
        p->m_steps.push_back(std::move(tail));
    }
    for (size_t i = 0; i < p->m_steps.size(); ++i) {
        const Step &s = p->m_steps[i];
        if (s.name.empty())
            continue;
        const bool timeKind = s.kind == Kind::ApacheTime || s.kind == Kind::IsoTime ||
                              s.kind == Kind::EpochSeconds || s.kind == Kind::FormattedTime;
        if (p->m_timeStep < 0 &&
            (options.timeField.empty() ? timeKind : s.name == options.timeField))
            p->m_timeStep = static_cast<int>(i);
        if (p->m_statusStep < 0 && s.kind == Kind::Status)
            p->m_statusStep = static_cast<int>(i);
    }
    return p;
}

bool LogFormatParser::match(std::string_view line, std::string_view *spans) const {
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    size_t pos = 0;
    const size_t n = m_steps.size();
    for (size_t i = 0; i < n; ++i) {
        const Step &s = m_steps[i];
        if (line.compare(pos, s.literal.size(), s.literal) != 0)
            return false;
        pos += s.literal.size();
        if (s.name.empty()) // trailing literal
            return pos == line.size();
        size_t end;
        if (i + 1 == n) {
            end = line.size();
        } else {
            const std::string &next = m_steps[i + 1].literal;
            if (next.empty()) {
                end = line.find(' ', pos);
                if (end == std::string_view::npos)
                    end = line.size();
            } else {
                end = findLiteral(line, pos, next);
                if (end == std::string_view::npos)
                    return false;
            }
        }
        spans[i] = line.substr(pos, end - pos);
        pos = end;
    }
    return pos == line.size();
}

bool LogFormatParser::fieldTime(const Step &step, std::string_view text, TimestampNs &out) const {
    if (!m_time.format.empty())
        return m_time.format.parse(text, m_time.context, out);
    switch (step.kind) {
    case Kind::ApacheTime:
        if (!parseApacheTime(text, out))
            return false;
        if (text.size() == 20)
            out = m_time.context.zone.toUtc(out.value);
        return true;
    case Kind::FormattedTime:
        return step.timeFormat.parse(text, m_time.context, out);
    case Kind::EpochSeconds: {
        double v = 0;
        return parseDouble(text, v) && timeFromEpochNumber(v, out);
    }
    default:
        return m_time.parseValue(text, out);
    }
}

ParseResult LogFormatParser::parseHeader(std::string_view line, EventHeader &out) {
    std::string_view spans[kMaxSteps];
    if (!match(line, spans))
        return ParseResult::dead(DeadLetterReason::Malformed);
    if (m_statusStep >= 0) {
        int64_t s = 0;
        if (parseInt64(spans[m_statusStep], s) && s > 0 && s < 1000)
            out.status = static_cast<uint16_t>(s);
        out.severity = severityForStatus(out.status);
    }
    if (m_timeStep >= 0) {
        if (!fieldTime(m_steps[static_cast<size_t>(m_timeStep)], spans[m_timeStep], out.time))
            return ParseResult::dead(DeadLetterReason::BadTimestamp);
        out.hasTime = true;
    }
    return ParseResult::event();
}

bool LogFormatParser::parseFields(std::string_view line, FieldList &out) const {
    out.clear();
    std::string_view spans[kMaxSteps];
    if (!match(line, spans))
        return false;
    for (size_t i = 0; i < m_steps.size(); ++i) {
        const Step &s = m_steps[i];
        if (s.name.empty())
            continue;
        const std::string_view v = spans[i];
        TimestampNs t;
        if (static_cast<int>(i) == m_timeStep && fieldTime(s, v, t)) {
            Field f;
            f.name = s.name;
            f.type = FieldType::Time;
            f.text = v;
            f.i = t.value;
            out.fields.push_back(f);
            continue;
        }
        if (s.kind == Kind::Request) {
            const size_t s1 = v.find(' ');
            const size_t s2 = s1 == std::string_view::npos ? s1 : v.rfind(' ');
            addInferred(out, s.name, v);
            out.fields.back().type = v == "-" ? FieldType::Null : FieldType::String;
            if (s1 != std::string_view::npos && s2 > s1) {
                addInferred(out, "method", v.substr(0, s1));
                addInferred(out, "path", v.substr(s1 + 1, s2 - s1 - 1));
                addInferred(out, "protocol", v.substr(s2 + 1));
            }
            continue;
        }
        addInferred(out, s.name, v);
    }
    return true;
}

std::vector<std::string> LogFormatParser::fieldNames() const {
    std::vector<std::string> names;
    for (const Step &s : m_steps) {
        if (s.name.empty())
            continue;
        names.push_back(s.name);
        if (s.kind == Kind::Request) {
            names.push_back("method");
            names.push_back("path");
            names.push_back("protocol");
        }
    }
    return names;
}

std::unique_ptr<Parser> LogFormatParser::clone() const {
    return std::unique_ptr<Parser>(new LogFormatParser(*this));
}

} // namespace weir::parse
