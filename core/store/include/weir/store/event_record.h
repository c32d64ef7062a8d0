// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/common/types.h"

#include <cstdint>
#include <type_traits>

namespace weir::store {

enum EventFlag : uint8_t {
    TimeFromArrival = 1 << 0, // no event time in the data: the arrival time stands in
    Truncated = 1 << 1,       // the raw line exceeded the line limit and was cut
    LateEvent = 1 << 2,       // arrived behind the watermark (window engine)
    DuplicateEvent = 1 << 3,  // a repeat of an earlier event (dedup)
    // The stored bytes are [raw][attributes][u32 attributes length, little endian]: transport
    // attributes (weir/store/attributes.h) kept with a message. Chunk::raw() gives the raw part.
    HasAttributes = 1 << 4,
};

// The fixed per-event index entry: 32 bytes. Typed fields are not stored; they are derived
// from the raw bytes on demand by the source's parser. Trivially copyable: chunks keep them in
// raw, never zero-filled storage (untouched capacity costs no resident memory).
struct EventRecord {
    TimestampNs time;       // event time (or arrival time, see TimeFromArrival)
    uint32_t rawOffset;     // into the chunk's byte segment `segment()`
    uint32_t rawPacked;     // length (low 26 bits) and segment index (high 6 bits)
    uint32_t ingestDeltaMs; // arrival time in ms after the chunk's ingest base
    uint32_t positionLo;    // position in the source (line number, offset): low 32 bits
    uint16_t positionHi;    // ... and the next 16 bits
    SourceId source;
    uint16_t status; // HTTP status, 0 if none
    Severity severity;
    uint8_t flags; // EventFlag bits

    static constexpr uint32_t kMaxRawLength = (1u << 26) - 1;
    static constexpr uint32_t kMaxSegments = 1u << 6;

    uint32_t rawLength() const { return rawPacked & kMaxRawLength; }
    uint32_t segment() const { return rawPacked >> 26; }
    void setRaw(uint32_t offset, uint32_t length, uint32_t segment) {
        rawOffset = offset;
        rawPacked = (length & kMaxRawLength) | segment << 26;
    }

    uint64_t position() const { return uint64_t{positionHi} << 32 | positionLo; }
    void setPosition(uint64_t p) {
        positionLo = static_cast<uint32_t>(p);
        positionHi = static_cast<uint16_t>(p >> 32);
    }
};

static_assert(sizeof(EventRecord) == 32, "EventRecord must stay 32 bytes");
static_assert(std::is_trivially_copyable_v<EventRecord>);

} // namespace weir::store
