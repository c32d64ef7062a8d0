// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/common/types.h"
#include "weir/parse/parser.h"
#include "weir/store/event_record.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace weir::engine {

struct Snapshot;

// What a processor decided about one event.
struct ProcessorVerdict {
    uint8_t flags = 0;        // store::EventFlag bits to add (LateEvent, DuplicateEvent)
    bool droppedLate = false; // beyond the allowed lateness: also kept as a 'late' dead letter
};

// An in-engine consumer of parsed events, such as event-time window aggregation. Registered
// with Engine::addProcessor before Engine::start. Thread contract: every call comes from the
// engine thread, never under an engine lock; implementations must not block.
class EventProcessor {
public:
    virtual ~EventProcessor() = default;

    // One valid event, before it is stored. `raw` is valid during the call only; `parser` is the
    // channel's parser (its const parseFields gives the typed fields).
    virtual ProcessorVerdict onEvent(const store::EventRecord &record, std::string_view raw,
                                     const parse::Parser &parser) = 0;
    // Batched delivery, for processors that are faster on a group of events at a time (the
    // window operator prefetches a group's state). When stages() is true the engine calls
    // stage() instead of onEvent() for each event (after onAttributes, as for onEvent), then
    // finishStaged() once for all the events staged since the last call, with one verdict per
    // event in staging order, which the processor fills in. The engine calls finishStaged()
    // before any other call to this processor (onTick, onSourceEnd, publish...) and before the
    // batch the events came from is released, so `raw` (and the texts of the fields the parser
    // finds in it) stays valid until finishStaged() returns; anything else a staged event
    // needs (fields unescaped into the parser's storage, attributes) must be copied. Events
    // are stored, with their verdicts' flags, only after finishStaged(). `headerLine`: `raw` is
    // the line `parser`'s last parseHeader call was given (Parser::parseNamedFieldsOfHeaderLine
    // applies); false for stored events handed to a processor added while running.
    virtual bool stages() const { return false; }
    virtual void stage(const store::EventRecord & /*record*/, std::string_view /*raw*/,
                       const parse::Parser & /*parser*/, bool /*headerLine*/) {}
    virtual void finishStaged(ProcessorVerdict * /*verdicts*/, size_t /*count*/) {}
    // Kafka and MQTT messages only: the transport attributes (weir/store/attributes.h: topic,
    // partition, offset...) of the event passed to the very next onEvent, valid until that
    // call returns. Not called for file lines.
    virtual void onAttributes(std::string_view /*attrs*/) {}
    // Kafka: the partitions now assigned to `channel`, as "topic" and "partition" attribute
    // pairs (weir/store/attributes.h); partitions no longer listed were revoked.
    virtual void onAssignment(SourceId /*channel*/, std::string_view /*partitions*/) {}
    // A channel is about to deliver its first event (its format is resolved).
    virtual void onChannel(SourceId /*channel*/, const std::string & /*name*/) {}
    // A channel's source ended (its bounded input is fully processed).
    virtual void onSourceEnd(SourceId /*channel*/) {}
    // Every source is bounded and ended: flush everything (watermark to +infinity).
    virtual void onInputFinished() {}
    // Processing time (monotonic ns), once per engine loop turn (at least every 200 ms).
    virtual void onTick(int64_t /*monotonicNs*/) {}
    // Adds this processor's immutable results to the snapshot about to be published.
    virtual void publish(Snapshot & /*snapshot*/) {}
};

} // namespace weir::engine
