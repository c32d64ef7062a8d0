// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/parse/time_format.h"

#include "weir/common/text.h"
#include "weir/common/time_util.h"

#include <algorithm>
#include <cstring>
#include <ctime>

namespace weir::parse {

namespace {

inline bool isDigit(char c) {
    return static_cast<unsigned>(c - '0') < 10;
}

// Exactly n digits at s[pos..].
inline bool fixedDigits(std::string_view s, size_t pos, size_t n, unsigned &out) {
    if (pos + n > s.size())
        return false;
    unsigned v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
        if (!isDigit(s[i]))
            return false;
        v = v * 10 + static_cast<unsigned>(s[i] - '0');
    }
    out = v;
    return true;
}

// 1..max digits at s[pos..]; advances pos.
inline bool someDigits(std::string_view s, size_t &pos, size_t max, unsigned &out) {
    const size_t b = pos;
    unsigned v = 0;
    while (pos < s.size() && pos - b < max && isDigit(s[pos]))
        v = v * 10 + static_cast<unsigned>(s[pos++] - '0');
    out = v;
    return pos > b;
}

// Two digits at s[i] and s[i + 1] (the caller checked the bounds) as a number; false when
// either is not a digit. Branch-free, so several can be checked together with '&'.
inline bool twoDigits(std::string_view s, size_t i, unsigned &v) {
    const unsigned a = static_cast<unsigned>(static_cast<unsigned char>(s[i])) - unsigned{'0'};
    const unsigned b = static_cast<unsigned>(static_cast<unsigned char>(s[i + 1])) - unsigned{'0'};
    v = a * 10 + b;
    return a < 10 && b < 10;
}

// A fraction's digits at s[pos..] (after '.' or ','), as nanoseconds (the first nine digits
// count; read without a division per digit); advances pos.
inline bool fraction(std::string_view s, size_t &pos, int64_t &nanos) {
    static constexpr int64_t kScale[10] = {1000000000, 100000000, 10000000, 1000000, 100000,
                                           10000,      1000,      100,      10,      1};
    const size_t b = pos;
    nanos = 0;
    for (; pos < s.size() && isDigit(s[pos]); ++pos) {
        if (pos - b < 9)
            nanos = nanos * 10 + (s[pos] - '0');
    }
    nanos *= kScale[std::min<size_t>(pos - b, 9)];
    return pos > b;
}

// "Z", "+hh", "+hhmm", "+hh:mm" at s[pos..]; advances pos. False (pos unchanged) if none.
inline bool zoneOffset(std::string_view s, size_t &pos, int64_t &offsetNs) {
    if (pos >= s.size())
        return false;
    if (s[pos] == 'Z' || s[pos] == 'z') {
        offsetNs = 0;
        ++pos;
        return true;
    }
    if (s[pos] != '+' && s[pos] != '-')
        return false;
    unsigned oh = 0, om = 0;
    size_t p = pos + 1;
    if (!fixedDigits(s, p, 2, oh) || oh > 23)
        return false;
    p += 2;
    if (p < s.size() && s[p] == ':' && fixedDigits(s, p + 1, 2, om)) {
        p += 3;
    } else if (fixedDigits(s, p, 2, om)) {
        p += 2;
    }
    if (om > 59)
        return false;
    offsetNs =
        (static_cast<int64_t>(oh) * kNsPerHour + om * kNsPerMinute) * (s[pos] == '-' ? -1 : 1);
    pos = p;
    return true;
}

inline bool validDate(int64_t y, unsigned mo, unsigned d) {
    return y >= 1900 && y <= 2200 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
}

inline bool validTime(unsigned h, unsigned mi, unsigned s) {
    return h <= 23 && mi <= 59 && s <= 60;
}

inline int64_t wallNs(int64_t y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s,
                      int64_t nanos) {
    return daysFromCivil(y, mo, d) * kNsPerDay + h * kNsPerHour + mi * kNsPerMinute +
           static_cast<int64_t>(s) * kNsPerSecond + nanos;
}

// "HH:MM:SS[.,frac]" at pos; advances pos.
bool clock(std::string_view s, size_t &pos, unsigned &h, unsigned &mi, unsigned &sec,
           int64_t &nanos) {
    size_t p = pos;
    if (!fixedDigits(s, p, 2, h) || p + 2 >= s.size() || s[p + 2] != ':' ||
        !fixedDigits(s, p + 3, 2, mi) || p + 5 >= s.size() || s[p + 5] != ':' ||
        !fixedDigits(s, p + 6, 2, sec))
        return false;
    p += 8;
    nanos = 0;
    if (p + 1 < s.size() && (s[p] == '.' || s[p] == ',') && isDigit(s[p + 1])) {
        ++p;
        fraction(s, p, nanos);
    }
    if (!validTime(h, mi, sec))
        return false;
    pos = p;
    return true;
}

// ISO-like: yyyy-MM-dd[T ]HH:mm:ss[.frac][zone] or yyyy/MM/dd HH:mm:ss.
size_t isoLike(std::string_view s, const TimeContext &ctx, TimestampNs &out) {
    unsigned y, mo, d, h, mi, sec;
    if (s.size() < 19 || !fixedDigits(s, 0, 4, y) || (s[4] != '-' && s[4] != '/') || s[7] != s[4] ||
        !fixedDigits(s, 5, 2, mo) || !fixedDigits(s, 8, 2, d))
        return 0;
    if (s[10] != 'T' && s[10] != ' ')
        return 0;
    size_t p = 11;
    int64_t nanos;
    if (!clock(s, p, h, mi, sec, nanos) || !validDate(y, mo, d))
        return 0;
    const int64_t wall = wallNs(y, mo, d, h, mi, sec, nanos);
    int64_t off = 0;
    size_t q = p;
    if (q < s.size() && s[q] == ' ' && q + 1 < s.size() && (s[q + 1] == '+' || s[q + 1] == '-'))
        ++q; // "2021-01-01 10:00:00 +0100"
    if (zoneOffset(s, q, off)) {
        out = TimestampNs{wall - off};
        return q;
    }
    out = ctx.zone.toUtc(wall);
    return p;
}

// yy/MM/dd HH:mm:ss (Spark, Hadoop).
size_t shortSlashDate(std::string_view s, const TimeContext &ctx, TimestampNs &out) {
    unsigned y, mo, d, h, mi, sec;
    if (s.size() < 17 || s[2] != '/' || s[5] != '/' || s[8] != ' ' || !fixedDigits(s, 0, 2, y) ||
        !fixedDigits(s, 3, 2, mo) || !fixedDigits(s, 6, 2, d))
        return 0;
    size_t p = 9;
    int64_t nanos;
    if (!clock(s, p, h, mi, sec, nanos) || !validDate(2000 + y, mo, d))
        return 0;
    out = ctx.zone.toUtc(wallNs(2000 + y, mo, d, h, mi, sec, nanos));
    return p;
}

// yyMMdd HHmmss (HDFS).
size_t compactDate(std::string_view s, const TimeContext &ctx, TimestampNs &out) {
    unsigned ymd, hms;
    if (s.size() < 13 || s[6] != ' ' || !fixedDigits(s, 0, 6, ymd) || !fixedDigits(s, 7, 6, hms))
        return 0;
    if (s.size() > 13 && s[13] != ' ')
        return 0;
    const unsigned y = ymd / 10000, mo = ymd / 100 % 100, d = ymd % 100;
    const unsigned h = hms / 10000, mi = hms / 100 % 100, sec = hms % 100;
    if (!validDate(2000 + y, mo, d) || !validTime(h, mi, sec))
        return 0;
    out = ctx.zone.toUtc(wallNs(2000 + y, mo, d, h, mi, sec, 0));
    return 13;
}

// yyyyMMdd-HH:mm:ss:SSS (HealthApp).
size_t compactDash(std::string_view s, const TimeContext &ctx, TimestampNs &out) {
    unsigned ymd, h, mi, sec, ms = 0;
    if (s.size() < 17 || s[8] != '-' || !fixedDigits(s, 0, 8, ymd) || !fixedDigits(s, 9, 2, h) ||
        s[11] != ':' || !fixedDigits(s, 12, 2, mi) || s[14] != ':' || !fixedDigits(s, 15, 2, sec))
        return 0;
    size_t p = 17;
    if (p < s.size() && s[p] == ':') {
        ++p;
        if (!someDigits(s, p, 3, ms))
            return 0;
    }
    const unsigned y = ymd / 10000, mo = ymd / 100 % 100, d = ymd % 100;
    if (!validDate(y, mo, d) || !validTime(h, mi, sec))
        return 0;
    out = ctx.zone.toUtc(wallNs(y, mo, d, h, mi, sec, ms * kNsPerMs));
    return p;
}

// dd/Mon/yyyy:HH:mm:ss[ +zzzz] (Apache access).
size_t apacheDate(std::string_view s, const TimeContext &ctx, TimestampNs &out) {
    unsigned d, y, h, mi, sec;
    if (s.size() < 20 || s[2] != '/' || s[6] != '/' || s[11] != ':' || !fixedDigits(s, 0, 2, d) ||
        !fixedDigits(s, 7, 4, y))
        return 0;
    const unsigned mo = monthFromAbbrev(s.substr(3, 3));
    size_t p = 12;
    int64_t nanos;
    if (mo == 0 || !clock(s, p, h, mi, sec, nanos) || !validDate(y, mo, d))
        return 0;
    const int64_t wall = wallNs(y, mo, d, h, mi, sec, nanos);
    size_t q = p;
    int64_t off = 0;
    if (q + 1 < s.size() && s[q] == ' ' && (s[q + 1] == '+' || s[q + 1] == '-')) {
        ++q;
        if (zoneOffset(s, q, off)) {
            out = TimestampNs{wall - off};
            return q;
        }
    }
    out = ctx.zone.toUtc(wall);
    return p;
}

bool isWeekday(std::string_view w) {
    static constexpr std::string_view kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    for (auto d : kDays) {
        if (w == d)
            return true;
    }
    return false;
}

// [Www ]Mon dd HH:mm:ss[.frac][ yyyy] (syslog, ctime). Day may be space padded.
size_t monthName(std::string_view s, const TimeContext &ctx, TimestampNs &out) {
    size_t p = 0;
    if (s.size() >= 4 && s[3] == ' ' && isWeekday(s.substr(0, 3)))
        p = 4;
    if (s.size() < p + 15)
        return 0;
    const unsigned mo = monthFromAbbrev(s.substr(p, 3));
    if (mo == 0 || s[p + 3] != ' ')
        return 0;
    p += 4;
    if (s[p] == ' ')
        ++p;
    unsigned d, h, mi, sec;
    if (!someDigits(s, p, 2, d) || p >= s.size() || s[p] != ' ')
        return 0;
    ++p;
    int64_t nanos;
    if (!clock(s, p, h, mi, sec, nanos) || d < 1 || d > 31)
        return 0;
    const int64_t sod = h * kNsPerHour + mi * kNsPerMinute + sec * kNsPerSecond + nanos;
    unsigned y;
    if (p + 5 <= s.size() && s[p] == ' ' && fixedDigits(s, p + 1, 4, y) &&
        (p + 5 == s.size() || !isDigit(s[p + 5])) && validDate(y, mo, d)) {
        out = ctx.zone.toUtc(daysFromCivil(y, mo, d) * kNsPerDay + sod);
        return p + 5;
    }
    out = ctx.withoutYear(mo, d, sod);
    return p;
}

size_t unbracketed(std::string_view s, const TimeContext &ctx, TimestampNs &out) {
    if (s.empty())
        return 0;
    if (isDigit(s[0])) {
        size_t n;
        if ((n = isoLike(s, ctx, out)) || (n = apacheDate(s, ctx, out)) ||
            (n = shortSlashDate(s, ctx, out)) || (n = compactDate(s, ctx, out)) ||
            (n = compactDash(s, ctx, out)))
            return n;
        return 0;
    }
    if (s[0] >= 'A' && s[0] <= 'Z')
        return monthName(s, ctx, out);
    return 0;
}

bool isLevelWord(std::string_view w, Severity &out) {
    if (w.size() < 3 || w.size() > 9)
        return false;
    out = severityFromWord(w);
    return out != Severity::Unknown;
}

bool allUpper(std::string_view w) {
    for (char c : w) {
        if (c < 'A' || c > 'Z')
            return false;
    }
    return true;
}

} // namespace

Severity severityFromWord(std::string_view w) {
    if (w.size() < 3 || w.size() > 13)
        return Severity::Unknown;
    // First letters of every name severityFromName knows.
    switch (w[0] | 0x20) {
    case 't':
    case 'f':
    case 'd':
    case 'i':
    case 'n':
    case 'w':
    case 'e':
    case 's':
    case 'c':
    case 'a':
    case 'p':
        break;
    default:
        return Severity::Unknown;
    }
    // The common spellings without the table walk.
    switch (w.size()) {
    case 4:
        if (w == "INFO" || w == "info")
            return Severity::Info;
        if (w == "WARN" || w == "warn")
            return Severity::Warning;
        break;
    case 5:
        if (w == "ERROR" || w == "error")
            return Severity::Error;
        if (w == "DEBUG" || w == "debug")
            return Severity::Debug;
        break;
    default:
        break;
    }
    return severityFromName(w);
}

bool TimeZoneSpec::parse(std::string_view text, TimeZoneSpec &out) {
    text = trim(text);
    out = TimeZoneSpec{};
    if (text.empty() || iequals(text, "UTC") || iequals(text, "Z") || iequals(text, "GMT"))
        return true;
    if (iequals(text, "local")) {
        out.kind = Kind::Local;
        return true;
    }
    size_t p = 0;
    int64_t off = 0;
    if (!zoneOffset(text, p, off) || p != text.size())
        return false;
    out.kind = Kind::Fixed;
    out.offsetNs = off;
    return true;
}

TimestampNs TimeZoneSpec::toUtc(int64_t wall) const {
    switch (kind) {
    case Kind::Utc:
        return TimestampNs{wall};
    case Kind::Fixed:
        return TimestampNs{wall - offsetNs};
    case Kind::Local: {
        // Offset at the guessed instant, then once more at the corrected one (DST edges).
        const auto offsetAt = [](int64_t ns) {
            const time_t t = static_cast<time_t>(ns / kNsPerSecond);
            struct tm tmv;
            if (!localtime_r(&t, &tmv))
                return int64_t{0};
            return static_cast<int64_t>(tmv.tm_gmtoff) * kNsPerSecond;
        };
        const int64_t guess = wall - offsetAt(wall);
        return TimestampNs{wall - offsetAt(guess)};
    }
    }
    return TimestampNs{wall};
}

int64_t TimeContext::referenceYear() const {
    const TimestampNs ref = reference.value ? reference : wallNow();
    return civilFromTimestamp(ref).year;
}

TimestampNs TimeContext::withoutYear(unsigned month, unsigned day, int64_t sodNs) const {
    const TimestampNs ref = reference.value ? reference : wallNow();
    const int64_t year = civilFromTimestamp(ref).year;
    TimestampNs t = zone.toUtc(daysFromCivil(year, month, day) * kNsPerDay + sodNs);
    if (t.value > ref.value + 31 * kNsPerDay)
        t = zone.toUtc(daysFromCivil(year - 1, month, day) * kNsPerDay + sodNs);
    return t;
}

bool TimeFormat::compile(std::string_view format, std::string *error) {
    m_items.clear();
    static constexpr std::string_view kConvs = "YymdeHMSfbhapIjzZsTFDR";
    for (size_t i = 0; i < format.size(); ++i) {
        const char c = format[i];
        if (c != '%') {
            if (m_items.empty() || m_items.back().conv != 0)
                m_items.push_back({0, {}});
            m_items.back().literal += c;
            continue;
        }
        if (i + 1 >= format.size()) {
            if (error)
                *error = "time format ends with '%'";
            return false;
        }
        const char conv = format[++i];
        if (conv == '%') {
            if (m_items.empty() || m_items.back().conv != 0)
                m_items.push_back({0, {}});
            m_items.back().literal += '%';
            continue;
        }
        if (kConvs.find(conv) == std::string_view::npos) {
            if (error)
                *error = std::string("unsupported time conversion %") + conv;
            return false;
        }
        // Composite conversions expand to their parts.
        if (conv == 'T' || conv == 'F' || conv == 'D' || conv == 'R') {
            const std::string_view sub = conv == 'T'   ? "%H:%M:%S"
                                         : conv == 'F' ? "%Y-%m-%d"
                                         : conv == 'D' ? "%m/%d/%y"
                                                       : "%H:%M";
            TimeFormat inner;
            inner.compile(sub);
            for (auto &it : inner.m_items) {
                if (it.conv == 0 && !m_items.empty() && m_items.back().conv == 0)
                    m_items.back().literal += it.literal;
                else
                    m_items.push_back(std::move(it));
            }
            continue;
        }
        m_items.push_back({conv, {}});
    }
    if (m_items.empty() && error)
        *error = "empty time format";
    return !m_items.empty();
}

bool TimeFormat::parse(std::string_view s, const TimeContext &ctx, TimestampNs &out,
                       size_t *consumed) const {
    int64_t year = -1;
    unsigned mo = 1, d = 1, h = 0, mi = 0, sec = 0, hour12 = 0, yday = 0;
    int pm = -1;
    int64_t nanos = 0, off = 0;
    bool hasZone = false, hasEpoch = false, hasMonthDay = false;
    int64_t epochNs = 0;
    size_t p = 0;
    for (const Item &it : m_items) {
        if (it.conv == 0) {
            for (char c : it.literal) {
                if (c == ' ') {
                    if (p >= s.size() || s[p] != ' ')
                        return false;
                    while (p < s.size() && s[p] == ' ')
                        ++p;
                } else {
                    if (p >= s.size() || s[p] != c)
                        return false;
                    ++p;
                }
            }
            continue;
        }
        unsigned v = 0;
        switch (it.conv) {
        case 'Y':
            if (!fixedDigits(s, p, 4, v))
                return false;
            year = v;
            p += 4;
            break;
        case 'y':
            if (!fixedDigits(s, p, 2, v))
                return false;
            year = v < 69 ? 2000 + v : 1900 + v;
            p += 2;
            break;
        case 'm':
            if (!someDigits(s, p, 2, mo))
                return false;
            hasMonthDay = true;
            break;
        case 'e':
            if (p < s.size() && s[p] == ' ')
                ++p;
            [[fallthrough]];
        case 'd':
            if (!someDigits(s, p, 2, d))
                return false;
            hasMonthDay = true;
            break;
        case 'H':
            if (!someDigits(s, p, 2, h))
                return false;
            break;
        case 'I':
            if (!someDigits(s, p, 2, hour12) || hour12 < 1 || hour12 > 12)
                return false;
            break;
        case 'M':
            if (!someDigits(s, p, 2, mi))
                return false;
            break;
        case 'S':
            if (!someDigits(s, p, 2, sec))
                return false;
            break;
        case 'f':
            if (!fraction(s, p, nanos))
                return false;
            break;
        case 'j':
            if (!someDigits(s, p, 3, yday) || yday < 1 || yday > 366)
                return false;
            break;
        case 'b':
        case 'h': {
            if (p + 3 > s.size() || (mo = monthFromAbbrev(s.substr(p, 3))) == 0)
                return false;
            p += 3;
            while (p < s.size() && ((s[p] | 0x20) >= 'a' && (s[p] | 0x20) <= 'z'))
                ++p; // full month names
            hasMonthDay = true;
            break;
        }
        case 'a':
            while (p < s.size() && ((s[p] | 0x20) >= 'a' && (s[p] | 0x20) <= 'z'))
                ++p;
            break;
        case 'p':
            if (p + 2 > s.size())
                return false;
            if ((s[p] | 0x20) == 'a')
                pm = 0;
            else if ((s[p] | 0x20) == 'p')
                pm = 1;
            else
                return false;
            if ((s[p + 1] | 0x20) != 'm')
                return false;
            p += 2;
            break;
        case 'z':
            if (!zoneOffset(s, p, off))
                return false;
            hasZone = true;
            break;
        case 'Z': {
            const size_t b = p;
            while (p < s.size() && s[p] >= 'A' && s[p] <= 'Z')
                ++p;
            const std::string_view z = s.substr(b, p - b);
            if (z.empty())
                return false;
            if (z == "UTC" || z == "GMT" || z == "Z") {
                hasZone = true;
                off = 0;
            }
            break;
        }
        case 's': {
            const size_t b = p;
            if (p < s.size() && s[p] == '-')
                ++p;
            while (p < s.size() && (isDigit(s[p]) || s[p] == '.'))
                ++p;
            double e = 0;
            if (!parseDouble(s.substr(b, p - b), e) || e < -9.2e9 || e > 9.2e9)
                return false;
            epochNs = static_cast<int64_t>(e * 1e9);
            hasEpoch = true;
            break;
        }
        default:
            return false;
        }
    }
    if (consumed)
        *consumed = p;
    else if (p != s.size())
        return false;
    if (hasEpoch) {
        out = TimestampNs{epochNs};
        return true;
    }
    if (hour12) {
        h = hour12 % 12 + (pm == 1 ? 12 : 0);
    }
    if (!validTime(h, mi, sec) || mo < 1 || mo > 12 || d < 1 || d > 31)
        return false;
    const int64_t sod = h * kNsPerHour + mi * kNsPerMinute + sec * kNsPerSecond + nanos;
    int64_t days;
    if (year < 0) {
        if (!hasMonthDay)
            return false;
        if (hasZone) {
            out = TimestampNs{daysFromCivil(ctx.referenceYear(), mo, d) * kNsPerDay + sod - off};
        } else {
            out = ctx.withoutYear(mo, d, sod);
        }
        return true;
    }
    // Outside the range TimestampNs can hold (found by fuzzing: "%Y" of "0000").
    if (year < 1678 || year > 2261)
        return false;
    if (yday)
        days = daysFromCivil(year, 1, 1) + yday - 1;
    else
        days = daysFromCivil(year, mo, d);
    const int64_t wall = days * kNsPerDay + sod;
    out = hasZone ? TimestampNs{wall - off} : ctx.zone.toUtc(wall);
    return true;
}

namespace {

// s[16..] of "yyyy-MM-ddTHH:mm:ss[.frac](Z|+hh:mm|-hh:mm)": the seconds, fraction and zone, as
// nanoseconds to add to the minute's wall time. False when that part is not of this exact shape
// or not valid. `s` has at least 20 bytes.
inline bool isoSecondsAndZone(std::string_view s, int64_t &ns) {
    const size_t n = s.size();
    unsigned sec = 0;
    if (s[16] != ':' || !twoDigits(s, 17, sec))
        return false;
    size_t p = 19;
    int64_t nanos = 0;
    if (s[p] == '.') {
        ++p;
        if (!fraction(s, p, nanos))
            return false;
    }
    int64_t offset = 0;
    if (p + 1 == n && s[p] == 'Z') {
        offset = 0;
    } else if (p + 6 == n && (s[p] == '+' || s[p] == '-') && s[p + 3] == ':') {
        unsigned oh, om;
        if (!twoDigits(s, p + 1, oh) || !twoDigits(s, p + 4, om) || oh > 23 || om > 59)
            return false;
        offset =
            (static_cast<int64_t>(oh) * kNsPerHour + om * kNsPerMinute) * (s[p] == '-' ? -1 : 1);
    } else {
        return false;
    }
    if (sec > 60)
        return false;
    ns = static_cast<int64_t>(sec) * kNsPerSecond + nanos - offset;
    return true;
}

// "yyyy-MM-ddTHH:mm" at the start of `s` (at least 20 bytes) as the minute's wall time; false
// when not of this shape or not a valid date, hour and minute.
inline bool isoMinute(std::string_view s, int64_t &wall) {
    if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':')
        return false;
    // All ten digits checked at once (no early exit: the common case is valid).
    unsigned y1 = 0, y2 = 0, mo = 0, d = 0, h = 0, mi = 0;
    const bool digits = twoDigits(s, 0, y1) & twoDigits(s, 2, y2) & twoDigits(s, 5, mo) &
                        twoDigits(s, 8, d) & twoDigits(s, 11, h) & twoDigits(s, 14, mi);
    const int64_t y = static_cast<int64_t>(y1) * 100 + y2;
    if (!digits || !validDate(y, mo, d) || !validTime(h, mi, 0))
        return false;
    wall = wallNs(y, mo, d, h, mi, 0, 0);
    return true;
}

} // namespace

bool parseIsoTimestampFast(std::string_view s, TimestampNs &out) {
    int64_t wall = 0, rest = 0;
    if (s.size() < 20 || !isoMinute(s, wall) || !isoSecondsAndZone(s, rest))
        return false;
    out = TimestampNs{wall + rest};
    return true;
}

bool parseIsoTimestampCached(std::string_view s, TimestampNs &out, IsoMinuteCache &cache) {
    if (s.size() < 20)
        return false;
    int64_t rest = 0;
    if (cache.valid && std::memcmp(s.data(), cache.prefix, sizeof cache.prefix) == 0) {
        if (!isoSecondsAndZone(s, rest))
            return false;
        out = TimestampNs{cache.wallNs + rest};
        return true;
    }
    int64_t wall = 0;
    if (!isoMinute(s, wall) || !isoSecondsAndZone(s, rest))
        return false;
    std::memcpy(cache.prefix, s.data(), sizeof cache.prefix);
    cache.wallNs = wall;
    cache.valid = true;
    out = TimestampNs{wall + rest};
    return true;
}

size_t scanLeadingTimestamp(std::string_view s, const TimeContext &ctx, TimestampNs &out) {
    if (s.empty())
        return 0;
    if (s[0] == '[') {
        const size_t n = unbracketed(s.substr(1), ctx, out);
        if (n == 0 || 1 + n >= s.size() || s[1 + n] != ']')
            return 0;
        return n + 2;
    }
    const size_t n = unbracketed(s, ctx, out);
    // The timestamp must end at a separator, not inside a longer token.
    if (n && n < s.size() && (isDigit(s[n]) || (s[n] >= 'A' && s[n] <= 'Z')))
        return 0;
    return n;
}

bool scanLevel(std::string_view s, Severity &out, size_t &begin, size_t &end) {
    size_t p = 0;
    for (int token = 0; token < 5 && p < s.size(); ++token) {
        while (p < s.size() && (s[p] == ' ' || s[p] == '\t'))
            ++p;
        const size_t b = p;
        while (p < s.size() && s[p] != ' ' && s[p] != '\t')
            ++p;
        std::string_view w = s.substr(b, p - b);
        size_t wb = b;
        bool marked = false;
        if (w.size() >= 2 && (w.front() == '[' || w.front() == '<' || w.front() == '(')) {
            const char close = w.front() == '[' ? ']' : w.front() == '<' ? '>' : ')';
            const size_t c = w.find(close);
            if (c != std::string_view::npos) {
                w = w.substr(1, c - 1);
                ++wb;
                marked = true;
            }
        }
        while (!w.empty() && (w.back() == ':' || w.back() == ',' || w.back() == ']')) {
            marked = marked || w.back() == ':';
            w.remove_suffix(1);
        }
        // "[core:error]" (Apache 2.4): the part after the module.
        const size_t colon = w.rfind(':');
        if (marked && colon != std::string_view::npos) {
            wb += colon + 1;
            w = w.substr(colon + 1);
        }
        Severity sev;
        if ((marked || allUpper(w)) && isLevelWord(w, sev) && (token < 4 || marked)) {
            out = sev;
            begin = wb;
            end = wb + w.size();
            return true;
        }
    }
    return false;
}

} // namespace weir::parse
