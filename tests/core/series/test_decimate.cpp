// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/series/decimate.h"

#include <cmath>
#include <gtest/gtest.h>
#include <random>

using weir::series::decimateMinMax;
using weir::series::Point;

namespace {

std::vector<Point> noisySine(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> noise(-0.2, 0.2);
    std::vector<Point> pts(n);
    for (size_t i = 0; i < n; ++i)
        pts[i] = {static_cast<double>(i), std::sin(static_cast<double>(i) / 5000.0) + noise(rng)};
    return pts;
}

} // namespace

TEST(Decimate, SmallSeriesAreKeptWhole) {
    const std::vector<Point> pts = {{0, 1}, {1, 3}, {2, 2}};
    EXPECT_EQ(decimateMinMax(pts, 0, 2, 100), pts);
    EXPECT_TRUE(decimateMinMax(std::vector<Point>{}, 0, 1, 10).empty());
    EXPECT_TRUE(decimateMinMax(pts, 0, 2, 0).empty());
}

TEST(Decimate, AtMostTwoPointsPerColumnKeepingEachColumnsExtremes) {
    const auto pts = noisySine(1'000'000, 3);
    const size_t columns = 1500;
    const auto out = decimateMinMax(pts, 0, 999'999, columns);
    ASSERT_LE(out.size(), 2 * columns);
    ASSERT_GE(out.size(), columns); // every column has points
    // Brute force: each column's min and max survive, and nothing else is invented.
    const double width = (999'999.0 - 0.0) / static_cast<double>(columns); // as decimateMinMax
    std::vector<double> lo(columns, 1e9), hi(columns, -1e9);
    for (const auto &p : pts) {
        const size_t c = std::min(columns - 1, static_cast<size_t>(p.x / width));
        lo[c] = std::min(lo[c], p.y);
        hi[c] = std::max(hi[c], p.y);
    }
    std::vector<double> outLo(columns, 1e9), outHi(columns, -1e9);
    for (size_t i = 0; i < out.size(); ++i) {
        if (i > 0) {
            EXPECT_LE(out[i - 1].x, out[i].x) << "x order kept";
        }
        const size_t c = std::min(columns - 1, static_cast<size_t>(out[i].x / width));
        outLo[c] = std::min(outLo[c], out[i].y);
        outHi[c] = std::max(outHi[c], out[i].y);
        EXPECT_EQ(pts[static_cast<size_t>(out[i].x)].y, out[i].y) << "an input point";
    }
    for (size_t c = 0; c < columns; ++c) {
        EXPECT_EQ(outLo[c], lo[c]) << c;
        EXPECT_EQ(outHi[c], hi[c]) << c;
    }
}

TEST(Decimate, KeepsOneNeighbourOutsideEachEdge) {
    const auto pts = noisySine(100'000, 9);
    const auto out = decimateMinMax(pts, 40'000, 60'000, 100);
    ASSERT_GE(out.size(), 3u);
    EXPECT_EQ(out.front(), pts[39'999]);
    EXPECT_EQ(out.back(), pts[60'001]);
    EXPECT_LE(out.size(), 2 * 100 + 2u);
    for (size_t i = 1; i + 1 < out.size(); ++i) {
        EXPECT_GE(out[i].x, 40'000);
        EXPECT_LE(out[i].x, 60'000);
    }
}

TEST(Decimate, SpikesSurvive) {
    std::vector<Point> pts(200'000);
    for (size_t i = 0; i < pts.size(); ++i)
        pts[i] = {static_cast<double>(i), 1.0};
    pts[123'457].y = 1000; // one-sample spike
    pts[7].y = -50;
    const auto out = decimateMinMax(pts, 0, 199'999, 800);
    double maxY = -1, minY = 1e9;
    for (const auto &p : out) {
        maxY = std::max(maxY, p.y);
        minY = std::min(minY, p.y);
    }
    EXPECT_EQ(maxY, 1000);
    EXPECT_EQ(minY, -50);
    EXPECT_LE(out.size(), 1600u);
}
