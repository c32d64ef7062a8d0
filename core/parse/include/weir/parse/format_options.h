// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/parse/parser.h"
#include "weir/parse/time_format.h"

#include <string>
#include <string_view>

namespace weir::parse {

// Settings every parser accepts besides its format name. They travel inside the format string
// (ChannelSpec::format, FileSource::Options::format) so sources and the engine need no new
// fields: "NAME[:ARG]" then "\x1fkey=value" per option (see composeFormat).
struct FormatOptions {
    std::string timeField;     // field holding the event time; empty: conventional names/shapes
    std::string timeFormat;    // strptime-like (TimeFormat); empty: automatic shapes
    std::string timeZone;      // zone of times written without one (TimeZoneSpec); empty: UTC
    std::string levelField;    // field holding the severity; empty: conventional names
    TimestampNs reference{};   // year inference for year-less timestamps; 0: wall clock
    std::string geoipDatabase; // MaxMind DB file: add geo.* fields (GeoIpEnricher); empty: none
    std::string geoipField;    // the IP field to locate; empty: the first IP-typed field
};

constexpr char kFormatOptionSeparator = '\x1f';

// "json" + {timeField "ts"} -> "json\x1ftime-field=ts". Empty options add nothing.
std::string composeFormat(std::string_view spec, const FormatOptions &options);
// Splits a composed format string; returns the spec part ("json", "regex:...").
std::string_view splitFormat(std::string_view format, FormatOptions &options);
// The spec's name: "regex:(?P<a>.*)" -> "regex", "json" -> "json".
std::string_view formatKind(std::string_view spec);

// Time settings compiled from FormatOptions, shared by the parsers.
struct TimeSettings {
    TimeContext context;
    TimeFormat format; // empty: automatic
    std::string field;

    // False with *error set for a bad zone or time format.
    bool init(const FormatOptions &options, std::string *error);
    // The value as a time: with the explicit format if any, else ISO 8601 / epoch numbers /
    // the common leading shapes (zone-less values read in the configured zone).
    bool parseValue(std::string_view text, TimestampNs &out) const;
};

} // namespace weir::parse
