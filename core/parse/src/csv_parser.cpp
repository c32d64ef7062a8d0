// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/parse/csv_parser.h"

#include "weir/common/text.h"
#include "weir/parse/field_types.h"
#include "weir/parse/time_value.h"

namespace weir::parse {

CsvParser::CsvParser(Options options)
    : m_options(std::move(options)) {
    if (!m_options.columns.empty())
        setColumns(std::move(m_options.columns));
}

CsvParser::CsvParser(const FormatOptions &options, char delimiter) {
    m_time.init(options, nullptr);
    m_options.delimiter = delimiter;
    m_options.timeField = options.timeField;
}

void CsvParser::setColumns(std::vector<std::string> columns) {
    m_options.columns = std::move(columns);
    m_timeColumn = -1;
    m_levelColumn = -1;
    m_shapeChecked = !m_options.timeField.empty();
    for (size_t i = 0; i < m_options.columns.size(); ++i) {
        const std::string &c = m_options.columns[i];
        const bool isTime =
            m_options.timeField.empty() ? isConventionalTimeName(c) : c == m_options.timeField;
        if (isTime && m_timeColumn < 0)
            m_timeColumn = static_cast<int>(i);
        if (isConventionalLevelName(c) && m_levelColumn < 0)
            m_levelColumn = static_cast<int>(i);
    }
    ++m_schemaVersion;
}

bool CsvParser::splitCells(std::string_view line, char delimiter,
                           std::vector<std::string_view> &cells) {
    cells.clear();
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    size_t pos = 0;
    while (true) {
        size_t end = pos;
        if (pos < line.size() && line[pos] == '"') {
            end = pos + 1;
            while (true) {
                if (end >= line.size())
                    return false;
                if (line[end] == '"') {
                    if (end + 1 < line.size() && line[end + 1] == '"') {
                        end += 2;
                        continue;
                    }
                    ++end;
                    break;
                }
                ++end;
            }
            if (end < line.size() && line[end] != delimiter)
                return false;
        } else {
            while (end < line.size() && line[end] != delimiter)
                ++end;
        }
        cells.push_back(line.substr(pos, end - pos));
        if (end >= line.size())
            return true;
        pos = end + 1;
    }
}

std::string_view CsvParser::unquote(std::string_view cell, std::string &scratch) {
    if (cell.size() < 2 || cell.front() != '"')
        return cell;
    cell = cell.substr(1, cell.size() - 2);
    if (cell.find('"') == std::string_view::npos)
        return cell;
    scratch.clear();
    for (size_t i = 0; i < cell.size(); ++i) {
        scratch += cell[i];
        if (cell[i] == '"' && i + 1 < cell.size() && cell[i + 1] == '"')
            ++i;
    }
    return scratch;
}

bool CsvParser::isHeaderRow(const std::vector<std::string_view> &cells) const {
    if (cells.size() != m_options.columns.size())
        return false;
    std::string scratch;
    for (size_t i = 0; i < cells.size(); ++i) {
        if (unquote(trim(cells[i]), scratch) != m_options.columns[i])
            return false;
    }
    return true;
}

ParseResult CsvParser::parseHeader(std::string_view line, EventHeader &out) {
    if (!splitCells(line, m_options.delimiter, m_cells))
        return ParseResult::dead(DeadLetterReason::Malformed);
    if (m_options.columns.empty()) {
        std::vector<std::string> names;
        names.reserve(m_cells.size());
        for (auto c : m_cells)
            names.emplace_back(unquote(trim(c), m_scratch));
        setColumns(std::move(names));
        return ParseResult::header();
    }
    if (m_cells.size() != m_options.columns.size())
        return isHeaderRow(m_cells) ? ParseResult::header()
                                    : ParseResult::dead(DeadLetterReason::Malformed);
    if (m_timeColumn < 0 && !m_shapeChecked) {
        // No time-named column: the first one whose value looks like a date-time.
        m_shapeChecked = true;
        for (size_t i = 0; i < m_cells.size(); ++i) {
            const std::string_view v = trim(unquote(m_cells[i], m_scratch));
            TimestampNs t;
            if (v.size() >= 8 && v[0] >= '0' && v[0] <= '9' &&
                v.find_first_of("-/:") != std::string_view::npos && m_time.parseValue(v, t)) {
                m_timeColumn = static_cast<int>(i);
                ++m_schemaVersion;
                break;
            }
        }
    }
    if (m_timeColumn >= 0) {
        const std::string_view v = unquote(m_cells[static_cast<size_t>(m_timeColumn)], m_scratch);
        if (!m_time.parseValue(v, out.time))
            return isHeaderRow(m_cells) ? ParseResult::header()
                                        : ParseResult::dead(DeadLetterReason::BadTimestamp);
        out.hasTime = true;
    }
    if (m_levelColumn >= 0)
        out.severity =
            severityFromName(trim(unquote(m_cells[static_cast<size_t>(m_levelColumn)], m_scratch)));
    return ParseResult::event();
}

bool CsvParser::parseFields(std::string_view line, FieldList &out) const {
    out.clear();
    std::vector<std::string_view> cells;
    if (!splitCells(line, m_options.delimiter, cells) || cells.size() != m_options.columns.size())
        return false;
    std::string scratch;
    for (size_t i = 0; i < cells.size(); ++i) {
        Field f;
        f.name = m_options.columns[i];
        std::string_view v = unquote(cells[i], scratch);
        if (v.data() == scratch.data())
            v = out.keep(scratch);
        f.text = v;
        const std::string_view t = trim(v);
        TimestampNs ts;
        if (t.empty()) {
            f.type = FieldType::Null;
        } else if (static_cast<int>(i) == m_timeColumn && m_time.parseValue(t, ts)) {
            f.type = FieldType::Time;
            f.i = ts.value;
        } else {
            const std::string_view keepText = f.text;
            f.text = t;
            inferFieldType(f);
            f.text = keepText;
        }
        out.fields.push_back(f);
    }
    return true;
}

std::unique_ptr<Parser> CsvParser::clone() const {
    return std::make_unique<CsvParser>(*this);
}

} // namespace weir::parse
