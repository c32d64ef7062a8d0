// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/series/top_values.h"

#include "weir/parse/parser.h"

#include <algorithm>
#include <unordered_map>

namespace weir::series {

TopValues topValues(const store::StoreSnapshot &snapshot, const query::SourceCatalog &catalog,
                    const query::VisibleRows &rows, std::string_view field, size_t n,
                    uint64_t maxRows, const std::atomic<bool> *cancel) {
    TopValues out;
    enum class Kind { Status, Level, Source, Parsed };
    const Kind kind = field == "status"   ? Kind::Status
                      : field == "level"  ? Kind::Level
                      : field == "source" ? Kind::Source
                                          : Kind::Parsed;
    std::unordered_map<std::string, uint64_t> counts;
    parse::FieldList fields;
    std::string key;
    const uint64_t total = rows.size();
    const uint64_t from = maxRows > 0 && total > maxRows ? total - maxRows : 0;
    uint64_t seen = 0;
    rows.forEach(from, total, [&](uint64_t index) {
        if (out.cancelled)
            return;
        if ((++seen & 4095) == 0 && cancel && cancel->load(std::memory_order_relaxed)) {
            out.cancelled = true;
            return;
        }
        const store::EventRef e = snapshot.at(index);
        if (!e)
            return;
        ++out.scanned;
        const store::EventRecord &r = e.record();
        key.clear();
        switch (kind) {
        case Kind::Status:
            if (r.status == 0) {
                ++out.missing;
                return;
            }
            key = std::to_string(r.status);
            break;
        case Kind::Level:
            if (r.severity == Severity::Unknown) {
                ++out.missing;
                return;
            }
            key = severityName(r.severity);
            break;
        case Kind::Source:
            if (r.source.value < catalog.size())
                key = catalog[r.source.value].name;
            else
                key = std::to_string(r.source.value);
            break;
        case Kind::Parsed: {
            const auto *ch = r.source.value < catalog.size() ? &catalog[r.source.value] : nullptr;
            fields.clear();
            if (!ch || !ch->decoder || !ch->decoder->parseFields(e.raw(), fields)) {
                ++out.missing;
                return;
            }
            const parse::Field *f = fields.find(field);
            if (!f || f->type == parse::FieldType::Null) {
                ++out.missing;
                return;
            }
            key.assign(f->text);
            break;
        }
        }
        auto it = counts.find(key);
        if (it != counts.end())
            ++it->second;
        else if (counts.size() < kMaxDistinct)
            counts.emplace(key, 1);
        else
            ++out.other;
    });
    std::vector<ValueCount> all;
    all.reserve(counts.size());
    for (auto &[value, count] : counts)
        all.push_back({value, count});
    const size_t keep = std::min(n, all.size());
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(),
                      [](const ValueCount &a, const ValueCount &b) {
                          return a.count != b.count ? a.count > b.count : a.value < b.value;
                      });
    for (size_t i = keep; i < all.size(); ++i)
        out.other += all[i].count;
    all.resize(keep);
    out.top = std::move(all);
    return out;
}

} // namespace weir::series
