// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/common/line_scan.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace weir {

namespace {

struct Block {
    uint64_t newlines; // bit i: byte i is '\n'
    bool high;         // some byte is >= 0x80
};

inline Block scan64(const char *p) {
#if defined(__SSE2__)
    const __m128i newline = _mm_set1_epi8('\n');
    const __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
    const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + 16));
    const __m128i v2 = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + 32));
    const __m128i v3 = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + 48));
    const auto mask = [&](__m128i v) {
        return static_cast<uint64_t>(
            static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, newline))));
    };
    const int high = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(v0, v1), _mm_or_si128(v2, v3)));
    return Block{mask(v0) | mask(v1) << 16 | mask(v2) << 32 | mask(v3) << 48, high != 0};
#else
    uint64_t bits = 0;
    unsigned any = 0;
    for (unsigned i = 0; i < 64; ++i) {
        bits |= static_cast<uint64_t>(p[i] == '\n') << i;
        any |= static_cast<unsigned char>(p[i]) & 0x80u;
    }
    return Block{bits, any != 0};
#endif
}

// The last, partial block: zero padded (zeros are neither '\n' nor >= 0x80).
Block scanTail(const char *p, size_t left) {
    char tail[64] = {};
    std::memcpy(tail, p, left);
    return scan64(tail);
}

} // namespace

size_t LineSplitter::take(Line *out, size_t max) {
    // Local copies: the state stays in registers for the whole run.
    uint64_t newlines = m_newlines;
    size_t base = m_base;
    size_t next = m_next;
    size_t lineStart = m_lineStart;
    bool lineHigh = m_lineHigh;
    bool blockHigh = m_blockHigh;
    size_t n = 0;
    while (n < max) {
        if (newlines == 0) {
            if (next >= m_size) {
                if (lineStart < m_size) {
                    out[n++] = Line{m_data + lineStart, m_size - lineStart, !lineHigh};
                    lineStart = m_size;
                }
                break;
            }
            const Block b = m_size - next >= 64 ? scan64(m_data + next)
                                                : scanTail(m_data + next, m_size - next);
            base = next;
            next += 64;
            newlines = b.newlines;
            blockHigh = b.high;
            lineHigh = lineHigh || blockHigh;
            continue;
        }
        const size_t nl = base + static_cast<size_t>(__builtin_ctzll(newlines));
        newlines &= newlines - 1;
        out[n++] = Line{m_data + lineStart, nl - lineStart, !lineHigh};
        lineHigh = blockHigh; // the next line starts in this block (or just after it)
        lineStart = nl + 1;
    }
    m_newlines = newlines;
    m_base = base;
    m_next = next;
    m_lineStart = lineStart;
    m_lineHigh = lineHigh;
    m_blockHigh = blockHigh;
    return n;
}

} // namespace weir
