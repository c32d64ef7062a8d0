// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/parse/time_value.h"

#include "weir/common/text.h"
#include "weir/common/time_util.h"

#include <cmath>

namespace weir::parse {

bool timeFromEpochNumber(double v, TimestampNs &out) {
    if (!std::isfinite(v) || v < 0)
        return false;
    double ns;
    if (v < 1e11)
        ns = v * 1e9; // seconds
    else if (v < 1e14)
        ns = v * 1e6; // milliseconds
    else if (v < 1e17)
        ns = v * 1e3; // microseconds
    else
        ns = v;
    if (ns > 9.2e18)
        return false;
    out = TimestampNs{static_cast<int64_t>(std::llround(ns))};
    return true;
}

bool timeFromEpochInteger(int64_t v, TimestampNs &out) {
    if (v < 0)
        return false;
    // The units and the range of timeFromEpochNumber, in exact integer arithmetic.
    constexpr int64_t kMaxNs = 9200000000000000000LL; // a multiple of every scale below
    int64_t scale = 1;                                // nanoseconds
    if (v < 100000000000LL)
        scale = 1000000000; // seconds
    else if (v < 100000000000000LL)
        scale = 1000000; // milliseconds
    else if (v < 100000000000000000LL)
        scale = 1000; // microseconds
    if (v > kMaxNs / scale)
        return false;
    out = TimestampNs{v * scale};
    return true;
}

bool parseTimeValue(std::string_view text, TimestampNs &out) {
    text = trim(text);
    if (text.empty())
        return false;
    if (text.size() >= 10 && text[4] == '-')
        return parseIso8601(text, out);
    // Whole numbers exactly: through a double, a millisecond or microsecond epoch times 10^6 or
    // 10^3 is above 2^53 and rounds to a multiple of 256 ns, so it could read 64 ns early (and
    // show a millisecond early where times are truncated to milliseconds).
    int64_t whole = 0;
    if (text[0] >= '0' && text[0] <= '9' && parseInt64(text, whole))
        return timeFromEpochInteger(whole, out);
    double v = 0;
    if (parseDouble(text, v))
        return timeFromEpochNumber(v, out);
    return false;
}

bool isConventionalTimeName(std::string_view name) {
    // Cheap rejection first: this runs for every field of every JSON/logfmt line.
    if (name.size() < 2 || name.size() > 10)
        return false;
    switch (name[0]) {
    case 't':
        return name == "timestamp" || name == "time" || name == "ts";
    case '@':
        return name == "@timestamp";
    case 'T':
        return name == "TIMESTAMP" || name == "Timestamp";
    case 'd':
        return name == "datetime" || name == "date";
    default:
        return false;
    }
}

bool isConventionalLevelName(std::string_view name) {
    if (name.size() < 3 || name.size() > 9)
        return false;
    switch (name[0]) {
    case 'l':
        return name == "level" || name == "lvl" || name == "loglevel" || name == "log.level";
    case 's':
        return name == "severity";
    case 'L':
        return name == "LEVEL" || name == "Level";
    default:
        return false;
    }
}

} // namespace weir::parse
