// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Namespace note: `export` is a C++ keyword, so this library's namespace is weir::exporter.

#include "weir/query/query.h"
#include "weir/query/visible_rows.h"
#include "weir/store/event_store.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace weir::exporter {

enum class Format : uint8_t { Csv, JsonLines };

// ".csv" -> Csv; ".jsonl", ".ndjson", ".json" -> JsonLines (case-insensitive). False otherwise.
bool formatFromPath(std::string_view path, Format &out);

// Turns events into export text. Keeps parse scratch: one formatter per thread.
//
// JSON lines (issue 3's --events-out contract), one object per event:
//   {"time":"<RFC 3339 UTC, ms>","level":"<lower-case or empty>","source":"<channel name>",
//    "fields":{...},"raw":"..."}
// Field values: Int -> number, Float -> number (string when not finite), Bool -> true/false,
// Null -> null, String and Time -> string (the text as it appears). Invalid UTF-8 anywhere is
// replaced by U+FFFD, so every line is valid JSON. Fields are empty when the line does not
// parse with the channel's decoder.
//
// CSV (RFC 4180, CRLF line ends, one header row): time, level, source, the field columns, raw.
// Cells go through appendCsvCell (quoting, formula neutralisation). Null fields are empty.
class EventFormatter {
public:
    // csvColumns: field names between "source" and "raw"; see defaultColumns().
    EventFormatter(const query::SourceCatalog &catalog, std::vector<std::string> csvColumns = {});

    // Union of the catalog's field names in order of first appearance, without the names of
    // the fixed columns (time, level, source, raw).
    static std::vector<std::string> defaultColumns(const query::SourceCatalog &catalog);

    void appendJsonLine(std::string &out, const store::EventRef &event);
    void appendCsvHeader(std::string &out) const;
    void appendCsvRow(std::string &out, const store::EventRef &event);

private:
    bool parse(const store::EventRef &event);
    std::string_view sourceName(const store::EventRecord &r) const;

    const query::SourceCatalog &m_catalog;
    std::vector<std::string> m_columns;
    parse::FieldList m_fields;
    std::vector<const parse::Field *> m_row; // scratch: field per column
};

struct ExportOptions {
    Format format = Format::JsonLines;
    std::vector<std::string> csvColumns; // empty: EventFormatter::defaultColumns
    // Polled every few thousand rows; when it turns true the export stops, the temporary file
    // is removed and the target is left as it was.
    const std::atomic<bool> *cancel = nullptr;
    // (rows written, rows total), about every progressStep rows and once at the end. Called
    // on the exporting thread.
    std::function<void(uint64_t done, uint64_t total)> progress;
    uint64_t progressStep = 65536;
};

struct ExportResult {
    bool ok = false;
    bool cancelled = false;
    uint64_t rows = 0;
    uint64_t bytes = 0;
    std::string error;
};

// Writes the visible rows of the snapshot to `path` atomically (temporary file + rename).
// Rows no longer in the snapshot (evicted) are skipped. Runs on the calling thread.
ExportResult exportEvents(const std::string &path, const store::StoreSnapshot &snapshot,
                          const query::SourceCatalog &catalog, const query::VisibleRows &rows,
                          const ExportOptions &options);

} // namespace weir::exporter
