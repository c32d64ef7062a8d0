// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/parse/json_parser.h"

#include "weir/common/text.h"
#include "weir/parse/time_format.h"
#include "weir/parse/time_value.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace weir::parse {

namespace {

constexpr int kMaxDepth = 64;
// Lines whose header scan also samples column names.
constexpr size_t kSampleLines = 256;
// prepareLines: bytes per document stream, and streams per call (a few malformed lines each
// cost a restart; past the budget the remaining lines go line by line).
constexpr size_t kBatchBytes = size_t{1} << 18;
constexpr int kStreamBudget = 64;

// Integer fields taken as the HTTP status.
constexpr std::string_view kStatusNames[] = {"status", "http.status", "status_code"};
enum : uint8_t { kTimeName = 1, kLevelName = 2, kStatusName = 4 };

bool isJsonSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
using simdjson::dom::element;
using simdjson::dom::element_type;

// The fast header scan (JsonParser::fastHeader) leaves deeper documents to simdjson.
constexpr int kFastDepth = 32;

// The fast scan reads a copy of the line followed by kFastPadding zero bytes: it never checks
// for the end of the line, as no rule of the grammar accepts a NUL (one in the line itself
// stops the scan there, unsure); only the final position is compared with the end.
constexpr size_t kFastPadding = 64;

inline bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

inline void skipSpace(const char *&p) {
    // Every JSON blank is <= ' ': most bytes fail the first test.
    while (static_cast<unsigned char>(*p) <= ' ' && isJsonSpace(*p))
        ++p;
}

// A string's body, from just after its opening quote to the closing one (consumed). False
// (unsure) on an escape, a control byte (NUL: the end), any byte >= 0x80 (those take
// simdjson's exact path).
inline bool plainString(const char *&p, std::string_view &out) {
    const char *const start = p;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    for (;;) {
        // Stops at the padding at the latest.
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        // Signed compare: bytes >= 0x80 are negative, so "< 0x20" flags them too.
        const __m128i hit =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                         _mm_cmplt_epi8(v, space));
        const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
        if (mask != 0) {
            p += __builtin_ctz(mask);
            break;
        }
        p += 16;
    }
#else
    for (;; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
            break;
    }
#endif
    if (*p != '"')
        return false;
    out = std::string_view(start, static_cast<size_t>(p - start));
    ++p;
    return true;
}

// The fast scan's dotted-name buffer has this many bytes beyond the longest header name.
constexpr size_t kPathSlack = 32;

// Copies `name` (at most the longest header name long, so `dst` has room for 16 more bytes
// after it) to `dst`; names of up to 16 bytes as 16 bytes at once (those after the name are
// readable: the line's padding).
inline void copyName(char *dst, std::string_view name) {
    if (name.size() <= 16)
        std::memcpy(dst, name.data(), 16);
    else
        std::memcpy(dst, name.data(), name.size());
}

inline bool literal(const char *&p, const char (&word)[5]) {
    // The padding makes the 4 bytes readable.
    if (p[0] != word[0] || p[1] != word[1] || p[2] != word[2] || p[3] != word[3])
        return false;
    p += 4;
    return true;
}

// Copies `line` into `buf` with simdjson's required readable padding after it (zeros; the
// fast scan relies on them).
const char *padded(std::string &buf, std::string_view line) {
    const size_t need = line.size() + simdjson::SIMDJSON_PADDING;
    if (buf.size() < need)
        buf.resize(std::max(need, buf.size() * 2));
    std::memcpy(buf.data(), line.data(), line.size());
    std::memset(buf.data() + line.size(), 0, simdjson::SIMDJSON_PADDING);
    return buf.data();
}

Severity numericLevel(int64_t v) {
    // bunyan / pino: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal.
    switch (v) {
    case 10:
        return Severity::Trace;
    case 20:
        return Severity::Debug;
    case 30:
        return Severity::Info;
    case 40:
        return Severity::Warning;
    case 50:
        return Severity::Error;
    case 60:
        return Severity::Critical;
    default:
        return Severity::Unknown;
    }
}

bool isoShaped(std::string_view v) {
    return v.size() >= 19 && v[4] == '-' && v[7] == '-' && (v[10] == 'T' || v[10] == ' ') &&
           v[0] >= '0' && v[0] <= '9';
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

struct JsonParser::HeaderScan {
    EventHeader *out;
    bool sample;
    bool timeFound = false, timeBad = false;
    bool shapeFound = false;
    TimestampNs shapeTime;
};

// A field's value as the header looks at it (objects are walked, not valued).
struct JsonParser::Value {
    enum Kind : uint8_t { String, Int, UInt, Double, Bool, Null, Array };
    Kind kind = Null;
    // String: the (unescaped) value. Double from the fast scan: its digits, no exponent.
    std::string_view text;
    int64_t i = 0;  // Int
    uint64_t u = 0; // UInt
    double d = 0;   // Double from simdjson

    // Int, UInt and Double as a double (simdjson's get_double; both round correctly).
    double number() const {
        if (kind == Int)
            return static_cast<double>(i);
        if (kind == UInt)
            return static_cast<double>(u);
        if (text.empty())
            return d;
        double v = 0;
        std::from_chars(text.data(), text.data() + text.size(), v);
        return v;
    }
    // simdjson's get_int64: Int, or a UInt that fits.
    bool int64(int64_t &out) const {
        if (kind == Int)
            out = i;
        else if (kind == UInt && u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            out = static_cast<int64_t>(u);
        else
            return false;
        return true;
    }
};

// A name of 1 to 16 bytes as two words (overlapping loads): for names of the same length,
// equal keys mean equal names.
struct JsonParser::NameKey {
    uint64_t a = 0, b = 0;

    static NameKey of(std::string_view n) {
        NameKey k;
        const char *p = n.data();
        const size_t size = n.size();
        if (size >= 8 && size <= 16) {
            std::memcpy(&k.a, p, 8);
            std::memcpy(&k.b, p + size - 8, 8);
        } else if (size >= 4 && size < 8) {
            uint32_t x = 0, y = 0;
            std::memcpy(&x, p, 4);
            std::memcpy(&y, p + size - 4, 4);
            k.a = x;
            k.b = y;
        } else if (size > 0 && size < 4) {
            // Bytes 0, size/2 and size-1 cover 1 to 3 bytes.
            k.a = static_cast<unsigned char>(p[0]) |
                  (uint64_t{static_cast<unsigned char>(p[size / 2])} << 8);
            k.b = static_cast<unsigned char>(p[size - 1]);
        }
        return k;
    }
    bool operator==(const NameKey &o) const { return a == o.a && b == o.b; }
};

struct JsonParser::HeaderName {
    std::string name;
    NameKey key; // for names of up to 16 bytes
    uint8_t flags;
};

struct JsonParser::Cursor {
    const char *p;
    const char *end;
};

JsonParser::JsonParser()
    : m_parser(std::make_unique<simdjson::dom::parser>()) {
#ifdef SIMDJSON_THREADS_ENABLED
    m_parser->threaded = false; // document streams run on the engine thread only
#endif
    initHeaderNames();
}

JsonParser::JsonParser(Options options)
    : JsonParser() {
    m_time.field = std::move(options.timeField);
    m_levelField = std::move(options.levelField);
    initHeaderNames();
}

JsonParser::JsonParser(const FormatOptions &options)
    : JsonParser() {
    m_time.init(options, nullptr);
    m_levelField = options.levelField;
    initHeaderNames();
}

JsonParser::JsonParser(const JsonParser &other)
    : Parser()
    , m_levelField(other.m_levelField)
    , m_time(other.m_time)
    , m_parser(std::make_unique<simdjson::dom::parser>())
    , m_names(other.m_names)
    , m_sampled(other.m_sampled)
    , m_maxHeaderName(other.m_maxHeaderName)
    , m_fastScan(other.m_fastScan) {
    std::copy(std::begin(other.m_nameFilter), std::end(other.m_nameFilter), m_nameFilter);
    std::copy(std::begin(other.m_headerNames), std::end(other.m_headerNames), m_headerNames);
#ifdef SIMDJSON_THREADS_ENABLED
    m_parser->threaded = false;
#endif
}

void JsonParser::initHeaderNames() {
    // Conventional time names are at most 10 bytes, level names 9, status names 11
    // ("http.status", "status_code").
    m_maxHeaderName = std::max({size_t{11}, m_time.field.size(), m_levelField.size()});
    std::fill(std::begin(m_nameFilter), std::end(m_nameFilter), uint64_t{0});
    // The names the header takes, with what it takes each as (time, level, status): the same
    // answers as the predicates (test NameListsMatchThePredicates checks the lists).
    for (auto &names : m_headerNames)
        names.clear();
    const auto add = [this](std::string_view name, uint8_t flag) {
        if (!name.empty() && name.size() < 64)
            m_nameFilter[name.size()] |= uint64_t{1} << (static_cast<unsigned char>(name[0]) & 63);
        auto &names = m_headerNames[std::min(name.size(), size_t{64})];
        for (HeaderName &n : names) {
            if (n.name == name) {
                n.flags |= flag;
                return;
            }
        }
        names.push_back({std::string(name), NameKey::of(name), flag});
    };
    if (m_time.field.empty()) {
        for (const std::string_view n : kConventionalTimeNames)
            add(n, kTimeName);
    } else {
        add(m_time.field, kTimeName);
    }
    if (m_levelField.empty()) {
        for (const std::string_view n : kConventionalLevelNames)
            add(n, kLevelName);
    } else {
        add(m_levelField, kLevelName);
    }
    for (const std::string_view n : kStatusNames)
        add(n, kStatusName);
}

inline uint8_t JsonParser::nameFlags(std::string_view name) const {
    // Most names fail the filter: that test is inlined, the exact one is not.
    if (name.empty() ||
        (name.size() < 64 &&
         !((m_nameFilter[name.size()] >> (static_cast<unsigned char>(name[0]) & 63)) & 1)))
        return 0;
    return exactNameFlags(name);
}

uint8_t JsonParser::exactNameFlags(std::string_view name) const {
    const auto &names = m_headerNames[std::min(name.size(), size_t{64})];
    if (name.size() <= 16) {
        const NameKey key = NameKey::of(name);
        for (const HeaderName &n : names) {
            if (n.key == key)
                return n.flags;
        }
        return 0;
    }
    for (const HeaderName &n : names) {
        if (n.name == name)
            return n.flags;
    }
    return 0;
}

JsonParser::~JsonParser() = default;

void JsonParser::scanHeader(const void *elementPtr, HeaderScan &scan, int depth, bool named) {
    const element &obj = *static_cast<const element *>(elementPtr);
    const size_t base = m_pathLen;
    simdjson::dom::object object;
    if (obj.get_object().get(object) != simdjson::SUCCESS)
        return;
    const auto end = object.end();
    for (auto it = object.begin(); it != end; ++it) {
        // Top-level names are used as they are; nested ones are built in m_path, unless the
        // name is too long to be one the header looks for (and no column sample is taken):
        // such fields still count for the ISO-shape time fallback, nameless.
        const std::string_view key = it.key();
        std::string_view name = key;
        bool fieldNamed = named;
        if (depth > 0 && named) {
            const size_t len = base + 1 + key.size();
            fieldNamed = scan.sample || len <= m_maxHeaderName;
            if (fieldNamed) {
                // m_path is a scratch buffer (no per-field string calls): "parent.key".
                if (m_path.size() < len)
                    m_path.resize(std::max(len, 2 * m_path.size()));
                m_path[base] = '.';
                std::memcpy(&m_path[base + 1], key.data(), key.size());
                m_pathLen = len;
                name = std::string_view(m_path.data(), len);
            } else {
                name = {};
            }
        } else if (depth > 0) {
            name = {};
        }
        const element v = it.value();
        const element_type type = v.type();
        if (type == element_type::OBJECT) {
            if (depth < kMaxDepth) {
                if (depth == 0) {
                    if (m_path.size() < name.size())
                        m_path.resize(std::max(name.size(), 2 * m_path.size()));
                    std::memcpy(m_path.data(), name.data(), name.size());
                    m_pathLen = name.size();
                }
                // Nameless children matter only while the ISO-shape fallback may apply.
                if (fieldNamed || (!scan.timeFound && !scan.shapeFound && m_time.field.empty()))
                    scanHeader(&v, scan, depth + 1, fieldNamed);
            }
            m_pathLen = base;
            continue;
        }
        Value value;
        switch (type) {
        case element_type::STRING:
            value.kind = Value::String;
            value.text = v.get_string().value_unsafe();
            break;
        case element_type::INT64:
            value.kind = Value::Int;
            value.i = v.get_int64().value_unsafe();
            break;
        case element_type::UINT64:
            value.kind = Value::UInt;
            value.u = v.get_uint64().value_unsafe();
            break;
        case element_type::DOUBLE:
            value.kind = Value::Double;
            value.d = v.get_double().value_unsafe();
            break;
        case element_type::BOOL:
            value.kind = Value::Bool;
            break;
        case element_type::NULL_VALUE:
            value.kind = Value::Null;
            break;
        default:
            value.kind = Value::Array;
            break;
        }
        headerValue(scan, name, depth, value);
    }
    m_pathLen = base;
}

inline bool JsonParser::timeValue(std::string_view text, TimestampNs &out) {
    // The common shape, its minute cached (the same value as parseValue gives it: a text this
    // accepts has no blanks to trim and is read by parseIsoTimestampFast first).
    if (m_time.format.empty() && parseIsoTimestampCached(text, out, m_isoMinute))
        return true;
    return m_time.parseValue(text, out);
}

void JsonParser::headerValue(HeaderScan &scan, std::string_view name, int depth, const Value &v) {
    if (name.empty() && depth > 0) {
        // Nameless: only the ISO-shape fallback can use it.
        headerShape(scan, v);
        return;
    }
    if (scan.sample && std::find(m_names.begin(), m_names.end(), name) == m_names.end())
        m_names.emplace_back(name);
    headerNamedValue(scan, nameFlags(name), v);
}

inline void JsonParser::headerShape(HeaderScan &scan, const Value &v) {
    if (v.kind == Value::String && !scan.timeFound && !scan.shapeFound && m_time.field.empty()) {
        if (isoShaped(v.text) && timeValue(v.text, scan.shapeTime))
            scan.shapeFound = true;
    }
}

void JsonParser::headerNamedValue(HeaderScan &scan, uint8_t flags, const Value &v) {
    // Only the first time field counts.
    if (!scan.timeFound && (flags & kTimeName)) {
        scan.timeFound = true;
        if (v.kind == Value::String)
            scan.timeBad = !timeValue(v.text, scan.out->time);
        else if (v.kind == Value::Int || v.kind == Value::UInt || v.kind == Value::Double)
            scan.timeBad = !timeFromEpochNumber(v.number(), scan.out->time);
        else
            scan.timeBad = true;
        return;
    }
    if (flags & kLevelName) {
        int64_t n = 0;
        if (v.kind == Value::String)
            scan.out->severity = severityFromWord(v.text);
        else if (v.int64(n))
            scan.out->severity = numericLevel(n);
        return;
    }
    if (v.kind == Value::String) {
        headerShape(scan, v);
    } else if (flags & kStatusName) {
        int64_t s = 0;
        if (v.int64(s) && s > 0 && s < 1000)
            scan.out->status = static_cast<uint16_t>(s);
    }
}

bool JsonParser::fastScalar(Cursor &c, int depth, Value &v) {
    const char *&p = c.p;
    switch (*p) {
    case '"':
        ++p;
        v.kind = Value::String;
        return plainString(p, v.text);
    case '[':
        ++p;
        v.kind = Value::Array;
        return fastArray(c, depth + 1);
    case 't':
        v.kind = Value::Bool;
        return literal(p, "true");
    case 'f':
        v.kind = Value::Bool;
        return *p++ == 'f' && literal(p, "alse");
    case 'n':
        v.kind = Value::Null;
        return literal(p, "null");
    default:
        break;
    }
    // A number: no exponent, at most 18 digits, not "-0" (so simdjson's value and type are
    // certain: an int64, or a double read by from_chars, both correctly rounded).
    const char *const start = p;
    const bool negative = *p == '-';
    if (negative)
        ++p;
    uint64_t n = 0;
    int digits = 0;
    if (*p == '0') {
        ++p;
        digits = 1;
        if (isDigit(*p))
            return false; // a leading zero: invalid
    } else if (isDigit(*p)) {
        for (; isDigit(*p); ++p) {
            if (++digits > 18)
                return false;
            n = n * 10 + static_cast<uint64_t>(*p - '0');
        }
    } else {
        return false;
    }
    if (*p == '.') {
        ++p;
        const char *const fraction = p;
        for (; isDigit(*p); ++p) {
            if (++digits > 18)
                return false;
        }
        if (p == fraction || (*p | 0x20) == 'e')
            return false;
        v.kind = Value::Double;
        v.text = std::string_view(start, static_cast<size_t>(p - start));
        return true;
    }
    if ((*p | 0x20) == 'e' || (negative && n == 0))
        return false;
    v.kind = Value::Int;
    v.i = negative ? -static_cast<int64_t>(n) : static_cast<int64_t>(n);
    return true;
}

bool JsonParser::fastArray(Cursor &c, int depth) {
    if (depth >= kFastDepth)
        return false;
    skipSpace(c.p);
    if (*c.p == ']') {
        ++c.p;
        return true;
    }
    for (;;) {
        if (*c.p == '{') {
            ++c.p;
            if (!fastObject(c, nullptr, depth + 1, false))
                return false;
        } else {
            Value ignored;
            if (!fastScalar(c, depth, ignored))
                return false;
        }
        skipSpace(c.p);
        if (*c.p == ']') {
            ++c.p;
            return true;
        }
        if (*c.p != ',')
            return false;
        ++c.p;
        skipSpace(c.p);
    }
}

bool JsonParser::fastObject(Cursor &c, HeaderScan *scan, int depth, bool named) {
    if (depth >= kFastDepth)
        return false;
    // As scanHeader, for the fields of an object it would walk (scan != nullptr).
    const size_t base = m_pathLen;
    skipSpace(c.p);
    if (*c.p == '}') {
        ++c.p;
        return true;
    }
    for (;;) {
        if (*c.p != '"')
            return false;
        ++c.p;
        std::string_view key;
        if (!plainString(c.p, key))
            return false;
        if (*c.p != ':') {
            skipSpace(c.p);
            if (*c.p != ':')
                return false;
        }
        ++c.p;
        skipSpace(c.p);
        std::string_view name = key;
        bool fieldNamed = named;
        if (scan != nullptr) {
            if (depth > 0 && named) {
                const size_t len = base + 1 + key.size();
                fieldNamed = len <= m_maxHeaderName; // no column sample here
                if (fieldNamed) {
                    // m_path holds m_maxHeaderName + kPathSlack bytes (fastHeader) and 16
                    // bytes from the key are readable (the line's zero padding): short keys
                    // are copied 16 bytes at once, without a call.
                    m_path[base] = '.';
                    copyName(&m_path[base + 1], key);
                    m_pathLen = len;
                    name = std::string_view(m_path.data(), len);
                } else {
                    name = {};
                }
            } else if (depth > 0) {
                name = {};
            }
        }
        if (*c.p == '{') {
            ++c.p;
            HeaderScan *inner = nullptr;
            if (scan != nullptr && depth < kMaxDepth) {
                if (depth == 0) {
                    if (name.size() > m_maxHeaderName) {
                        // No name under it is short enough to be a header name.
                        m_pathLen = name.size();
                    } else {
                        copyName(m_path.data(), name);
                        m_pathLen = name.size();
                    }
                }
                if (fieldNamed || (!scan->timeFound && !scan->shapeFound && m_time.field.empty()))
                    inner = scan;
            }
            if (!fastObject(c, inner, depth + 1, fieldNamed))
                return false;
            m_pathLen = base;
        } else {
            Value value;
            if (*c.p == '"') {
                // Most values are strings: no call.
                ++c.p;
                value.kind = Value::String;
                if (!plainString(c.p, value.text))
                    return false;
            } else if (!fastScalar(c, depth, value)) {
                return false;
            }
            if (scan != nullptr) {
                // headerValue without the column sample (over here), its name test made once.
                if (name.empty() && depth > 0) {
                    headerShape(*scan, value);
                } else {
                    const uint8_t flags = nameFlags(name);
                    if (flags != 0)
                        headerNamedValue(*scan, flags, value);
                    else
                        headerShape(*scan, value);
                }
            }
        }
        if (*c.p == ',') {
            ++c.p;
            if (*c.p != '"')
                skipSpace(c.p);
            continue;
        }
        skipSpace(c.p);
        if (*c.p == '}') {
            ++c.p;
            break;
        }
        if (*c.p != ',')
            return false;
        ++c.p;
        skipSpace(c.p);
    }
    m_pathLen = base;
    return true;
}

bool JsonParser::fastHeader(std::string_view line, EventHeader &out, ParseResult &result) {
    static_assert(simdjson::SIMDJSON_PADDING >= kFastPadding);
    // `line` is a copy made by padded(): zeros follow it.
    Cursor c{line.data(), line.data() + line.size()};
    skipSpace(c.p);
    if (*c.p != '{')
        return false;
    ++c.p;
    EventHeader header = out; // untouched unless the scan is sure
    HeaderScan scan;
    scan.out = &header;
    scan.sample = false;
    m_pathLen = 0;
    if (m_path.size() < m_maxHeaderName + kPathSlack)
        m_path.resize(m_maxHeaderName + kPathSlack);
    if (!fastObject(c, &scan, 0, true))
        return false;
    skipSpace(c.p);
    if (c.p != c.end)
        return false;
    result = finishHeader(scan, header);
    out = header;
    ++m_fastLines;
    return true;
}

ParseResult JsonParser::finishHeader(HeaderScan &scan, EventHeader &out) {
    if (scan.timeBad)
        return ParseResult::dead(DeadLetterReason::BadTimestamp);
    if (!scan.timeFound && scan.shapeFound) {
        out.time = scan.shapeTime;
        scan.timeFound = true;
    }
    out.hasTime = scan.timeFound;
    return ParseResult::event();
}

ParseResult JsonParser::headerOf(const void *root, EventHeader &out, bool sample) {
    HeaderScan scan;
    scan.out = &out;
    scan.sample = sample;
    m_pathLen = 0;
    scanHeader(root, scan, 0, true);
    return finishHeader(scan, out);
}

ParseResult JsonParser::parseHeader(std::string_view line, EventHeader &out) {
    if (m_preparedNext < m_prepared.size()) {
        // Prepared lines come in order; the engine may skip some (blank, not UTF-8).
        const auto at = reinterpret_cast<uintptr_t>(line.data());
        while (m_preparedNext < m_prepared.size() && m_prepared[m_preparedNext].data < at)
            ++m_preparedNext;
        if (m_preparedNext < m_prepared.size() && m_prepared[m_preparedNext].data == at &&
            m_prepared[m_preparedNext].size == line.size()) {
            const Prepared &p = m_prepared[m_preparedNext++];
            ++m_batchedLines;
            out = p.header;
            return p.result;
        }
    }
    const char *buf = padded(m_padded, line);
    if (m_fastScan && m_sampled >= kSampleLines) {
        ParseResult result;
        if (fastHeader(std::string_view(buf, line.size()), out, result))
            return result;
    }
    element root;
    if (m_parser->parse(buf, line.size(), false).get(root) != simdjson::SUCCESS ||
        root.type() != element_type::OBJECT)
        return ParseResult::dead(DeadLetterReason::Malformed);
    const bool sample = m_sampled < kSampleLines;
    if (sample)
        ++m_sampled;
    return headerOf(&root, out, sample);
}

void JsonParser::prepareLines(const std::string_view *lines, size_t count) {
    m_prepared.clear();
    m_preparedNext = 0;
    // While column names are sampled, parseHeader has side effects: line by line.
    if (count == 0 || m_sampled < kSampleLines)
        return;
    int budget = kStreamBudget;
    size_t i = 0;
    while (i < count && budget > 0) {
        // One stream over at most kBatchBytes of lines (longer lines go line by line).
        m_entries.clear();
        m_batch.clear();
        for (; i < count; ++i) {
            std::string_view l = lines[i];
            if (!l.empty() && l.back() == '\r')
                l.remove_suffix(1); // as the engine passes it
            if (m_fastScan) {
                Prepared result{};
                result.data = reinterpret_cast<uintptr_t>(l.data());
                result.size = l.size();
                if (fastHeader(std::string_view(padded(m_padded, l), l.size()), result.header,
                               result.result)) {
                    m_prepared.push_back(result);
                    continue;
                }
            }
            if (l.size() > kBatchBytes / 4)
                continue;
            if (m_batch.size() + l.size() + 1 > kBatchBytes)
                break;
            size_t first = 0;
            while (first < l.size() && isJsonSpace(l[first]))
                ++first;
            if (first == l.size())
                continue; // blank: no document; the engine does not parse it either
            m_entries.push_back({l.data(), l.size(), m_batch.size(), m_batch.size() + first});
            m_batch.append(l.data(), l.size());
            m_batch.push_back('\n');
        }
        if (m_entries.empty())
            continue;
        m_batch.append(simdjson::SIMDJSON_PADDING, '\0');
        streamEntries(0, m_entries.size(), budget);
    }
    // The fast scan's results and the streams' come interleaved: parseHeader wants line order.
    const auto byLine = [](const Prepared &a, const Prepared &b) { return a.data < b.data; };
    if (!std::is_sorted(m_prepared.begin(), m_prepared.end(), byLine))
        std::sort(m_prepared.begin(), m_prepared.end(), byLine);
}

void JsonParser::streamEntries(size_t begin, size_t end, int &budget) {
    while (begin < end && budget-- > 0) {
        const Entry &firstEntry = m_entries[begin];
        const Entry &lastEntry = m_entries[end - 1];
        const auto *base = reinterpret_cast<const uint8_t *>(m_batch.data() + firstEntry.start);
        const size_t len = lastEntry.start + lastEntry.size - firstEntry.start;
        simdjson::dom::document_stream stream;
        if (m_parser->parse_many(base, len, kBatchBytes).get(stream) != simdjson::SUCCESS)
            return;
        // A line's result is kept when its document starts at the line's first non-blank byte
        // and ends on the line, followed by blanks only: then stage 1 saw the line as a parse
        // of the line alone would (no string open before it), and stage 2 read only its bytes.
        size_t next = begin; // the entry the next document must start
        bool failed = false;
        for (auto it = stream.begin(); it != stream.end(); ++it) {
            element root;
            const simdjson::error_code error = (*it).get(root);
            if (error != simdjson::SUCCESS && next == begin &&
                (error == simdjson::UTF8_ERROR || error == simdjson::UNCLOSED_STRING ||
                 error == simdjson::UNESCAPED_CHARS || error == simdjson::CAPACITY)) {
                // Stage 1 failed over the whole stream (one line not UTF-8, an odd quote):
                // halve it; a single line is left to the line-by-line path.
                if (end - begin > 1) {
                    const size_t mid = begin + (end - begin) / 2;
                    streamEntries(begin, mid, budget);
                    streamEntries(mid, end, budget);
                }
                return;
            }
            const size_t at = firstEntry.start + it.current_index();
            if (next == end || at != m_entries[next].first) {
                failed = true; // a document that is not the next line's: start afresh there
                break;
            }
            const Entry &entry = m_entries[next++];
            if (error != simdjson::SUCCESS) {
                failed = true; // this line's own error: the line-by-line path reports it
                break;
            }
            if (root.type() != element_type::OBJECT)
                continue;
            const size_t docEnd = at + it.source().size();
            const size_t lineEnd = entry.start + entry.size;
            if (docEnd > lineEnd ||
                !std::all_of(m_batch.begin() + static_cast<ptrdiff_t>(docEnd),
                             m_batch.begin() + static_cast<ptrdiff_t>(lineEnd), isJsonSpace))
                continue;
            Prepared result{};
            result.data = reinterpret_cast<uintptr_t>(entry.data);
            result.size = entry.size;
            result.result = headerOf(&root, result.header, false);
            m_prepared.push_back(result);
        }
        if (!failed && next == end)
            return;
        // Restart after the last line looked at (progress: at least one line).
        begin = std::max(next, begin + 1);
    }
}

bool JsonParser::parseFields(std::string_view line, FieldList &out) const {
    out.clear();
    // Any thread: a parser and buffer per thread.
    thread_local simdjson::dom::parser parser;
    thread_local std::string buf;
    const char *p = padded(buf, line);
    element root;
    if (parser.parse(p, line.size(), false).get(root) != simdjson::SUCCESS ||
        root.type() != element_type::OBJECT)
        return false;
    bool timeFound = false;
    int shapeIndex = -1;
    std::string path;
    std::string text;
    const auto visit = [&](auto &self, const element &obj, int depth) -> void {
        const size_t base = path.size();
        simdjson::dom::object object;
        if (obj.get_object().get(object) != simdjson::SUCCESS)
            return;
        for (const auto field : object) {
            path.resize(base);
            if (base > 0)
                path += '.';
            path.append(field.key.data(), field.key.size());
            const element v = field.value;
            const element_type type = v.type();
            if (type == element_type::OBJECT) {
                if (depth < kMaxDepth)
                    self(self, v, depth + 1);
                continue;
            }
            Field f;
            f.name = out.keep(path);
            switch (type) {
            case element_type::STRING:
                f.type = FieldType::String;
                f.text = out.keep(std::string(v.get_string().value_unsafe()));
                break;
            case element_type::INT64:
                f.type = FieldType::Int;
                f.i = v.get_int64().value_unsafe();
                f.f = static_cast<double>(f.i);
                f.text = out.keep(std::to_string(f.i));
                break;
            case element_type::UINT64: {
                const uint64_t u = v.get_uint64().value_unsafe();
                f.type = FieldType::Float;
                f.f = static_cast<double>(u);
                f.text = out.keep(std::to_string(u));
                break;
            }
            case element_type::DOUBLE:
                f.type = FieldType::Float;
                f.f = v.get_double().value_unsafe();
                text.clear();
                appendDouble(text, f.f);
                f.text = out.keep(text);
                break;
            case element_type::BOOL:
                f.type = FieldType::Bool;
                f.i = v.get_bool().value_unsafe();
                f.text = f.i ? "true" : "false";
                break;
            case element_type::NULL_VALUE:
                f.type = FieldType::Null;
                f.text = "null";
                break;
            default: // ARRAY
                f.type = FieldType::String;
                f.text = out.keep(simdjson::minify(v));
                break;
            }
            const std::string_view name = f.name;
            const bool isTime =
                m_time.field.empty() ? isConventionalTimeName(name) : name == m_time.field;
            TimestampNs t;
            if (isTime && !timeFound) {
                const bool ok = f.type == FieldType::String
                                    ? m_time.parseValue(f.text, t)
                                    : (f.type == FieldType::Int || f.type == FieldType::Float) &&
                                          timeFromEpochNumber(f.f, t);
                if (ok) {
                    timeFound = true;
                    f.type = FieldType::Time;
                    f.i = t.value;
                }
            } else if (f.type == FieldType::String && shapeIndex < 0 && m_time.field.empty() &&
                       isoShaped(f.text)) {
                shapeIndex = static_cast<int>(out.fields.size());
            }
            out.fields.push_back(f);
        }
        path.resize(base);
    };
    visit(visit, root, 0);
    if (!timeFound && shapeIndex >= 0) {
        Field &f = out.fields[static_cast<size_t>(shapeIndex)];
        TimestampNs t;
        if (m_time.parseValue(f.text, t)) {
            f.type = FieldType::Time;
            f.i = t.value;
        }
    }
    return true;
}

std::unique_ptr<Parser> JsonParser::clone() const {
    return std::make_unique<JsonParser>(*this);
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

} // namespace weir::parse
