// SPDX-License-Identifier: GPL-3.0-or-later
// Match bitmaps, the visible-row index, per-filter bitmaps, cancellation and progress.
#include "test_events.h"
#include "weir/query/filter_set.h"
#include "weir/query/filter_worker.h"
#include "weir/query/scanner.h"
#include "weir/query/visible_rows.h"

#include <gtest/gtest.h>
#include <random>

using namespace weir;
using namespace weir::query;
using weir::testing::EventFixture;

namespace {

std::vector<uint64_t> indicesOf(const VisibleRows &v) {
    std::vector<uint64_t> out;
    v.forEach([&](uint64_t i) { out.push_back(i); });
    return out;
}

std::vector<uint64_t> expectedVisible(const store::StoreSnapshot &snap,
                                      const std::vector<std::pair<Query, bool>> &filters,
                                      const SourceCatalog &catalog) {
    // pair: query, include (false = exclude)
    std::vector<uint64_t> out;
    std::vector<Matcher> matchers;
    for (const auto &f : filters)
        matchers.emplace_back(f.first, catalog);
    for (uint64_t i = snap.firstIndex(); i < snap.endIndex(); ++i) {
        bool visible = true;
        for (size_t k = 0; k < filters.size(); ++k)
            visible = visible && matchers[k].matches(snap.at(i)) == filters[k].second;
        if (visible)
            out.push_back(i);
    }
    return out;
}

} // namespace

TEST(MatchBitmap, RangesWordsAndEviction) {
    MatchBitmap b(70, 200);
    EXPECT_EQ(b.base(), 64u);
    EXPECT_EQ(b.count(), 0u);
    b.set(70);
    b.set(127);
    b.set(128);
    b.set(199);
    EXPECT_TRUE(b.test(70));
    EXPECT_FALSE(b.test(69));
    EXPECT_FALSE(b.test(200));
    EXPECT_EQ(b.count(), 4u);
    b.extendTo(300);
    EXPECT_EQ(b.end(), 300u);
    EXPECT_EQ(b.count(), 4u);
    b.dropBefore(128);
    EXPECT_EQ(b.first(), 128u);
    EXPECT_EQ(b.base(), 128u);
    EXPECT_FALSE(b.test(127));
    EXPECT_EQ(b.count(), 2u);
    b.truncate(150);
    EXPECT_EQ(b.count(), 1u);
    MatchBitmap all(3, 131);
    all.setAll();
    EXPECT_EQ(all.count(), 128u);
    EXPECT_FALSE(all.test(2));
    EXPECT_TRUE(all.test(130));
}

TEST(VisibleRows, SelectAndRankAgreeWithAVector) {
    std::mt19937 rng(3);
    for (uint64_t first : {0u, 5u, 64u, 1000u}) {
        for (int density : {0, 1, 50, 99, 100}) {
            const uint64_t end = first + 5000;
            MatchBitmap bits(first, end);
            std::vector<uint64_t> expected;
            for (uint64_t i = first; i < end; ++i) {
                if (static_cast<int>(rng() % 100) < density) {
                    bits.set(i);
                    expected.push_back(i);
                }
            }
            const VisibleRows v(std::move(bits));
            ASSERT_EQ(v.size(), expected.size());
            for (size_t r = 0; r < expected.size(); ++r) {
                ASSERT_EQ(v.globalIndex(r), expected[r]);
                ASSERT_EQ(v.rank(expected[r]), r);
                ASSERT_TRUE(v.contains(expected[r]));
            }
            EXPECT_EQ(indicesOf(v), expected);
            // rank of a hidden index is the next visible row
            for (uint64_t probe = first; probe < end; probe += 37) {
                const auto it = std::lower_bound(expected.begin(), expected.end(), probe);
                ASSERT_EQ(v.rank(probe), static_cast<uint64_t>(it - expected.begin()));
            }
            // a window of rows
            if (expected.size() > 20) {
                std::vector<uint64_t> window;
                v.forEach(7, 19, [&](uint64_t i) { window.push_back(i); });
                EXPECT_EQ(window,
                          std::vector<uint64_t>(expected.begin() + 7, expected.begin() + 19));
            }
            EXPECT_LT(v.memoryBytes(), 5000u / 8 + 200);
        }
    }
    const VisibleRows all = VisibleRows::all(10, 20);
    EXPECT_EQ(all.size(), 10u);
    EXPECT_EQ(all.globalIndex(3), 13u);
    EXPECT_EQ(all.rank(15), 5u);
    EXPECT_FALSE(all.contains(20));
}

TEST(FilterSet, TogglingRecombinesWithoutRescanning) {
    EventFixture fx(5000);
    const auto snap = fx.snapshot();
    FilterSet fs;
    const Query errors = *Query::compile("level>=warn");
    const Query api = *Query::compile("path:/api/*");
    const Query bots = *Query::compile("/bot/i");
    const auto idErrors = fs.add(errors);
    const auto idApi = fs.add(api);
    const auto idBots = fs.add(bots, FilterSet::Mode::Exclude);
    uint64_t progressCalls = 0, lastDone = 0, total = 0;
    ScanControl control;
    control.progressStep = 1000;
    control.progress = [&](uint64_t done, uint64_t t) {
        ++progressCalls;
        EXPECT_GE(done, lastDone);
        lastDone = done;
        total = t;
    };
    ASSERT_TRUE(fs.update(snap, fx.catalog, control));
    EXPECT_EQ(total, 3 * snap.size());
    EXPECT_EQ(lastDone, total);
    EXPECT_GE(progressCalls, 3u); // at least one report per filter

    EXPECT_EQ(indicesOf(fs.visibleRows()),
              expectedVisible(snap, {{errors, true}, {api, true}, {bots, false}}, fx.catalog));
    // Toggle and change modes: results follow, and no scan runs (a progress hook would fire).
    progressCalls = 0;
    fs.setEnabled(idApi, false);
    EXPECT_EQ(indicesOf(fs.visibleRows()),
              expectedVisible(snap, {{errors, true}, {bots, false}}, fx.catalog));
    fs.setMode(idBots, FilterSet::Mode::Include);
    EXPECT_EQ(indicesOf(fs.visibleRows()),
              expectedVisible(snap, {{errors, true}, {bots, true}}, fx.catalog));
    fs.setEnabled(idErrors, false);
    fs.setEnabled(idBots, false);
    EXPECT_EQ(fs.visibleRows().size(), snap.size());
    fs.setEnabled(idApi, true);
    EXPECT_EQ(indicesOf(fs.visibleRows()), expectedVisible(snap, {{api, true}}, fx.catalog));
    ASSERT_TRUE(fs.update(snap, fx.catalog, control)); // nothing new: nothing scanned
    EXPECT_EQ(progressCalls, 0u);
    EXPECT_TRUE(fs.remove(idApi));
    EXPECT_FALSE(fs.remove(idApi));
    EXPECT_EQ(fs.matches(idApi), nullptr);
    EXPECT_EQ(fs.matches(idErrors)->count(),
              expectedVisible(snap, {{errors, true}}, fx.catalog).size());
}

TEST(FilterSet, NewEventsAreScannedIncrementallyAndEvictedOnesDropped) {
    store::EventStore::Options so;
    so.chunkEvents = 512;
    so.memoryBudgetBytes = 200 * 1024; // evicts old chunks as the fixture grows
    EventFixture fx(1000, 11, so);
    FilterSet fs;
    const Query q = *Query::compile("status>=400 or latency>1");
    fs.add(q);
    ASSERT_TRUE(fs.update(fx.snapshot(), fx.catalog));
    for (int round = 0; round < 6; ++round) {
        fx.append(700);
        const auto snap = fx.snapshot();
        uint64_t scanned = 0;
        ScanControl c;
        c.progress = [&](uint64_t done, uint64_t) { scanned = done; };
        ASSERT_TRUE(fs.update(snap, fx.catalog, c));
        EXPECT_EQ(scanned, 700u); // only the appended rows
        const VisibleRows v = fs.visibleRows();
        EXPECT_EQ(v.first(), snap.firstIndex());
        EXPECT_EQ(v.end(), snap.endIndex());
        EXPECT_EQ(indicesOf(v), expectedVisible(snap, {{q, true}}, fx.catalog));
    }
    EXPECT_GT(fx.snapshot().firstIndex(), 0u) << "the budget should have evicted something";
}

TEST(FilterSet, CancelledUpdateResumesToTheSameResult) {
    EventFixture fx(120000, 5);
    const auto snap = fx.snapshot();
    const Query q = *Query::compile("GET level>=warn");
    FilterSet fs;
    fs.add(q);
    std::atomic<bool> cancel{false};
    ScanControl c;
    c.cancel = &cancel;
    c.progressStep = 1;
    c.progress = [&](uint64_t done, uint64_t) {
        if (done >= 40000)
            cancel = true;
    };
    EXPECT_FALSE(fs.update(snap, fx.catalog, c));
    const VisibleRows partial = fs.visibleRows();
    EXPECT_LT(partial.end(), snap.endIndex());
    EXPECT_GE(partial.end(), 40000u);
    cancel = false;
    c.progress = nullptr;
    EXPECT_TRUE(fs.update(snap, fx.catalog, c));
    EXPECT_EQ(indicesOf(fs.visibleRows()), expectedVisible(snap, {{q, true}}, fx.catalog));

    // A one-shot scan cancelled before it starts reports cancellation with nothing scanned.
    cancel = true;
    const ScanResult r = scan(q, fx.catalog, snap, c);
    EXPECT_TRUE(r.cancelled);
    EXPECT_LE(r.matches.size(), ScanControl::kCancelCheckRows);
}

TEST(FilterWorker, PublishesTheSameRowsAsAFilterSet) {
    EventFixture fx(30000, 9);
    FilterWorker worker;
    std::atomic<uint64_t> readyCalls{0};
    worker.setReadyCallback([&](uint64_t) { ++readyCalls; });
    EXPECT_EQ(worker.latest()->size(), 0u);
    const Query errors = *Query::compile("level>=warn");
    const Query api = *Query::compile("path:/api/*");
    const auto idErrors = worker.addFilter(errors);
    const auto idApi = worker.addFilter(api, FilterWorker::Mode::Exclude);
    worker.setSnapshot(fx.snapshot(), fx.catalog);
    ASSERT_TRUE(worker.waitIdle(std::chrono::seconds(60)));
    const auto snap = fx.snapshot();
    EXPECT_EQ(indicesOf(*worker.latest()),
              expectedVisible(snap, {{errors, true}, {api, false}}, fx.catalog));
    const uint64_t gen = worker.generation();
    EXPECT_GE(gen, 1u);
    EXPECT_EQ(readyCalls.load(), gen);
    EXPECT_EQ(worker.progressDone(), worker.progressTotal());

    // Edits from this thread while the worker runs; the result follows the last state.
    worker.setEnabled(idErrors, false);
    worker.setMode(idApi, FilterWorker::Mode::Include);
    fx.append(5000);
    worker.setSnapshot(fx.snapshot(), fx.catalog);
    ASSERT_TRUE(worker.waitIdle(std::chrono::seconds(60)));
    EXPECT_GT(worker.generation(), gen);
    const auto snap2 = fx.snapshot();
    EXPECT_EQ(worker.latest()->end(), snap2.endIndex());
    EXPECT_EQ(indicesOf(*worker.latest()), expectedVisible(snap2, {{api, true}}, fx.catalog));
    worker.removeFilter(idApi);
    ASSERT_TRUE(worker.waitIdle(std::chrono::seconds(60)));
    EXPECT_EQ(worker.latest()->size(), snap2.size());
}

TEST(FilterWorker, TellsWhichEditsAResultReflects) {
    EventFixture fx(20000, 5);
    FilterWorker worker;
    uint64_t edits = 99;
    worker.latest(&edits);
    EXPECT_EQ(edits, 0u);
    EXPECT_EQ(worker.editsPosted(), 0u);
    worker.setSnapshot(fx.snapshot(), fx.catalog);
    const auto id = worker.addFilter(*Query::compile("level>=warn"));
    worker.setEnabled(id, false);
    EXPECT_EQ(worker.editsPosted(), 2u);
    ASSERT_TRUE(worker.waitIdle(std::chrono::seconds(60)));
    auto rows = worker.latest(&edits);
    EXPECT_EQ(edits, 2u);
    EXPECT_EQ(rows->size(), fx.snapshot().size()); // the only filter is off
    // New rows alone are not an edit: same count, a longer index.
    fx.append(1000);
    worker.setSnapshot(fx.snapshot(), fx.catalog);
    ASSERT_TRUE(worker.waitIdle(std::chrono::seconds(60)));
    rows = worker.latest(&edits);
    EXPECT_EQ(edits, 2u);
    EXPECT_EQ(rows->end(), fx.snapshot().endIndex());
    worker.setEnabled(id, true);
    ASSERT_TRUE(worker.waitIdle(std::chrono::seconds(60)));
    rows = worker.latest(&edits);
    EXPECT_EQ(edits, 3u);
    EXPECT_LT(rows->size(), fx.snapshot().size());
}

TEST(FilterWorker, DestroyedWhileScanning) {
    // The destructor cancels a running scan and joins (no hang, no use after free).
    EventFixture fx(100000, 4);
    for (int i = 0; i < 3; ++i) {
        std::atomic<int> ready{0};
        {
            FilterWorker worker;
            worker.setReadyCallback([&](uint64_t) { ++ready; });
            worker.addFilter(*Query::compile("bytes>100 or msg:*x*"));
            worker.setSnapshot(fx.snapshot(), fx.catalog);
        }
        const int after = ready.load();
        EXPECT_LE(after, 2); // at most the filter edit and the snapshot were published
        EXPECT_EQ(ready.load(), after) << "no callback after destruction";
    }
}
