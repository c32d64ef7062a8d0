// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/common/types.h"

#include <string>
#include <string_view>

namespace weir {

// Days since 1970-01-01 for a proleptic Gregorian date (month 1..12).
constexpr int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// Dates whose instants fit in TimestampNs (about 1677-09-29 .. 2262-04-03), with a margin for
// a time of day and a zone offset of up to 99 hours. Parsers reject days beyond it rather than
// overflow.
constexpr int64_t kMaxTimestampDays = INT64_MAX / kNsPerDay - 8;
constexpr bool daysRepresentable(int64_t days) {
    return days >= -kMaxTimestampDays && days <= kMaxTimestampDays;
}

struct CivilTime {
    int64_t year;
    unsigned month, day, hour, minute, second;
    int64_t nanos;
};

CivilTime civilFromTimestamp(TimestampNs t);

// Month from a three-letter English abbreviation ("Jan".."Dec"), 1..12, or 0 if unknown.
unsigned monthFromAbbrev(std::string_view s);

// "2021-11-22T10:15:32.123Z": RFC 3339, UTC, millisecond precision.
std::string formatRfc3339Ms(TimestampNs t);
void appendRfc3339Ms(std::string &out, TimestampNs t);

// Parses RFC 3339 / ISO 8601 ("2021-11-22T10:15:32Z", "2021-11-22 10:15:32.5+01:00",
// "2021-11-22"). A value without zone is taken as UTC. Returns false when it does not parse.
bool parseIso8601(std::string_view s, TimestampNs &out);

// Parses durations such as "500ms", "10s", "5m", "2h", "1d", "250us"; a bare number means seconds.
bool parseDuration(std::string_view s, int64_t &nanos);

// Wall clock and a monotonic clock, in nanoseconds.
TimestampNs wallNow();
int64_t monotonicNowNs();

} // namespace weir
