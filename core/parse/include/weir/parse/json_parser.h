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
    // The fast header scan (on by default): a single pass over a line that validates it and
    // reads the header without simdjson, for lines without escapes, non-ASCII bytes, exponents
    // or long numbers; any other line, and any line it is unsure of, goes to simdjson. Off:
    // simdjson only (the reference the differential tests compare with; benchmarks).
    void setFastScan(bool on) { m_fastScan = on; }
    // Lines the fast scan answered so far (tests, benchmarks).
    uint64_t fastLines() const { return m_fastLines; }
    bool parseFields(std::string_view line, FieldList &out) const override;
    std::vector<std::string> fieldNames() const override { return m_names; }
    uint64_t schemaVersion() const override { return m_names.size(); }
    std::unique_ptr<Parser> clone() const override;

    // Decodes a JSON string body (escapes kept in `body`), invalid escapes as U+FFFD.
    static std::string unescape(std::string_view body);

private:
    struct HeaderScan;
    struct Value;
    struct Cursor;
    struct NameKey;
    struct HeaderName;
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
    ParseResult finishHeader(HeaderScan &scan, EventHeader &out);
    // One non-object field, as the header takes it (both scans).
    void headerValue(HeaderScan &scan, std::string_view name, int depth, const Value &v);
    // Its parts: the ISO-shape time fallback, and a named value given nameFlags(name).
    void headerShape(HeaderScan &scan, const Value &v);
    void headerNamedValue(HeaderScan &scan, uint8_t flags, const Value &v);
    // m_time.parseValue with the minute of ISO times cached (m_isoMinute).
    bool timeValue(std::string_view text, TimestampNs &out);
    // The fast scan: true when sure of the line (then `out` and `result` are simdjson's
    // answer, with the column sample over); false leaves `out` untouched. `line` must be
    // followed by at least 64 readable zero bytes (padded()).
    bool fastHeader(std::string_view line, EventHeader &out, ParseResult &result);
    // After an object's '{': validates it and, with a scan, feeds it to the header as
    // scanHeader does (nullptr: validation only).
    bool fastObject(Cursor &c, HeaderScan *scan, int depth, bool named);
    bool fastArray(Cursor &c, int depth);
    bool fastScalar(Cursor &c, int depth, Value &v);
    // Runs a document stream over m_entries[begin, end); false when the restart budget is
    // spent.
    void streamEntries(size_t begin, size_t end, int &budget);
    void initHeaderNames();

    std::string m_levelField;
    TimeSettings m_time;
    IsoMinuteCache m_isoMinute; // engine thread (parseHeader), timeValue's cache
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
    // Every such name, with kTimeName | kLevelName | kStatusName (exactNameFlags), by length
    // (names of 64 bytes or more in the last list).
    std::vector<HeaderName> m_headerNames[65];
    // Engine thread: prepareLines' results (in line order) and the next one to hand out.
    std::vector<Prepared> m_prepared;
    size_t m_preparedNext = 0;
    uint64_t m_batchedLines = 0;
    bool m_fastScan = true;
    uint64_t m_fastLines = 0;
    std::vector<Entry> m_entries; // prepareLines' scratch
    std::string m_batch;          // the lines joined by '\n', with simdjson's padding
};

} // namespace weir::parse
