// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/parse/format_options.h"

#include "weir/common/text.h"
#include "weir/common/time_util.h"
#include "weir/parse/time_value.h"

namespace weir::parse {

namespace {

void addOption(std::string &out, std::string_view key, std::string_view value) {
    if (value.empty())
        return;
    out += kFormatOptionSeparator;
    out += key;
    out += '=';
    out += value;
}

} // namespace

std::string composeFormat(std::string_view spec, const FormatOptions &o) {
    std::string out(spec);
    addOption(out, "time-field", o.timeField);
    addOption(out, "time-format", o.timeFormat);
    addOption(out, "time-zone", o.timeZone);
    addOption(out, "level-field", o.levelField);
    if (o.reference.value)
        addOption(out, "reference", std::to_string(o.reference.value));
    addOption(out, "geoip", o.geoipDatabase);
    addOption(out, "geoip-field", o.geoipField);
    return out;
}

std::string_view splitFormat(std::string_view format, FormatOptions &o) {
    o = FormatOptions{};
    size_t sep = format.find(kFormatOptionSeparator);
    const std::string_view spec = format.substr(0, sep);
    while (sep != std::string_view::npos) {
        const size_t b = sep + 1;
        sep = format.find(kFormatOptionSeparator, b);
        const std::string_view kv = format.substr(b, sep == std::string_view::npos ? sep : sep - b);
        const size_t eq = kv.find('=');
        if (eq == std::string_view::npos)
            continue;
        const std::string_view k = kv.substr(0, eq), v = kv.substr(eq + 1);
        if (k == "time-field")
            o.timeField = std::string(v);
        else if (k == "time-format")
            o.timeFormat = std::string(v);
        else if (k == "time-zone")
            o.timeZone = std::string(v);
        else if (k == "level-field")
            o.levelField = std::string(v);
        else if (k == "reference")
            parseInt64(v, o.reference.value);
        else if (k == "geoip")
            o.geoipDatabase = std::string(v);
        else if (k == "geoip-field")
            o.geoipField = std::string(v);
    }
    return spec;
}

std::string_view formatKind(std::string_view spec) {
    const size_t colon = spec.find(':');
    return colon == std::string_view::npos ? spec : spec.substr(0, colon);
}

bool TimeSettings::init(const FormatOptions &o, std::string *error) {
    field = o.timeField;
    context.reference = o.reference;
    if (!TimeZoneSpec::parse(o.timeZone, context.zone)) {
        if (error)
            *error = "unknown time zone '" + o.timeZone + "' (use UTC, local or +hh:mm)";
        return false;
    }
    if (!o.timeFormat.empty() && !format.compile(o.timeFormat, error))
        return false;
    return true;
}

bool TimeSettings::parseValue(std::string_view text, TimestampNs &out) const {
    text = trim(text);
    if (text.empty())
        return false;
    if (!format.empty())
        return format.parse(text, context, out);
    if (parseIsoTimestampFast(text, out))
        return true; // the common JSON shape; the walk below gives the same value
    const char c = text[0];
    if ((c >= '0' && c <= '9') || c == '-') {
        // ISO 8601 with zone goes straight through; without, it is read in the zone.
        size_t n = scanLeadingTimestamp(text, context, out);
        if (n == text.size())
            return true;
        if (text.size() >= 10 && text[4] == '-' && parseIso8601(text, out)) {
            // Date only, or shapes the scanner does not know: still honour the zone.
            if (context.zone.kind != TimeZoneSpec::Kind::Utc &&
                text.find_first_of("Zz+", 10) == std::string_view::npos &&
                text.find('-', 10) == std::string_view::npos)
                out = context.zone.toUtc(out.value);
            return true;
        }
        double v = 0;
        if (parseDouble(text, v))
            return timeFromEpochNumber(v, out);
        return false;
    }
    return scanLeadingTimestamp(text, context, out) == text.size();
}

} // namespace weir::parse
