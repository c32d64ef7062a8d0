// SPDX-License-Identifier: GPL-3.0-or-later
// Window results as chart series: top-N ranking, the latest pane per window, EARLY/LATE
// points, skipped values and decimation.
#include "weir/series/window_series.h"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>

using namespace weir;
using namespace weir::series;

namespace {

constexpr int64_t kBaseS = 1700000000;

window::Pane pane(int64_t endS, std::string key, double v, bool final,
                  window::PaneTiming timing = window::PaneTiming::OnTime) {
    window::Pane p;
    p.window = {TimestampNs{(kBaseS + endS - 10) * kNsPerSecond},
                TimestampNs{(kBaseS + endS) * kNsPerSecond}};
    p.key = std::move(key);
    p.values = {window::AggValue::of(v), window::AggValue::ofText("a=1")};
    p.final = final;
    p.timing = timing;
    return p;
}

double ms(int64_t endS) {
    return static_cast<double>((kBaseS + endS) * 1000);
}

} // namespace

TEST(WindowSeries, TopKeysByTotalWithTheLatestPanePerWindow) {
    window::WindowResults r;
    r.aggregates = {"count", "topk(path,1)"};
    for (int w = 1; w <= 3; ++w) {
        r.finals.push_back(pane(w * 10, "a", 1, true));
        r.finals.push_back(pane(w * 10, "b", 5, true));
        r.finals.push_back(pane(w * 10, "c", 3, true));
        r.finals.push_back(pane(w * 10, "d", 3, true));
    }
    // Window 40: an early pane for b, then a late pane for c's window 30 (newer than its final).
    r.live.push_back(pane(40, "b", 7, false, window::PaneTiming::Early));
    r.live.push_back(pane(30, "c", 4, false, window::PaneTiming::Late));
    r.live.push_back(pane(40, "a", std::nan(""), false)); // not drawn

    const WindowSeries s = windowSeries(r, 0, 3);
    EXPECT_EQ(s.keyCount, 4u);
    ASSERT_EQ(s.keys.size(), 3u);
    EXPECT_EQ(s.keys[0].key, "b"); // 5 + 5 + 5 + 7
    EXPECT_EQ(s.keys[0].total, 22);
    EXPECT_EQ(s.keys[1].key, "c"); // 3 + 3 + 4
    EXPECT_EQ(s.keys[2].key, "d"); // 9, ahead of a (3)
    ASSERT_EQ(s.keys[0].points.size(), 4u);
    EXPECT_EQ(s.keys[0].points[3].x, ms(40));
    EXPECT_EQ(s.keys[0].points[3].y, 7);
    ASSERT_EQ(s.keys[1].points.size(), 3u);
    EXPECT_EQ(s.keys[1].points[2].y, 4); // the late pane replaced the final one
    ASSERT_EQ(s.early.size(), 1u);
    EXPECT_EQ(s.early[0].x, ms(40));
    ASSERT_EQ(s.late.size(), 1u);
    EXPECT_EQ(s.late[0].y, 4);
    EXPECT_EQ(s.xMin, ms(10));
    EXPECT_EQ(s.xMax, ms(40));
    EXPECT_EQ(s.yMin, 3);
    EXPECT_EQ(s.yMax, 7);

    // Ties are broken by key text; a text aggregate or an unknown index draws nothing.
    const WindowSeries two = windowSeries(r, 0, 10);
    ASSERT_EQ(two.keys.size(), 4u);
    EXPECT_EQ(two.keys[3].key, "a");
    EXPECT_TRUE(windowSeries(r, 1, 3).keys.empty());
    EXPECT_TRUE(windowSeries(r, 2, 3).keys.empty());
    EXPECT_GT(windowSeries(r, 1, 3).xMin, windowSeries(r, 1, 3).xMax);
}

TEST(WindowSeries, LongSeriesAreDecimatedKeepingExtremes) {
    window::WindowResults r;
    r.aggregates = {"mean(v)"};
    const int windows = 10000;
    for (int w = 1; w <= windows; ++w) {
        double v = (w * 7919) % 101;
        if (w == 4321)
            v = 1000; // the peak must survive decimation
        if (w == 777)
            v = -50;
        r.finals.push_back(pane(w * 10, "k", v, true));
    }
    const WindowSeries s = windowSeries(r, 0, 5, 100);
    ASSERT_EQ(s.keys.size(), 1u);
    const auto &pts = s.keys[0].points;
    EXPECT_LE(pts.size(), 200u);
    EXPECT_GE(pts.size(), 100u);
    EXPECT_TRUE(std::is_sorted(pts.begin(), pts.end(),
                               [](const Point &a, const Point &b) { return a.x < b.x; }));
    const auto [lo, hi] = std::minmax_element(
        pts.begin(), pts.end(), [](const Point &a, const Point &b) { return a.y < b.y; });
    EXPECT_EQ(hi->y, 1000);
    EXPECT_EQ(hi->x, ms(43210));
    EXPECT_EQ(lo->y, -50);
    EXPECT_EQ(s.yMax, 1000);
    EXPECT_EQ(s.yMin, -50);
    // columns 0: every point.
    EXPECT_EQ(windowSeries(r, 0, 5, 0).keys[0].points.size(), static_cast<size_t>(windows));
}
