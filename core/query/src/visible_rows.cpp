// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/query/visible_rows.h"

#include <algorithm>

namespace weir::query {

VisibleRows VisibleRows::all(uint64_t first, uint64_t end) {
    VisibleRows v;
    v.m_allVisible = true;
    v.m_first = first;
    v.m_end = std::max(first, end);
    v.m_size = v.m_end - v.m_first;
    return v;
}

VisibleRows::VisibleRows(MatchBitmap bits)
    : m_allVisible(false)
    , m_first(bits.first())
    , m_end(bits.end())
    , m_bits(std::move(bits)) {
    const auto &words = m_bits.words();
    m_blockRank.reserve(words.size() / kWordsPerBlock + 1);
    uint64_t total = 0;
    for (size_t w = 0; w < words.size(); ++w) {
        if (w % kWordsPerBlock == 0)
            m_blockRank.push_back(total);
        total += static_cast<uint64_t>(__builtin_popcountll(words[w]));
    }
    m_size = total;
}

uint64_t VisibleRows::globalIndex(uint64_t row) const {
    if (m_allVisible)
        return m_first + row;
    // Last block whose starting rank is <= row.
    const auto it = std::upper_bound(m_blockRank.begin(), m_blockRank.end(), row);
    const auto block = static_cast<size_t>(it - m_blockRank.begin()) - 1;
    uint64_t left = row - m_blockRank[block];
    const auto &words = m_bits.words();
    size_t w = block * kWordsPerBlock;
    for (;; ++w) {
        const auto n = static_cast<uint64_t>(__builtin_popcountll(words[w]));
        if (left < n)
            break;
        left -= n;
    }
    uint64_t bits = words[w];
    for (; left > 0; --left)
        bits &= bits - 1;
    return m_bits.base() + 64 * w + static_cast<uint64_t>(__builtin_ctzll(bits));
}

uint64_t VisibleRows::rank(uint64_t index) const {
    if (index <= m_first)
        return 0;
    if (index >= m_end)
        return m_size;
    if (m_allVisible)
        return index - m_first;
    const uint64_t bit = index - m_bits.base();
    const auto w = static_cast<size_t>(bit / 64);
    const auto &words = m_bits.words();
    uint64_t r = m_blockRank[w / kWordsPerBlock];
    for (size_t k = w / kWordsPerBlock * kWordsPerBlock; k < w; ++k)
        r += static_cast<uint64_t>(__builtin_popcountll(words[k]));
    const uint64_t below = (uint64_t{1} << (bit & 63)) - 1;
    return r + static_cast<uint64_t>(__builtin_popcountll(words[w] & below));
}

bool VisibleRows::contains(uint64_t index) const {
    if (m_allVisible)
        return index >= m_first && index < m_end;
    return m_bits.test(index);
}

} // namespace weir::query
