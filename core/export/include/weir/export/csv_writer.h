// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace weir::exporter {

// Appends one RFC 4180 cell: quoted (quotes doubled) when it contains a comma, quote, CR or
// LF. A cell that a spreadsheet would run as a formula (first byte = + - @, tab or CR) gets a
// leading apostrophe, unless it is a plain decimal number such as -5 or +1.5e3. Bytes are
// written as they are (no re-encoding).
void appendCsvCell(std::string &out, std::string_view cell);

// True when a spreadsheet could read the cell as a formula (see appendCsvCell).
bool needsFormulaGuard(std::string_view cell);

} // namespace weir::exporter
