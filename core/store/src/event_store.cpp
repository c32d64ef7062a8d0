// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/store/event_store.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <sys/mman.h>

namespace weir::store {

namespace {

constexpr size_t kHugePage = size_t{2} << 20;

// Large, lazily committed storage. Big blocks are 2 MiB aligned and marked for transparent
// huge pages: on many machines a page fault costs microseconds, and a replay touches every
// page of the arena once.
void *allocateLarge(size_t bytes) {
    if (bytes < kHugePage)
        return ::operator new(bytes);
    const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void *p = std::aligned_alloc(kHugePage, rounded);
    if (!p)
        throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    ::madvise(p, rounded, MADV_HUGEPAGE);
#endif
    return p;
}

void freeLarge(void *p, size_t bytes) {
    if (bytes < kHugePage)
        ::operator delete(p);
    else
        std::free(p);
}

} // namespace

void Chunk::FreeLarge::operator()(void *p) const {
    freeLarge(p, bytes);
}

Chunk::Chunk(uint64_t firstIndex, size_t eventCapacity, size_t arenaBytes, TimestampNs ingestBase,
             void *records)
    : m_firstIndex(firstIndex)
    , m_eventCapacity(eventCapacity)
    , m_arenaBytes(std::max<size_t>(arenaBytes, 1))
    , m_ingestBase(ingestBase)
    // Raw storage, not zeroed: pages become resident only when written.
    , m_records(static_cast<EventRecord *>(
                    records ? records : allocateLarge(eventCapacity * sizeof(EventRecord))),
                FreeLarge{eventCapacity * sizeof(EventRecord)}) {}

void *Chunk::allocateRecords(size_t eventCapacity) {
    const size_t bytes = eventCapacity * sizeof(EventRecord);
    void *p = allocateLarge(bytes);
    auto *bytesPtr = static_cast<volatile char *>(p);
    for (size_t i = 0; i < bytes; i += 4096)
        bytesPtr[i] = 0; // fault the page in now
    return p;
}

void Chunk::freeRecords(void *records, size_t eventCapacity) {
    freeLarge(records, eventCapacity * sizeof(EventRecord));
}

Chunk::~Chunk() {
    for (uint32_t i = 0; i < m_segmentCount; ++i) {
        if (m_segments[i].owned)
            freeLarge(const_cast<char *>(m_segments[i].data), m_segments[i].capacity);
    }
}

void Chunk::place(EventRecord &record, TimestampNs ingest) {
    record.ingestDeltaMs = ingestDelta(ingest);
    new (m_records.get() + m_count) EventRecord(record);
    ++m_count;
}

bool Chunk::tryAppend(EventRecord record, std::string_view raw, TimestampNs ingest) {
    if (m_count >= m_eventCapacity)
        return false;
    if (m_arena < 0 || m_segments[m_arena].used + raw.size() > m_segments[m_arena].capacity) {
        if (m_segmentCount >= EventRecord::kMaxSegments)
            return false;
        Segment &s = m_segments[m_segmentCount];
        s.capacity = std::max(m_arenaBytes, raw.size());
        s.data = static_cast<const char *>(allocateLarge(s.capacity));
        s.owned = true;
        m_arena = static_cast<int>(m_segmentCount++);
    }
    Segment &s = m_segments[m_arena];
    if (!raw.empty())
        std::memcpy(const_cast<char *>(s.data) + s.used, raw.data(), raw.size());
    record.setRaw(static_cast<uint32_t>(s.used), static_cast<uint32_t>(raw.size()),
                  static_cast<uint32_t>(m_arena));
    s.used += raw.size();
    m_bytesUsed += raw.size();
    place(record, ingest);
    return true;
}

bool Chunk::tryAppendExternal(EventRecord record, std::string_view raw, TimestampNs ingest,
                              const ExternalBytes &ext) {
    if (m_count >= m_eventCapacity)
        return false;
    if (m_external < 0 || m_segments[m_external].data != ext.region.data()) {
        // Offsets are 32-bit: a region must be below 4 GiB (sources cut batches far smaller).
        if (m_segmentCount >= EventRecord::kMaxSegments || ext.region.size() > UINT32_MAX)
            return false;
        Segment &s = m_segments[m_segmentCount];
        s.data = ext.region.data();
        s.capacity = ext.region.size();
        s.owner = ext.owner;
        m_external = static_cast<int>(m_segmentCount++);
    }
    const size_t offset = static_cast<size_t>(raw.data() - ext.region.data());
    record.setRaw(static_cast<uint32_t>(offset), static_cast<uint32_t>(raw.size()),
                  static_cast<uint32_t>(m_external));
    m_bytesUsed += raw.size();
    place(record, ingest);
    return true;
}

StoreSnapshot::StoreSnapshot(std::vector<std::shared_ptr<const Chunk>> chunks, uint64_t firstIndex,
                             uint64_t endIndex)
    : m_chunks(std::move(chunks))
    , m_firstIndex(firstIndex)
    , m_endIndex(endIndex) {}

size_t StoreSnapshot::chunkFor(uint64_t index) const {
    // The last chunk whose first index is <= index.
    const auto it = std::upper_bound(
        m_chunks.begin(), m_chunks.end(), index,
        [](uint64_t i, const std::shared_ptr<const Chunk> &c) { return i < c->firstIndex(); });
    return it == m_chunks.begin() ? 0 : static_cast<size_t>(it - m_chunks.begin() - 1);
}

EventRef StoreSnapshot::at(uint64_t index) const {
    if (index < m_firstIndex || index >= m_endIndex)
        return {};
    const Chunk *c = m_chunks[chunkFor(index)].get();
    return EventRef{c, static_cast<size_t>(index - c->firstIndex())};
}

EventStore::EventStore(Options options)
    : m_options(options) {
    m_options.chunkEvents = std::max<size_t>(m_options.chunkEvents, 1);
    m_options.chunkBytes = std::max<size_t>(m_options.chunkBytes, 1);
}

EventStore::~EventStore() {
    if (m_nextRecords.valid())
        Chunk::freeRecords(m_nextRecords.get(), m_options.chunkEvents);
}

void EventStore::openChunk(TimestampNs ingest) {
    if (m_open)
        m_sealedBytes += m_open->memoryBytes();
    void *records = m_nextRecords.valid() ? m_nextRecords.get() : nullptr;
    m_open = std::make_shared<Chunk>(m_endIndex, m_options.chunkEvents, m_options.chunkBytes,
                                     ingest, records);
    // Prepare the next one while this one fills.
    const size_t capacity = m_options.chunkEvents;
    m_nextRecords =
        std::async(std::launch::async, [capacity] { return Chunk::allocateRecords(capacity); });
    m_chunks.push_back(m_open);
    evictToBudget();
}

void EventStore::evictToBudget() {
    // Drop the oldest sealed chunks while over budget; the open chunk always stays.
    size_t drop = 0;
    while (drop + 1 < m_chunks.size() &&
           m_sealedBytes + m_open->memoryBytes() > m_options.memoryBudgetBytes) {
        const Chunk &c = *m_chunks[drop];
        m_sealedBytes -= c.memoryBytes();
        m_firstIndex = c.firstIndex() + c.writtenCount();
        ++drop;
    }
    if (drop > 0)
        m_chunks.erase(m_chunks.begin(), m_chunks.begin() + static_cast<ptrdiff_t>(drop));
}

void EventStore::append(const EventRecord &record, std::string_view raw, TimestampNs ingest) {
    raw = raw.substr(0, EventRecord::kMaxRawLength);
    if (!m_open || !m_open->tryAppend(record, raw, ingest)) {
        openChunk(ingest);
        m_open->tryAppend(record, raw, ingest);
    }
    ++m_endIndex;
}

void EventStore::appendExternalSlow(const EventRecord &record, std::string_view raw,
                                    TimestampNs ingest, const ExternalBytes &ext) {
    raw = raw.substr(0, EventRecord::kMaxRawLength);
    if (!m_open || !m_open->tryAppendExternal(record, raw, ingest, ext)) {
        openChunk(ingest);
        if (!m_open->tryAppendExternal(record, raw, ingest, ext))
            m_open->tryAppend(record, raw, ingest); // a region too large to reference
    }
    ++m_endIndex;
}

void EventStore::appendWithAttributes(EventRecord record, std::string_view raw,
                                      std::string_view attrs, TimestampNs ingest) {
    if (attrs.empty() || raw.size() + attrs.size() + 4 > EventRecord::kMaxRawLength) {
        record.flags &= static_cast<uint8_t>(~HasAttributes);
        append(record, raw, ingest);
        return;
    }
    m_scratch.assign(raw);
    m_scratch.append(attrs);
    const auto n = static_cast<uint32_t>(attrs.size());
    for (int i = 0; i < 4; ++i)
        m_scratch += static_cast<char>(static_cast<uint8_t>(n >> (8 * i)));
    record.flags |= HasAttributes;
    append(record, m_scratch, ingest);
}

StoreSnapshot EventStore::snapshot() const {
    std::vector<std::shared_ptr<const Chunk>> chunks(m_chunks.begin(), m_chunks.end());
    return StoreSnapshot(std::move(chunks), m_firstIndex, m_endIndex);
}

} // namespace weir::store
