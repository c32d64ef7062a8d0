// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/common/types.h"

#include <string>
#include <string_view>
#include <vector>

namespace weir::parse {

// The zone of times written without one. Default UTC; a fixed offset ("+02:00", "-0500");
// or "local", the zone of the machine running Weir (through localtime_r, DST aware).
struct TimeZoneSpec {
    enum class Kind : uint8_t { Utc, Fixed, Local };
    Kind kind = Kind::Utc;
    int64_t offsetNs = 0; // Fixed: local wall time = UTC + offsetNs

    // "", "UTC", "Z", "GMT", "local", "+hh:mm", "-hhmm", "+hh". False for anything else.
    static bool parse(std::string_view text, TimeZoneSpec &out);
    // `wallNs` is a wall-clock time in this zone computed as if it were UTC.
    TimestampNs toUtc(int64_t wallNs) const;
};

// What a parser needs to turn partial timestamps into instants.
struct TimeContext {
    TimeZoneSpec zone;
    // Timestamps without a year (syslog "Jun 14 15:16:01") take the year of this instant; when
    // that puts them more than 31 days after it, the year before (a December line read in
    // January). 0 means the wall clock when the parser was built.
    TimestampNs reference{};

    int64_t referenceYear() const;
    // Instant for civil fields read without a year.
    TimestampNs withoutYear(unsigned month, unsigned day, int64_t secondsOfDayNs) const;
};

// A strptime-like format compiled once: %Y %y %m %d %e %H %M %S %f (fraction, any digits)
// %b/%h (month name) %a (weekday name, skipped) %p (AM/PM with %I) %I %j %z (+hhmm, +hh:mm, Z)
// %Z (zone letters, UTC/GMT/Z only honoured) %s (epoch seconds, fraction allowed) %T %F %D
// %R %%. A space matches one or more spaces. Other characters match themselves.
class TimeFormat {
public:
    bool compile(std::string_view format, std::string *error = nullptr);
    bool empty() const { return m_items.empty(); }
    // Parses a prefix of `text` (all of it when `consumed` is null).
    bool parse(std::string_view text, const TimeContext &ctx, TimestampNs &out,
               size_t *consumed = nullptr) const;

private:
    struct Item {
        char conv; // 0 for a literal
        std::string literal;
    };
    std::vector<Item> m_items;
};

// A timestamp at the start of `s` in one of the shapes logs commonly use:
//   2015-07-29 17:41:44,747 / 2015-07-29T17:41:44.747Z / 2015/07/29 17:41:44 (zone optional)
//   15/07/29 17:41:44 (yy/MM/dd) / 081109 203615 (yyMMdd HHmmss) / 20171223-22:15:29:606
//   10/Oct/2000:13:55:36 -0700 / Jun 14 15:16:01 [2005] / Sun Dec 04 04:47:44[.123] 2005
// each optionally inside [brackets]. Returns the length consumed, 0 when there is none.
size_t scanLeadingTimestamp(std::string_view s, const TimeContext &ctx, TimestampNs &out);

// Exactly "yyyy-MM-ddTHH:mm:ss[.frac](Z|+hh:mm|-hh:mm)", the shape most JSON logs use, without
// the general scanner's walk over every shape. False means "not this exact shape or not a valid
// value": the caller then uses scanLeadingTimestamp, which gives the same result for every
// text this accepts.
bool parseIsoTimestampFast(std::string_view s, TimestampNs &out);

// The minute ("yyyy-MM-ddTHH:mm") of the last value parseIsoTimestampCached read in full, with
// its wall time. One per parser (not shared between threads).
struct IsoMinuteCache {
    char prefix[16] = {};
    int64_t wallNs = 0;
    bool valid = false;
};
// parseIsoTimestampFast, the same answer for every text, with the date, hour and minute taken
// from `cache` when `s` starts with the cached minute (consecutive log times usually share it):
// only the seconds, fraction and zone are read then. Updates the cache after a full read.
bool parseIsoTimestampCached(std::string_view s, TimestampNs &out, IsoMinuteCache &cache);

// severityFromName with a quick rejection of words that are no level (hot paths).
Severity severityFromWord(std::string_view word);

// A severity word among the first tokens of `s` (after the timestamp): upper-case anywhere in
// the first four tokens (INFO, WARN, ERROR, ...), any case when bracketed ("[error]") or
// followed by ':'. Sets the token's bounds in `s`. False when there is none.
bool scanLevel(std::string_view s, Severity &out, size_t &begin, size_t &end);

} // namespace weir::parse
