// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/parse/format_trial.h"

#include "weir/common/text.h"
#include "weir/parse/format_registry.h"

#include <algorithm>
#include <unordered_map>

namespace weir::parse {

FieldType FieldTrial::dominantType() const {
    size_t best = 0;
    FieldType type = FieldType::Null;
    for (size_t t = 1; t < types.size(); ++t) {
        if (types[t] > best) {
            best = types[t];
            type = static_cast<FieldType>(t);
        }
    }
    return type;
}

double FormatTrial::matchRate() const {
    const size_t scored = events + deadLetters;
    return scored ? static_cast<double>(events) / static_cast<double>(scored) : 0.0;
}

FormatTrial tryFormat(std::string_view format, const std::vector<std::string_view> &lines,
                      size_t maxFieldLines) {
    FormatTrial trial;
    std::string spec(format);
    if (isAutoFormat(format)) {
        std::vector<std::string_view> sample(lines.begin(),
                                             lines.begin() + std::min<size_t>(lines.size(), 1000));
        spec = withOptionsOf(detectFormat(sample).format, format);
    }
    auto parser = makeParser(spec, &trial.error);
    if (!parser) {
        if (trial.error.empty())
            trial.error = "unknown format";
        return trial;
    }
    trial.format = std::string(parser->formatName());
    trial.lines.reserve(lines.size());
    std::unordered_map<std::string, size_t> index;
    FieldList fields;
    size_t split = 0;
    for (std::string_view line : lines) {
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        LineTrial lt;
        if (trim(line).empty()) {
            lt.reason = DeadLetterReason::Empty;
            ++trial.deadLetters;
            trial.lines.push_back(std::move(lt));
            continue;
        }
        const ParseResult r = parser->parseHeader(line, lt.header);
        lt.status = r.status;
        lt.reason = r.reason;
        trial.lines.push_back(std::move(lt));
        if (r.status == ParseStatus::Header) {
            ++trial.headers;
            continue;
        }
        if (r.status == ParseStatus::DeadLetter) {
            ++trial.deadLetters;
            continue;
        }
        ++trial.events;
        if (split >= maxFieldLines || !parser->parseFields(line, fields))
            continue;
        ++split;
        for (const Field &f : fields.fields)
            trial.lines.back().fields.push_back({std::string(f.name), f.type, std::string(f.text)});
        for (const Field &f : fields.fields) {
            auto [it, added] = index.try_emplace(std::string(f.name), trial.fields.size());
            if (added) {
                trial.fields.emplace_back();
                trial.fields.back().name = std::string(f.name);
            }
            FieldTrial &ft = trial.fields[it->second];
            ++ft.present;
            if (f.type == FieldType::Null)
                ++ft.nulls;
            ++ft.types[static_cast<size_t>(f.type)];
        }
    }
    return trial;
}

} // namespace weir::parse
