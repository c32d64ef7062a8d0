// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/parse/format_options.h"
#include "weir/parse/parser.h"

#include <memory>
#include <string>
#include <vector>

namespace simdjson::dom {
class parser;
}

namespace weir::parse {

// One JSON object per line, parsed with simdjson. Nested objects are flattened to dotted
// names ("a.b.c"); arrays are kept as their (minified) JSON text. The event time is the
// configured field, else the first field with a conventional time name, else the first string
// value shaped like an ISO 8601 time; numbers are epoch seconds/ms/us/ns by magnitude. The
// level comes from the configured or a conventional field (names, or bunyan/pino numbers).
class JsonParser final : public Parser {
public:
    struct Options {
        std::string timeField;  // empty: auto
        std::string levelField; // empty: auto
    };

    JsonParser();
    explicit JsonParser(Options options);
    explicit JsonParser(const FormatOptions &options);
    JsonParser(const JsonParser &other);
    JsonParser &operator=(const JsonParser &) = delete;
    ~JsonParser() override;

    std::string_view formatName() const override { return "json"; }
    ParseResult parseHeader(std::string_view line, EventHeader &out) override;
    bool parseFields(std::string_view line, FieldList &out) const override;
    std::vector<std::string> fieldNames() const override { return m_names; }
    uint64_t schemaVersion() const override { return m_names.size(); }
    std::unique_ptr<Parser> clone() const override;

    // Decodes a JSON string body (escapes kept in `body`), invalid escapes as U+FFFD.
    static std::string unescape(std::string_view body);

private:
    struct HeaderScan;
    void scanHeader(const void *element, HeaderScan &scan, int depth, bool named);
    void initHeaderNames();

    std::string m_levelField;
    TimeSettings m_time;
    std::unique_ptr<simdjson::dom::parser> m_parser; // engine thread (parseHeader)
    std::string m_padded;                            // engine-thread scratch with padding
    std::string m_path; // engine-thread scratch buffer; the dotted name is [0, m_pathLen)
    size_t m_pathLen = 0;
    std::vector<std::string> m_names; // seen in the first lines, for columns
    size_t m_sampled = 0;
    // The longest dotted name the header looks for (time, level, status names).
    size_t m_maxHeaderName = 0;
};

} // namespace weir::parse
