// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/store/dead_letter_store.h"

namespace weir::store {

DeadLetterStore::DeadLetterStore(Options options)
    : m_options(options) {}

void DeadLetterStore::add(parse::DeadLetterReason reason, SourceId source, uint64_t position,
                          TimestampNs ingest, std::string_view raw, std::string detail) {
    ++m_counts[static_cast<size_t>(reason)];
    if (m_blocks.empty() || m_blocks.back()->size() == kBlockCapacity) {
        auto block = std::make_shared<DeadLetterSnapshot::Block>();
        // Reserved up front: readers index below the published count while we append.
        block->reserve(kBlockCapacity);
        m_blocks.push_back(std::move(block));
        m_blockBytes.push_back(0);
    }
    DeadLetter d;
    d.reason = reason;
    d.source = source;
    d.position = position;
    d.ingestTime = ingest;
    d.rawFullSize = raw.size();
    d.raw.assign(raw.substr(0, m_options.maxRawBytes));
    d.detail = std::move(detail);
    const size_t bytes = sizeof(DeadLetter) + d.raw.size() + d.detail.size();
    m_blocks.back()->push_back(std::move(d));
    m_blockBytes.back() += bytes;
    m_bytes += bytes;
    ++m_end;
    // Evict whole blocks, oldest first, but never the block being written.
    while (m_blocks.size() > 1 &&
           (m_end - m_first > m_options.maxEntries || m_bytes > m_options.maxBytes)) {
        m_first += m_blocks.front()->size();
        m_bytes -= m_blockBytes.front();
        m_blocks.erase(m_blocks.begin());
        m_blockBytes.erase(m_blockBytes.begin());
    }
}

void DeadLetterStore::resolve(uint64_t index) {
    if (index < m_first || index >= m_end)
        return;
    const size_t block = static_cast<size_t>(index / kBlockCapacity - m_first / kBlockCapacity);
    auto &b = m_blocks[block];
    DeadLetter &d = (*b)[static_cast<size_t>(index % kBlockCapacity)];
    if (d.resolved)
        return;
    if (b.use_count() > 1) {
        // Shared with a snapshot: write a copy (with the same reserve, as the last block is
        // appended to in place while readers index below its published count).
        auto copy = std::make_shared<DeadLetterSnapshot::Block>();
        copy->reserve(kBlockCapacity);
        copy->assign(b->begin(), b->end());
        b = std::move(copy);
    }
    (*b)[static_cast<size_t>(index % kBlockCapacity)].resolved = true;
    ++m_resolved;
}

DeadLetterSnapshot DeadLetterStore::snapshot() const {
    std::vector<std::shared_ptr<const DeadLetterSnapshot::Block>> blocks(m_blocks.begin(),
                                                                         m_blocks.end());
    return DeadLetterSnapshot(std::move(blocks), m_first, m_end, kBlockCapacity);
}

} // namespace weir::store
