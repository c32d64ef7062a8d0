// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/store/event_record.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <future>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

namespace weir::store {

// Bytes kept alive by someone else (a mapped file region): the store references them instead
// of copying.
struct ExternalBytes {
    std::shared_ptr<const void> owner;
    std::string_view region; // every raw line appended with it lies inside this region
};

// A block of consecutive events: a fixed-capacity record array plus up to 64 byte segments
// holding the raw lines (copy arenas owned by the chunk, or external regions such as a mapped
// file). Written only by the engine thread, appends only; records below a published count are
// immutable and may be read by any thread holding a snapshot.
class Chunk {
public:
    // `records`: storage for eventCapacity records from Chunk::allocateRecords, or nullptr to
    // allocate here. The chunk owns it either way.
    Chunk(uint64_t firstIndex, size_t eventCapacity, size_t arenaBytes, TimestampNs ingestBase,
          void *records = nullptr);
    // Record storage with its pages already faulted in (for preparing a chunk on another
    // thread); release it with freeRecords if no chunk takes it.
    static void *allocateRecords(size_t eventCapacity);
    static void freeRecords(void *records, size_t eventCapacity);
    ~Chunk();
    Chunk(const Chunk &) = delete;
    Chunk &operator=(const Chunk &) = delete;

    uint64_t firstIndex() const { return m_firstIndex; }
    size_t capacity() const { return m_eventCapacity; }
    // Writer's count. Readers must use the count in their snapshot instead.
    size_t writtenCount() const { return m_count; }

    // Engine thread only. Copy the raw bytes into an arena; false when the chunk is full.
    bool tryAppend(EventRecord record, std::string_view raw, TimestampNs ingest);
    // Engine thread only. Reference `raw`, which lies inside ext.region; false when full.
    bool tryAppendExternal(EventRecord record, std::string_view raw, TimestampNs ingest,
                           const ExternalBytes &ext);
    // Engine thread only. The hot path of tryAppendExternal: succeeds only when there is room
    // and `region` is the chunk's current external segment (false otherwise, nothing done).
    bool appendToCurrentRegion(const EventRecord &record, std::string_view raw, TimestampNs ingest,
                               const char *region) {
        if (m_count >= m_eventCapacity || m_external < 0 ||
            m_segments[static_cast<size_t>(m_external)].data != region)
            return false;
        EventRecord r = record;
        r.setRaw(static_cast<uint32_t>(raw.data() - region), static_cast<uint32_t>(raw.size()),
                 static_cast<uint32_t>(m_external));
        if (ingest.value != m_lastIngest) { // a batch shares one ingest time
            m_lastIngest = ingest.value;
            m_lastIngestDelta = ingestDelta(ingest);
        }
        r.ingestDeltaMs = m_lastIngestDelta;
        new (m_records.get() + m_count) EventRecord(r);
        ++m_count;
        m_bytesUsed += raw.size();
        return true;
    }

    const EventRecord &record(size_t i) const { return m_records.get()[i]; }
    std::string_view raw(size_t i) const {
        const EventRecord &r = record(i);
        const std::string_view bytes{m_segments[r.segment()].data + r.rawOffset, r.rawLength()};
        if (!(r.flags & HasAttributes))
            return bytes;
        return bytes.substr(0, bytes.size() - 4 - attributesLength(bytes));
    }
    // The event's transport attributes (weir/store/attributes.h); empty for file lines.
    std::string_view attributes(size_t i) const {
        const EventRecord &r = record(i);
        if (!(r.flags & HasAttributes))
            return {};
        const std::string_view bytes{m_segments[r.segment()].data + r.rawOffset, r.rawLength()};
        const uint32_t n = attributesLength(bytes);
        return bytes.substr(bytes.size() - 4 - n, n);
    }
    TimestampNs ingestTime(size_t i) const {
        return TimestampNs{m_ingestBase.value + int64_t{record(i).ingestDeltaMs} * kNsPerMs};
    }
    // Bytes attributed to this chunk: records written, arena bytes used, external bytes used.
    size_t memoryBytes() const { return m_count * sizeof(EventRecord) + m_bytesUsed; }

private:
    struct Segment {
        const char *data = nullptr;
        size_t capacity = 0;
        size_t used = 0;
        bool owned = false;                // an arena allocated by this chunk
        std::shared_ptr<const void> owner; // keeps external bytes alive
    };
    struct FreeLarge {
        size_t bytes;
        void operator()(void *p) const;
    };

    void place(EventRecord &record, TimestampNs ingest);
    uint32_t ingestDelta(TimestampNs ingest) const {
        const int64_t delta = (ingest.value - m_ingestBase.value) / kNsPerMs;
        return static_cast<uint32_t>(std::clamp<int64_t>(delta, 0, UINT32_MAX));
    }
    // The attributes length in the trailer of bytes stored with HasAttributes (see EventFlag).
    static uint32_t attributesLength(std::string_view bytes) {
        if (bytes.size() < 4)
            return 0;
        const auto *p = reinterpret_cast<const unsigned char *>(bytes.data() + bytes.size() - 4);
        const uint32_t n = p[0] | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
        return n <= bytes.size() - 4 ? n : 0;
    }

    uint64_t m_firstIndex;
    size_t m_eventCapacity;
    size_t m_arenaBytes;
    TimestampNs m_ingestBase;
    size_t m_count = 0;
    size_t m_bytesUsed = 0;
    std::unique_ptr<EventRecord, FreeLarge> m_records; // capacity m_eventCapacity
    // Segments are written before any record refers to them and never change afterwards.
    std::array<Segment, EventRecord::kMaxSegments> m_segments;
    uint32_t m_segmentCount = 0;
    int64_t m_lastIngest = INT64_MIN; // memo for appendToCurrentRegion
    uint32_t m_lastIngestDelta = 0;
    int m_arena = -1;    // segment receiving copies
    int m_external = -1; // most recent external segment
};

// One event as seen through a snapshot.
struct EventRef {
    const Chunk *chunk = nullptr;
    size_t offset = 0;

    explicit operator bool() const { return chunk != nullptr; }
    const EventRecord &record() const { return chunk->record(offset); }
    std::string_view raw() const { return chunk->raw(offset); }
    std::string_view attributes() const { return chunk->attributes(offset); }
    TimestampNs ingestTime() const { return chunk->ingestTime(offset); }
};

// An immutable view of the store at one moment. Cheap to copy (chunk pointers only); keeps
// the chunks alive even after the store evicted them.
class StoreSnapshot {
public:
    StoreSnapshot() = default;
    StoreSnapshot(std::vector<std::shared_ptr<const Chunk>> chunks, uint64_t firstIndex,
                  uint64_t endIndex);

    // Global event indices [firstIndex, endIndex) are readable.
    uint64_t firstIndex() const { return m_firstIndex; }
    uint64_t endIndex() const { return m_endIndex; }
    size_t size() const { return static_cast<size_t>(m_endIndex - m_firstIndex); }
    bool empty() const { return m_endIndex == m_firstIndex; }

    // The event with the given global index; empty ref when outside the snapshot.
    EventRef at(uint64_t index) const;
    // The i-th event of this snapshot (0 = oldest).
    EventRef operator[](size_t i) const { return at(m_firstIndex + i); }

    // Calls fn(const EventRef &) for every event in [from, to) (global indices), in order.
    template<typename Fn>
    void forEach(uint64_t from, uint64_t to, Fn &&fn) const;

    const std::vector<std::shared_ptr<const Chunk>> &chunks() const { return m_chunks; }

private:
    size_t chunkFor(uint64_t index) const;

    std::vector<std::shared_ptr<const Chunk>> m_chunks;
    uint64_t m_firstIndex = 0;
    uint64_t m_endIndex = 0;
};

template<typename Fn>
void StoreSnapshot::forEach(uint64_t from, uint64_t to, Fn &&fn) const {
    from = std::max(from, m_firstIndex);
    to = std::min(to, m_endIndex);
    if (from >= to)
        return;
    for (size_t c = chunkFor(from); c < m_chunks.size() && from < to; ++c) {
        const Chunk &chunk = *m_chunks[c];
        const uint64_t next = c + 1 < m_chunks.size() ? m_chunks[c + 1]->firstIndex() : m_endIndex;
        const uint64_t chunkEnd = std::min(to, next);
        for (; from < chunkEnd; ++from)
            fn(EventRef{&chunk, static_cast<size_t>(from - chunk.firstIndex())});
    }
}

// The append-only, chunked event store with a memory budget. Engine thread only, except
// snapshot(), whose result may be handed to any thread.
class EventStore {
public:
    struct Options {
        size_t memoryBudgetBytes = size_t{2} << 30;
        size_t chunkEvents = 65536;
        size_t chunkBytes = size_t{16} << 20; // copy arena size
    };

    explicit EventStore(Options options);
    ~EventStore();
    EventStore(const EventStore &) = delete;
    EventStore &operator=(const EventStore &) = delete;

    // Copies raw into the store. raw.size() must not exceed EventRecord::kMaxRawLength.
    void append(const EventRecord &record, std::string_view raw, TimestampNs ingest);
    // Copies raw and its transport attributes (flags the record HasAttributes). Their total
    // size plus 4 must not exceed EventRecord::kMaxRawLength, else the attributes are dropped.
    void appendWithAttributes(EventRecord record, std::string_view raw, std::string_view attrs,
                              TimestampNs ingest);
    // References raw (inside ext.region) without copying.
    void appendExternal(const EventRecord &record, std::string_view raw, TimestampNs ingest,
                        const ExternalBytes &ext) {
        if (m_open && raw.size() <= EventRecord::kMaxRawLength &&
            m_open->appendToCurrentRegion(record, raw, ingest, ext.region.data())) {
            ++m_endIndex;
            return;
        }
        appendExternalSlow(record, raw, ingest, ext);
    }

    StoreSnapshot snapshot() const;

    uint64_t size() const { return m_endIndex - m_firstIndex; }
    uint64_t totalAppended() const { return m_endIndex; }
    uint64_t evictedEvents() const { return m_firstIndex; }
    size_t memoryBytes() const { return m_sealedBytes + (m_open ? m_open->memoryBytes() : 0); }
    const Options &options() const { return m_options; }

private:
    void appendExternalSlow(const EventRecord &record, std::string_view raw, TimestampNs ingest,
                            const ExternalBytes &ext);
    void openChunk(TimestampNs ingest);
    void evictToBudget();

    Options m_options;
    std::vector<std::shared_ptr<Chunk>> m_chunks; // sealed chunks then the open one
    std::shared_ptr<Chunk> m_open;
    uint64_t m_firstIndex = 0;
    uint64_t m_endIndex = 0;
    size_t m_sealedBytes = 0;
    // The next chunk's record array, being faulted in on a helper thread so that the engine
    // thread does not pay for the kernel clearing those pages.
    std::future<void *> m_nextRecords;
    std::string m_scratch; // appendWithAttributes: raw + attributes + trailer
};

} // namespace weir::store
