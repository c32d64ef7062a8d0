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
    return name == "timestamp" || name == "@timestamp" || name == "time" || name == "ts" ||
           name == "TIMESTAMP" || name == "Timestamp" || name == "datetime" || name == "date";
}

bool isConventionalLevelName(std::string_view name) {
    return name == "level" || name == "severity" || name == "lvl" || name == "loglevel" ||
           name == "log.level" || name == "LEVEL" || name == "Level";
}

} // namespace weir::parse
