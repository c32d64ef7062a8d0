// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/parse/csv_parser.h"

#include "weir/common/text.h"
#include "weir/parse/field_types.h"
#include "weir/parse/time_value.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace weir::parse {

namespace {

// A schema version no parser has had yet (process-wide), so equal versions mean equal columns.
uint64_t newSchemaVersion() {
    static std::atomic<uint64_t> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
}

} // namespace

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
    m_schemaVersion = newSchemaVersion();
}

namespace {

// 0x80 in each byte of `w` equal to the byte repeated in `pattern`, 0 elsewhere (exact: no
// false positives from borrows).
inline uint64_t bytesEqual(uint64_t w, uint64_t pattern) {
    constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
    const uint64_t x = w ^ pattern;
    return ~(((x & kLow7) + kLow7) | x | kLow7);
}

// Rows without any quote (the usual case): cells are the runs between delimiters, found 16
// bytes at a time with SSE2 (rows of 16 bytes or more), else eight bytes at a time. False (and
// `cells` untouched) when the row has a quote: the caller then walks it byte by byte. Same cells as
// that walk for every row it accepts.
bool splitUnquoted(std::string_view line, char delimiter, std::vector<std::string_view> &cells) {
#if defined(__SSE2__)
    // x86-64: a bit per byte, 64 bytes of row at a time (16-byte compares), so a row's
    // delimiters are found with one loop over the set bits of a mask.
    if (line.size() >= 16) {
        const __m128i delim = _mm_set1_epi8(delimiter);
        const __m128i quote = _mm_set1_epi8('"');
        const char *p = line.data();
        const size_t n = line.size();
        size_t start = 0;
        for (size_t base = 0; base < n; base += 64) {
            uint64_t delims = 0;
            uint64_t quotes = 0;
            for (size_t k = base; k < base + 64 && k < n; k += 16) {
                unsigned shift = 0; // the last, partial block: the row's last 16 bytes
                __m128i v;
                if (k + 16 <= n) {
                    v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + k));
                } else {
                    v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + n - 16));
                    shift = static_cast<unsigned>(k + 16 - n);
                }
                const auto bits = [&](__m128i pattern) {
                    return static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(
                                                     _mm_cmpeq_epi8(v, pattern))) >>
                                                 shift)
                           << (k - base);
                };
                delims |= bits(delim);
                quotes |= bits(quote);
            }
            if (quotes != 0) {
                cells.clear();
                return false;
            }
            for (; delims != 0; delims &= delims - 1) {
                const size_t at = base + static_cast<size_t>(__builtin_ctzll(delims));
                cells.emplace_back(p + start, at - start);
                start = at + 1;
            }
        }
        cells.emplace_back(p + start, n - start);
        return true;
    }
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    constexpr uint64_t kOnes = 0x0101010101010101ULL;
    const uint64_t delim = kOnes * static_cast<unsigned char>(delimiter);
    const uint64_t quote = kOnes * static_cast<unsigned char>('"');
    const char *p = line.data();
    const size_t n = line.size();
    size_t start = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        std::memcpy(&w, p + i, 8);
        if (bytesEqual(w, quote) != 0) {
            cells.clear();
            return false;
        }
        for (uint64_t m = bytesEqual(w, delim); m != 0; m &= m - 1) {
            const size_t at = i + (static_cast<size_t>(__builtin_ctzll(m)) >> 3);
            cells.emplace_back(p + start, at - start);
            start = at + 1;
        }
    }
    for (; i < n; ++i) {
        if (p[i] == '"') {
            cells.clear();
            return false;
        }
        if (p[i] == delimiter) {
            cells.emplace_back(p + start, i - start);
            start = i + 1;
        }
    }
    cells.emplace_back(p + start, n - start);
    return true;
#else
    (void)line;
    (void)delimiter;
    (void)cells;
    return false;
#endif
}

} // namespace

bool CsvParser::splitCells(std::string_view line, char delimiter,
                           std::vector<std::string_view> &cells) {
    cells.clear();
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    if (splitUnquoted(line, delimiter, cells))
        return true;
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

std::string_view CsvParser::unquoteQuoted(std::string_view cell, std::string &scratch) {
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
    m_eventLine = {};
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
                m_schemaVersion = newSchemaVersion();
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
    m_eventLine = line;
    return ParseResult::event();
}

void CsvParser::addField(size_t i, std::string_view cell, FieldList &out,
                         std::string &scratch) const {
    std::string_view v = unquote(cell, scratch);
    if (v.data() == scratch.data())
        v = out.keep(scratch);
    // Filled in place: a Field built aside and copied in is loaded with 16-byte moves right
    // after its 8-byte stores, which stalls store-to-load forwarding on every field.
    Field &f = out.fields.emplace_back();
    f.name = m_options.columns[i];
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
}

void CsvParser::addColumns(const std::vector<std::string_view> &cells,
                           const std::vector<uint32_t> *columns, FieldList &out) const {
    std::string scratch;
    if (!columns) {
        for (size_t i = 0; i < cells.size(); ++i)
            addField(i, cells[i], out, scratch);
        return;
    }
    for (const uint32_t i : *columns)
        addField(i, cells[i], out, scratch);
}

bool CsvParser::parseColumns(std::string_view line, const std::vector<uint32_t> *columns,
                             FieldList &out) const {
    out.clear();
    // Reused per thread: this runs for every event a window or filter reads (no allocation).
    thread_local std::vector<std::string_view> cells;
    if (!splitCells(line, m_options.delimiter, cells) || cells.size() != m_options.columns.size())
        return false;
    addColumns(cells, columns, out);
    return true;
}

bool CsvParser::parseFields(std::string_view line, FieldList &out) const {
    return parseColumns(line, nullptr, out);
}

const std::vector<uint32_t> &CsvParser::selectColumns(const FieldSelection &selection) const {
    FieldSelection::Memo &memo = selection.memo();
    memo.indices.clear();
    for (size_t i = 0; i < m_options.columns.size(); ++i) {
        if (selection.contains(m_options.columns[i]))
            memo.indices.push_back(static_cast<uint32_t>(i));
    }
    memo.tag = m_schemaVersion;
    return memo.indices;
}

bool CsvParser::parseNamedFields(std::string_view line, const FieldSelection &selection,
                                 FieldList &out) const {
    return parseColumns(line, &selectedColumns(selection), out);
}

bool CsvParser::parseNamedFieldsOfHeaderLine(std::string_view line, const FieldSelection &selection,
                                             FieldList &out) const {
    if (line.data() != m_eventLine.data() || line.size() != m_eventLine.size() ||
        m_cells.size() != m_options.columns.size())
        return parseNamedFields(line, selection, out);
    out.clear();
    addColumns(m_cells, &selectedColumns(selection), out);
    return true;
}

std::unique_ptr<Parser> CsvParser::clone() const {
    return std::make_unique<CsvParser>(*this);
}

} // namespace weir::parse
