// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/series/window_series.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

namespace weir::series {

namespace {

struct Sample {
    double value = 0;
    window::PaneTiming timing = window::PaneTiming::OnTime;
    bool final = false;
};

} // namespace

WindowSeries windowSeries(const window::WindowResults &results, size_t aggregate, size_t topN,
                          size_t columns) {
    WindowSeries out;
    if (aggregate >= results.aggregates.size())
        return out;
    // key -> window end (ms) -> the latest pane's value.
    std::unordered_map<std::string, std::map<int64_t, Sample>> byKey;
    const auto take = [&](const window::Pane &p) {
        if (aggregate >= p.values.size())
            return;
        const window::AggValue &v = p.values[aggregate];
        if (v.type != window::AggValue::Type::Number || !std::isfinite(v.number) ||
            p.window.end == kMinTimestamp || p.window.end == kMaxTimestamp)
            return;
        byKey[p.key][p.window.end.value / kNsPerMs] = {v.number, p.timing, p.final};
    };
    for (const window::Pane &p : results.finals)
        take(p);
    for (const window::Pane &p : results.live)
        take(p);
    out.keyCount = byKey.size();

    std::vector<std::pair<double, const std::string *>> ranked;
    ranked.reserve(byKey.size());
    for (const auto &[key, samples] : byKey) {
        double total = 0;
        for (const auto &kv : samples)
            total += std::abs(kv.second.value);
        ranked.emplace_back(total, &key);
    }
    const size_t n = std::min(topN, ranked.size());
    const auto byTotal = [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : *a.second < *b.second;
    };
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(n), ranked.end(),
                      byTotal);
    ranked.resize(n);

    bool any = false;
    for (const auto &[total, keyPtr] : ranked) {
        WindowSeries::Key k;
        k.key = *keyPtr;
        k.total = total;
        std::vector<Point> points;
        for (const auto &[ms, s] : byKey[*keyPtr]) {
            const Point pt{static_cast<double>(ms), s.value};
            points.push_back(pt);
            if (s.timing == window::PaneTiming::Late)
                out.late.push_back(pt);
            else if (s.timing == window::PaneTiming::Early && !s.final)
                out.early.push_back(pt);
            out.yMin = any ? std::min(out.yMin, s.value) : s.value;
            out.yMax = any ? std::max(out.yMax, s.value) : s.value;
            out.xMin = any ? std::min(out.xMin, pt.x) : pt.x;
            out.xMax = any ? std::max(out.xMax, pt.x) : pt.x;
            any = true;
        }
        if (columns > 0 && points.size() > 2 * columns)
            points = decimateMinMax(points, points.front().x, points.back().x, columns);
        k.points = std::move(points);
        out.keys.push_back(std::move(k));
    }
    return out;
}

} // namespace weir::series
