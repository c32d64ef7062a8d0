// SPDX-License-Identifier: GPL-3.0-or-later
// Export formats (RFC 4180 CSV with formula neutralisation, JSON lines), atomic writes,
// cancellation and progress.
#include "../test_support.h"
#include "test_events.h"
#include "weir/common/text.h"
#include "weir/export/atomic_file.h"
#include "weir/export/csv_writer.h"
#include "weir/export/event_export.h"
#include "weir/query/scanner.h"

#include <dirent.h>
#include <fstream>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sstream>
#include <unistd.h>

using namespace weir;
using namespace weir::exporter;
using weir::testing::EventFixture;

namespace {

std::string csvCell(std::string_view s) {
    std::string out;
    appendCsvCell(out, s);
    return out;
}

std::string readFile(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Minimal RFC 4180 reader for checking what we wrote: rows of cells, CRLF record ends.
std::vector<std::vector<std::string>> parseCsv(const std::string &text) {
    std::vector<std::vector<std::string>> rows(1);
    std::string cell;
    bool inQuotes = false, quoted = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inQuotes) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                inQuotes = false;
            } else {
                cell += c;
            }
        } else if (c == '"' && cell.empty() && !quoted) {
            inQuotes = quoted = true;
        } else if (c == ',') {
            rows.back().push_back(cell);
            cell.clear();
            quoted = false;
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            rows.back().push_back(cell);
            cell.clear();
            quoted = false;
            ++i;
            rows.emplace_back();
        } else {
            EXPECT_NE(c, '\n') << "bare LF outside quotes at byte " << i;
            EXPECT_NE(c, '"') << "quote inside an unquoted cell at byte " << i;
            cell += c;
        }
    }
    EXPECT_FALSE(inQuotes);
    EXPECT_TRUE(rows.back().empty() && cell.empty()) << "last record not ended by CRLF";
    rows.pop_back();
    return rows;
}

using weir::test::TempDir;

std::vector<std::string> lines(const std::string &text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
        const size_t nl = text.find('\n', start);
        EXPECT_NE(nl, std::string::npos) << "last line without newline";
        if (nl == std::string::npos)
            break;
        out.push_back(text.substr(start, nl - start));
        start = nl + 1;
    }
    return out;
}

} // namespace

TEST(CsvCell, Rfc4180Quoting) {
    EXPECT_EQ(csvCell("plain"), "plain");
    EXPECT_EQ(csvCell(""), "");
    EXPECT_EQ(csvCell("a,b"), "\"a,b\"");
    EXPECT_EQ(csvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csvCell("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csvCell("cr\rhere"), "\"cr\rhere\"");
    EXPECT_EQ(csvCell("\""), "\"\"\"\"");
    EXPECT_EQ(csvCell("caf\xC3\xA9 \xFF"), "caf\xC3\xA9 \xFF"); // bytes kept as they are
}

TEST(CsvCell, FormulaInjectionIsNeutralised) {
    EXPECT_EQ(csvCell("=1+1"), "'=1+1");
    EXPECT_EQ(csvCell("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
    EXPECT_EQ(csvCell("-2+3"), "'-2+3");
    EXPECT_EQ(csvCell("@SUM(A1)"), "'@SUM(A1)");
    EXPECT_EQ(csvCell("\tx"), "'\tx");
    EXPECT_EQ(csvCell("-"), "'-");
    EXPECT_EQ(csvCell("=HYPERLINK(\"http://x\",\"y\")"),
              "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    EXPECT_EQ(csvCell("\r=1"), "\"'\r=1\"");
    // Plain numbers are not formulas.
    EXPECT_EQ(csvCell("-5"), "-5");
    EXPECT_EQ(csvCell("+1.5e3"), "+1.5e3");
    EXPECT_EQ(csvCell("-.5"), "-.5");
    EXPECT_EQ(csvCell("-1e"), "'-1e");
    EXPECT_EQ(csvCell("a=1"), "a=1");
    EXPECT_FALSE(needsFormulaGuard(""));
}

TEST(ExportFormat, FromPath) {
    Format f = Format::Csv;
    EXPECT_TRUE(formatFromPath("out.jsonl", f));
    EXPECT_EQ(f, Format::JsonLines);
    EXPECT_TRUE(formatFromPath("/a/b/OUT.CSV", f));
    EXPECT_EQ(f, Format::Csv);
    EXPECT_TRUE(formatFromPath("x.ndjson", f));
    EXPECT_EQ(f, Format::JsonLines);
    EXPECT_FALSE(formatFromPath("x.txt", f));
    EXPECT_FALSE(formatFromPath("csv", f));
}

TEST(EventFormatter, JsonLineHasTheEventsOutShape) {
    store::EventStore st({});
    auto access = std::make_shared<parse::AccessLogParser>();
    const std::string line = "10.0.0.1 - bob [22/Nov/2026:10:00:01 +0000] \"GET /a?x=\\\"1\\\" "
                             "HTTP/1.1\" 503 -";
    parse::EventHeader h;
    ASSERT_EQ(access->parseHeader(line, h).status, parse::ParseStatus::Event);
    store::EventRecord rec{};
    rec.time = h.time;
    rec.severity = h.severity;
    rec.status = h.status;
    st.append(rec, line, h.time);
    rec.severity = Severity::Unknown;
    rec.source = SourceId{7}; // not in the catalog
    st.append(rec, "not parsed", h.time);
    const query::SourceCatalog catalog{{"access.log", access, access->fieldNames()}};
    EventFormatter fmt(catalog);
    std::string out;
    fmt.appendJsonLine(out, st.snapshot().at(0));
    EXPECT_EQ(out, R"({"time":"2026-11-22T10:00:01.000Z","level":"error","source":"access.log",)"
                   R"("fields":{"time":"22/Nov/2026:10:00:01 +0000","host":"10.0.0.1",)"
                   R"("ident":null,"user":"bob","method":"GET","path":"/a?x=\\\"1\\\"",)"
                   R"("protocol":"HTTP/1.1","status":503,"bytes":null},)"
                   R"("raw":"10.0.0.1 - bob [22/Nov/2026:10:00:01 +0000] \"GET /a?x=\\\"1\\\" )"
                   R"(HTTP/1.1\" 503 -"})"
                   "\n");
    out.clear();
    fmt.appendJsonLine(out, st.snapshot().at(1));
    EXPECT_EQ(out, R"({"time":"2026-11-22T10:00:01.000Z","level":"","source":"","fields":{},)"
                   R"("raw":"not parsed"})"
                   "\n");
    // CSV: the default columns come from the catalog, without duplicates of fixed columns.
    out.clear();
    fmt.appendCsvHeader(out);
    EXPECT_EQ(out, "time,level,source,host,ident,user,method,path,protocol,status,bytes,"
                   "referer,user_agent,raw\r\n");
    out.clear();
    fmt.appendCsvRow(out, st.snapshot().at(0));
    EXPECT_EQ(out, "2026-11-22T10:00:01.000Z,error,access.log,10.0.0.1,,bob,GET,"
                   "\"/a?x=\\\"\"1\\\"\"\",HTTP/1.1,503,,,,"
                   "\"10.0.0.1 - bob [22/Nov/2026:10:00:01 +0000] \"\"GET /a?x=\\\"\"1\\\"\" "
                   "HTTP/1.1\"\" 503 -\"\r\n");
}

TEST(EventFormatter, InvalidUtf8AndControlBytesStayValidJson) {
    store::EventStore st({});
    auto json = std::make_shared<parse::JsonParser>();
    const std::vector<std::string> raws = {
        std::string("bad \xFF\xFE bytes \xC3 and \xED\xA0\x80 surrogate\x01\x7F\ttab"),
        std::string("{\"msg\":\"caf\xC3\xA9\",\"k\\u00e9y\":1.5,\"b\":true,\"n\":null}"),
        std::string("{\"\xFF\":\"x\"}"),
    };
    for (const auto &r : raws) {
        store::EventRecord rec{};
        st.append(rec, r, TimestampNs{0});
    }
    const query::SourceCatalog catalog{{"s\xFFname", json, {}}};
    EventFormatter fmt(catalog);
    simdjson::dom::parser parser;
    for (size_t i = 0; i < raws.size(); ++i) {
        std::string out;
        fmt.appendJsonLine(out, st.snapshot().at(i));
        ASSERT_TRUE(isValidUtf8(out)) << i;
        ASSERT_EQ(out.back(), '\n');
        ASSERT_EQ(out.find('\n'), out.size() - 1) << "one line per event";
        simdjson::dom::element doc;
        const auto err = parser.parse(out).get(doc);
        ASSERT_EQ(err, simdjson::SUCCESS) << simdjson::error_message(err) << ": " << out;
        std::string_view raw;
        ASSERT_EQ(doc["raw"].get(raw), simdjson::SUCCESS);
        std::string_view source;
        ASSERT_EQ(doc["source"].get(source), simdjson::SUCCESS);
        EXPECT_EQ(source, "s\xEF\xBF\xBDname");
        if (i == 0) {
            EXPECT_EQ(raw, "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes \xEF\xBF\xBD and "
                           "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD surrogate\x01\x7F\ttab");
        }
        if (i == 1) {
            double k = 0;
            EXPECT_EQ(doc["fields"]["k\xC3\xA9y"].get(k), simdjson::SUCCESS) << out;
            EXPECT_EQ(k, 1.5);
            bool b = false;
            EXPECT_EQ(doc["fields"]["b"].get(b), simdjson::SUCCESS);
            EXPECT_TRUE(b);
            EXPECT_TRUE(doc["fields"]["n"].is_null());
        }
    }
}

TEST(ExportEvents, FilteredRowsToJsonLinesAndCsv) {
    EventFixture fx(3000);
    const auto snap = fx.snapshot();
    const auto q = query::Query::compile("level>=warn or msg:*reset*");
    ASSERT_TRUE(q);
    const query::VisibleRows rows(query::scan(*q, fx.catalog, snap).matches);
    ASSERT_GT(rows.size(), 100u);
    ASSERT_LT(rows.size(), snap.size());
    TempDir dir;

    ExportOptions jo;
    uint64_t lastDone = 0, calls = 0;
    jo.progressStep = 100;
    jo.progress = [&](uint64_t done, uint64_t total) {
        EXPECT_GE(done, lastDone);
        EXPECT_EQ(total, rows.size());
        lastDone = done;
        ++calls;
    };
    const ExportResult jr = exportEvents(dir.file("out.jsonl"), snap, fx.catalog, rows, jo);
    ASSERT_TRUE(jr.ok) << jr.error;
    EXPECT_EQ(jr.rows, rows.size());
    EXPECT_EQ(lastDone, rows.size());
    EXPECT_GT(calls, 1u);
    const std::string text = readFile(dir.file("out.jsonl"));
    EXPECT_EQ(jr.bytes, text.size());
    const auto jl = lines(text);
    ASSERT_EQ(jl.size(), rows.size());
    simdjson::dom::parser parser;
    for (size_t r = 0; r < jl.size(); ++r) {
        const auto &g = fx.events[rows.globalIndex(r)];
        simdjson::dom::element doc;
        ASSERT_EQ(parser.parse(jl[r]).get(doc), simdjson::SUCCESS) << jl[r];
        std::string_view raw, level, source, time;
        ASSERT_EQ(doc["raw"].get(raw), simdjson::SUCCESS);
        ASSERT_EQ(doc["level"].get(level), simdjson::SUCCESS);
        ASSERT_EQ(doc["source"].get(source), simdjson::SUCCESS);
        ASSERT_EQ(doc["time"].get(time), simdjson::SUCCESS);
        EXPECT_EQ(raw, g.raw);
        EXPECT_EQ(level, severityName(g.level));
        EXPECT_EQ(time, formatRfc3339Ms(TimestampNs{g.timeNs}));
        EXPECT_EQ(source, fx.catalog[static_cast<size_t>(g.source)].name);
    }

    ExportOptions co;
    co.format = Format::Csv;
    const ExportResult cr = exportEvents(dir.file("out.csv"), snap, fx.catalog, rows, co);
    ASSERT_TRUE(cr.ok) << cr.error;
    const auto table = parseCsv(readFile(dir.file("out.csv")));
    ASSERT_EQ(table.size(), rows.size() + 1);
    const auto &header = table[0];
    ASSERT_GE(header.size(), 5u);
    EXPECT_EQ(header.front(), "time");
    EXPECT_EQ(header.back(), "raw");
    const size_t statusCol =
        static_cast<size_t>(std::find(header.begin(), header.end(), "status") - header.begin());
    ASSERT_LT(statusCol, header.size());
    for (size_t r = 0; r < rows.size(); ++r) {
        const auto &g = fx.events[rows.globalIndex(r)];
        const auto &row = table[r + 1];
        ASSERT_EQ(row.size(), header.size());
        EXPECT_EQ(row.back(), g.raw);
        EXPECT_EQ(row[1], severityName(g.level));
        if (g.source == 0) {
            EXPECT_EQ(row[statusCol], std::to_string(g.status));
        }
    }
    EXPECT_EQ(dir.entries().size(), 2u) << "no temporary files left behind";
}

TEST(ExportEvents, CancelLeavesTheOldFileAndNoTemporaryFile) {
    EventFixture fx(20000);
    const auto snap = fx.snapshot();
    const auto rows = query::VisibleRows::all(snap.firstIndex(), snap.endIndex());
    TempDir dir;
    const std::string target = dir.file("events.jsonl");
    { std::ofstream(target) << "previous content\n"; }
    std::atomic<bool> cancel{false};
    ExportOptions o;
    o.cancel = &cancel;
    o.progressStep = 1;
    o.progress = [&](uint64_t done, uint64_t) {
        if (done >= 5000)
            cancel = true;
    };
    const ExportResult r = exportEvents(target, snap, fx.catalog, rows, o);
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.cancelled);
    EXPECT_LT(r.rows, snap.size());
    EXPECT_EQ(readFile(target), "previous content\n");
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"events.jsonl"});
    // Not cancelled: replaced as a whole.
    cancel = false;
    o.progress = nullptr;
    const ExportResult ok = exportEvents(target, snap, fx.catalog, rows, o);
    ASSERT_TRUE(ok.ok) << ok.error;
    EXPECT_EQ(lines(readFile(target)).size(), snap.size());
    EXPECT_EQ(dir.entries().size(), 1u);
}

TEST(ExportEvents, ErrorsAreReported) {
    EventFixture fx(10);
    const auto snap = fx.snapshot();
    const ExportResult r = exportEvents("/nonexistent-dir-weir/x.csv", snap, fx.catalog,
                                        query::VisibleRows::all(0, 10), {});
    EXPECT_FALSE(r.ok);
    EXPECT_FALSE(r.cancelled);
    EXPECT_NE(r.error.find("/nonexistent-dir-weir/x.csv"), std::string::npos) << r.error;
}
