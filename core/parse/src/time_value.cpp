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

bool parseTimeValue(std::string_view text, TimestampNs &out) {
    text = trim(text);
    if (text.empty())
        return false;
    if (text.size() >= 10 && text[4] == '-')
        return parseIso8601(text, out);
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
