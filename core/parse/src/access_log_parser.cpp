// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/parse/access_log_parser.h"

#include "weir/common/time_util.h"
#include "weir/parse/field_types.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace weir::parse {

namespace {

inline bool isDigit(char c) {
    return static_cast<unsigned>(c - '0') < 10;
}

// Two or four ASCII digits at p, or -1.
inline int twoDigits(const char *p) {
    if (!isDigit(p[0]) || !isDigit(p[1]))
        return -1;
    return (p[0] - '0') * 10 + (p[1] - '0');
}

#if defined(__GNUC__)
#define WEIR_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define WEIR_ALWAYS_INLINE inline
#endif

// First position of `c` in s at or after `pos`, or npos. Reads 16 bytes at a time, never
// outside s (the last block is read ending at s.size() and its bits before `pos` dropped).
WEIR_ALWAYS_INLINE size_t findByte(std::string_view s, size_t pos, char c) {
#if defined(__SSE2__)
    const size_t n = s.size();
    const __m128i needle = _mm_set1_epi8(c);
    while (pos + 16 <= n) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(s.data() + pos));
        const auto m = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, needle)));
        if (m != 0)
            return pos + static_cast<size_t>(__builtin_ctz(m));
        pos += 16;
    }
    if (pos < n && n >= 16) {
        const size_t base = n - 16;
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(s.data() + base));
        const auto m =
            static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, needle))) >> (pos - base);
        return m != 0 ? pos + static_cast<size_t>(__builtin_ctz(m)) : std::string_view::npos;
    }
#endif
    while (pos < s.size() && s[pos] != c)
        ++pos;
    return pos < s.size() ? pos : std::string_view::npos;
}

// Position of the closing quote of a quoted field whose body starts at `pos`, skipping
// backslash-escaped quotes; npos if there is none.
WEIR_ALWAYS_INLINE size_t closingQuote(std::string_view s, size_t pos) {
    while (true) {
        const size_t q = findByte(s, pos, '"');
        if (q == std::string_view::npos || q == 0 || s[q - 1] != '\\')
            return q;
        // Count the backslashes just before the quote: an odd number escapes it.
        size_t bs = 0;
        while (q > bs && s[q - 1 - bs] == '\\')
            ++bs;
        if ((bs & 1) == 0)
            return q;
        pos = q + 1;
    }
}

// s[pos, pos + n) where the caller knows the range is inside s (substr checks and may throw,
// which keeps it out of line).
WEIR_ALWAYS_INLINE std::string_view view(std::string_view s, size_t pos, size_t n) {
    return std::string_view(s.data() + pos, n);
}

// Token up to the next space; advances pos past the space. False if there is no space.
WEIR_ALWAYS_INLINE bool token(std::string_view s, size_t &pos, std::string_view &out) {
    const size_t e = findByte(s, pos, ' ');
    if (e == std::string_view::npos)
        return false;
    out = view(s, pos, e - pos);
    pos = e + 1;
    return true;
}

// A quoted field at pos ("..."), pos advanced past the closing quote.
WEIR_ALWAYS_INLINE bool quoted(std::string_view s, size_t &pos, std::string_view &out) {
    if (pos >= s.size() || s[pos] != '"')
        return false;
    const size_t q = closingQuote(s, pos + 1);
    if (q == std::string_view::npos)
        return false;
    out = view(s, pos + 1, q - pos - 1);
    pos = q + 1;
    return true;
}

Severity severityForStatus(uint16_t status) {
    if (status >= 500)
        return Severity::Error;
    if (status >= 400)
        return Severity::Warning;
    return Severity::Info;
}

} // namespace

namespace {

// "dd/Mon/yyyy:HH:MM:SS" at p (20 bytes, separators already checked) as ns since the epoch in
// UTC, or false. Memoised per thread: consecutive lines almost always share the second, and
// nearly always the date.
WEIR_ALWAYS_INLINE bool apacheSecond(const char *p, int64_t &out) {
    struct Cache {
        uint64_t a = 0, b = 0; // bytes 0..15
        uint32_t c = 0;        // bytes 16..19
        bool valid = false;
        int64_t ns = 0;
        char dateKey[11] = {};
        int64_t days = 0;
    };
    thread_local Cache cache;
    uint64_t a, b;
    uint32_t c;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + 8, 8);
    std::memcpy(&c, p + 16, 4);
    if (cache.valid && a == cache.a && b == cache.b && c == cache.c) {
        out = cache.ns;
        return true;
    }
    int64_t days;
    if (std::memcmp(cache.dateKey, p, 11) == 0) {
        days = cache.days;
    } else {
        const int day = twoDigits(p);
        const unsigned month = monthFromAbbrev(std::string_view(p + 3, 3));
        const int y1 = twoDigits(p + 7), y2 = twoDigits(p + 9);
        if (day < 1 || day > 31 || month == 0 || y1 < 0 || y2 < 0)
            return false;
        days = daysFromCivil(y1 * 100 + y2, month, static_cast<unsigned>(day));
        if (!daysRepresentable(days))
            return false; // e.g. year 1000 or 9999: beyond TimestampNs
        std::memcpy(cache.dateKey, p, 11);
        cache.days = days;
    }
    const int hh = twoDigits(p + 12), mm = twoDigits(p + 15), ss = twoDigits(p + 18);
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
        return false;
    out = days * kNsPerDay + hh * kNsPerHour + mm * kNsPerMinute + ss * kNsPerSecond;
    cache.a = a;
    cache.b = b;
    cache.c = c;
    cache.ns = out;
    cache.valid = true;
    return true;
}

WEIR_ALWAYS_INLINE bool parseApacheTimeImpl(std::string_view s, TimestampNs &out) {
    // dd/Mon/yyyy:HH:MM:SS[ +zzzz]
    if (s.size() < 20 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' || s[17] != ':')
        return false;
    const char *p = s.data();
    int64_t local;
    if (!apacheSecond(p, local))
        return false;
    int64_t offset = 0;
    if (s.size() > 20) {
        // " +hhmm"
        if (s.size() != 26 || s[20] != ' ' || (s[21] != '+' && s[21] != '-'))
            return false;
        const int oh = twoDigits(p + 22), om = twoDigits(p + 24);
        if (oh < 0 || om < 0)
            return false;
        offset = (oh * kNsPerHour + om * kNsPerMinute) * (s[21] == '-' ? -1 : 1);
    }
    out = TimestampNs{local - offset};
    return true;
}

} // namespace

bool parseApacheTime(std::string_view s, TimestampNs &out) {
    return parseApacheTimeImpl(s, out);
}

namespace {

using Parts = AccessLogParser::Parts;

WEIR_ALWAYS_INLINE DeadLetterReason splitImpl(std::string_view line, Parts &out) {
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    size_t pos = 0;
    if (!token(line, pos, out.host) || out.host.empty() || !token(line, pos, out.ident))
        return DeadLetterReason::Malformed;
    // The user field can in theory hold spaces; the timestamp's '[' ends it.
    const size_t open = findByte(line, pos, '[');
    if (open == std::string_view::npos)
        return DeadLetterReason::Malformed;
    if (open == pos || line[open - 1] != ' ')
        return DeadLetterReason::Malformed;
    out.user = view(line, pos, open - 1 - pos);
    const size_t close = findByte(line, open, ']');
    if (close == std::string_view::npos)
        return DeadLetterReason::Malformed;
    out.timeText = view(line, open + 1, close - open - 1);
    pos = close + 1;
    if (pos >= line.size() || line[pos] != ' ')
        return DeadLetterReason::Malformed;
    ++pos;
    if (!quoted(line, pos, out.request) || pos >= line.size() || line[pos] != ' ')
        return DeadLetterReason::Malformed;
    ++pos;
    // Status: "200", or the seed variant "[200]".
    const bool bracketed = pos < line.size() && line[pos] == '[';
    out.bracketedStatus = bracketed;
    const size_t statusStart = pos + (bracketed ? 1 : 0);
    // Exactly three digits.
    const char *st = line.data() + statusStart;
    if (statusStart + 3 > line.size() || !isDigit(st[0]) || !isDigit(st[1]) || !isDigit(st[2]) ||
        (statusStart + 3 < line.size() && isDigit(st[3])))
        return DeadLetterReason::Malformed;
    size_t p = statusStart + 3;
    out.statusText = view(line, statusStart, 3);
    out.status =
        static_cast<uint16_t>((line[statusStart] - '0') * 100 + (line[statusStart + 1] - '0') * 10 +
                              (line[statusStart + 2] - '0'));
    if (bracketed) {
        if (p >= line.size() || line[p] != ']')
            return DeadLetterReason::Malformed;
        ++p;
    }
    if (p >= line.size() || line[p] != ' ')
        return DeadLetterReason::Malformed;
    pos = p + 1;
    // Bytes: digits or "-".
    const size_t bytesStart = pos;
    if (pos < line.size() && line[pos] == '-') {
        ++pos;
        out.bytes = -1;
    } else {
        // At most 18 digits (no overflow); a 19th makes the line malformed below.
        const char *const first = line.data() + bytesStart;
        const char *const limit = line.data() + std::min(line.size(), bytesStart + 18);
        const char *d = first;
        int64_t v = 0;
        while (d < limit && isDigit(*d)) {
            v = v * 10 + (*d - '0');
            ++d;
        }
        if (d == first)
            return DeadLetterReason::Malformed;
        pos = bytesStart + static_cast<size_t>(d - first);
        out.bytes = v;
    }
    out.bytesText = view(line, bytesStart, pos - bytesStart);
    out.hasReferer = false;
    out.referer = {};
    out.userAgent = {};
    if (pos == line.size())
        return parseApacheTimeImpl(out.timeText, out.time) ? DeadLetterReason::None
                                                           : DeadLetterReason::BadTimestamp;
    if (line[pos] != ' ')
        return DeadLetterReason::Malformed;
    ++pos;
    if (!quoted(line, pos, out.referer))
        return DeadLetterReason::Malformed;
    if (pos >= line.size() || line[pos] != ' ' || (++pos, !quoted(line, pos, out.userAgent)))
        return DeadLetterReason::Malformed;
    out.hasReferer = true;
    // Anything after the user agent (extra logged fields) is allowed and ignored here.
    if (pos < line.size() && line[pos] != ' ')
        return DeadLetterReason::Malformed;
    return parseApacheTimeImpl(out.timeText, out.time) ? DeadLetterReason::None
                                                       : DeadLetterReason::BadTimestamp;
}

} // namespace

DeadLetterReason AccessLogParser::split(std::string_view line, Parts &out) {
    return splitImpl(line, out);
}

std::string_view AccessLogParser::variantName(Variant v) {
    switch (v) {
    case Variant::Combined:
        return "combined";
    case Variant::Common:
        return "common";
    case Variant::Seed:
        return "seed";
    case Variant::VhostCombined:
        return "vhost-combined";
    }
    return "combined";
}

AccessLogParser::Variant AccessLogParser::shapeOf(const Parts &parts) {
    if (!parts.vhost.empty())
        return Variant::VhostCombined;
    if (parts.bracketedStatus)
        return Variant::Seed;
    return parts.hasReferer ? Variant::Combined : Variant::Common;
}

namespace {

WEIR_ALWAYS_INLINE DeadLetterReason splitLineImpl(AccessLogParser::Variant variant,
                                                  const TimeZoneSpec &zone, std::string_view line,
                                                  Parts &out) {
    out.vhost = {};
    if (variant == AccessLogParser::Variant::VhostCombined) {
        const size_t sp = line.find(' ');
        if (sp == std::string_view::npos || sp == 0)
            return DeadLetterReason::Malformed;
        out.vhost = line.substr(0, sp);
        line.remove_prefix(sp + 1);
    }
    const DeadLetterReason r = splitImpl(line, out);
    // A time without zone ("22/Nov/2021:10:15:32") is wall time in the configured zone.
    if (r == DeadLetterReason::None && out.timeText.size() == 20 &&
        zone.kind != TimeZoneSpec::Kind::Utc)
        out.time = zone.toUtc(out.time.value);
    return r;
}

} // namespace

DeadLetterReason AccessLogParser::splitLine(std::string_view line, Parts &out) const {
    return splitLineImpl(m_variant, m_zone, line, out);
}

ParseResult AccessLogParser::parseHeader(std::string_view line, EventHeader &out) {
    // The engine's hot path: the split is inlined here so that the views it does not need
    // are never stored.
    Parts parts;
    const DeadLetterReason r = splitLineImpl(m_variant, m_zone, line, parts);
    if (r != DeadLetterReason::None)
        return ParseResult::dead(r);
    out.time = parts.time;
    out.hasTime = true;
    out.status = parts.status;
    out.severity = severityForStatus(parts.status);
    return ParseResult::event();
}

bool AccessLogParser::parseFields(std::string_view line, FieldList &out) const {
    out.clear();
    Parts parts;
    if (splitLine(line, parts) != DeadLetterReason::None)
        return false;
    const auto str = [&](std::string_view name, std::string_view v) {
        Field f;
        f.name = name;
        f.type = v == "-" ? FieldType::Null : FieldType::String;
        f.text = v;
        out.fields.push_back(f);
    };
    const auto num = [&](std::string_view name, std::string_view text, int64_t v) {
        Field f;
        f.name = name;
        f.type = v < 0 ? FieldType::Null : FieldType::Int;
        f.text = text;
        f.i = v;
        f.f = static_cast<double>(v);
        out.fields.push_back(f);
    };
    Field t;
    t.name = "time";
    t.type = FieldType::Time;
    t.text = parts.timeText;
    t.i = parts.time.value;
    out.fields.push_back(t);
    if (!parts.vhost.empty())
        str("vhost", parts.vhost);
    Field host;
    host.name = "host";
    host.text = parts.host;
    inferFieldType(host);
    if (host.type != FieldType::Ip && host.type != FieldType::Null)
        host.type = FieldType::String;
    out.fields.push_back(host);
    str("ident", parts.ident);
    str("user", parts.user);
    // Request line: "METHOD PATH PROTOCOL" when it has that shape, else kept whole.
    std::string_view method, path, protocol;
    const size_t s1 = parts.request.find(' ');
    const size_t s2 = s1 == std::string_view::npos ? s1 : parts.request.rfind(' ');
    if (s1 != std::string_view::npos && s2 > s1) {
        method = parts.request.substr(0, s1);
        path = parts.request.substr(s1 + 1, s2 - s1 - 1);
        protocol = parts.request.substr(s2 + 1);
    } else {
        path = parts.request;
    }
    str("method", method.empty() ? std::string_view("-") : method);
    str("path", path);
    str("protocol", protocol.empty() ? std::string_view("-") : protocol);
    num("status", parts.statusText, parts.status);
    num("bytes", parts.bytesText, parts.bytes);
    if (parts.hasReferer) {
        str("referer", parts.referer);
        str("user_agent", parts.userAgent);
    }
    return true;
}

std::vector<std::string> AccessLogParser::fieldNames() const {
    std::vector<std::string> names = {"time",     "host",   "ident", "user",    "method",    "path",
                                      "protocol", "status", "bytes", "referer", "user_agent"};
    if (m_variant == Variant::VhostCombined)
        names.insert(names.begin() + 1, "vhost");
    return names;
}

std::unique_ptr<Parser> AccessLogParser::clone() const {
    return std::make_unique<AccessLogParser>(*this);
}

} // namespace weir::parse
