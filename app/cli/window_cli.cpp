// SPDX-License-Identifier: GPL-3.0-or-later
#include "window_cli.h"

#include "weir/common/text.h"
#include "weir/common/time_util.h"

#include <cmath>
#include <cstring>

namespace weir::cli {

const char kWindowUsage[] =
    "\n"
    "Event-time windows (results written to --out as windows fire):\n"
    "  --window W            fixed:60s | sliding:60s/10s | session:30s | global\n"
    "  --key F1,F2           group by these fields (key column joins them with '|')\n"
    "  --agg LIST            count,sum(F),mean(F),min(F),max(F),p50/p90/p95/p99(F),\n"
    "                        distinct(F),topk(F,10),first(F),last(F),count(F) (default count)\n"
    "  --out-of-order D      watermark = max event time - D (default 0)\n"
    "  --lateness D          late data within D updates windows (LATE panes; default 0)\n"
    "  --idle-timeout D      a source quiet for D stops holding the watermark (default never)\n"
    "  --early D             speculative EARLY panes every D of processing time (default none)\n"
    "  --mode M              accumulating (default) or discarding panes\n"
    "  --dedup EXPR          drop repeats of these fields (comma list) or of the whole 'raw'\n"
    "                        line within --dedup-ttl D of event time (default 10m)\n"
    "  --emit all|final      every pane (default) or one final row per window and key\n"
    "  --out FILE            FILE.csv or FILE.jsonl; CSV columns window_start,window_end,key,\n"
    "                        one per --agg (named as written),pane,final\n"
    "  With --stats: late_dropped, late_updates, duplicates and windows (final results).\n";

bool parseWindowOption(const std::string &a, const std::function<const char *()> &next,
                       WindowCliOptions &o) {
    std::string *target = a == "--window"         ? &o.window
                          : a == "--key"          ? &o.keys
                          : a == "--agg"          ? &o.aggs
                          : a == "--lateness"     ? &o.lateness
                          : a == "--out-of-order" ? &o.outOfOrder
                          : a == "--idle-timeout" ? &o.idleTimeout
                          : a == "--early"        ? &o.early
                          : a == "--mode"         ? &o.mode
                          : a == "--dedup"        ? &o.dedup
                          : a == "--dedup-ttl"    ? &o.dedupTtl
                          : a == "--emit"         ? &o.emit
                          : a == "--out"          ? &o.out
                                                  : nullptr;
    if (!target)
        return false;
    *target = next();
    return true;
}

namespace {

bool endsWith(const std::string &s, const char *suffix) {
    const size_t n = std::strlen(suffix);
    return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

void appendCsvCell(std::string &out, std::string_view cell) {
    if (cell.find_first_of(",\"\r\n") == std::string_view::npos) {
        out.append(cell.data(), cell.size());
        return;
    }
    out += '"';
    for (char c : cell) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

} // namespace

std::string WindowOutput::init(const WindowCliOptions &o) {
    engine::WindowProcessor::Options po;
    std::string error;
    if (!window::parseWindowSpec(o.window, po.window.window, &error))
        return "--window: " + error;
    if (!window::parseAggregates(o.aggs, po.window.aggregates, &error))
        return "--agg: " + error;
    const auto duration = [&](const char *name, const std::string &text, int64_t &out) {
        if (!parseDuration(text, out) || out < 0) {
            error = std::string(name) + " needs a duration such as 10s or 5m, not '" + text + "'";
            return false;
        }
        return true;
    };
    if (!duration("--lateness", o.lateness, po.window.allowedLatenessNs) ||
        !duration("--out-of-order", o.outOfOrder, po.window.outOfOrderNs) ||
        !duration("--idle-timeout", o.idleTimeout, po.window.idleTimeoutNs) ||
        !duration("--early", o.early, po.window.earlyIntervalNs) ||
        !duration("--dedup-ttl", o.dedupTtl, po.window.dedupTtlNs))
        return error;
    if (o.mode == "discarding")
        po.window.mode = window::AccumulationMode::Discarding;
    else if (o.mode != "accumulating")
        return "--mode must be accumulating or discarding";
    if (o.emit != "all" && o.emit != "final")
        return "--emit must be all or final";
    m_finalOnly = o.emit == "final";
    if (m_finalOnly && po.window.mode == window::AccumulationMode::Discarding)
        return "--emit final needs accumulating panes (drop --mode discarding)";
    po.keyFields = window::EventBuilder::splitList(o.keys);
    po.dedupFields = window::EventBuilder::splitList(o.dedup);
    if (!po.dedupFields.empty() && po.window.dedupTtlNs <= 0)
        return "--dedup needs a positive --dedup-ttl";
    po.name = o.window + (o.keys.empty() ? "" : " by " + o.keys);
    for (const auto &a : po.window.aggregates)
        m_aggNames.push_back(a.name);
    if (o.out.empty())
        return "--window needs --out FILE.csv or FILE.jsonl";
    if (endsWith(o.out, ".jsonl") || endsWith(o.out, ".ndjson"))
        m_jsonl = true;
    else if (!endsWith(o.out, ".csv"))
        return "--out must end in .csv or .jsonl";
    m_path = o.out;
    m_file = std::fopen(o.out.c_str(), "wb");
    if (!m_file)
        return "cannot write " + o.out;
    if (!m_jsonl) {
        m_line = "window_start,window_end,key";
        for (const auto &n : m_aggNames) {
            m_line += ',';
            appendCsvCell(m_line, n);
        }
        m_line += ",pane,final\n";
        std::fwrite(m_line.data(), 1, m_line.size(), m_file);
    }
    m_processor = std::make_shared<engine::WindowProcessor>(std::move(po));
    m_processor->setPaneSink([this](std::vector<window::Pane> &panes) { write(panes); });
    return {};
}

void WindowOutput::write(std::vector<window::Pane> &panes) {
    for (const window::Pane &p : panes) {
        if (m_finalOnly && !p.final)
            continue;
        m_line.clear();
        if (m_jsonl) {
            m_line += "{\"window_start\":\"";
            appendRfc3339Ms(m_line, p.window.start);
            m_line += "\",\"window_end\":\"";
            appendRfc3339Ms(m_line, p.window.end);
            m_line += "\",\"key\":";
            appendJsonString(m_line, p.key);
            for (size_t i = 0; i < p.values.size() && i < m_aggNames.size(); ++i) {
                m_line += ',';
                appendJsonString(m_line, m_aggNames[i]);
                m_line += ':';
                const window::AggValue &v = p.values[i];
                if (v.type == window::AggValue::Type::Number && std::isfinite(v.number) &&
                    v.text.empty())
                    appendDouble(m_line, v.number);
                else if (v.isNull())
                    m_line += "null";
                else
                    appendJsonString(m_line, v.toString());
            }
            m_line += ",\"pane\":";
            appendJsonString(m_line, window::paneTimingName(p.timing));
            m_line += ",\"pane_index\":" + std::to_string(p.index);
            m_line += p.final ? ",\"final\":true}\n" : ",\"final\":false}\n";
        } else {
            appendRfc3339Ms(m_line, p.window.start);
            m_line += ',';
            appendRfc3339Ms(m_line, p.window.end);
            m_line += ',';
            appendCsvCell(m_line, p.key);
            for (const window::AggValue &v : p.values) {
                m_line += ',';
                appendCsvCell(m_line, v.toString());
            }
            m_line += ',';
            m_line += window::paneTimingName(p.timing);
            m_line += p.final ? ",true\n" : ",false\n";
        }
        if (std::fwrite(m_line.data(), 1, m_line.size(), m_file) != m_line.size())
            m_writeError = true;
    }
}

std::string WindowOutput::finish() {
    if (!m_file)
        return {};
    m_processor->onInputFinished(); // no-op when the input already ended
    const bool ok = std::fflush(m_file) == 0 && !m_writeError;
    const bool closed = std::fclose(m_file) == 0;
    m_file = nullptr;
    return ok && closed ? std::string() : "cannot write " + m_path;
}

void WindowOutput::appendStats(std::string &json) const {
    if (!m_processor)
        return;
    const window::OperatorStats &s = m_processor->windowOperator().stats();
    json += ",\"late_dropped\":" + std::to_string(s.lateDropped);
    json += ",\"late_updates\":" + std::to_string(s.lateUpdates);
    json += ",\"duplicates\":" + std::to_string(s.duplicates);
    json += ",\"windows\":" + std::to_string(s.windows);
}

} // namespace weir::cli
