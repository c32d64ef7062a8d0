// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/parse/format_registry.h"

#include "weir/common/text.h"
#include "weir/parse/access_log_parser.h"
#include "weir/parse/csv_parser.h"
#include "weir/parse/field_types.h"
#include "weir/parse/geoip.h"
#include "weir/parse/json_parser.h"
#include "weir/parse/log_format_parser.h"
#include "weir/parse/regex_parser.h"
#include "weir/parse/text_log_parsers.h"

namespace weir::parse {

std::vector<std::string> knownFormats() {
    return {"combined", "common",  "seed", "vhost-combined", "apache-error", "syslog",
            "log4j",    "generic", "json", "logfmt",         "csv",          "tsv"};
}

namespace {

std::unique_ptr<Parser> makeBaseParser(std::string_view spec, const FormatOptions &o,
                                       std::string *error) {
    const std::string_view kind = formatKind(spec);
    const std::string_view arg =
        kind.size() < spec.size() ? spec.substr(kind.size() + 1) : std::string_view();
    TimeSettings check;
    if (!check.init(o, error))
        return nullptr;
    using V = AccessLogParser::Variant;
    if (kind == "combined" || kind == "access")
        return std::make_unique<AccessLogParser>(V::Combined, check.context.zone);
    if (kind == "common")
        return std::make_unique<AccessLogParser>(V::Common, check.context.zone);
    if (kind == "seed")
        return std::make_unique<AccessLogParser>(V::Seed, check.context.zone);
    if (kind == "vhost-combined" || kind == "vhost_combined")
        return std::make_unique<AccessLogParser>(V::VhostCombined, check.context.zone);
    if (kind == "apache-error")
        return std::make_unique<ApacheErrorParser>(o);
    if (kind == "syslog" || kind == "rfc3164" || kind == "rfc5424")
        return std::make_unique<SyslogParser>(o);
    if (kind == "log4j" || kind == "logback" || kind == "python")
        return std::make_unique<GenericLogParser>(true, o);
    if (kind == "generic")
        return std::make_unique<GenericLogParser>(false, o);
    if (kind == "json")
        return std::make_unique<JsonParser>(o);
    if (kind == "logfmt")
        return std::make_unique<LogfmtParser>(o);
    if (kind == "csv")
        return std::make_unique<CsvParser>(o, ',');
    if (kind == "tsv")
        return std::make_unique<CsvParser>(o, '\t');
    if (kind == "regex")
        return RegexParser::compile(arg, o, error);
    if (kind == "logformat" || kind == "nginx")
        return LogFormatParser::compile(arg, o, error);
    if (error)
        *error = "unknown format '" + std::string(spec) + "'";
    return nullptr;
}

} // namespace

std::unique_ptr<Parser> makeParser(std::string_view format, std::string *error) {
    FormatOptions o;
    const std::string_view spec = splitFormat(format, o);
    auto parser = makeBaseParser(spec, o, error);
    if (!parser || o.geoipDatabase.empty())
        return parser;
    auto db = GeoIpDatabase::open(o.geoipDatabase, error);
    if (!db)
        return nullptr;
    return std::make_unique<GeoIpEnricher>(std::move(parser), std::move(db), o.geoipField);
}

bool isAutoFormat(std::string_view format) {
    FormatOptions o;
    return splitFormat(format, o) == "auto";
}

std::string withOptionsOf(std::string_view detected, std::string_view requested) {
    FormatOptions o;
    splitFormat(requested, o);
    return composeFormat(detected, o);
}

Detection detectFormat(const std::vector<std::string_view> &sample) {
    Detection best{"combined", 0.0, 0, {}};
    static constexpr const char *kCandidates[] = {
        "json",  "syslog", "apache-error", "combined", "vhost-combined",
        "log4j", "logfmt", "csv",          "generic"};
    for (const char *name : kCandidates) {
        auto parser = makeParser(name);
        size_t scored = 0, events = 0;
        size_t seed = 0, withReferer = 0, vhost = 0;
        const bool access = std::string_view(name) == "combined";
        for (std::string_view line : sample) {
            if (trim(line).empty())
                continue;
            EventHeader h;
            const ParseResult r = parser->parseHeader(line, h);
            if (r.status == ParseStatus::Header)
                continue;
            ++scored;
            if (r.status != ParseStatus::Event)
                continue;
            ++events;
            if (access) {
                AccessLogParser::Parts parts;
                if (AccessLogParser::split(line, parts) == DeadLetterReason::None) {
                    seed += parts.bracketedStatus;
                    withReferer += parts.hasReferer;
                    // "host:port ip - - [...]": the first token is a virtual host.
                    const size_t colon = parts.host.rfind(':');
                    int64_t port = 0;
                    vhost += colon != std::string_view::npos && !isIpAddress(parts.host) &&
                             parseInt64(parts.host.substr(colon + 1), port) &&
                             isIpAddress(parts.ident);
                }
            }
        }
        // A CSV "match" needs at least two columns, else every text line would pass.
        if (std::string_view(name) == "csv" && parser->fieldNames().size() < 2)
            events = 0;
        const double rate = scored ? static_cast<double>(events) / static_cast<double>(scored) : 0;
        std::string chosen = name;
        if (access && events > 0)
            chosen = vhost == events    ? "vhost-combined"
                     : seed == events   ? "seed"
                     : withReferer == 0 ? "common"
                                        : "combined";
        best.scores.emplace_back(chosen, rate);
        if (rate > best.matchRate) {
            best.format = chosen;
            best.matchRate = rate;
            best.sampleSize = scored;
        } else if (best.sampleSize == 0) {
            best.sampleSize = scored;
        }
    }
    return best;
}

} // namespace weir::parse
