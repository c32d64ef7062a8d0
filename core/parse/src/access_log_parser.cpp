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
    while (pos + 32 <= n) { // two blocks per step: one test for both
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i *>(s.data() + pos));
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i *>(s.data() + pos + 16));
        const __m128i ea = _mm_cmpeq_epi8(a, needle);
        const __m128i eb = _mm_cmpeq_epi8(b, needle);
        if (_mm_movemask_epi8(_mm_or_si128(ea, eb)) != 0) {
            const auto m = static_cast<uint32_t>(_mm_movemask_epi8(ea)) |
                           static_cast<uint32_t>(_mm_movemask_epi8(eb)) << 16;
            return pos + static_cast<size_t>(__builtin_ctz(m));
        }
        pos += 32;
    }
    if (pos + 16 <= n) {
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

// Length of the run of ASCII digits at p, at most `max` (which must not pass the end of the
// readable bytes). Eight bytes at a time while they are readable.
WEIR_ALWAYS_INLINE size_t digitRun(const char *p, size_t max) {
    size_t n = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    while (n + 8 <= max) {
        uint64_t x;
        std::memcpy(&x, p + n, 8);
        // Per byte: non-zero unless the high nibble is 3 and the low nibble is at most 9.
        const uint64_t bad =
            ((x & 0xF0F0F0F0F0F0F0F0ULL) ^ 0x3030303030303030ULL) |
            (((x & 0x0F0F0F0F0F0F0F0FULL) + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL);
        if (bad != 0)
            return n + static_cast<size_t>(__builtin_ctzll(bad)) / 8;
        n += 8;
    }
#endif
    while (n < max && isDigit(p[n]))
        ++n;
    return n;
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

// Per-thread memo of the last timestamps parsed: consecutive lines almost always share the
// second (and nearly always the date). Keys are texts that parsed, so a hit needs no checks.
struct TimeCache {
    // "dd/Mon/yyyy:HH:MM:SS" (20 bytes) -> that wall time read as UTC, in ns.
    uint64_t s0 = 0, s1 = 0;
    uint32_t s2 = 0;
    bool sValid = false;
    int64_t sNs = 0;
    // "dd/Mon/yyyy:HH:MM:SS +hhmm" (26 bytes) -> ns since the epoch.
    uint64_t z0 = 0, z1 = 0, z2 = 0;
    uint16_t z3 = 0;
    bool zValid = false;
    int64_t zNs = 0;
    // "dd/Mon/yyyy" -> days since the epoch.
    char dateKey[11] = {};
    int64_t days = 0;
};
thread_local TimeCache t_timeCache;

template<typename T>
WEIR_ALWAYS_INLINE T load(const char *p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// The 20 bytes at p are the last zone-less time parsed: its value.
WEIR_ALWAYS_INLINE bool cachedSecond(const char *p, int64_t &out) {
    const TimeCache &c = t_timeCache;
    if (!c.sValid || load<uint64_t>(p) != c.s0 || load<uint64_t>(p + 8) != c.s1 ||
        load<uint32_t>(p + 16) != c.s2)
        return false;
    out = c.sNs;
    return true;
}

// The 26 bytes at p are the last time with zone parsed: its value.
WEIR_ALWAYS_INLINE bool cachedZoned(const char *p, int64_t &out) {
    const TimeCache &c = t_timeCache;
    if (!c.zValid || load<uint64_t>(p) != c.z0 || load<uint64_t>(p + 8) != c.z1 ||
        load<uint64_t>(p + 16) != c.z2 || load<uint16_t>(p + 24) != c.z3)
        return false;
    out = c.zNs;
    return true;
}

// "dd/Mon/yyyy:HH:MM:SS" at p (20 bytes, separators already checked) as ns, the wall time
// read as UTC, or false.
bool apacheSecond(const char *p, int64_t &out) {
    if (cachedSecond(p, out))
        return true;
    TimeCache &cache = t_timeCache;
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
    cache.s0 = load<uint64_t>(p);
    cache.s1 = load<uint64_t>(p + 8);
    cache.s2 = load<uint32_t>(p + 16);
    cache.sNs = out;
    cache.sValid = true;
    return true;
}

WEIR_ALWAYS_INLINE bool parseApacheTimeImpl(std::string_view s, TimestampNs &out) {
    // dd/Mon/yyyy:HH:MM:SS[ +zzzz]
    const char *p = s.data();
    int64_t v;
    if (s.size() == 26 && cachedZoned(p, v)) {
        out = TimestampNs{v};
        return true;
    }
    if (s.size() < 20 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' || s[17] != ':')
        return false;
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
        TimeCache &cache = t_timeCache;
        cache.z0 = load<uint64_t>(p);
        cache.z1 = load<uint64_t>(p + 8);
        cache.z2 = load<uint64_t>(p + 16);
        cache.z3 = load<uint16_t>(p + 24);
        cache.zNs = local - offset;
        cache.zValid = true;
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

// The last step of a split: the time, known already from the cache or parsed now.
WEIR_ALWAYS_INLINE DeadLetterReason timeResult(bool known, int64_t knownTime, Parts &out) {
    if (known) {
        out.time = TimestampNs{knownTime};
        return DeadLetterReason::None;
    }
    return parseApacheTimeImpl(out.timeText, out.time) ? DeadLetterReason::None
                                                       : DeadLetterReason::BadTimestamp;
}

WEIR_ALWAYS_INLINE DeadLetterReason splitImpl(std::string_view line, Parts &out) {
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    size_t pos = 0;
    size_t open = std::string_view::npos;
    bool prefixDone = false;
#if defined(__SSE2__)
    if (line.size() >= 32) {
        // Host, ident and the '[' usually lie in the first 32 bytes: find them all in one go
        // (the same first space, second space and first '[' after it as below).
        const __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i *>(line.data()));
        const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i *>(line.data() + 16));
        const auto mask = [&](char c) {
            const __m128i n = _mm_set1_epi8(c);
            return static_cast<uint64_t>(
                static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v0, n))) |
                static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v1, n))) << 16);
        };
        const uint64_t spaces = mask(' ');
        const uint64_t second = spaces & (spaces - 1);
        if (second != 0) {
            const auto e1 = static_cast<size_t>(__builtin_ctzll(spaces));
            const auto e2 = static_cast<size_t>(__builtin_ctzll(second));
            if (e1 == 0)
                return DeadLetterReason::Malformed; // empty host
            out.host = view(line, 0, e1);
            out.ident = view(line, e1 + 1, e2 - e1 - 1);
            pos = e2 + 1;
            const uint64_t brackets = mask('[') >> pos;
            open = brackets != 0 ? pos + static_cast<size_t>(__builtin_ctzll(brackets))
                                 : findByte(line, 32, '[');
            prefixDone = true;
        }
    }
#endif
    if (!prefixDone) {
        if (!token(line, pos, out.host) || out.host.empty() || !token(line, pos, out.ident))
            return DeadLetterReason::Malformed;
        // The user field can in theory hold spaces; the timestamp's '[' ends it.
        open = findByte(line, pos, '[');
    }
    if (open == std::string_view::npos)
        return DeadLetterReason::Malformed;
    if (open == pos || line[open - 1] != ' ')
        return DeadLetterReason::Malformed;
    out.user = view(line, pos, open - 1 - pos);
    // The ']' closing the time: where a time parsed just before would put it, if these bytes
    // are that text (it holds no ']'), else the first ']' found.
    size_t close;
    int64_t knownTime = 0;
    bool timeKnown = false;
    const char *t = line.data() + open + 1;
    if (open + 21 < line.size() && line[open + 21] == ']' && cachedSecond(t, knownTime)) {
        close = open + 21;
        timeKnown = true;
    } else if (open + 27 < line.size() && line[open + 27] == ']' && cachedZoned(t, knownTime)) {
        close = open + 27;
        timeKnown = true;
    } else {
        close = findByte(line, open, ']');
        if (close == std::string_view::npos)
            return DeadLetterReason::Malformed;
    }
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
        const size_t n = digitRun(first, std::min<size_t>(line.size() - bytesStart, 18));
        if (n == 0)
            return DeadLetterReason::Malformed;
        int64_t v = 0;
        for (size_t i = 0; i < n; ++i)
            v = v * 10 + (first[i] - '0');
        pos = bytesStart + n;
        out.bytes = v;
    }
    out.bytesText = view(line, bytesStart, pos - bytesStart);
    out.hasReferer = false;
    out.referer = {};
    out.userAgent = {};
    if (pos == line.size())
        return timeResult(timeKnown, knownTime, out);
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
    return timeResult(timeKnown, knownTime, out);
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
