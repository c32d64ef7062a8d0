// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/store/event_store.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <gtest/gtest.h>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace weir;
using namespace weir::store;

namespace {

constexpr int64_t kBaseTime = 1637576132LL * kNsPerSecond;

// The raw bytes of event `index`: they encode the index, so a reader can check that the record
// and the bytes it sees belong together. Lengths vary with the index (20..83 bytes).
std::string rawFor(uint64_t index) {
    char head[32];
    std::snprintf(head, sizeof head, "event %010llu ", static_cast<unsigned long long>(index));
    std::string s = head;
    s.append(index % 64, static_cast<char>('a' + index % 26));
    s += '|';
    return s;
}

EventRecord recordFor(uint64_t index) {
    EventRecord r{};
    r.time = TimestampNs{kBaseTime + static_cast<int64_t>(index) * kNsPerMs};
    r.source = SourceId{static_cast<uint16_t>(index % 3)};
    r.status = static_cast<uint16_t>(100 + index % 500);
    r.severity = static_cast<Severity>(index % 10);
    r.flags = static_cast<uint8_t>(index % 16);
    r.setPosition(index + 1 + (uint64_t{1} << 33)); // exercises the high position bits
    return r;
}

// Every check on one event; returns an empty string when consistent.
std::string checkEvent(const EventRef &e, uint64_t index) {
    if (!e)
        return "missing event " + std::to_string(index);
    const EventRecord &r = e.record();
    const EventRecord want = recordFor(index);
    if (e.raw() != rawFor(index))
        return "raw mismatch at " + std::to_string(index) + ": '" + std::string(e.raw()) + "'";
    if (r.time != want.time || r.source != want.source || r.status != want.status ||
        r.severity != want.severity || r.flags != want.flags || r.position() != want.position())
        return "record fields mismatch at " + std::to_string(index);
    return {};
}

TimestampNs ingestFor(uint64_t index) {
    return TimestampNs{kBaseTime + static_cast<int64_t>(index) * kNsPerMs};
}

} // namespace

TEST(EventStore, RecordIs32Bytes) {
    static_assert(sizeof(EventRecord) == 32);
    EventRecord r{};
    r.setPosition((uint64_t{0xABCD} << 32) | 0x12345678u);
    EXPECT_EQ(r.position(), (uint64_t{0xABCD} << 32) | 0x12345678u);
}

TEST(EventStore, EmptyStore) {
    EventStore store(EventStore::Options{});
    const StoreSnapshot s = store.snapshot();
    EXPECT_TRUE(s.empty());
    EXPECT_EQ(s.size(), 0u);
    EXPECT_FALSE(s.at(0));
    EXPECT_EQ(store.size(), 0u);
    EXPECT_EQ(store.memoryBytes(), 0u);
    int calls = 0;
    s.forEach(0, 100, [&](const EventRef &) { ++calls; });
    EXPECT_EQ(calls, 0);
}

TEST(EventStore, AppendAndReadBack) {
    EventStore::Options o;
    o.chunkEvents = 100;
    EventStore store(o);
    constexpr uint64_t kCount = 1234;
    for (uint64_t i = 0; i < kCount; ++i)
        store.append(recordFor(i), rawFor(i), ingestFor(i));
    EXPECT_EQ(store.size(), kCount);
    EXPECT_EQ(store.totalAppended(), kCount);
    EXPECT_EQ(store.evictedEvents(), 0u);
    const StoreSnapshot s = store.snapshot();
    ASSERT_EQ(s.size(), kCount);
    EXPECT_EQ(s.firstIndex(), 0u);
    EXPECT_EQ(s.endIndex(), kCount);
    for (uint64_t i = 0; i < kCount; ++i) {
        ASSERT_EQ(checkEvent(s.at(i), i), "");
        ASSERT_EQ(checkEvent(s[i], i), "");
        // Ingest time is kept at millisecond precision.
        ASSERT_EQ(s.at(i).ingestTime(), ingestFor(i));
    }
    EXPECT_FALSE(s.at(kCount));
    // forEach over a sub-range crossing chunk boundaries, clamped to the snapshot.
    uint64_t next = 95;
    s.forEach(95, 2000, [&](const EventRef &e) {
        EXPECT_EQ(checkEvent(e, next), "");
        ++next;
    });
    EXPECT_EQ(next, kCount);
    // Memory: the records plus the raw bytes, nothing per event beyond that.
    size_t rawBytes = 0;
    for (uint64_t i = 0; i < kCount; ++i)
        rawBytes += rawFor(i).size();
    EXPECT_EQ(store.memoryBytes(), kCount * sizeof(EventRecord) + rawBytes);
}

TEST(EventStore, SnapshotIsImmutable) {
    EventStore::Options o;
    o.chunkEvents = 16;
    EventStore store(o);
    for (uint64_t i = 0; i < 10; ++i)
        store.append(recordFor(i), rawFor(i), ingestFor(i));
    const StoreSnapshot before = store.snapshot();
    for (uint64_t i = 10; i < 100; ++i)
        store.append(recordFor(i), rawFor(i), ingestFor(i));
    // The old snapshot still sees exactly its 10 events, even though its last chunk grew.
    EXPECT_EQ(before.size(), 10u);
    EXPECT_EQ(before.endIndex(), 10u);
    EXPECT_FALSE(before.at(10));
    uint64_t seen = 0;
    before.forEach(0, 100, [&](const EventRef &e) {
        EXPECT_EQ(checkEvent(e, seen), "");
        ++seen;
    });
    EXPECT_EQ(seen, 10u);
    const StoreSnapshot after = store.snapshot();
    EXPECT_EQ(after.size(), 100u);
    EXPECT_EQ(checkEvent(after.at(99), 99), "");
}

TEST(EventStore, EmptyAndLargeRawLines) {
    EventStore::Options o;
    o.chunkEvents = 8;
    o.chunkBytes = 1024;
    EventStore store(o);
    const std::string big(10000, 'B'); // larger than a whole arena
    EventRecord r{};
    store.append(r, "", TimestampNs{kBaseTime});
    store.append(r, big, TimestampNs{kBaseTime});
    store.append(r, "after", TimestampNs{kBaseTime});
    const StoreSnapshot s = store.snapshot();
    ASSERT_EQ(s.size(), 3u);
    EXPECT_EQ(s.at(0).raw(), "");
    EXPECT_EQ(s.at(1).raw(), big);
    EXPECT_EQ(s.at(2).raw(), "after");
}

TEST(EventStore, ChunkBoundariesWhenByteArenaFillsFirst) {
    // Room for 1000 records per chunk but only ~3 raw lines per byte arena.
    EventStore::Options o;
    o.chunkEvents = 1000;
    o.chunkBytes = 256;
    EventStore store(o);
    constexpr uint64_t kCount = 5000;
    for (uint64_t i = 0; i < kCount; ++i)
        store.append(recordFor(i), rawFor(i), ingestFor(i));
    const StoreSnapshot s = store.snapshot();
    ASSERT_EQ(s.size(), kCount);
    const auto &chunks = s.chunks();
    ASSERT_GE(chunks.size(), kCount / o.chunkEvents);
    // Chunks partition the index space: consecutive, non-empty, at most chunkEvents each.
    EXPECT_EQ(chunks.front()->firstIndex(), 0u);
    for (size_t c = 0; c + 1 < chunks.size(); ++c) {
        const uint64_t n = chunks[c + 1]->firstIndex() - chunks[c]->firstIndex();
        EXPECT_GT(n, 0u);
        EXPECT_LE(n, o.chunkEvents);
        EXPECT_EQ(chunks[c]->writtenCount(), n);
    }
    // Every event reads back intact across arena and chunk boundaries.
    for (uint64_t i = 0; i < kCount; ++i)
        ASSERT_EQ(checkEvent(s.at(i), i), "");
    uint64_t next = 0;
    s.forEach(0, kCount, [&](const EventRef &e) {
        ASSERT_EQ(checkEvent(e, next), "");
        ++next;
    });
    EXPECT_EQ(next, kCount);
}

TEST(EventStore, ChunkBoundariesWhenRecordsFillFirst) {
    EventStore::Options o;
    o.chunkEvents = 7;
    o.chunkBytes = 1 << 20;
    EventStore store(o);
    for (uint64_t i = 0; i < 50; ++i)
        store.append(recordFor(i), rawFor(i), ingestFor(i));
    const StoreSnapshot s = store.snapshot();
    ASSERT_EQ(s.chunks().size(), 8u); // 7 full chunks of 7, one of 1
    for (size_t c = 0; c < s.chunks().size(); ++c)
        EXPECT_EQ(s.chunks()[c]->firstIndex(), c * 7);
    EXPECT_EQ(checkEvent(s.at(49), 49), "");
    EXPECT_EQ(checkEvent(s.at(48), 48), "");
}

TEST(EventStore, EvictionByMemoryBudget) {
    EventStore::Options o;
    o.chunkEvents = 100;
    o.chunkBytes = 1 << 16;
    o.memoryBudgetBytes = 64 << 10; // room for a handful of chunks
    EventStore store(o);
    // Largest possible open chunk: chunkEvents records of the longest raw line.
    const size_t openChunkMax = o.chunkEvents * (sizeof(EventRecord) + rawFor(63).size());

    StoreSnapshot early;
    constexpr uint64_t kCount = 20000;
    uint64_t lastFirst = 0;
    for (uint64_t i = 0; i < kCount; ++i) {
        store.append(recordFor(i), rawFor(i), ingestFor(i));
        if (i == 150)
            early = store.snapshot();
        // firstIndex only moves forward; budget holds up to one open chunk.
        ASSERT_GE(store.evictedEvents(), lastFirst);
        lastFirst = store.evictedEvents();
        ASSERT_LE(store.memoryBytes(), o.memoryBudgetBytes + openChunkMax) << i;
    }
    EXPECT_GT(store.evictedEvents(), 0u);
    EXPECT_EQ(store.size() + store.evictedEvents(), kCount);
    EXPECT_EQ(store.totalAppended(), kCount);
    // Whole chunks go: the first retained index is a chunk start.
    EXPECT_EQ(store.evictedEvents() % o.chunkEvents, 0u);

    const StoreSnapshot now = store.snapshot();
    EXPECT_EQ(now.firstIndex(), store.evictedEvents());
    EXPECT_EQ(now.endIndex(), kCount);
    EXPECT_FALSE(now.at(0));
    EXPECT_FALSE(now.at(now.firstIndex() - 1));
    for (uint64_t i = now.firstIndex(); i < kCount; ++i)
        ASSERT_EQ(checkEvent(now.at(i), i), "");
    EXPECT_EQ(checkEvent(now[0], now.firstIndex()), "");

    // The snapshot taken before eviction keeps its chunks alive and stays readable.
    ASSERT_EQ(early.firstIndex(), 0u);
    ASSERT_EQ(early.size(), 151u);
    for (uint64_t i = 0; i < 151; ++i)
        ASSERT_EQ(checkEvent(early.at(i), i), "");
}

TEST(EventStore, BudgetSmallerThanOneChunkKeepsTheOpenChunk) {
    EventStore::Options o;
    o.chunkEvents = 10;
    o.chunkBytes = 4096;
    o.memoryBudgetBytes = 1; // absurdly small: the open chunk must still work
    EventStore store(o);
    for (uint64_t i = 0; i < 95; ++i)
        store.append(recordFor(i), rawFor(i), ingestFor(i));
    const StoreSnapshot s = store.snapshot();
    EXPECT_EQ(s.endIndex(), 95u);
    EXPECT_EQ(s.firstIndex(), 90u);
    EXPECT_EQ(store.evictedEvents(), 90u);
    for (uint64_t i = 90; i < 95; ++i)
        EXPECT_EQ(checkEvent(s.at(i), i), "");
}

// One writer appends and publishes a snapshot after every few appends (as the engine does);
// readers take the latest snapshot and check every visible event. Eviction runs concurrently,
// so readers also hold snapshots whose chunks the store has already dropped.
TEST(EventStore, ConcurrentWriterAndSnapshotReaders) {
    EventStore::Options o;
    o.chunkEvents = 512;
    o.chunkBytes = 16 << 10;
    o.memoryBudgetBytes = 256 << 10;
    EventStore store(o);

    constexpr uint64_t kCount = 200000;
    constexpr int kReaders = 3;
    std::mutex publishMutex;
    std::shared_ptr<const StoreSnapshot> published = std::make_shared<StoreSnapshot>();
    std::atomic<bool> done{false};
    std::atomic<int> readersStarted{0};

    std::thread writer([&] {
        // Start once every reader runs, so that reading overlaps writing (bounded wait).
        for (int spin = 0; spin < 5000 && readersStarted.load() < kReaders; ++spin)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        for (uint64_t i = 0; i < kCount; ++i) {
            store.append(recordFor(i), rawFor(i), ingestFor(i));
            if (i % 97 == 0 || i + 1 == kCount) {
                auto snap = std::make_shared<const StoreSnapshot>(store.snapshot());
                std::lock_guard<std::mutex> lock(publishMutex);
                published = std::move(snap);
            }
        }
        done = true;
    });

    std::atomic<uint64_t> checked{0};
    std::atomic<uint64_t> snapshotsRead{0};
    std::vector<std::string> errors(kReaders);
    std::vector<std::thread> readers;
    for (int r = 0; r < kReaders; ++r) {
        readers.emplace_back([&, r] {
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
            uint64_t lastEnd = 0;
            ++readersStarted;
            // Bounded: stops after the writer is done (one last pass) or at the deadline.
            for (int iter = 0; iter < 1000000 && errors[r].empty(); ++iter) {
                const bool finalPass = done.load();
                std::shared_ptr<const StoreSnapshot> snap;
                {
                    std::lock_guard<std::mutex> lock(publishMutex);
                    snap = published;
                }
                if (snap->endIndex() < lastEnd) {
                    errors[r] = "snapshot went backwards";
                    break;
                }
                lastEnd = snap->endIndex();
                uint64_t expect = snap->firstIndex();
                snap->forEach(snap->firstIndex(), snap->endIndex(), [&](const EventRef &e) {
                    if (errors[r].empty())
                        errors[r] = checkEvent(e, expect);
                    ++expect;
                });
                if (errors[r].empty() && expect != snap->endIndex())
                    errors[r] = "forEach visited " + std::to_string(expect) + " of " +
                                std::to_string(snap->endIndex());
                // Random access too, at both ends.
                if (errors[r].empty() && !snap->empty()) {
                    errors[r] = checkEvent(snap->at(snap->firstIndex()), snap->firstIndex());
                    if (errors[r].empty())
                        errors[r] =
                            checkEvent(snap->at(snap->endIndex() - 1), snap->endIndex() - 1);
                }
                checked += snap->size();
                ++snapshotsRead;
                if (finalPass || std::chrono::steady_clock::now() > deadline)
                    break;
            }
        });
    }
    writer.join();
    for (auto &t : readers)
        t.join();
    for (int r = 0; r < kReaders; ++r)
        EXPECT_EQ(errors[r], "") << "reader " << r;
    EXPECT_GE(snapshotsRead.load(), static_cast<uint64_t>(kReaders));
    EXPECT_GT(checked.load(), 0u);
    EXPECT_GT(store.evictedEvents(), 0u);
    const StoreSnapshot last = store.snapshot();
    EXPECT_EQ(last.endIndex(), kCount);
    for (uint64_t i = last.firstIndex(); i < kCount; ++i)
        ASSERT_EQ(checkEvent(last.at(i), i), "");
}
