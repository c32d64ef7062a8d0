// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/store/dead_letter_store.h"

#include <gtest/gtest.h>
#include <string>

using namespace weir;
using namespace weir::store;
using parse::DeadLetterReason;

namespace {

DeadLetterReason reasonFor(uint64_t i) {
    // Malformed, BadTimestamp, InvalidUtf8, Empty, Late in turn.
    return static_cast<DeadLetterReason>(1 + i % 5);
}

std::string rawFor(uint64_t i) {
    return "line " + std::to_string(i);
}

} // namespace

TEST(DeadLetterStore, AddAndSnapshot) {
    DeadLetterStore store(DeadLetterStore::Options{});
    for (uint64_t i = 0; i < 10; ++i)
        store.add(reasonFor(i), SourceId{static_cast<uint16_t>(i % 2)}, i + 1,
                  TimestampNs{static_cast<int64_t>(i)}, rawFor(i), i == 3 ? "why" : "");
    EXPECT_EQ(store.total(), 10u);
    EXPECT_EQ(store.evicted(), 0u);
    EXPECT_EQ(store.count(DeadLetterReason::Malformed), 2u);
    EXPECT_EQ(store.count(DeadLetterReason::Late), 2u);
    EXPECT_EQ(store.count(DeadLetterReason::None), 0u);
    const DeadLetterSnapshot s = store.snapshot();
    ASSERT_EQ(s.size(), 10u);
    EXPECT_EQ(s.firstIndex(), 0u);
    EXPECT_EQ(s.endIndex(), 10u);
    for (size_t i = 0; i < s.size(); ++i) {
        EXPECT_EQ(s[i].reason, reasonFor(i));
        EXPECT_EQ(s[i].source, SourceId{static_cast<uint16_t>(i % 2)});
        EXPECT_EQ(s[i].position, i + 1);
        EXPECT_EQ(s[i].ingestTime, TimestampNs{static_cast<int64_t>(i)});
        EXPECT_EQ(s[i].raw, rawFor(i));
        EXPECT_EQ(s[i].rawFullSize, rawFor(i).size());
    }
    EXPECT_EQ(s[3].detail, "why");
    EXPECT_GT(store.memoryBytes(), 0u);
}

TEST(DeadLetterStore, SnapshotDoesNotSeeLaterAdds) {
    DeadLetterStore store(DeadLetterStore::Options{});
    for (uint64_t i = 0; i < 5; ++i)
        store.add(reasonFor(i), SourceId{0}, i, TimestampNs{}, rawFor(i));
    const DeadLetterSnapshot before = store.snapshot();
    for (uint64_t i = 5; i < 3000; ++i) // crosses block boundaries
        store.add(reasonFor(i), SourceId{0}, i, TimestampNs{}, rawFor(i));
    EXPECT_EQ(before.size(), 5u);
    EXPECT_EQ(before[4].raw, rawFor(4));
    const DeadLetterSnapshot after = store.snapshot();
    ASSERT_EQ(after.size(), 3000u);
    for (size_t i = 0; i < after.size(); ++i)
        ASSERT_EQ(after[i].raw, rawFor(i));
}

TEST(DeadLetterStore, RawIsTruncatedToTheLimit) {
    DeadLetterStore::Options o;
    o.maxRawBytes = 16;
    DeadLetterStore store(o);
    const std::string longLine(1000, 'x');
    store.add(DeadLetterReason::Malformed, SourceId{0}, 1, TimestampNs{}, longLine);
    store.add(DeadLetterReason::Malformed, SourceId{0}, 2, TimestampNs{}, "short");
    const DeadLetterSnapshot s = store.snapshot();
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0].raw, std::string(16, 'x'));
    EXPECT_EQ(s[0].rawFullSize, 1000u);
    EXPECT_EQ(s[1].raw, "short");
    EXPECT_EQ(s[1].rawFullSize, 5u);
    // Memory counts the kept bytes, not the full line.
    EXPECT_LT(store.memoryBytes(), 1000u);
}

TEST(DeadLetterStore, EntryLimitEvictsWholeOldBlocksButCountsEverything) {
    DeadLetterStore::Options o;
    o.maxEntries = 2000;
    DeadLetterStore store(o);
    constexpr uint64_t kCount = 10000;
    for (uint64_t i = 0; i < kCount; ++i) {
        store.add(reasonFor(i), SourceId{0}, i, TimestampNs{}, rawFor(i));
        ASSERT_LE(store.total() - store.evicted(), o.maxEntries);
    }
    EXPECT_EQ(store.total(), kCount);
    EXPECT_GT(store.evicted(), 0u);
    EXPECT_EQ(store.evicted() % DeadLetterStore::kBlockCapacity, 0u);
    // Per-reason counts still cover everything ever added.
    uint64_t sum = 0;
    for (size_t r = 0; r < store.counts().size(); ++r)
        sum += store.counts()[r];
    EXPECT_EQ(sum, kCount);
    EXPECT_EQ(store.count(DeadLetterReason::InvalidUtf8), kCount / 5);

    const DeadLetterSnapshot s = store.snapshot();
    EXPECT_EQ(s.firstIndex(), store.evicted());
    EXPECT_EQ(s.endIndex(), kCount);
    EXPECT_EQ(s.size(), kCount - store.evicted());
    for (size_t i = 0; i < s.size(); ++i)
        ASSERT_EQ(s[i].raw, rawFor(s.firstIndex() + i));
}

TEST(DeadLetterStore, ByteLimitEvicts) {
    DeadLetterStore::Options o;
    o.maxBytes = 256 << 10;
    DeadLetterStore store(o);
    const std::string raw(1000, 'r');
    DeadLetterSnapshot early;
    for (uint64_t i = 0; i < 5000; ++i) {
        store.add(DeadLetterReason::Malformed, SourceId{1}, i, TimestampNs{}, raw);
        if (i == 10)
            early = store.snapshot();
    }
    EXPECT_GT(store.evicted(), 0u);
    EXPECT_EQ(store.count(DeadLetterReason::Malformed), 5000u);
    // Bounded by the limit plus the block being written.
    EXPECT_LE(store.memoryBytes(),
              o.maxBytes + DeadLetterStore::kBlockCapacity * (sizeof(DeadLetter) + raw.size()));
    // A snapshot taken before eviction stays readable.
    ASSERT_EQ(early.size(), 11u);
    EXPECT_EQ(early[10].raw, raw);
    EXPECT_EQ(early[10].position, 10u);
}

TEST(DeadLetterStore, ReasonNamesAreStable) {
    EXPECT_EQ(parse::reasonName(DeadLetterReason::Malformed), "malformed");
    EXPECT_EQ(parse::reasonName(DeadLetterReason::BadTimestamp), "bad_timestamp");
    EXPECT_EQ(parse::reasonName(DeadLetterReason::InvalidUtf8), "invalid_utf8");
    EXPECT_EQ(parse::reasonName(DeadLetterReason::Empty), "empty");
    EXPECT_EQ(parse::reasonName(DeadLetterReason::Late), "late");
}
