// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/parse/format_options.h"
#include "weir/parse/parser.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace weir::parse {

// Names accepted by makeParser ("auto" is resolved by detectFormat first). Besides these,
// "regex:EXPR" (RE2 with named groups) and "logformat:STR" (Apache LogFormat or nginx
// log_format string) take their definition after the colon.
std::vector<std::string> knownFormats();

// Builds a parser from a format string: a name or "kind:ARG", optionally followed by options
// (composeFormat). nullptr and *error set for an unknown name or a bad definition.
std::unique_ptr<Parser> makeParser(std::string_view format, std::string *error = nullptr);

// True for "auto", with or without options.
bool isAutoFormat(std::string_view format);
// `detected` (a bare name) with the options carried by `requested` ("auto\x1ftime-field=ts").
std::string withOptionsOf(std::string_view detected, std::string_view requested);

struct Detection {
    std::string format;    // the chosen format name
    double matchRate = 0;  // share of sample lines that parsed as events (0..1)
    size_t sampleSize = 0; // non-empty sample lines scored
    // Every candidate's match rate, in scoring order (for the UI and --stats).
    std::vector<std::pair<std::string, double>> scores;
};

// Scores every known format on the sample (the first lines of an input) and returns the best;
// ties go to the more specific format (json, syslog, apache-error, access logs, log4j,
// logfmt, csv, then generic). With no line matching anything, the result is "combined" with
// matchRate 0. Access logs are named by the shape of all matching lines: "vhost-combined",
// "seed" or "common" when every line has that shape, else "combined" (which reads them all).
Detection detectFormat(const std::vector<std::string_view> &sample);

} // namespace weir::parse
