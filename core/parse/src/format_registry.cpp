#include "weir/parse/format_registry.h"

#include "weir/common/text.h"
#include "weir/parse/access_log_parser.h"
#include "weir/parse/csv_parser.h"
#include "weir/parse/json_parser.h"

namespace weir::parse {

std::vector<std::string> knownFormats() {
    return {"combined", "common", "seed", "json", "csv"};
}

std::unique_ptr<Parser> makeParser(std::string_view format, std::string *error) {
    if (format == "combined" || format == "common" || format == "seed" || format == "access")
        return std::make_unique<AccessLogParser>();
    if (format == "json")
        return std::make_unique<JsonParser>();
    if (format == "csv")
        return std::make_unique<CsvParser>();
    if (error)
        *error = "unknown format '" + std::string(format) + "'";
    return nullptr;
}

Detection detectFormat(const std::vector<std::string_view> &sample) {
    Detection best{"combined", 0.0, 0};
    for (const char *name : {"combined", "json", "csv"}) {
        auto parser = makeParser(name);
        size_t scored = 0, events = 0;
        for (std::string_view line : sample) {
            if (trim(line).empty())
                continue;
            EventHeader h;
            const ParseResult r = parser->parseHeader(line, h);
            if (r.status == ParseStatus::Header)
                continue;
            ++scored;
            events += r.status == ParseStatus::Event;
        }
        // A CSV "match" needs at least two columns, else every text line would pass.
        if (std::string_view(name) == "csv" && parser->fieldNames().size() < 2)
            continue;
        const double rate = scored ? static_cast<double>(events) / static_cast<double>(scored) : 0;
        if (rate > best.matchRate) {
            best = {name, rate, scored};
        } else if (best.sampleSize == 0) {
            best.sampleSize = scored;
        }
    }
    return best;
}

} // namespace weir::parse
