// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/parse/parser.h"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace weir::parse {

// How one field fared over the lines that parsed as events.
struct FieldTrial {
    std::string name;
    size_t present = 0;            // events that have the field
    size_t nulls = 0;              // of those, empty or "-"
    std::array<size_t, 7> types{}; // counts per FieldType (index = FieldType value)
    // The most frequent non-null type (Null when every value was null).
    FieldType dominantType() const;
};

// One parsed field of one line (copies: the trial outlives its parser).
struct TrialField {
    std::string name;
    FieldType type = FieldType::Null;
    std::string text;
};

// One line's outcome under the tried format.
struct LineTrial {
    ParseStatus status = ParseStatus::DeadLetter;
    DeadLetterReason reason = DeadLetterReason::None;
    EventHeader header;
    std::vector<TrialField> fields; // events among the first maxFieldLines only
};

// A format tried on sample lines: for the parser workbench (match rate, null rate and type per
// field before applying a format) and for re-parsing dead letters with another format.
struct FormatTrial {
    std::string format; // the resolved format name ("auto" resolved by detectFormat)
    std::string error;  // the format does not compile; nothing else is set then
    std::vector<LineTrial> lines;
    size_t events = 0;
    size_t deadLetters = 0;
    size_t headers = 0;             // schema lines (CSV header rows)
    std::vector<FieldTrial> fields; // in order of first appearance
    // Events among the lines that are not header lines (0..1; 0 with no such line).
    double matchRate() const;
};

// Parses `lines` in order with a fresh parser for `format` (a name, "regex:...",
// "logformat:...", or "auto", with options as composeFormat makes them). Lines are trimmed of
// one trailing '\r' only, like the engine does. Thread contract: pure; any thread. At most
// `maxFieldLines` events are split into fields for the statistics (the rest only counted).
FormatTrial tryFormat(std::string_view format, const std::vector<std::string_view> &lines,
                      size_t maxFieldLines = 10000);

} // namespace weir::parse
