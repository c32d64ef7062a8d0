// SPDX-License-Identifier: GPL-3.0-or-later
#include "filter_export.h"

#include "weir/export/event_export.h"
#include "weir/query/scanner.h"

#include <cstdio>

namespace weir::cli {

const char kFilterExportUsage[] =
    "\n"
    "Filter and export (run over the events kept once the input is fully read):\n"
    "  --filter EXPR         keep the events matching EXPR, e.g. 'status>=500 path:/api/*',\n"
    "                        'level>=warn and not /health/', 'last 5m' (relative to the newest\n"
    "                        event); see core/query/README.md for the language\n"
    "  --events-out FILE     write the (filtered) events: FILE.csv as RFC 4180 CSV, any other\n"
    "                        name (FILE.jsonl) as JSON lines\n"
    "                        {\"time\",\"level\",\"source\",\"fields\",\"raw\"}; '-' for stdout\n";

bool parseFilterExportOption(const std::string &arg, const std::function<const char *()> &next,
                             FilterExportOptions &o,
                             const std::function<void(const std::string &)> &fail) {
    if (arg == "--filter") {
        o.filter = next();
        o.hasFilter = true;
        query::QueryError err;
        query::CompileOptions co;
        co.now = TimestampNs{0}; // syntax check only; compiled again after the replay
        if (!query::Query::compile(o.filter, co, &err))
            fail("bad --filter expression at " + err.toString() + "\n" + err.pointer(o.filter));
        return true;
    }
    if (arg == "--events-out") {
        o.eventsOut = next();
        if (o.eventsOut.empty())
            fail("option --events-out needs a file name");
        return true;
    }
    return false;
}

int runFilterExport(const FilterExportOptions &o, const engine::Snapshot &snapshot) {
    if (o.eventsOut.empty())
        return 0;
    query::SourceCatalog catalog;
    for (const auto &ch : snapshot.channels)
        catalog.push_back({ch.name, ch.decoder, ch.fieldNames});
    const store::StoreSnapshot &events = snapshot.events;

    query::CompileOptions co;
    co.now =
        snapshot.stats.maxEventTime == kMinTimestamp ? TimestampNs{0} : snapshot.stats.maxEventTime;
    query::QueryError err;
    const auto q = query::Query::compile(o.filter, co, &err);
    if (!q) { // cannot happen: checked when parsing the arguments
        std::fprintf(stderr, "weir-cli: bad --filter expression at %s\n", err.toString().c_str());
        return 2;
    }
    const query::VisibleRows rows =
        q->matchesEverything() ? query::VisibleRows::all(events.firstIndex(), events.endIndex())
                               : query::VisibleRows(query::scan(*q, catalog, events).matches);

    exporter::ExportOptions eo;
    exporter::Format format = exporter::Format::JsonLines;
    exporter::formatFromPath(o.eventsOut, format); // anything but .csv: JSON lines
    eo.format = format;
    if (o.eventsOut == "-") {
        exporter::EventFormatter fmt(catalog);
        std::string buf;
        rows.forEach([&](uint64_t index) {
            const store::EventRef e = events.at(index);
            if (!e)
                return;
            fmt.appendJsonLine(buf, e);
            if (buf.size() >= (size_t{1} << 20)) {
                std::fwrite(buf.data(), 1, buf.size(), stdout);
                buf.clear();
            }
        });
        std::fwrite(buf.data(), 1, buf.size(), stdout);
        return std::fflush(stdout) == 0 ? 0 : 1;
    }
    const exporter::ExportResult r = exporter::exportEvents(o.eventsOut, events, catalog, rows, eo);
    if (!r.ok) {
        std::fprintf(stderr, "weir-cli: --events-out: %s\n", r.error.c_str());
        return 1;
    }
    return 0;
}

} // namespace weir::cli
