// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/export/event_export.h"

#include "weir/common/text.h"
#include "weir/common/time_util.h"
#include "weir/export/atomic_file.h"
#include "weir/export/csv_writer.h"
#include "weir/store/attributes.h"

#include <algorithm>
#include <cmath>

namespace weir::exporter {

namespace {

bool endsWithCaseless(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

bool isFixedColumn(std::string_view name) {
    return name == "time" || name == "level" || name == "source" || name == "raw";
}

void appendFieldJson(std::string &out, const parse::Field &f) {
    switch (f.type) {
    case parse::FieldType::Null:
        out += "null";
        return;
    case parse::FieldType::Bool:
        out += f.i ? "true" : "false";
        return;
    case parse::FieldType::Int:
        out += std::to_string(f.i);
        return;
    case parse::FieldType::Float:
        if (std::isfinite(f.f))
            appendDouble(out, f.f);
        else
            appendJsonString(out, f.text);
        return;
    default: // String, Time, Ip and any later text-like type: the text as it appears
        appendJsonString(out, f.text);
        return;
    }
}

} // namespace

bool formatFromPath(std::string_view path, Format &out) {
    if (endsWithCaseless(path, ".csv")) {
        out = Format::Csv;
        return true;
    }
    if (endsWithCaseless(path, ".jsonl") || endsWithCaseless(path, ".ndjson") ||
        endsWithCaseless(path, ".json")) {
        out = Format::JsonLines;
        return true;
    }
    return false;
}

EventFormatter::EventFormatter(const query::SourceCatalog &catalog,
                               std::vector<std::string> csvColumns)
    : m_catalog(catalog)
    , m_columns(csvColumns.empty() ? defaultColumns(catalog) : std::move(csvColumns)) {}

std::vector<std::string> EventFormatter::defaultColumns(const query::SourceCatalog &catalog) {
    std::vector<std::string> out;
    for (const auto &entry : catalog) {
        for (const auto &name : entry.fieldNames) {
            if (!isFixedColumn(name) && std::find(out.begin(), out.end(), name) == out.end())
                out.push_back(name);
        }
    }
    return out;
}

bool EventFormatter::parse(const store::EventRef &event) {
    m_fields.clear();
    const auto id = event.record().source.value;
    if (id >= m_catalog.size() || !m_catalog[id].decoder)
        return false;
    if (!m_catalog[id].decoder->parseFields(event.raw(), m_fields)) {
        m_fields.clear();
        if (event.attributes().empty())
            return false;
    }
    store::appendAttributeFields(event.attributes(), m_fields); // Kafka/MQTT provenance
    return true;
}

std::string_view EventFormatter::sourceName(const store::EventRecord &r) const {
    return r.source.value < m_catalog.size() ? std::string_view(m_catalog[r.source.value].name)
                                             : std::string_view();
}

void EventFormatter::appendJsonLine(std::string &out, const store::EventRef &event) {
    const store::EventRecord &r = event.record();
    out += "{\"time\":\"";
    appendRfc3339Ms(out, r.time);
    out += "\",\"level\":";
    appendJsonString(out, severityName(r.severity));
    out += ",\"source\":";
    appendJsonString(out, sourceName(r));
    out += ",\"fields\":{";
    parse(event);
    bool first = true;
    for (const parse::Field &f : m_fields.fields) {
        if (!first)
            out += ',';
        first = false;
        appendJsonString(out, f.name);
        out += ':';
        appendFieldJson(out, f);
    }
    out += "},\"raw\":";
    appendJsonString(out, event.raw());
    out += "}\n";
}

void EventFormatter::appendCsvHeader(std::string &out) const {
    out += "time,level,source";
    for (const auto &c : m_columns) {
        out += ',';
        appendCsvCell(out, c);
    }
    out += ",raw\r\n";
}

void EventFormatter::appendCsvRow(std::string &out, const store::EventRef &event) {
    const store::EventRecord &r = event.record();
    appendRfc3339Ms(out, r.time);
    out += ',';
    out += severityName(r.severity);
    out += ',';
    appendCsvCell(out, sourceName(r));
    m_row.assign(m_columns.size(), nullptr);
    if (!m_columns.empty() && parse(event)) {
        for (const parse::Field &f : m_fields.fields) {
            for (size_t c = 0; c < m_columns.size(); ++c) {
                if (!m_row[c] && m_columns[c] == f.name) {
                    m_row[c] = &f;
                    break;
                }
            }
        }
    }
    for (const parse::Field *f : m_row) {
        out += ',';
        if (f && f->type != parse::FieldType::Null)
            appendCsvCell(out, f->text);
    }
    out += ',';
    appendCsvCell(out, event.raw());
    out += "\r\n";
}

ExportResult exportEvents(const std::string &path, const store::StoreSnapshot &snapshot,
                          const query::SourceCatalog &catalog, const query::VisibleRows &rows,
                          const ExportOptions &options) {
    ExportResult result;
    AtomicFile file;
    if (!file.open(path)) {
        result.error = file.error();
        return result;
    }
    EventFormatter formatter(catalog, options.csvColumns);
    std::string buf;
    if (options.format == Format::Csv)
        formatter.appendCsvHeader(buf);
    const uint64_t total = rows.size();
    // Cancel and progress are looked at between blocks of rows.
    const uint64_t kBlock = std::clamp<uint64_t>(options.progressStep, 64, 4096);
    uint64_t nextProgress = options.progressStep;
    for (uint64_t from = 0; from < total; from += kBlock) {
        if (options.cancel && options.cancel->load(std::memory_order_relaxed)) {
            result.cancelled = true;
            result.rows = from;
            return result; // `file` discards the temporary file
        }
        const uint64_t to = std::min(total, from + kBlock);
        rows.forEach(from, to, [&](uint64_t index) {
            const store::EventRef e = snapshot.at(index);
            if (!e)
                return;
            if (options.format == Format::Csv)
                formatter.appendCsvRow(buf, e);
            else
                formatter.appendJsonLine(buf, e);
            ++result.rows;
        });
        if (!file.write(buf)) {
            result.error = file.error();
            return result;
        }
        buf.clear();
        if (options.progress && to >= nextProgress && to < total) {
            options.progress(to, total);
            nextProgress = to + options.progressStep;
        }
    }
    if (!file.write(buf) || !file.commit()) {
        result.error = file.error();
        return result;
    }
    if (options.progress)
        options.progress(total, total);
    result.bytes = file.bytesWritten();
    result.ok = true;
    return result;
}

} // namespace weir::exporter
