// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/common/types.h"
#include "weir/parse/parser.h"

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace weir::store {

struct DeadLetter {
    parse::DeadLetterReason reason = parse::DeadLetterReason::Malformed;
    SourceId source;
    uint64_t position = 0; // line number (files) or offset (topics)
    TimestampNs ingestTime;
    std::string raw;          // at most DeadLetterStore::Options::maxRawBytes
    uint64_t rawFullSize = 0; // size before truncation
    std::string detail;       // optional human-readable detail
    bool resolved = false;    // re-parsed with another format into an event (still kept)
};

// Immutable view of the dead letters at one moment.
class DeadLetterSnapshot {
public:
    using Block = std::vector<DeadLetter>;

    DeadLetterSnapshot() = default;
    DeadLetterSnapshot(std::vector<std::shared_ptr<const Block>> blocks, uint64_t first,
                       uint64_t end, size_t blockCapacity)
        : m_blocks(std::move(blocks))
        , m_first(first)
        , m_end(end)
        , m_blockCapacity(blockCapacity) {}

    uint64_t firstIndex() const { return m_first; }
    uint64_t endIndex() const { return m_end; }
    size_t size() const { return static_cast<size_t>(m_end - m_first); }
    // i-th retained dead letter (0 = oldest retained).
    const DeadLetter &operator[](size_t i) const {
        const uint64_t index = m_first + i;
        const uint64_t firstBlock = m_first / m_blockCapacity;
        return (*m_blocks[static_cast<size_t>(
            index / m_blockCapacity - firstBlock)])[static_cast<size_t>(index % m_blockCapacity)];
    }

private:
    std::vector<std::shared_ptr<const Block>> m_blocks;
    uint64_t m_first = 0;
    uint64_t m_end = 0;
    size_t m_blockCapacity = 1;
};

// Keeps the lines and messages that did not become events, with their reason. Bounded: the
// oldest blocks go first when the count or byte limit is reached (counted as evicted). Counts
// per reason always cover everything ever added. Engine thread only, except snapshots.
class DeadLetterStore {
public:
    struct Options {
        size_t maxEntries = 200000;
        size_t maxBytes = size_t{128} << 20;
        size_t maxRawBytes = 64 << 10;
    };
    static constexpr size_t kBlockCapacity = 1024;

    explicit DeadLetterStore(Options options);

    void add(parse::DeadLetterReason reason, SourceId source, uint64_t position, TimestampNs ingest,
             std::string_view raw, std::string detail = {});

    DeadLetterSnapshot snapshot() const;

    // Marks the kept dead letter of global index `index` as resolved (no-op if it was
    // evicted). Blocks already published are copied first: snapshots never change.
    void resolve(uint64_t index);
    uint64_t resolvedCount() const { return m_resolved; }

    uint64_t total() const { return m_end; }
    uint64_t evicted() const { return m_first; }
    uint64_t count(parse::DeadLetterReason r) const { return m_counts[static_cast<size_t>(r)]; }
    const std::array<uint64_t, static_cast<size_t>(parse::DeadLetterReason::Count_)> &
    counts() const {
        return m_counts;
    }
    size_t memoryBytes() const { return m_bytes; }

private:
    Options m_options;
    std::vector<std::shared_ptr<DeadLetterSnapshot::Block>> m_blocks;
    uint64_t m_first = 0;
    uint64_t m_end = 0;
    size_t m_bytes = 0;
    std::vector<size_t> m_blockBytes;
    uint64_t m_resolved = 0;
    std::array<uint64_t, static_cast<size_t>(parse::DeadLetterReason::Count_)> m_counts{};
};

} // namespace weir::store
