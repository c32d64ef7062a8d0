// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/parse/format_options.h"
#include "weir/parse/parser.h"

#include <memory>
#include <string>
#include <vector>

namespace re2 {
class RE2;
}

namespace weir::parse {

// A user format given as a regular expression with named groups ("(?P<ip>\S+) .*"), matched
// with RE2 (linear time, no backtracking). The match is unanchored unless the expression
// anchors itself. The event time is the configured group, else a group with a conventional
// time name; the level likewise; a "status" group fills the HTTP status.
class RegexParser final : public Parser {
public:
    // nullptr with *error set for an invalid expression or one without named groups.
    static std::unique_ptr<RegexParser>
    compile(std::string_view pattern, const FormatOptions &options, std::string *error = nullptr);
    ~RegexParser() override;

    std::string_view formatName() const override { return "regex"; }
    ParseResult parseHeader(std::string_view line, EventHeader &out) override;
    bool parseFields(std::string_view line, FieldList &out) const override;
    std::vector<std::string> fieldNames() const override { return m_names; }
    std::unique_ptr<Parser> clone() const override;

    // Capture groups the hot path asks RE2 for (time, level, status only when the expression
    // could be rewritten with the others non-capturing), for tests and diagnostics.
    int headerCaptureGroups() const;

private:
    RegexParser() = default;

    void compileHeaderRegex(std::string_view pattern);

    std::shared_ptr<const re2::RE2> m_re; // RE2 is safe to share between threads
    // The hot path's expression: m_re with only the time/level/status groups capturing (or
    // m_re itself); m_h*Group are their numbers there.
    std::shared_ptr<const re2::RE2> m_headerRe;
    std::vector<std::string> m_names;                            // index i = capture group i + 1
    int m_timeGroup = -1, m_levelGroup = -1, m_statusGroup = -1; // 1-based, -1 none
    int m_hTimeGroup = -1, m_hLevelGroup = -1, m_hStatusGroup = -1;
    int m_headerGroups = 0; // groups the hot path needs (in m_headerRe)
    TimeSettings m_time;
};

} // namespace weir::parse
