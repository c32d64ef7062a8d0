// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/parse/parser.h"
#include "weir/parse/time_format.h"

namespace weir::parse {

// Apache/nginx access logs written by hand over string_view: common, combined, and the seed
// variant (status in brackets "[200]", timestamp without zone). Quoted fields may contain
// spaces, commas and backslash-escaped quotes. A timestamp without zone is read in the
// configured zone (UTC by default). Every variant but VhostCombined accepts the other three
// shapes (the variant only names the format); VhostCombined expects "vhost:port " first.
class AccessLogParser final : public Parser {
public:
    enum class Variant : uint8_t { Combined, Common, Seed, VhostCombined };

    AccessLogParser() = default;
    explicit AccessLogParser(Variant variant, TimeZoneSpec zone = {})
        : m_variant(variant)
        , m_zone(zone) {}

    std::string_view formatName() const override { return variantName(m_variant); }
    static std::string_view variantName(Variant v);
    ParseResult parseHeader(std::string_view line, EventHeader &out) override;
    bool parseFields(std::string_view line, FieldList &out) const override;
    std::vector<std::string> fieldNames() const override;
    std::unique_ptr<Parser> clone() const override;

    // The parsed pieces of one line, views into the line.
    struct Parts {
        std::string_view host, ident, user, timeText, request, statusText, bytesText;
        std::string_view referer, userAgent, vhost;
        bool hasReferer = false;
        bool bracketedStatus = false; // the seed variant
        TimestampNs time{};
        uint16_t status = 0;
        int64_t bytes = -1; // -1 for "-"
    };
    // Returns DeadLetterReason::None on success.
    static DeadLetterReason split(std::string_view line, Parts &out);
    // The variant a line's shape suggests (for auto-detection).
    static Variant shapeOf(const Parts &parts);

private:
    DeadLetterReason splitLine(std::string_view line, Parts &out) const;

    Variant m_variant = Variant::Combined;
    TimeZoneSpec m_zone;
};

// Parses "10/Oct/2000:13:55:36 -0700" or "22/Nov/2021:10:15:32" (no zone: UTC).
bool parseApacheTime(std::string_view s, TimestampNs &out);

} // namespace weir::parse
