// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal: the compiled form of a filter expression. Immutable after compile.

#include "weir/query/query.h"

#include <cstdint>
#include <memory>
#include <re2/re2.h>
#include <string>
#include <utility>
#include <vector>

namespace weir::query {

enum class NodeOp : uint8_t {
    True,
    And,
    Or,
    Not,
    Time,   // lo <= record.time <= hi
    Level,  // bit (1 << severity) in mask
    Status, // status != 0 and inside one of the ranges
    Source, // channel name matches (resolved per catalog by the Matcher)
    Text,   // case-insensitive substring of the raw line
    Regex,  // RE2 partial match on the raw line
    Field,  // comparison on a parsed field
};

// Evaluation cost class; children of and/or are evaluated cheapest first.
enum class Cost : uint8_t { Record = 0, Raw = 1, RawRegex = 2, Fields = 3 };

enum class Cmp : uint8_t { Eq, Lt, Le, Gt, Ge, Range, In, Regex, Exists };

// A value written in the expression, with every interpretation decided at compile time.
struct Literal {
    std::string text;  // as written (quotes removed)
    std::string lower; // ASCII lower case, for case-insensitive matching
    bool quoted = false;
    bool wildcard = false; // unquoted and contains '*' or '?'
    bool isNumber = false;
    bool isInteger = false;
    double number = 0;
    int64_t integer = 0;
    bool isTime = false;
    int64_t time = 0;
};

struct Node {
    NodeOp op = NodeOp::True;
    Cost cost = Cost::Record;
    std::vector<uint32_t> children; // And, Or, Not

    int64_t lo = 0, hi = 0;                            // Time (inclusive, ns)
    uint32_t mask = 0;                                 // Level
    std::vector<std::pair<uint32_t, uint32_t>> ranges; // Status (inclusive)
    uint32_t slot = 0;                                 // Source: index into Matcher's masks

    std::string needle;                 // Text (lower case)
    std::shared_ptr<const re2::RE2> re; // Regex, Field ~, Source ~
    std::string reText;                 // pattern as written, for describe()
    bool reCaseless = false;

    std::string field; // Field
    Cmp cmp = Cmp::Eq;
    std::vector<Literal> values; // Field and Source operands
};

struct Program {
    std::string text;
    std::vector<Node> nodes;
    uint32_t root = 0;
    uint32_t sourceSlots = 0;
    bool recordOnly = true;
    bool needsFields = false;
};

// ASCII case-insensitive helpers shared by the parser and the matcher.
inline char lowerAscii(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}
std::string toLowerAscii(std::string_view s);
// Glob with '*' (any run) and '?' (one byte), ASCII case-insensitive; pattern is lower case.
bool globMatchCaseless(std::string_view pattern, std::string_view text);
// Case-insensitive substring search; needle is lower case and non-empty.
bool containsCaseless(std::string_view haystack, std::string_view needleLower);

} // namespace weir::query
