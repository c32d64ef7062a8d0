// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/parse/access_log_parser.h"
#include "weir/series/top_values.h"

#include <gtest/gtest.h>
#include <map>

using weir::series::topValues;

namespace {

struct Fixture {
    weir::store::EventStore store{{}};
    weir::query::SourceCatalog catalog;
    std::map<std::string, uint64_t> paths;

    explicit Fixture(int n) {
        auto parser = std::make_shared<weir::parse::AccessLogParser>();
        catalog.push_back({"access.log", parser, parser->fieldNames()});
        const char *kPaths[] = {"/a", "/b", "/b", "/c", "/c", "/c", "/<b>x</b>"};
        for (int i = 0; i < n; ++i) {
            const std::string path = kPaths[i % 7];
            const int status = i % 3 == 0 ? 500 : 200;
            const std::string line = "10.0.0.1 - - [22/Nov/2026:10:00:00 +0000] \"GET " + path +
                                     " HTTP/1.1\" " + std::to_string(status) + " 12 \"-\" \"x\"";
            weir::store::EventRecord rec{};
            rec.time = weir::TimestampNs{int64_t{1'700'000'000} * weir::kNsPerSecond + i};
            rec.status = static_cast<uint16_t>(status);
            rec.severity = status >= 500 ? weir::Severity::Error : weir::Severity::Info;
            store.append(rec, line, rec.time);
            ++paths[path];
        }
    }
};

} // namespace

TEST(TopValues, CountsAParsedFieldOverTheVisibleRows) {
    Fixture fx(7000);
    const auto snap = fx.store.snapshot();
    const auto all = weir::query::VisibleRows::all(snap.firstIndex(), snap.endIndex());
    const auto top = topValues(snap, fx.catalog, all, "path", 2);
    EXPECT_EQ(top.scanned, 7000u);
    ASSERT_EQ(top.top.size(), 2u);
    EXPECT_EQ(top.top[0].value, "/c");
    EXPECT_EQ(top.top[0].count, fx.paths["/c"]);
    EXPECT_EQ(top.top[1].value, "/b");
    EXPECT_EQ(top.other, 2000u); // /a and /<b>x</b>, 1000 each
    EXPECT_EQ(top.other + top.top[0].count + top.top[1].count + top.missing, 7000u);
}

TEST(TopValues, RecordFieldsNeedNoParsingAndRowsCanBeCapped) {
    Fixture fx(3000);
    const auto snap = fx.store.snapshot();
    const auto all = weir::query::VisibleRows::all(snap.firstIndex(), snap.endIndex());
    auto top = topValues(snap, fx.catalog, all, "status", 5);
    ASSERT_EQ(top.top.size(), 2u);
    EXPECT_EQ(top.top[0].value, "200");
    EXPECT_EQ(top.top[0].count, 2000u);
    EXPECT_EQ(top.top[1].count, 1000u);
    top = topValues(snap, fx.catalog, all, "level", 5, /*maxRows=*/30);
    EXPECT_EQ(top.scanned, 30u);
    EXPECT_EQ(top.top[0].value, "info");
    EXPECT_EQ(top.top[0].count, 20u);
    top = topValues(snap, fx.catalog, all, "no_such_field", 5);
    EXPECT_TRUE(top.top.empty());
    EXPECT_EQ(top.missing, 3000u);
}

TEST(TopValues, StopsWhenCancelled) {
    Fixture fx(50000);
    const auto snap = fx.store.snapshot();
    const auto all = weir::query::VisibleRows::all(snap.firstIndex(), snap.endIndex());
    std::atomic<bool> cancel{true};
    const auto top = topValues(snap, fx.catalog, all, "path", 3, 0, &cancel);
    EXPECT_TRUE(top.cancelled);
    EXPECT_LT(top.scanned, 50000u);
}
