// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/parse/format_options.h"
#include "weir/parse/parser.h"

#include <cstdint>
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
    // Parses the announced lines as one simdjson document stream (stage 1 once over them all)
    // and keeps each line's header; parseHeader then answers from it. A line's result is kept
    // only when the stream proves that its document is exactly that line's text (the next
    // document starts at the next line, or the stream ends with it); every other line is left
    // to the line-by-line path. A no-op while the column names are being sampled.
    void prepareLines(const std::string_view *lines, size_t count) override;
    bool batchesLines() const override { return true; }
    // Lines parseHeader answered from prepareLines' results so far (tests, benchmarks).
    uint64_t batchedLines() const { return m_batchedLines; }
    bool parseFields(std::string_view line, FieldList &out) const override;
    std::vector<std::string> fieldNames() const override { return m_names; }
    uint64_t schemaVersion() const override { return m_names.size(); }
    std::unique_ptr<Parser> clone() const override;

    // Decodes a JSON string body (escapes kept in `body`), invalid escapes as U+FFFD.
    static std::string unescape(std::string_view body);

private:
    struct HeaderScan;
    struct Prepared {
        uintptr_t data; // the line's view, as parseHeader will get it
        size_t size;
        ParseResult result;
        EventHeader header;
    };
    struct Entry {
        const char *data; // the line (one trailing CR removed)
        size_t size;
        size_t start; // offset of the line in m_batch
        size_t first; // offset of its first non-whitespace byte in m_batch
    };
    void scanHeader(const void *element, HeaderScan &scan, int depth, bool named);
    // kTimeName | kLevelName | kStatusName: what the header may take this field as.
    uint8_t nameFlags(std::string_view name) const;
    uint8_t exactNameFlags(std::string_view name) const;
    ParseResult headerOf(const void *root, EventHeader &out, bool sample);
    // Runs a document stream over m_entries[begin, end); false when the restart budget is
    // spent.
    void streamEntries(size_t begin, size_t end, int &budget);
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
    // A quick rejection of names that are none of those: bit (first byte & 63) of
    // m_nameFilter[length] is set for every such name shorter than 64 bytes.
    uint64_t m_nameFilter[64] = {};
    // Engine thread: prepareLines' results (in line order) and the next one to hand out.
    std::vector<Prepared> m_prepared;
    size_t m_preparedNext = 0;
    uint64_t m_batchedLines = 0;
    std::vector<Entry> m_entries; // prepareLines' scratch
    std::string m_batch;          // the lines joined by '\n', with simdjson's padding
};

} // namespace weir::parse
