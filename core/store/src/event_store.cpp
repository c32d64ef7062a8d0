#include "weir/store/event_store.h"

#include <algorithm>
#include <cstring>
#include <cstdlib>
#include <new>
#include <sys/mman.h>

namespace weir::store {

namespace {

constexpr size_t kHugePage = size_t{2} << 20;

// Large, lazily committed storage. Big blocks are 2 MiB aligned and marked for transparent
// huge pages: on many machines a page fault costs microseconds, and a replay touches every
// page of the arena once.
void *allocateLarge(size_t bytes)
{
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

void freeLarge(void *p, size_t bytes)
{
    if (bytes < kHugePage)
        ::operator delete(p);
    else
        std::free(p);
}

} // namespace

void Chunk::FreeLarge::operator()(void *p) const
{
    freeLarge(p, bytes);
}

Chunk::Chunk(uint64_t firstIndex, size_t eventCapacity, size_t byteCapacity,
             TimestampNs ingestBase)
    : m_firstIndex(firstIndex)
    , m_eventCapacity(eventCapacity)
    , m_byteCapacity(byteCapacity)
    , m_ingestBase(ingestBase)
    // Raw storage, not zeroed: pages become resident only when written.
    , m_records(static_cast<EventRecord *>(allocateLarge(eventCapacity * sizeof(EventRecord))),
                FreeLarge{eventCapacity * sizeof(EventRecord)})
    , m_bytes(static_cast<char *>(allocateLarge(std::max<size_t>(byteCapacity, 1))),
              FreeLarge{std::max<size_t>(byteCapacity, 1)})
{}

void Chunk::append(EventRecord record, std::string_view raw, TimestampNs ingest)
{
    record.rawOffset = static_cast<uint32_t>(m_bytesUsed);
    record.rawLength = static_cast<uint32_t>(raw.size());
    const int64_t delta = (ingest.value - m_ingestBase.value) / kNsPerMs;
    record.ingestDeltaMs = static_cast<uint32_t>(std::clamp<int64_t>(delta, 0, UINT32_MAX));
    if (!raw.empty())
        std::memcpy(m_bytes.get() + m_bytesUsed, raw.data(), raw.size());
    m_bytesUsed += raw.size();
    new (m_records.get() + m_count) EventRecord(record);
    ++m_count;
}

StoreSnapshot::StoreSnapshot(std::vector<std::shared_ptr<const Chunk>> chunks,
                             uint64_t firstIndex, uint64_t endIndex)
    : m_chunks(std::move(chunks))
    , m_firstIndex(firstIndex)
    , m_endIndex(endIndex)
{}

size_t StoreSnapshot::chunkFor(uint64_t index) const
{
    // The last chunk whose first index is <= index.
    const auto it = std::upper_bound(
        m_chunks.begin(), m_chunks.end(), index,
        [](uint64_t i, const std::shared_ptr<const Chunk> &c) { return i < c->firstIndex(); });
    return it == m_chunks.begin() ? 0 : static_cast<size_t>(it - m_chunks.begin() - 1);
}

EventRef StoreSnapshot::at(uint64_t index) const
{
    if (index < m_firstIndex || index >= m_endIndex)
        return {};
    const Chunk *c = m_chunks[chunkFor(index)].get();
    return EventRef{c, static_cast<size_t>(index - c->firstIndex())};
}

EventStore::EventStore(Options options)
    : m_options(options)
{
    m_options.chunkEvents = std::max<size_t>(m_options.chunkEvents, 1);
    m_options.chunkBytes = std::max<size_t>(m_options.chunkBytes, 1);
}

void EventStore::openChunk(size_t rawBytes, TimestampNs ingest)
{
    if (m_open)
        m_sealedBytes += m_open->memoryBytes();
    m_open = std::make_shared<Chunk>(m_endIndex, m_options.chunkEvents,
                                     std::max(m_options.chunkBytes, rawBytes), ingest);
    m_chunks.push_back(m_open);
    evictToBudget();
}

void EventStore::evictToBudget()
{
    // Drop the oldest sealed chunks while over budget; the open chunk always stays.
    size_t drop = 0;
    while (drop + 1 < m_chunks.size()
           && m_sealedBytes + m_open->memoryBytes() > m_options.memoryBudgetBytes) {
        const Chunk &c = *m_chunks[drop];
        m_sealedBytes -= c.memoryBytes();
        m_firstIndex = c.firstIndex() + c.writtenCount();
        ++drop;
    }
    if (drop > 0)
        m_chunks.erase(m_chunks.begin(), m_chunks.begin() + static_cast<ptrdiff_t>(drop));
}

void EventStore::append(const EventRecord &record, std::string_view raw, TimestampNs ingest)
{
    if (!m_open || !m_open->fits(raw.size()))
        openChunk(raw.size(), ingest);
    m_open->append(record, raw, ingest);
    ++m_endIndex;
}

StoreSnapshot EventStore::snapshot() const
{
    std::vector<std::shared_ptr<const Chunk>> chunks(m_chunks.begin(), m_chunks.end());
    return StoreSnapshot(std::move(chunks), m_firstIndex, m_endIndex);
}

} // namespace weir::store
