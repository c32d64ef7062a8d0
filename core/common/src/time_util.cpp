// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/common/time_util.h"

#include "weir/common/text.h"

#include <chrono>
#include <cstdio>

namespace weir {

CivilTime civilFromTimestamp(TimestampNs t) {
    int64_t days = t.value / kNsPerDay;
    int64_t rem = t.value % kNsPerDay;
    if (rem < 0) {
        rem += kNsPerDay;
        --days;
    }
    // Inverse of daysFromCivil (H. Hinnant's algorithm).
    const int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    CivilTime c{};
    c.year = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
    c.month = m;
    c.day = d;
    c.hour = static_cast<unsigned>(rem / kNsPerHour);
    c.minute = static_cast<unsigned>(rem / kNsPerMinute % 60);
    c.second = static_cast<unsigned>(rem / kNsPerSecond % 60);
    c.nanos = rem % kNsPerSecond;
    return c;
}

unsigned monthFromAbbrev(std::string_view s) {
    if (s.size() < 3)
        return 0;
    // Case-insensitive on the three letters, packed into one integer.
    const auto lower = [](char ch) { return static_cast<unsigned>(ch | 0x20); };
    const unsigned key = lower(s[0]) << 16 | lower(s[1]) << 8 | lower(s[2]);
    switch (key) {
    case 'j' << 16 | 'a' << 8 | 'n':
        return 1;
    case 'f' << 16 | 'e' << 8 | 'b':
        return 2;
    case 'm' << 16 | 'a' << 8 | 'r':
        return 3;
    case 'a' << 16 | 'p' << 8 | 'r':
        return 4;
    case 'm' << 16 | 'a' << 8 | 'y':
        return 5;
    case 'j' << 16 | 'u' << 8 | 'n':
        return 6;
    case 'j' << 16 | 'u' << 8 | 'l':
        return 7;
    case 'a' << 16 | 'u' << 8 | 'g':
        return 8;
    case 's' << 16 | 'e' << 8 | 'p':
        return 9;
    case 'o' << 16 | 'c' << 8 | 't':
        return 10;
    case 'n' << 16 | 'o' << 8 | 'v':
        return 11;
    case 'd' << 16 | 'e' << 8 | 'c':
        return 12;
    default:
        return 0;
    }
}

void appendRfc3339Ms(std::string &out, TimestampNs t) {
    const CivilTime c = civilFromTimestamp(t);
    char buf[40];
    const int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%03lldZ",
                                static_cast<long long>(c.year), c.month, c.day, c.hour, c.minute,
                                c.second, static_cast<long long>(c.nanos / kNsPerMs));
    out.append(buf, n > 0 ? static_cast<size_t>(n) : 0);
}

std::string formatRfc3339Ms(TimestampNs t) {
    std::string s;
    appendRfc3339Ms(s, t);
    return s;
}

namespace {

bool digits(std::string_view s, size_t pos, size_t n, unsigned &out) {
    if (pos + n > s.size())
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    out = v;
    return true;
}

} // namespace

bool parseIso8601(std::string_view s, TimestampNs &out) {
    s = trim(s);
    unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) ||
        s[7] != '-' || !digits(s, 8, 2, d))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return false;
    size_t p = 10;
    int64_t nanos = 0;
    int64_t offsetNs = 0;
    if (p < s.size()) {
        if (s[p] != 'T' && s[p] != 't' && s[p] != ' ')
            return false;
        ++p;
        if (!digits(s, p, 2, h) || p + 2 >= s.size() || s[p + 2] != ':' || !digits(s, p + 3, 2, mi))
            return false;
        p += 5;
        if (p < s.size() && s[p] == ':') {
            if (!digits(s, p + 1, 2, sec))
                return false;
            p += 3;
        }
        if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
            ++p;
            int64_t scale = kNsPerSecond;
            size_t n = 0;
            while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
                if (scale > 1) {
                    scale /= 10;
                    nanos += (s[p] - '0') * scale;
                }
                ++p;
                ++n;
            }
            if (n == 0)
                return false;
        }
        if (p < s.size()) {
            if (s[p] == 'Z' || s[p] == 'z') {
                ++p;
            } else if (s[p] == '+' || s[p] == '-') {
                const int sign = s[p] == '-' ? -1 : 1;
                unsigned oh = 0, om = 0;
                if (!digits(s, p + 1, 2, oh))
                    return false;
                p += 3;
                if (p < s.size() && s[p] == ':')
                    ++p;
                if (p < s.size()) {
                    if (!digits(s, p, 2, om))
                        return false;
                    p += 2;
                }
                offsetNs = sign * (static_cast<int64_t>(oh) * kNsPerHour + om * kNsPerMinute);
            }
        }
        if (p != s.size() || h > 23 || mi > 59 || sec > 60)
            return false;
    }
    const int64_t days = daysFromCivil(y, mo, d);
    if (!daysRepresentable(days))
        return false;
    out = TimestampNs{days * kNsPerDay + h * kNsPerHour + mi * kNsPerMinute +
                      static_cast<int64_t>(sec) * kNsPerSecond + nanos - offsetNs};
    return true;
}

bool parseDuration(std::string_view s, int64_t &nanos) {
    s = trim(s);
    size_t p = 0;
    while (p < s.size() && ((s[p] >= '0' && s[p] <= '9') || s[p] == '.'))
        ++p;
    double v = 0;
    if (p == 0 || !parseDouble(s.substr(0, p), v))
        return false;
    const std::string_view unit = s.substr(p);
    double scale = 0;
    if (unit.empty() || unit == "s" || unit == "sec")
        scale = kNsPerSecond;
    else if (unit == "ms")
        scale = kNsPerMs;
    else if (unit == "us")
        scale = kNsPerUs;
    else if (unit == "ns")
        scale = 1;
    else if (unit == "m" || unit == "min")
        scale = kNsPerMinute;
    else if (unit == "h")
        scale = kNsPerHour;
    else if (unit == "d")
        scale = kNsPerDay;
    else
        return false;
    const double ns = v * scale;
    if (!(ns < 9.2e18)) // beyond int64 nanoseconds (~292 years): converting would be undefined
        return false;
    nanos = static_cast<int64_t>(ns);
    return true;
}

TimestampNs wallNow() {
    using namespace std::chrono;
    return TimestampNs{duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count()};
}

int64_t monotonicNowNs() {
    using namespace std::chrono;
    return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

} // namespace weir
