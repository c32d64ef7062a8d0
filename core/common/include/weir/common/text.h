// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace weir {

// True when every byte is below 0x80 (checked a word at a time).
bool isAscii(std::string_view s);
// Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF).
bool isValidUtf8(std::string_view s);

// Appends s as the body of a JSON string: quotes, backslashes and control characters escaped,
// invalid UTF-8 bytes replaced by U+FFFD so the output is always valid JSON.
void appendJsonEscaped(std::string &out, std::string_view s);
void appendJsonString(std::string &out, std::string_view s);

bool parseInt64(std::string_view s, int64_t &out);
// The whole of `s` as strtod reads it (C locale; false if anything is left over, empty, longer
// than 64 bytes or not finite). Plain decimals with at most 2^53 as significand and a decimal
// exponent within +-22 take an exact fast path (same bits as strtod), the rest strtod.
bool parseDouble(std::string_view s, double &out);
// strtod in the C locale whatever the process's locale (a GUI runs in the user's, where the
// decimal point may be a comma): a '.' is always the decimal point.
double strtodC(const char *s, char **end);
// vsnprintf in the C locale whatever the process's locale (see strtodC).
int vsnprintfC(char *buf, size_t size, const char *fmt, va_list ap);
// Shortest round-trip representation of a double, JSON-compatible ("1e+300", "0.1", "-3").
void appendDouble(std::string &out, double v);

// Without leading and trailing spaces, tabs, CRs and LFs. Inline: the usual text has none.
inline std::string_view trim(std::string_view s) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    size_t b = 0, e = s.size();
    while (b < e && space(s[b]))
        ++b;
    while (e > b && space(s[e - 1]))
        --e;
    return std::string_view(s.data() + b, e - b);
}
bool iequals(std::string_view a, std::string_view b);

} // namespace weir
