// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace weir::query {

// One bit per event over a range [first, end) of global event indices: bit set = the event
// matches. Words are aligned to multiples of 64 global indices so bitmaps over the same events
// combine word by word. 1 bit per row: 10 M rows cost 1.25 MB. Plain value type; no locking.
class MatchBitmap {
public:
    MatchBitmap() = default;
    // All-zero bitmap covering [first, end).
    MatchBitmap(uint64_t first, uint64_t end);

    uint64_t first() const { return m_first; }
    uint64_t end() const { return m_end; }
    uint64_t size() const { return m_end - m_first; }

    bool test(uint64_t index) const {
        if (index < m_first || index >= m_end)
            return false;
        const uint64_t bit = index - m_base;
        return (m_words[bit >> 6] >> (bit & 63)) & 1u;
    }
    // Requires first() <= index < end().
    void set(uint64_t index) {
        const uint64_t bit = index - m_base;
        m_words[bit >> 6] |= uint64_t{1} << (bit & 63);
    }
    void setAll(); // every bit in [first, end)

    // Grows the covered range to newEnd with zero bits (no-op when newEnd <= end()).
    void extendTo(uint64_t newEnd);
    // Forgets everything below newFirst (evicted events); frees whole words.
    void dropBefore(uint64_t newFirst);
    // Covered range shrinks to [first, min(end, newEnd)) (bits past it cleared).
    void truncate(uint64_t newEnd);

    uint64_t count() const;

    // In-place combination over this bitmap's range; indices outside `other` count as 0.
    void andWith(const MatchBitmap &other);
    void andNotWith(const MatchBitmap &other);

    // Word storage: bit k of word w is global index base() + 64 * w + k.
    uint64_t base() const { return m_base; }
    const std::vector<uint64_t> &words() const { return m_words; }
    std::vector<uint64_t> &words() { return m_words; }

    size_t memoryBytes() const { return m_words.capacity() * sizeof(uint64_t); }

    template<typename Fn>
    void forEachSet(Fn &&fn) const {
        for (size_t w = 0; w < m_words.size(); ++w) {
            uint64_t bits = m_words[w];
            while (bits) {
                fn(m_base + 64 * w + static_cast<uint64_t>(__builtin_ctzll(bits)));
                bits &= bits - 1;
            }
        }
    }

private:
    void clearOutside();
    uint64_t wordOf(uint64_t index) const { return (index - m_base) >> 6; }

    uint64_t m_first = 0;
    uint64_t m_end = 0;
    uint64_t m_base = 0; // m_first rounded down to a multiple of 64
    std::vector<uint64_t> m_words;
};

} // namespace weir::query
