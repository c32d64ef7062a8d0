#pragma once

#include "weir/parse/parser.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace weir::parse {

// Names accepted by makeParser ("auto" is resolved by detectFormat first).
std::vector<std::string> knownFormats();

// Builds a parser from a format name; nullptr and *error set for an unknown name.
std::unique_ptr<Parser> makeParser(std::string_view format, std::string *error = nullptr);

struct Detection {
    std::string format;    // the chosen format name
    double matchRate = 0;  // share of sample lines that parsed as events (0..1)
    size_t sampleSize = 0; // non-empty sample lines scored
};

// Scores every known format on the sample (the first lines of an input) and returns the best.
// With no line matching anything, the result is "combined" with matchRate 0.
Detection detectFormat(const std::vector<std::string_view> &sample);

} // namespace weir::parse
