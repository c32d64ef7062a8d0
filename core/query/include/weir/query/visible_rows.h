// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/query/match_bitmap.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace weir::query {

// The visible-row index a table model sits on: which global event indices are shown, in
// order. Stored as the match bitmap plus a rank directory (one 64-bit count per 512 rows), so
// it costs about 0.14 bytes per stored row whatever the hit rate (a vector of indices would
// cost 8 bytes per visible row), and maps both ways:
//   row -> global index  (select: binary search in the directory + popcounts, O(log n))
//   global index -> row  (rank: O(1))
// Immutable once built; share it between threads through shared_ptr<const VisibleRows>.
class VisibleRows {
public:
    VisibleRows() = default;
    // Every event in [first, end) is visible (no filter): no bitmap at all.
    static VisibleRows all(uint64_t first, uint64_t end);
    explicit VisibleRows(MatchBitmap bits);

    uint64_t first() const { return m_first; }
    uint64_t end() const { return m_end; }
    // Number of visible rows.
    uint64_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }

    // Global index of visible row `row` (requires row < size()).
    uint64_t globalIndex(uint64_t row) const;
    // Visible rows before global index `index`: the row of `index` when it is visible, else
    // the row of the next visible event (size() when there is none).
    uint64_t rank(uint64_t index) const;
    bool contains(uint64_t index) const;

    // fn(globalIndex) for visible rows [fromRow, toRow), in order.
    template<typename Fn>
    void forEach(uint64_t fromRow, uint64_t toRow, Fn &&fn) const;
    template<typename Fn>
    void forEach(Fn &&fn) const {
        forEach(0, m_size, fn);
    }

    size_t memoryBytes() const {
        return m_bits.memoryBytes() + m_blockRank.capacity() * sizeof(uint64_t);
    }

private:
    static constexpr size_t kWordsPerBlock = 8;

    bool m_allVisible = true;
    uint64_t m_first = 0;
    uint64_t m_end = 0;
    uint64_t m_size = 0;
    MatchBitmap m_bits;
    std::vector<uint64_t> m_blockRank; // set bits in words [0, kWordsPerBlock * k)
};

template<typename Fn>
void VisibleRows::forEach(uint64_t fromRow, uint64_t toRow, Fn &&fn) const {
    if (toRow > m_size)
        toRow = m_size;
    if (fromRow >= toRow)
        return;
    if (m_allVisible) {
        for (uint64_t r = fromRow; r < toRow; ++r)
            fn(m_first + r);
        return;
    }
    const uint64_t start = globalIndex(fromRow);
    uint64_t left = toRow - fromRow;
    const auto &words = m_bits.words();
    size_t w = static_cast<size_t>((start - m_bits.base()) / 64);
    uint64_t bits = words[w] & (~uint64_t{0} << ((start - m_bits.base()) & 63));
    for (;;) {
        while (bits) {
            fn(m_bits.base() + 64 * w + static_cast<uint64_t>(__builtin_ctzll(bits)));
            if (--left == 0)
                return;
            bits &= bits - 1;
        }
        if (++w >= words.size())
            return;
        bits = words[w];
    }
}

} // namespace weir::query
