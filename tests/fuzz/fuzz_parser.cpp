// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for one parser (WEIR_FUZZ_FORMAT) or for auto-detection, time formats and
// user format compilation (WEIR_FUZZ_MODE). Every input must come back as an event, a header
// or a dead letter with a reason; the sanitizers catch everything else.
#include "weir/parse/format_registry.h"
#include "weir/parse/json_parser.h"
#include "weir/parse/time_format.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace weir::parse;

void check(bool ok) {
    if (!ok)
        std::abort();
}

void exercise(Parser &p, std::string_view line) {
    EventHeader h;
    const ParseResult r = p.parseHeader(line, h);
    check(r.status != ParseStatus::DeadLetter || r.reason != DeadLetterReason::None);
    FieldList fl;
    if (p.parseFields(line, fl)) {
        for (const Field &f : fl.fields) {
            volatile size_t sink = f.name.size() + f.text.size();
            (void)sink;
        }
    }
    auto copy = p.clone();
    FieldList again;
    copy->parseFields(line, again);
}

// A JSON parser past its column sample (where prepareLines takes effect).
// fastScan false: simdjson alone (the reference).
std::unique_ptr<Parser> warmedJson(bool fastScan) {
    auto p = makeParser("json");
    check(p != nullptr);
    if (auto *json = dynamic_cast<JsonParser *>(p.get()))
        json->setFastScan(fastScan);
    EventHeader h;
    for (int i = 0; i < 300; ++i)
        p->parseHeader(R"({"ts":"2024-01-02T03:04:05Z","level":"info"})", h);
    return p;
}

std::vector<std::string_view> splitLines(std::string_view s) {
    std::vector<std::string_view> lines;
    size_t pos = 0;
    while (pos <= s.size() && lines.size() < 64) {
        size_t nl = s.find('\n', pos);
        if (nl == std::string_view::npos)
            nl = s.size();
        lines.push_back(s.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return lines;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string_view input(reinterpret_cast<const char *>(data), size);
    const std::string mode = WEIR_FUZZ_MODE;
    if (mode == "parser") {
        static std::unique_ptr<Parser> parser = makeParser(WEIR_FUZZ_FORMAT);
        check(parser != nullptr);
        // Several lines: schema state (CSV header, JSON names) evolves as in the engine.
        for (std::string_view line : splitLines(input))
            exercise(*parser, line);
    } else if (mode == "jsonbatch") {
        // Differential: lines parsed together (prepareLines: the fast scan, then one document
        // stream for the rest) and line by line with the fast scan must give exactly what
        // simdjson alone gives line by line.
        static std::unique_ptr<Parser> single = warmedJson(false);
        static std::unique_ptr<Parser> batched = warmedJson(true);
        static std::unique_ptr<Parser> fast = warmedJson(true);
        const auto lines = splitLines(input);
        batched->prepareLines(lines.data(), lines.size());
        for (std::string_view line : lines) {
            if (!line.empty() && line.back() == '\r')
                line.remove_suffix(1);
            EventHeader a, b, f;
            const ParseResult ra = single->parseHeader(line, a);
            const ParseResult rb = batched->parseHeader(line, b);
            const ParseResult rf = fast->parseHeader(line, f);
            const auto same = [&](const ParseResult &r, const EventHeader &h) {
                return ra.status == r.status && ra.reason == r.reason && a.hasTime == h.hasTime &&
                       a.time == h.time && a.severity == h.severity && a.status == h.status;
            };
            if (!same(rb, b) || !same(rf, f)) {
                // The smoke driver saves no crash input: show the line that differs.
                std::fprintf(stderr, "batched or fast-scan result differs for line (%zu bytes):",
                             line.size());
                for (const char c : line)
                    std::fprintf(stderr, " %02x", static_cast<unsigned char>(c));
                std::fprintf(stderr, "\n");
                std::abort();
            }
        }
        batched->prepareLines(nullptr, 0);
    } else if (mode == "detect") {
        const Detection d = detectFormat(splitLines(input));
        check(d.matchRate >= 0 && d.matchRate <= 1);
        auto p = makeParser(d.format);
        check(p != nullptr);
    } else if (mode == "timeformat") {
        // First line: a strptime-like format; the rest: values.
        const auto lines = splitLines(input);
        TimeFormat f;
        TimeContext ctx;
        if (f.compile(lines[0])) {
            for (size_t i = 1; i < lines.size(); ++i) {
                weir::TimestampNs t;
                size_t used = 0;
                f.parse(lines[i], ctx, t);
                if (f.parse(lines[i], ctx, t, &used))
                    check(used <= lines[i].size());
            }
        }
        weir::TimestampNs t;
        check(scanLeadingTimestamp(input, ctx, t) <= input.size());
        weir::Severity sev;
        size_t b = 0, e = 0;
        if (scanLevel(input, sev, b, e))
            check(b <= e && e <= input.size());
    } else if (mode == "userformat") {
        // First line: an Apache/nginx log format (and, second, a regex); the rest: lines.
        const auto lines = splitLines(input);
        std::string error;
        auto lf = makeParser("logformat:" + std::string(lines[0]), &error);
        check(lf != nullptr || !error.empty());
        std::unique_ptr<Parser> re;
        if (lines.size() > 1 && lines[1].size() < 256)
            re = makeParser("regex:" + std::string(lines[1]), &error);
        for (size_t i = 2; i < lines.size(); ++i) {
            if (lf)
                exercise(*lf, lines[i]);
            if (re)
                exercise(*re, lines[i]);
        }
    }
    return 0;
}
