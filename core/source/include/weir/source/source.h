// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/common/types.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace weir::source {

enum MessageFlag : uint8_t {
    MessageTruncated = 1 << 0,   // cut at the line limit
    MessageRetained = 1 << 1,    // an MQTT retained message (last known state, not new)
    MessageRedelivered = 1 << 2, // the broker flagged it as a possible duplicate
};

// One message inside a batch (message mode).
struct MessageMeta {
    uint32_t offset = 0;
    uint32_t length = 0;
    uint64_t position = 0; // line number, or offset within a partition; 0: next line number
    uint8_t flags = 0;
    // Transport attributes (topic, key, headers, partition, broker timestamp): a slice of
    // RawBatch::attributes in the encoding of weir/source/attributes.h. Empty for files.
    uint32_t attrOffset = 0;
    uint32_t attrLength = 0;
};

// The unit a source hands to the engine: many lines or messages in one allocation.
struct RawBatch {
    uint16_t channel = 0; // index into Source::channels()
    std::string data;     // the bytes (unless `external` is used)
    // Zero-copy input (a mapped file region): when `owner` is set the bytes are `external`,
    // kept alive by `owner`; the store may keep referencing them after the batch is gone.
    std::shared_ptr<const void> owner;
    std::string_view external;
    std::vector<MessageMeta> messages; // empty: `data` holds whole lines separated by '\n'
    uint64_t firstPosition = 0;        // line number of the first line (line mode, 1-based); 0: the
                                       // engine continues the channel's own line count
    TimestampNs ingestTime{};          // arrival time of the batch
    bool endOfStream = false;          // the source has no more data (bounded inputs)
    std::string attributes;            // per-message attributes, see MessageMeta::attrOffset
    // A batch without data nor messages but with attributes is a control batch: a Kafka
    // source's assigned partitions of `channel` ("topic" and "partition" pairs), announced
    // before their first messages and again after the last messages of revoked ones.
    // Non-zero: the engine calls Source::acknowledge(ackToken) once every message of this
    // batch is stored (at-least-once sources commit their offsets only then).
    uint64_t ackToken = 0;

    std::string_view bytes() const { return owner ? external : std::string_view(data); }
};

// Declares one logical stream of a source and the format its data is in.
struct ChannelSpec {
    std::string name;   // shown to the user, e.g. "access.log" or "demo/access"
    std::string format; // a parse format name, or "auto"
};

// A live source's connection state, as shown in the Sources panel.
enum class SourceState : uint8_t {
    None,         // not a live source (files, demo)
    Connecting,   // first connection attempt under way
    Connected,    // connected (MQTT: subscribed; Kafka: a broker is up)
    Reconnecting, // the connection was lost or refused; retrying by itself
    Failed,       // a fatal error (bad login, TLS mismatch...): error() says why
    Stopped,      // stopped or disconnected by the user
};

const char *sourceStateName(SourceState state);

// Progress of one Kafka partition (offsets are Kafka's: the next offset to read, the end).
struct PartitionMetrics {
    std::string topic;
    int32_t partition = 0;
    int64_t nextOffset = -1;    // -1: nothing consumed yet
    int64_t highWatermark = -1; // -1: not known yet
    int64_t lagMessages = 0;
    double lagSeconds = 0;                 // age of the newest consumed message while behind
    TimestampNs watermark = kMinTimestamp; // newest broker timestamp consumed
    bool assigned = false;
};

// What a live source reports about itself; counters are totals since the source started.
struct SourceMetrics {
    SourceState state = SourceState::None;
    uint64_t messages = 0;
    uint64_t bytes = 0;
    uint64_t errors = 0;     // transient errors and failed connection attempts
    uint64_t duplicates = 0; // redeliveries dropped by the source
    uint64_t connects = 0;   // successful connections (0 for Kafka: it has no such event)
    std::string lastError;   // the latest problem, kept after recovery; empty if none
    // Kafka: the sum of the assigned partitions' lags, and the largest lag in time.
    int64_t lagMessages = 0;
    double lagSeconds = 0;
    std::vector<PartitionMetrics> partitions; // Kafka only
    uint64_t switchId = 0; // a SwitchableSource's id (Disconnect/Connect); 0: not switchable
};

// The outcome of a bounded connection test (Test connection in the source dialogs).
struct ProbeResult {
    bool ok = false;
    std::string message; // what was reached, or why it failed
};

// The engine-side queue a source pushes into. Implementations are thread-safe.
class IngestSink {
public:
    virtual ~IngestSink() = default;
    // Waits while the queue is full (backpressure, counted). False once the engine stops.
    virtual bool pushWait(RawBatch &&batch) = 0;
    // Never blocks: false when the batch was dropped because the queue is full (counted).
    virtual bool tryPush(RawBatch &&batch) = 0;
    virtual bool stopping() const = 0;
    // A spent buffer to fill again (its pages already resident), or an empty string.
    virtual std::string takeBuffer() { return {}; }
};

// A producer of raw data running on its own named thread. Contract: start() is called once;
// stop() cancels, joins and is idempotent; the destructor must call stop().
class Source {
public:
    virtual ~Source() = default;
    virtual std::string name() const = 0;
    virtual std::vector<ChannelSpec> channels() const = 0;
    // Bounded inputs end (files); unbounded ones run until stopped (demo, brokers).
    virtual bool isBounded() const = 0;
    virtual void start(IngestSink &sink) = 0;
    virtual void stop() = 0;
    // Last error, empty if none. Any thread.
    virtual std::string error() const { return {}; }
    // Short human-readable connection state ("connected", "reconnecting in 2 s: ..."), empty
    // for sources without one. Any thread.
    virtual std::string status() const { return {}; }
    // Counters, state and per-partition progress (live sources). Any thread; cheap (one
    // lock), the engine calls it at each publication.
    virtual SourceMetrics metrics() const { return {}; }
    // Engine thread: every message of the batch carrying `token` is stored. Must not block.
    virtual void acknowledge(uint64_t token) { (void)token; }
};

} // namespace weir::source
