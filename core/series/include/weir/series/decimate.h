// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <vector>

namespace weir::series {

struct Point {
    double x = 0;
    double y = 0;
    bool operator==(const Point &o) const { return x == o.x && y == o.y; }
};

// Min/max decimation for line charts: [xMin, xMax] is cut into `columns` equal columns (one
// per pixel), and each column keeps only its lowest and highest point, in x order (one point
// when they coincide). A line through the result covers exactly the pixels the full series
// covers, with at most 2 * columns points whatever the input size. The last point before
// xMin and the first after xMax are kept too, so lines run to the plot's edges.
//
// `points` must be sorted by x (equal x allowed). O(n) time, no allocation beyond the result.
// Pure function: any thread.
std::vector<Point> decimateMinMax(const Point *points, size_t count, double xMin, double xMax,
                                  size_t columns);

inline std::vector<Point> decimateMinMax(const std::vector<Point> &points, double xMin, double xMax,
                                         size_t columns) {
    return decimateMinMax(points.data(), points.size(), xMin, xMax, columns);
}

} // namespace weir::series
