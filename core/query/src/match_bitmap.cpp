// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/query/match_bitmap.h"

#include <algorithm>

namespace weir::query {

namespace {
uint64_t wordsFor(uint64_t base, uint64_t end) {
    return (end - base + 63) / 64;
}
} // namespace

MatchBitmap::MatchBitmap(uint64_t first, uint64_t end)
    : m_first(first)
    , m_end(std::max(first, end))
    , m_base(first & ~uint64_t{63})
    , m_words(static_cast<size_t>(wordsFor(m_base, m_end)), 0) {}

void MatchBitmap::clearOutside() {
    if (m_words.empty())
        return;
    m_words.front() &= ~uint64_t{0} << (m_first - m_base);
    const uint64_t tail = (m_end - m_base) & 63;
    if (tail)
        m_words.back() &= (uint64_t{1} << tail) - 1;
}

void MatchBitmap::setAll() {
    std::fill(m_words.begin(), m_words.end(), ~uint64_t{0});
    clearOutside();
}

void MatchBitmap::extendTo(uint64_t newEnd) {
    if (newEnd <= m_end)
        return;
    m_end = newEnd;
    m_words.resize(static_cast<size_t>(wordsFor(m_base, m_end)), 0);
}

void MatchBitmap::truncate(uint64_t newEnd) {
    if (newEnd >= m_end)
        return;
    m_end = std::max(newEnd, m_first);
    m_words.resize(static_cast<size_t>(wordsFor(m_base, m_end)));
    clearOutside();
}

void MatchBitmap::dropBefore(uint64_t newFirst) {
    if (newFirst <= m_first)
        return;
    newFirst = std::min(newFirst, m_end);
    const uint64_t newBase = newFirst & ~uint64_t{63};
    const auto drop = static_cast<size_t>((newBase - m_base) / 64);
    m_words.erase(m_words.begin(), m_words.begin() + static_cast<std::ptrdiff_t>(drop));
    m_base = newBase;
    m_first = newFirst;
    clearOutside();
}

uint64_t MatchBitmap::count() const {
    uint64_t n = 0;
    for (uint64_t w : m_words)
        n += static_cast<uint64_t>(__builtin_popcountll(w));
    return n;
}

void MatchBitmap::andWith(const MatchBitmap &other) {
    for (size_t w = 0; w < m_words.size(); ++w) {
        const uint64_t global = m_base + 64 * w;
        uint64_t mask = 0;
        if (global >= other.m_base && global < other.m_base + 64 * other.m_words.size())
            mask = other.m_words[static_cast<size_t>((global - other.m_base) / 64)];
        m_words[w] &= mask;
    }
    // `other` may cover less than a whole word at its ends: its bits there are already zero.
}

void MatchBitmap::andNotWith(const MatchBitmap &other) {
    for (size_t w = 0; w < m_words.size(); ++w) {
        const uint64_t global = m_base + 64 * w;
        if (global >= other.m_base && global < other.m_base + 64 * other.m_words.size())
            m_words[w] &= ~other.m_words[static_cast<size_t>((global - other.m_base) / 64)];
    }
}

} // namespace weir::query
