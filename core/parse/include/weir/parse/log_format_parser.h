// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/parse/format_options.h"
#include "weir/parse/parser.h"

#include <memory>
#include <string>
#include <vector>

namespace weir::parse {

// A user access-log format given as an Apache LogFormat string ("%h %l %u %t \"%r\" %>s %b")
// or an nginx log_format string ("$remote_addr - $remote_user [$time_local] \"$request\" ...").
// The string is compiled into a list of (literal, field) steps; a line is matched left to
// right, each field running up to the next literal (a quoted field up to its unescaped closing
// quote). No regex, no allocation on the hot path.
class LogFormatParser final : public Parser {
public:
    // nullptr with *error set when the string has no field or an unknown directive.
    static std::unique_ptr<LogFormatParser>
    compile(std::string_view format, const FormatOptions &options, std::string *error = nullptr);

    std::string_view formatName() const override { return "logformat"; }
    ParseResult parseHeader(std::string_view line, EventHeader &out) override;
    bool parseFields(std::string_view line, FieldList &out) const override;
    std::vector<std::string> fieldNames() const override;
    std::unique_ptr<Parser> clone() const override;

    enum class Kind : uint8_t {
        Text,
        ApacheTime,
        IsoTime,
        EpochSeconds,
        FormattedTime,
        Request,
        Status,
        Bytes
    };
    struct Step {
        std::string literal; // must appear right before the field
        std::string name;    // empty for the trailing literal
        Kind kind = Kind::Text;
        TimeFormat timeFormat; // FormattedTime
    };

private:
    LogFormatParser() = default;
    // Field bounds into `spans` (2 per step); false when the line does not match.
    bool match(std::string_view line, std::string_view *spans) const;
    bool fieldTime(const Step &step, std::string_view text, TimestampNs &out) const;

    static constexpr size_t kMaxSteps = 64;
    std::vector<Step> m_steps; // the last one may be a bare trailing literal
    int m_timeStep = -1;
    int m_statusStep = -1;
    TimeSettings m_time;
};

} // namespace weir::parse
