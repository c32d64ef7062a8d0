// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/series/decimate.h"

#include <algorithm>
#include <cmath>

namespace weir::series {

std::vector<Point> decimateMinMax(const Point *points, size_t count, double xMin, double xMax,
                                  size_t columns) {
    std::vector<Point> out;
    if (count == 0 || columns == 0 || !(xMax >= xMin))
        return out;
    const Point *end = points + count;
    const Point *first =
        std::lower_bound(points, end, xMin, [](const Point &p, double x) { return p.x < x; });
    const Point *last =
        std::upper_bound(first, end, xMax, [](double x, const Point &p) { return x < p.x; });
    const auto inside = static_cast<size_t>(last - first);
    out.reserve(std::min(inside, 2 * columns) + 2);
    if (first != points)
        out.push_back(first[-1]);
    if (inside <= 2 * columns) { // nothing to gain
        out.insert(out.end(), first, last);
    } else {
        const double width = xMax > xMin ? (xMax - xMin) / static_cast<double>(columns) : 1.0;
        const Point *p = first;
        while (p != last) {
            auto col = static_cast<size_t>((p->x - xMin) / width);
            col = std::min(col, columns - 1);
            const Point *lo = p;
            const Point *hi = p;
            for (++p; p != last; ++p) {
                auto c = static_cast<size_t>((p->x - xMin) / width);
                if (std::min(c, columns - 1) != col)
                    break;
                if (p->y < lo->y)
                    lo = p;
                if (p->y > hi->y)
                    hi = p;
            }
            if (lo == hi) {
                out.push_back(*lo);
            } else if (lo < hi) {
                out.push_back(*lo);
                out.push_back(*hi);
            } else {
                out.push_back(*hi);
                out.push_back(*lo);
            }
        }
    }
    if (last != end)
        out.push_back(*last);
    return out;
}

} // namespace weir::series
