#include "weir/parse/json_parser.h"

#include "weir/common/text.h"
#include "weir/parse/time_value.h"

#include <algorithm>

namespace weir::parse {

namespace {

constexpr int kMaxDepth = 64;

struct Scanner {
    std::string_view s;
    size_t p = 0;

    void ws() {
        while (p < s.size() && (s[p] == ' ' || s[p] == '\t' || s[p] == '\r' || s[p] == '\n'))
            ++p;
    }
    bool string(std::string_view &body, bool &escaped) {
        if (p >= s.size() || s[p] != '"')
            return false;
        const size_t b = ++p;
        escaped = false;
        while (p < s.size()) {
            const char c = s[p];
            if (c == '"') {
                body = s.substr(b, p - b);
                ++p;
                return true;
            }
            if (c == '\\') {
                escaped = true;
                p += 2;
                continue;
            }
            if (static_cast<unsigned char>(c) < 0x20)
                return false;
            ++p;
        }
        return false;
    }
    bool literal(std::string_view word) {
        if (s.substr(p, word.size()) != word)
            return false;
        p += word.size();
        return true;
    }
    bool number() {
        const size_t b = p;
        if (p < s.size() && s[p] == '-')
            ++p;
        while (p < s.size() && ((s[p] >= '0' && s[p] <= '9') || s[p] == '.' || s[p] == 'e' ||
                                s[p] == 'E' || s[p] == '+' || s[p] == '-'))
            ++p;
        return p > b;
    }
    // Skips any value (used for arrays).
    bool skip(int depth) {
        if (depth > kMaxDepth)
            return false;
        ws();
        if (p >= s.size())
            return false;
        const char c = s[p];
        if (c == '"') {
            std::string_view b;
            bool e;
            return string(b, e);
        }
        if (c == '{' || c == '[') {
            const char close = c == '{' ? '}' : ']';
            ++p;
            ws();
            if (p < s.size() && s[p] == close) {
                ++p;
                return true;
            }
            while (true) {
                if (c == '{') {
                    std::string_view k;
                    bool e;
                    ws();
                    if (!string(k, e))
                        return false;
                    ws();
                    if (p >= s.size() || s[p] != ':')
                        return false;
                    ++p;
                }
                if (!skip(depth + 1))
                    return false;
                ws();
                if (p < s.size() && s[p] == ',') {
                    ++p;
                    continue;
                }
                if (p < s.size() && s[p] == close) {
                    ++p;
                    return true;
                }
                return false;
            }
        }
        if (c == 't')
            return literal("true");
        if (c == 'f')
            return literal("false");
        if (c == 'n')
            return literal("null");
        return number();
    }
};

template<typename Visitor>
bool walkObject(Scanner &sc, std::string &path, int depth, Visitor &visit) {
    if (depth > kMaxDepth)
        return false;
    sc.ws();
    if (sc.p >= sc.s.size() || sc.s[sc.p] != '{')
        return false;
    ++sc.p;
    sc.ws();
    if (sc.p < sc.s.size() && sc.s[sc.p] == '}') {
        ++sc.p;
        return true;
    }
    const size_t base = path.size();
    while (true) {
        sc.ws();
        std::string_view key;
        bool keyEscaped = false;
        if (!sc.string(key, keyEscaped))
            return false;
        path.resize(base);
        if (base > 0)
            path += '.';
        if (keyEscaped)
            path += JsonParser::unescape(key);
        else
            path.append(key.data(), key.size());
        sc.ws();
        if (sc.p >= sc.s.size() || sc.s[sc.p] != ':')
            return false;
        ++sc.p;
        sc.ws();
        if (sc.p >= sc.s.size())
            return false;
        const char c = sc.s[sc.p];
        if (c == '{') {
            if (!walkObject(sc, path, depth + 1, visit))
                return false;
        } else {
            JsonParser::Value v{};
            const size_t b = sc.p;
            if (c == '"') {
                v.kind = JsonParser::ValueKind::String;
                if (!sc.string(v.raw, v.escaped))
                    return false;
            } else if (c == '[') {
                v.kind = JsonParser::ValueKind::Array;
                if (!sc.skip(depth + 1))
                    return false;
                v.raw = sc.s.substr(b, sc.p - b);
            } else if (c == 't' || c == 'f') {
                v.kind = JsonParser::ValueKind::Bool;
                if (!sc.literal(c == 't' ? "true" : "false"))
                    return false;
                v.raw = sc.s.substr(b, sc.p - b);
            } else if (c == 'n') {
                v.kind = JsonParser::ValueKind::Null;
                if (!sc.literal("null"))
                    return false;
                v.raw = sc.s.substr(b, sc.p - b);
            } else {
                v.kind = JsonParser::ValueKind::Number;
                if (!sc.number())
                    return false;
                v.raw = sc.s.substr(b, sc.p - b);
                double d;
                if (!parseDouble(v.raw, d) &&
                    v.raw.find_first_of(".eE") == std::string_view::npos) {
                    int64_t i;
                    if (!parseInt64(v.raw, i))
                        return false;
                }
            }
            visit(std::string_view(path), v);
        }
        sc.ws();
        if (sc.p < sc.s.size() && sc.s[sc.p] == ',') {
            ++sc.p;
            continue;
        }
        if (sc.p < sc.s.size() && sc.s[sc.p] == '}') {
            ++sc.p;
            path.resize(base);
            return true;
        }
        return false;
    }
}

void appendUtf8(std::string &out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool hex4(std::string_view s, size_t i, uint32_t &out) {
    if (i + 4 > s.size())
        return false;
    out = 0;
    for (size_t k = i; k < i + 4; ++k) {
        const char c = s[k];
        out <<= 4;
        if (c >= '0' && c <= '9')
            out |= static_cast<uint32_t>(c - '0');
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            out |= static_cast<uint32_t>((c | 0x20) - 'a' + 10);
        else
            return false;
    }
    return true;
}

} // namespace

template<typename Visitor>
bool JsonParser::walk(std::string_view line, std::string &path, Visitor &&visit) {
    Scanner sc{line, 0};
    path.clear();
    if (!walkObject(sc, path, 0, visit))
        return false;
    sc.ws();
    return sc.p == line.size();
}

std::string JsonParser::unescape(std::string_view body) {
    std::string out;
    out.reserve(body.size());
    for (size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (c != '\\' || i + 1 >= body.size()) {
            out += c;
            continue;
        }
        const char e = body[++i];
        switch (e) {
        case 'n':
            out += '\n';
            break;
        case 't':
            out += '\t';
            break;
        case 'r':
            out += '\r';
            break;
        case 'b':
            out += '\b';
            break;
        case 'f':
            out += '\f';
            break;
        case 'u': {
            uint32_t cp = 0;
            if (!hex4(body, i + 1, cp)) {
                out += "\xEF\xBF\xBD";
                break;
            }
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                uint32_t lo = 0;
                if (i + 2 < body.size() && body[i + 1] == '\\' && body[i + 2] == 'u' &&
                    hex4(body, i + 3, lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                } else {
                    cp = 0xFFFD;
                }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                cp = 0xFFFD;
            }
            appendUtf8(out, cp);
            break;
        }
        default:
            out += e; // \" \\ \/
        }
    }
    return out;
}

ParseResult JsonParser::parseHeader(std::string_view line, EventHeader &out) {
    bool timeFound = false, timeBad = false;
    const bool sample = m_sampled < 256;
    const bool ok = walk(line, m_path, [&](std::string_view name, const Value &v) {
        if (sample && std::find(m_names.begin(), m_names.end(), name) == m_names.end())
            m_names.emplace_back(name);
        const bool isTime = m_options.timeField.empty() ? isConventionalTimeName(name)
                                                        : name == m_options.timeField;
        if (isTime && !timeFound) {
            timeFound = true;
            if (v.kind == ValueKind::String || v.kind == ValueKind::Number)
                timeBad = !parseTimeValue(v.raw, out.time);
            else
                timeBad = true;
        }
        const bool isLevel = m_options.levelField.empty() ? isConventionalLevelName(name)
                                                          : name == m_options.levelField;
        if (isLevel && v.kind == ValueKind::String)
            out.severity = severityFromName(v.raw);
        if (name == "status" && v.kind == ValueKind::Number) {
            int64_t s = 0;
            if (parseInt64(v.raw, s) && s > 0 && s < 1000)
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

bool JsonParser::parseFields(std::string_view line, FieldList &out) const {
    out.clear();
    std::string path;
    bool timeFound = false;
    return walk(line, path, [&](std::string_view name, const Value &v) {
        Field f;
        f.name = out.keep(std::string(name));
        f.text = v.escaped ? out.keep(unescape(v.raw)) : v.raw;
        switch (v.kind) {
        case ValueKind::Null:
            f.type = FieldType::Null;
            break;
        case ValueKind::Bool:
            f.type = FieldType::Bool;
            f.i = v.raw == "true";
            break;
        case ValueKind::Array:
            f.type = FieldType::String;
            break;
        case ValueKind::Number:
            if (parseInt64(v.raw, f.i)) {
                f.type = FieldType::Int;
                f.f = static_cast<double>(f.i);
            } else {
                f.type = parseDouble(v.raw, f.f) ? FieldType::Float : FieldType::String;
            }
            break;
        case ValueKind::String:
            f.type = FieldType::String;
            break;
        }
        const bool isTime = m_options.timeField.empty() ? isConventionalTimeName(name)
                                                        : name == m_options.timeField;
        TimestampNs t;
        if (isTime && !timeFound && parseTimeValue(f.text, t)) {
            timeFound = true;
            f.type = FieldType::Time;
            f.i = t.value;
        }
        out.fields.push_back(f);
    });
}

std::unique_ptr<Parser> JsonParser::clone() const {
    return std::make_unique<JsonParser>(*this);
}

} // namespace weir::parse
