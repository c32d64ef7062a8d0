// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/export/csv_writer.h"

namespace weir::exporter {

namespace {

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// [+-] digits [. digits] [e [+-] digits], or with the digits after the point only.
bool isPlainNumber(std::string_view s) {
    size_t i = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-'))
        ++i;
    size_t digits = 0;
    while (i < s.size() && isDigit(s[i]))
        ++i, ++digits;
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && isDigit(s[i]))
            ++i, ++digits;
    }
    if (digits == 0)
        return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-'))
            ++i;
        size_t exp = 0;
        while (i < s.size() && isDigit(s[i]))
            ++i, ++exp;
        if (exp == 0)
            return false;
    }
    return i == s.size();
}

} // namespace

bool needsFormulaGuard(std::string_view cell) {
    if (cell.empty())
        return false;
    const char c = cell[0];
    if (c == '=' || c == '@' || c == '\t' || c == '\r')
        return true;
    if (c == '+' || c == '-')
        return !isPlainNumber(cell);
    return false;
}

void appendCsvCell(std::string &out, std::string_view cell) {
    const bool guard = needsFormulaGuard(cell);
    const bool quote = cell.find_first_of(",\"\r\n") != std::string_view::npos;
    if (!quote) {
        if (guard)
            out += '\'';
        out.append(cell);
        return;
    }
    out += '"';
    if (guard)
        out += '\'';
    for (char c : cell) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

} // namespace weir::exporter
