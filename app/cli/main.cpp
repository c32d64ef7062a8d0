// SPDX-License-Identifier: GPL-3.0-or-later
// weir-cli: the headless pipeline (core only), for scripts, benchmarks and tests.
#include "alert_output.h"
#include "common/arg_util.h"
#include "filter_export.h"
#include "live_sources.h"
#include "weir/common/text.h"
#include "weir/common/time_util.h"
#include "weir/engine/engine.h"
#include "weir/parse/format_registry.h"
#include "weir/source/demo_source.h"
#include "weir/source/file_source.h"
#include "weir/source/recording.h"
#include "weir_version.h"
#include "window_cli.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

const char kUsage[] =
    "Usage: weir-cli [FILE...] [options]\n"
    "Replays files (or '-' for stdin) through the Weir pipeline without a GUI.\n"
    "\n"
    "Input:\n"
    "  FILE...               log files to replay; '-' reads standard input; a recording\n"
    "                        (a .wrec file or a --record directory) replays its messages\n"
    "  --demo N              use the built-in demo generator for N events (simulated clock)\n"
    "  --seed N              demo generator seed (default 42)\n"
    "  --format F            input format: auto (default), combined, common, seed,\n"
    "                        vhost-combined, apache-error, syslog, log4j, generic, json,\n"
    "                        logfmt, csv, tsv, regex:EXPR (RE2, named groups) or\n"
    "                        logformat:STR (Apache LogFormat or nginx log_format string)\n"
    "  --time-field F        field holding the event time (default: conventional names)\n"
    "  --time-format FMT     strptime-like format of that field, e.g. '%d/%b/%Y:%H:%M:%S %z'\n"
    "  --time-zone Z         zone of times written without one: UTC (default), local, +hh:mm\n"
    "  --geoip DB.mmdb       add geo.country, geo.country_code, geo.city from a MaxMind DB\n"
    "  --geoip-field F       the IP field to locate (default: the first IP-typed field)\n"
    "  --speed X             pace replay by event time at X times real time (default: as fast\n"
    "                        as possible)\n"
    "  --follow              then keep reading what is appended to the files, like tail -F\n"
    "                        (rotated and truncated files are followed); stop with\n"
    "                        --duration, --idle-exit, --max-events or Ctrl-C\n"
    "  --max-line-bytes N    line limit; longer lines are cut and flagged (default 1048576)\n"
    "  --memory-budget MB    event store budget; the oldest events are evicted beyond it\n"
    "\n"
    "Output:\n"
    "  --stats               print one JSON object with counts and timings to stdout\n"
    "  --dead-letter FILE    write every dead letter as one JSON object per line\n"
    "  -h, --help            this help\n"
    "  --version             print the version\n";

struct CliOptions {
    std::vector<std::string> files;
    uint64_t demoEvents = 0;
    uint64_t seed = 42;
    std::string format = "auto";
    weir::parse::FormatOptions formatOptions;
    std::string deadLetterPath;
    double speed = 0;
    size_t maxLineBytes = size_t{1} << 20;
    size_t memoryBudgetMb = 0;
    bool stats = false;
    bool follow = false;
    weir::cli::LiveOptions live;
    weir::cli::FilterExportOptions filterExport;
    weir::cli::AlertOptions alerts;
    weir::cli::WindowCliOptions window;
};

[[noreturn]] void fail(const std::string &message) {
    weir::app::usageError("weir-cli", message);
}

double numberArg(const std::string &name, const char *value) {
    return weir::app::nonNegativeArg(name, value, fail);
}

CliOptions parseArgs(int argc, char **argv) {
    CliOptions o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto next = [&]() -> const char * {
            if (i + 1 >= argc)
                fail("option " + a + " needs a value");
            return argv[++i];
        };
        if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            std::fputs(weir::cli::kLiveUsage, stdout);
            std::fputs(weir::cli::kFilterExportUsage, stdout);
            std::fputs(weir::cli::kAlertUsage, stdout);
            std::fputs(weir::cli::kWindowUsage, stdout);
            std::exit(0);
        } else if (a == "--version") {
            std::printf("weir-cli %s\n", WEIR_VERSION);
            std::exit(0);
        } else if (a == "--stats") {
            o.stats = true;
        } else if (a == "--demo") {
            o.demoEvents = static_cast<uint64_t>(numberArg(a, next()));
        } else if (a == "--seed") {
            o.seed = static_cast<uint64_t>(numberArg(a, next()));
        } else if (a == "--format") {
            o.format = next();
        } else if (a == "--time-field") {
            o.formatOptions.timeField = next();
        } else if (a == "--time-format") {
            o.formatOptions.timeFormat = next();
        } else if (a == "--time-zone") {
            o.formatOptions.timeZone = next();
        } else if (a == "--geoip") {
            o.formatOptions.geoipDatabase = next();
        } else if (a == "--geoip-field") {
            o.formatOptions.geoipField = next();
        } else if (a == "--dead-letter") {
            o.deadLetterPath = next();
        } else if (a == "--follow") {
            o.follow = true;
        } else if (a == "--speed") {
            o.speed = numberArg(a, next());
        } else if (a == "--max-line-bytes") {
            o.maxLineBytes = static_cast<size_t>(numberArg(a, next()));
        } else if (a == "--memory-budget") {
            o.memoryBudgetMb = static_cast<size_t>(numberArg(a, next()));
        } else if (weir::cli::parseWindowOption(a, next, o.window)) {
        } else if (weir::cli::parseLiveOption(a, next, o.live, fail)) {
        } else if (weir::cli::parseFilterExportOption(a, next, o.filterExport, fail)) {
        } else if (weir::cli::parseAlertOption(a, next, o.alerts)) {
        } else if (a.size() > 1 && a[0] == '-' && a != "-") {
            fail("unknown option " + a);
        } else {
            o.files.push_back(a);
        }
    }
    if (const std::string err = weir::cli::checkLiveOptions(o.live); !err.empty())
        fail(err);
    if (o.filterExport.hasFilter && o.filterExport.eventsOut.empty())
        fail("option --filter needs --events-out FILE");
    if (const std::string err = weir::cli::checkAlertOptions(o.alerts); !err.empty())
        fail(err);
    if (o.files.empty() && o.demoEvents == 0 && !o.live.any())
        fail("no input: give FILE..., --demo N, --kafka or --mqtt");
    // The format string carries the time options to the parser (see composeFormat).
    o.format = weir::parse::composeFormat(o.format, o.formatOptions);
    std::string error;
    if (!weir::parse::isAutoFormat(o.format) && !weir::parse::makeParser(o.format, &error))
        fail(error);
    // Validate the options alone (time settings, the GeoIP database) before any output.
    if (weir::parse::isAutoFormat(o.format) &&
        !weir::parse::makeParser(weir::parse::withOptionsOf("generic", o.format), &error))
        fail(error);
    return o;
}

std::string statsJson(const weir::engine::Snapshot &snap, double seconds) {
    using weir::appendDouble;
    using weir::appendJsonString;
    const auto &st = snap.stats;
    std::string out = "{";
    const auto num = [&](const char *key, uint64_t v) {
        out += '"';
        out += key;
        out += "\":";
        out += std::to_string(v);
        out += ',';
    };
    num("lines", st.lines);
    num("events", st.events);
    out += "\"dead_letter\":{";
    bool first = true;
    for (size_t r = 1; r < weir::engine::kReasonCount; ++r) {
        if (st.deadByReason[r] == 0)
            continue;
        if (!first)
            out += ',';
        first = false;
        appendJsonString(out,
                         weir::parse::reasonName(static_cast<weir::parse::DeadLetterReason>(r)));
        out += ':';
        out += std::to_string(st.deadByReason[r]);
    }
    out += "},";
    num("dead_letters", st.deadLetters);
    num("header_lines", st.headerLines);
    num("truncated", st.truncated);
    num("bytes", st.bytes);
    num("dropped", st.droppedMessages);
    num("evicted", st.evictedEvents);
    num("memory_bytes", st.memoryBytes);
    out += "\"seconds\":";
    appendDouble(out, seconds);
    out += ",\"lines_per_second\":";
    appendDouble(out, seconds > 0 ? static_cast<double>(st.lines) / seconds : 0.0);
    out += ",\"sources\":[";
    for (size_t i = 0; i < snap.channels.size(); ++i) {
        const auto &c = snap.channels[i];
        if (i)
            out += ',';
        out += "{\"name\":";
        appendJsonString(out, c.name);
        out += ",\"format\":";
        appendJsonString(out, c.format);
        out += ",\"detected\":";
        out += c.detected ? "true" : "false";
        out += ",\"match_rate\":";
        appendDouble(out, c.matchRate);
        out += ",\"events\":" + std::to_string(c.events);
        out += ",\"dead_letters\":" + std::to_string(c.deadLetters) + "}";
    }
    out += "]}";
    return out;
}

void appendBase64(std::string &out, std::string_view s) {
    static const char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i = 0;
    for (; i + 2 < s.size(); i += 3) {
        const uint32_t v = (static_cast<uint8_t>(s[i]) << 16) |
                           (static_cast<uint8_t>(s[i + 1]) << 8) | static_cast<uint8_t>(s[i + 2]);
        out += kAlphabet[v >> 18];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (i < s.size()) {
        uint32_t v = static_cast<uint8_t>(s[i]) << 16;
        if (i + 1 < s.size())
            v |= static_cast<uint8_t>(s[i + 1]) << 8;
        out += kAlphabet[v >> 18];
        out += kAlphabet[(v >> 12) & 63];
        out += i + 1 < s.size() ? kAlphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
}

// One JSON object per dead letter: reason, source, position ("name:line"), line, raw (as
// text, invalid UTF-8 replaced by U+FFFD; the exact bytes in raw_base64 then), raw_size and
// truncated (raw kept shorter than the line).
bool writeDeadLetters(const weir::engine::Snapshot &snap, const std::string &path) {
    std::FILE *f = std::fopen(path.c_str(), "wb");
    if (!f)
        return false;
    std::string line;
    const auto &dl = snap.deadLetters;
    for (size_t i = 0; i < dl.size(); ++i) {
        const auto &d = dl[i];
        const std::string source = d.source.value < snap.channels.size()
                                       ? snap.channels[d.source.value].name
                                       : std::to_string(d.source.value);
        line.clear();
        line += "{\"reason\":";
        weir::appendJsonString(line, weir::parse::reasonName(d.reason));
        line += ",\"source\":";
        weir::appendJsonString(line, source);
        line += ",\"position\":";
        weir::appendJsonString(line, source + ":" + std::to_string(d.position));
        line += ",\"line\":" + std::to_string(d.position);
        line += ",\"raw\":";
        weir::appendJsonString(line, d.raw);
        if (!weir::isValidUtf8(d.raw)) {
            line += ",\"raw_base64\":\"";
            appendBase64(line, d.raw);
            line += '"';
        }
        line += ",\"raw_size\":" + std::to_string(d.rawFullSize);
        line += ",\"truncated\":";
        line += d.rawFullSize > d.raw.size() ? "true" : "false";
        line += "}\n";
        std::fwrite(line.data(), 1, line.size(), f);
    }
    const bool ok = std::fflush(f) == 0;
    return std::fclose(f) == 0 && ok;
}

} // namespace

int main(int argc, char **argv) {
    const CliOptions opt = parseArgs(argc, argv);
    weir::engine::Engine::Options eo;
    eo.maxLineBytes = opt.maxLineBytes;
    if (opt.memoryBudgetMb > 0)
        eo.store.memoryBudgetBytes = opt.memoryBudgetMb << 20;
    else
        eo.store.memoryBudgetBytes = ~size_t{0}; // headless replays keep everything by default
    eo.publishInterval = std::chrono::milliseconds(100);
    if (!opt.deadLetterPath.empty()) {
        // Keep every dead letter for the file (raw text stays capped per entry).
        eo.deadLetters.maxEntries = size_t{1} << 26;
        eo.deadLetters.maxBytes = size_t{4} << 30;
    }
    weir::engine::Engine engine(eo);
    weir::cli::WindowOutput windowOut;
    if (opt.window.any()) {
        if (const std::string err = windowOut.init(opt.window); !err.empty())
            fail(err);
        engine.addProcessor(windowOut.processor());
    }
    weir::cli::AlertWriter alerts;
    if (opt.alerts.any()) {
        if (const std::string err = alerts.attach(opt.alerts, engine); !err.empty())
            fail(err);
    }

    std::vector<weir::source::FileSource *> files;
    std::vector<weir::source::ReplaySource *> replays;
    for (const auto &path : opt.files) {
        if (weir::source::ReplaySource::isRecording(path)) {
            // A recording of a live source (--record): replayed with its metadata.
            weir::source::ReplaySource::Options ro;
            ro.path = path;
            ro.speed = opt.speed;
            ro.format = opt.format;
            auto rep = std::make_unique<weir::source::ReplaySource>(ro);
            replays.push_back(rep.get());
            engine.addSource(std::move(rep));
            continue;
        }
        weir::source::FileSource::Options fo;
        fo.path = path;
        fo.format = opt.format;
        fo.speed = opt.speed;
        fo.maxLineBytes = opt.maxLineBytes;
        fo.zeroCopy = true; // a headless replay is short-lived: map instead of copying
        fo.follow = opt.follow;
        auto src = std::make_unique<weir::source::FileSource>(fo);
        if (opt.speed > 0) {
            // Pacing reads event times with the same parser the engine will use.
            std::string fmt = weir::parse::isAutoFormat(opt.format)
                                  ? weir::parse::withOptionsOf("combined", opt.format)
                                  : opt.format;
            src->setPacingParser(weir::parse::makeParser(fmt));
        }
        files.push_back(src.get());
        engine.addSource(std::move(src));
    }
    if (opt.demoEvents > 0) {
        weir::source::DemoSource::Options d;
        d.seed = opt.seed;
        d.maxEvents = opt.demoEvents;
        d.eventsPerSecond = 1000;
        d.startTimeNs = 1637576132LL * weir::kNsPerSecond; // 2021-11-22T10:15:32Z
        engine.addSource(std::make_unique<weir::source::DemoSource>(d));
    }

    std::vector<const weir::source::Source *> live;
    if (const std::string err = weir::cli::addLiveSources(opt.live, opt.format, engine, live);
        !err.empty()) {
        std::fprintf(stderr, "weir-cli: %s\n", err.c_str());
        return 2;
    }
    if (opt.follow) {
        // Followed files are endless: their status changes are printed like a live source's.
        for (const auto *f : files) {
            if (!f->isBounded())
                live.push_back(f);
        }
    }
    weir::cli::stopOnInterrupt();

    const int64_t t0 = weir::monotonicNowNs();
    engine.start();
    const std::string liveError = weir::cli::waitForStop(opt.live, engine, live);
    const double seconds = static_cast<double>(weir::monotonicNowNs() - t0) / 1e9;
    engine.stop();
    const std::string windowError = windowOut.finish();

    int status = 0;
    for (auto *r : replays) {
        if (const std::string err = r->error(); !err.empty()) {
            std::fprintf(stderr, "weir-cli: %s\n", err.c_str());
            status = 1;
        }
    }
    for (auto *f : files) {
        const std::string err = f->error();
        if (!err.empty()) {
            std::fprintf(stderr, "weir-cli: %s\n", err.c_str());
            status = 1;
        }
    }
    if (!liveError.empty()) {
        std::fprintf(stderr, "weir-cli: %s\n", liveError.c_str());
        status = 3;
    }
    const auto snap = engine.snapshot();
    if (!opt.deadLetterPath.empty() && !writeDeadLetters(*snap, opt.deadLetterPath)) {
        std::fprintf(stderr, "weir-cli: cannot write %s\n", opt.deadLetterPath.c_str());
        status = 1;
    }
    if (const std::string err = alerts.finish(); !err.empty()) {
        std::fprintf(stderr, "weir-cli: %s\n", err.c_str());
        status = 1;
    }
    if (!windowError.empty()) {
        std::fprintf(stderr, "weir-cli: %s\n", windowError.c_str());
        status = 1;
    }
    if (opt.stats) {
        std::string json = statsJson(*snap, seconds);
        if (opt.window.any()) {
            json.pop_back(); // the closing brace
            windowOut.appendStats(json);
            json += '}';
        }
        std::printf("%s\n", json.c_str());
    }
    if (const int s = weir::cli::runFilterExport(opt.filterExport, *snap); s != 0 && status == 0)
        status = s;
    return status;
}
