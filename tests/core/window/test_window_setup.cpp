// SPDX-License-Identifier: GPL-3.0-or-later
// The textual window setup shared by the GUI's options and window dialog.
#include "weir/window/window_setup.h"

#include <gtest/gtest.h>

using namespace weir;
using namespace weir::window;

TEST(WindowSetup, ParsesEveryField) {
    WindowSetupText t;
    t.window = "sliding:5m/1m";
    t.keys = "host, path";
    t.aggs = "count,p95(latency)";
    t.lateness = "30s";
    t.outOfOrder = "10s";
    t.mode = "discarding";
    WindowSetup s;
    std::string error;
    ASSERT_TRUE(parseWindowSetup(t, s, &error)) << error;
    EXPECT_EQ(s.op.window.kind, WindowKind::Sliding);
    EXPECT_EQ(s.op.window.size, 5 * kNsPerMinute);
    EXPECT_EQ(s.op.window.period, kNsPerMinute);
    EXPECT_EQ(s.keyFields, (std::vector<std::string>{"host", "path"}));
    ASSERT_EQ(s.op.aggregates.size(), 2u);
    EXPECT_EQ(s.op.aggregates[1].name, "p95(latency)");
    EXPECT_EQ(s.op.allowedLatenessNs, 30 * kNsPerSecond);
    EXPECT_EQ(s.op.outOfOrderNs, 10 * kNsPerSecond);
    EXPECT_EQ(s.op.mode, AccumulationMode::Discarding);
    EXPECT_EQ(s.name, "sliding:5m/1m by host,path");
}

TEST(WindowSetup, NamesTheFieldAtFault) {
    const auto errorOf = [](WindowSetupText t) {
        WindowSetup s;
        std::string error;
        EXPECT_FALSE(parseWindowSetup(t, s, &error));
        return error;
    };
    WindowSetupText good;
    good.window = "fixed:1m";
    WindowSetupText t = good;
    t.window = "weekly";
    EXPECT_EQ(errorOf(t).rfind("window: ", 0), 0u) << errorOf(t);
    t = good;
    t.window.clear();
    EXPECT_EQ(errorOf(t).rfind("window: ", 0), 0u);
    t = good;
    t.aggs = "median(x";
    EXPECT_EQ(errorOf(t).rfind("aggs: ", 0), 0u) << errorOf(t);
    t = good;
    t.lateness = "soon";
    EXPECT_EQ(errorOf(t), "lateness: expected a duration such as 10s or 5m, not 'soon'");
    t = good;
    t.outOfOrder = "-5s";
    EXPECT_EQ(errorOf(t).rfind("out-of-order: ", 0), 0u) << errorOf(t);
    t = good;
    t.mode = "sometimes";
    EXPECT_EQ(errorOf(t), "mode: expected accumulating or discarding");
}
