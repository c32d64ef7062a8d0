// SPDX-License-Identifier: GPL-3.0-or-later
// Throughput of every format parser's hot path (parseHeader) and of auto-detection. Reports
// lines/s per core (one thread). Inputs: generated access-log lines (bench/
// access_log_generator.h), generated JSON and logfmt lines, and the loghub samples in
// tests/data/loghub (WEIR_LOGHUB_DIR).
#include "access_log_generator.h"
#include "weir/parse/format_registry.h"
#include "weir/parse/json_parser.h"

#include <algorithm>
#include <benchmark/benchmark.h>
#include <cstdio>
#include <fstream>
#include <simdjson.h>
#include <string>
#include <vector>

namespace {

constexpr size_t kLines = 4096;

std::vector<std::string> accessLines(double seedShare) {
    weir::bench::AccessLogGenerator gen(7, seedShare);
    std::vector<std::string> lines(kLines);
    for (auto &l : lines)
        gen.next(l);
    return lines;
}

// escaped: the message has an escaped quote and a non-ASCII letter, which the JSON parser's
// fast scan leaves to simdjson (so these lines take the document stream).
std::vector<std::string> jsonLines(bool escaped = false) {
    std::vector<std::string> lines;
    char buf[512];
    static const char *kLevels[] = {"info", "info", "info", "warn", "error", "debug"};
    for (size_t i = 0; i < kLines; ++i) {
        std::snprintf(
            buf, sizeof buf,
            R"({"ts":"2021-11-22T10:%02zu:%02zu.%03zuZ","level":"%s","msg":"request done",)"
            R"("http":{"method":"GET","status":%d,"path":"/api/v1/items/%zu"},)"
            R"("latency_ms":%zu.%zu,"user":"u%zu"})",
            i / 60 % 60, i % 60, i % 1000, kLevels[i % 6], i % 7 ? 200 : 503, i, i % 250, i % 10,
            i % 97);
        lines.emplace_back(buf);
        if (escaped) {
            const auto at = lines.back().find("request done");
            lines.back().replace(at, 12, "request \\\"d\xc3\xb6ne\\\"");
        }
    }
    return lines;
}

std::vector<std::string> logfmtLines() {
    std::vector<std::string> lines;
    char buf[512];
    for (size_t i = 0; i < kLines; ++i) {
        std::snprintf(buf, sizeof buf,
                      R"(ts=2021-11-22T10:%02zu:%02zuZ level=info msg="request done" status=%d )"
                      R"(path=/api/v1/items/%zu latency_ms=%zu.%zu)",
                      i / 60 % 60, i % 60, i % 7 ? 200 : 503, i, i % 250, i % 10);
        lines.emplace_back(buf);
    }
    return lines;
}

std::vector<std::string> loghub(const char *name) {
    std::ifstream in(std::string(WEIR_LOGHUB_DIR) + "/" + name + "_2k.log");
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);)
        lines.push_back(l);
    return lines;
}

void run(benchmark::State &state, const std::string &format,
         const std::vector<std::string> &lines) {
    std::string error;
    auto parser = weir::parse::makeParser(format, &error);
    if (!parser || lines.empty()) {
        state.SkipWithError(error.empty() ? "no input" : error.c_str());
        return;
    }
    size_t bytes = 0;
    for (const auto &l : lines)
        bytes += l.size() + 1;
    int64_t events = 0;
    for (auto _ : state) {
        for (const auto &l : lines) {
            weir::parse::EventHeader h;
            const auto r = parser->parseHeader(l, h);
            events += r.status == weir::parse::ParseStatus::Event;
            benchmark::DoNotOptimize(h);
        }
    }
    const auto n = static_cast<int64_t>(lines.size());
    state.SetItemsProcessed(state.iterations() * n);
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes));
    state.counters["lines_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * n),
                                                       benchmark::Counter::kIsRate);
    state.counters["match_rate"] =
        static_cast<double>(events) / static_cast<double>(state.iterations() * n);
}

// As the engine feeds a parser: one buffer of lines, announced 256 at a time
// (Parser::prepareLines) before they are parsed one by one.
// fastScan false: the JSON parser without its fast scan (simdjson's document stream only).
void runBatched(benchmark::State &state, const std::string &format,
                const std::vector<std::string> &lines, bool fastScan = true) {
    std::string error;
    auto parser = weir::parse::makeParser(format, &error);
    if (!parser || lines.empty()) {
        state.SkipWithError(error.empty() ? "no input" : error.c_str());
        return;
    }
    if (auto *json = dynamic_cast<weir::parse::JsonParser *>(parser.get()))
        json->setFastScan(fastScan);
    std::string data;
    for (const auto &l : lines)
        data.append(l).push_back('\n');
    std::vector<std::string_view> views;
    size_t pos = 0;
    for (const auto &l : lines) {
        views.emplace_back(data.data() + pos, l.size());
        pos += l.size() + 1;
    }
    constexpr size_t kGroup = 256;
    int64_t events = 0;
    for (auto _ : state) {
        for (size_t g = 0; g < views.size(); g += kGroup) {
            const size_t n = std::min(kGroup, views.size() - g);
            parser->prepareLines(&views[g], n);
            for (size_t i = g; i < g + n; ++i) {
                weir::parse::EventHeader h;
                const auto r = parser->parseHeader(views[i], h);
                events += r.status == weir::parse::ParseStatus::Event;
                benchmark::DoNotOptimize(h);
            }
            parser->prepareLines(nullptr, 0);
        }
    }
    const auto n = static_cast<int64_t>(lines.size());
    state.SetItemsProcessed(state.iterations() * n);
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(data.size()));
    state.counters["lines_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * n),
                                                       benchmark::Counter::kIsRate);
    state.counters["match_rate"] =
        static_cast<double>(events) / static_cast<double>(state.iterations() * n);
}

// The library's own floor for the batched JSON path, in the same run: simdjson's DOM document
// stream over the same groups of 256 lines (joined, padded), each root checked to be an
// object; no field is looked at. The ratio BM_JsonLinesBatched / this is load-independent.
void BM_SimdjsonStreamOnly(benchmark::State &state) {
    const std::vector<std::string> lines = jsonLines();
    simdjson::dom::parser parser;
#ifdef SIMDJSON_THREADS_ENABLED
    parser.threaded = false;
#endif
    std::string buf;
    constexpr size_t kGroup = 256;
    int64_t objects = 0;
    for (auto _ : state) {
        for (size_t g = 0; g < lines.size(); g += kGroup) {
            buf.clear();
            for (size_t i = g; i < std::min(lines.size(), g + kGroup); ++i)
                buf.append(lines[i]).push_back('\n');
            const size_t len = buf.size();
            buf.append(simdjson::SIMDJSON_PADDING, '\0');
            simdjson::dom::document_stream stream;
            if (parser.parse_many(reinterpret_cast<const uint8_t *>(buf.data()), len, 1 << 18)
                    .get(stream) != simdjson::SUCCESS) {
                state.SkipWithError("parse_many failed");
                return;
            }
            for (auto it = stream.begin(); it != stream.end(); ++it) {
                simdjson::dom::element root;
                objects += (*it).get(root) == simdjson::SUCCESS &&
                           root.type() == simdjson::dom::element_type::OBJECT;
            }
        }
    }
    const auto n = static_cast<int64_t>(lines.size());
    state.SetItemsProcessed(state.iterations() * n);
    state.counters["lines_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * n),
                                                       benchmark::Counter::kIsRate);
    state.counters["match_rate"] =
        static_cast<double>(objects) / static_cast<double>(state.iterations() * n);
}

void BM_AccessCombined(benchmark::State &s) {
    run(s, "combined", accessLines(0.3));
}
void BM_AccessLogFormatString(benchmark::State &s) {
    run(s, R"re(logformat:%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i")re",
        accessLines(0));
}
void BM_NginxLogFormatString(benchmark::State &s) {
    run(s,
        R"(logformat:$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent")",
        accessLines(0));
}
void BM_JsonLines(benchmark::State &s) {
    run(s, "json", jsonLines());
}
void BM_JsonLinesBatched(benchmark::State &s) {
    runBatched(s, "json", jsonLines());
}
void BM_JsonLinesBatchedNoFastScan(benchmark::State &s) {
    runBatched(s, "json", jsonLines(), false);
}
void BM_JsonLinesBatchedEscaped(benchmark::State &s) {
    runBatched(s, "json", jsonLines(true));
}
void BM_Logfmt(benchmark::State &s) {
    run(s, "logfmt", logfmtLines());
}
void BM_RegexAccess(benchmark::State &s) {
    run(s,
        R"re(regex:^(?P<host>\S+) \S+ (?P<user>\S+) \[(?P<time>[^\]]+)\] "(?P<request>[^"]*)" (?P<status>\d{3}) (?P<bytes>\S+))re",
        accessLines(0));
}
void BM_RegexLog4j(benchmark::State &s) {
    run(s,
        R"re(regex:^(?P<time>\S+ \S+) - (?P<level>[A-Z]+) +\[(?P<thread>[^\]]*)\] - (?P<msg>.*))re",
        loghub("Zookeeper"));
}
void BM_SyslogLinux(benchmark::State &s) {
    run(s, "syslog", loghub("Linux"));
}
void BM_ApacheError(benchmark::State &s) {
    run(s, "apache-error", loghub("Apache"));
}
void BM_Log4jZookeeper(benchmark::State &s) {
    run(s, "log4j", loghub("Zookeeper"));
}
void BM_Log4jHdfs(benchmark::State &s) {
    run(s, "log4j", loghub("HDFS"));
}

// Auto-detection on the first 1,000 lines (every candidate format scored).
void detect(benchmark::State &state, const std::vector<std::string> &lines) {
    std::vector<std::string_view> sample;
    for (size_t i = 0; i < lines.size() && sample.size() < 1000; ++i)
        sample.push_back(lines[i]);
    for (auto _ : state) {
        auto d = weir::parse::detectFormat(sample);
        benchmark::DoNotOptimize(d);
    }
    state.counters["ms_per_detect"] =
        benchmark::Counter(static_cast<double>(state.iterations()) / 1000.0,
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
void BM_DetectAccess(benchmark::State &s) {
    detect(s, accessLines(0.3));
}
void BM_DetectJson(benchmark::State &s) {
    detect(s, jsonLines());
}
void BM_DetectZookeeper(benchmark::State &s) {
    detect(s, loghub("Zookeeper"));
}
void BM_DetectLinuxSyslog(benchmark::State &s) {
    detect(s, loghub("Linux"));
}

} // namespace

BENCHMARK(BM_AccessCombined);
BENCHMARK(BM_AccessLogFormatString);
BENCHMARK(BM_NginxLogFormatString);
BENCHMARK(BM_JsonLines);
BENCHMARK(BM_JsonLinesBatched);
BENCHMARK(BM_JsonLinesBatchedNoFastScan);
BENCHMARK(BM_JsonLinesBatchedEscaped);
BENCHMARK(BM_SimdjsonStreamOnly);
BENCHMARK(BM_Logfmt);
BENCHMARK(BM_RegexAccess);
BENCHMARK(BM_RegexLog4j);
BENCHMARK(BM_SyslogLinux);
BENCHMARK(BM_ApacheError);
BENCHMARK(BM_Log4jZookeeper);
BENCHMARK(BM_Log4jHdfs);
BENCHMARK(BM_DetectAccess)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DetectJson)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DetectZookeeper)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DetectLinuxSyslog)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
