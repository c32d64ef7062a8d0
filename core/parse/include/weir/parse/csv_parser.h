// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/parse/format_options.h"
#include "weir/parse/parser.h"

#include <string>
#include <vector>

namespace weir::parse {

// Delimited rows (RFC 4180 quoting). Columns come from a header row (the first line of the
// input when no columns are given) or from the options. The event time is the configured time
// column, else the first column with a conventional time name, else the first column whose
// value in the first data row is shaped like a time (read with the configured format/zone).
class CsvParser final : public Parser {
public:
    struct Options {
        char delimiter = ',';
        std::vector<std::string> columns; // empty: the first line is the header
        std::string timeField;            // empty: auto
    };

    CsvParser() = default;
    explicit CsvParser(Options options);
    explicit CsvParser(const FormatOptions &options, char delimiter = ',');

    std::string_view formatName() const override { return "csv"; }
    ParseResult parseHeader(std::string_view line, EventHeader &out) override;
    bool parseFields(std::string_view line, FieldList &out) const override;
    // Types only the columns named in `selection` (the others are not in `out`); which columns
    // those are is kept in the selection's memo until the header changes.
    bool parseNamedFields(std::string_view line, const FieldSelection &selection,
                          FieldList &out) const override;
    // The cells parseHeader split `line` into, when it is that line (same view).
    bool parseNamedFieldsOfHeaderLine(std::string_view line, const FieldSelection &selection,
                                      FieldList &out) const override;
    std::vector<std::string> fieldNames() const override { return m_options.columns; }
    uint64_t schemaVersion() const override { return m_schemaVersion; }
    std::unique_ptr<Parser> clone() const override;

    // Splits one row into raw cells (quotes kept). False on an unterminated quote.
    static bool splitCells(std::string_view line, char delimiter,
                           std::vector<std::string_view> &cells);
    // The cell's value: surrounding quotes removed and "" unescaped (into `scratch` if needed).
    static std::string_view unquote(std::string_view cell, std::string &scratch) {
        if (cell.size() < 2 || cell.front() != '"')
            return cell; // the usual cell: no call
        return unquoteQuoted(cell, scratch);
    }

private:
    // unquote() for a cell that starts with a quote.
    static std::string_view unquoteQuoted(std::string_view cell, std::string &scratch);
    void setColumns(std::vector<std::string> columns);
    bool isHeaderRow(const std::vector<std::string_view> &cells) const;
    // Column `i`'s typed field from its raw cell, appended to `out`.
    void addField(size_t i, std::string_view cell, FieldList &out, std::string &scratch) const;
    // Both parseFields variants; `columns` null: every column, else these (ascending).
    bool parseColumns(std::string_view line, const std::vector<uint32_t> *columns,
                      FieldList &out) const;
    // The typed fields of `columns` (ascending) of a split row.
    void addColumns(const std::vector<std::string_view> &cells,
                    const std::vector<uint32_t> *columns, FieldList &out) const;
    // The columns `selection` names, from its memo (refreshed when the schema changed).
    const std::vector<uint32_t> &selectedColumns(const FieldSelection &selection) const {
        const FieldSelection::Memo &memo = selection.memo();
        if (memo.tag == m_schemaVersion && m_schemaVersion != 0)
            return memo.indices;
        return selectColumns(selection);
    }
    // Fills the selection's memo for the current schema.
    const std::vector<uint32_t> &selectColumns(const FieldSelection &selection) const;

    Options m_options;
    TimeSettings m_time;
    bool m_shapeChecked = false;
    int m_timeColumn = -1;
    int m_levelColumn = -1;
    // Changes with every change of the columns or of the time column, to a value no other
    // parser's schema has had (FieldSelection memos are tagged with it); 0 until then.
    uint64_t m_schemaVersion = 0;
    std::vector<std::string_view> m_cells; // engine-thread scratch for parseHeader
    std::string_view m_eventLine; // the line m_cells are of, when parseHeader found an event
    std::string m_scratch;
};

} // namespace weir::parse
