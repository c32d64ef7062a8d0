// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace weir {

// Splits a buffer into lines at '\n' (the '\n' is not part of the line; a last line without
// one is returned if it is not empty) and tells, for each line, whether it is plain ASCII.
// One pass over the bytes, 64 at a time: a bitmask of the block's newlines and one "any byte
// >= 0x80" bit per block. The engine's hot path: it replaces a memchr per line and a separate
// ASCII check. `ascii` is conservative: true means every byte of the line is below 0x80;
// false means "not known" (a byte >= 0x80 in a block the line touches). Never reads outside
// the buffer. Not thread-safe; the buffer must outlive the splitter.
class LineSplitter {
public:
    struct Line {
        const char *data;
        size_t size;
        bool ascii;
        std::string_view view() const { return std::string_view(data, size); }
    };

    LineSplitter(const char *data, size_t size)
        : m_data(data)
        , m_size(size) {}

    // Fills out[0..n) with the next n <= max lines and returns n; 0 at the end. Taking lines
    // in runs keeps the scanner's state in registers (callers use a few hundred at a time, so
    // that the bytes are still in cache when the lines are parsed).
    size_t take(Line *out, size_t max);

private:
    const char *m_data;
    size_t m_size;
    size_t m_lineStart = 0;   // start of the next line
    size_t m_next = 0;        // offset of the next block to scan
    size_t m_base = 0;        // offset of the block in m_newlines
    uint64_t m_newlines = 0;  // newlines of that block not yet returned
    bool m_blockHigh = false; // that block holds a byte >= 0x80
    bool m_lineHigh = false;  // a block the current line touches holds a byte >= 0x80
};

} // namespace weir
