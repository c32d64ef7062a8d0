// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/common/types.h"

#include <cstdint>
#include <string_view>

namespace weir::parse {

// Reads an event time from a field value: RFC 3339 / ISO 8601 (with or without zone, 'T' or
// space separator; no zone means UTC), or a Unix epoch number whose magnitude tells the unit
// (seconds, milliseconds, microseconds or nanoseconds).
bool parseTimeValue(std::string_view text, TimestampNs &out);
bool timeFromEpochNumber(double v, TimestampNs &out);
// The same for a whole number, exactly (no rounding through a double).
bool timeFromEpochInteger(int64_t v, TimestampNs &out);

// Field names that are taken as the event time when no time field is configured, in order.
bool isConventionalTimeName(std::string_view name);
bool isConventionalLevelName(std::string_view name);
// Every name the two predicates above accept (for parsers that build their own filters).
inline constexpr std::string_view kConventionalTimeNames[] = {
    "timestamp", "time", "ts", "@timestamp", "TIMESTAMP", "Timestamp", "datetime", "date"};
inline constexpr std::string_view kConventionalLevelNames[] = {
    "level", "lvl", "loglevel", "log.level", "severity", "LEVEL", "Level"};

} // namespace weir::parse
