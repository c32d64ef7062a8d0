// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/common/types.h"
#include "weir/source/source.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

struct rd_kafka_s;
struct rd_kafka_message_s;
struct rd_kafka_topic_partition_list_s;

namespace weir::source {

// Consumes Kafka topics (librdkafka high-level consumer) in batches. Each message carries
// topic, partition, offset, key, headers and the broker timestamp as attributes; its position
// is its offset + 1 (positions are 1-based). At-least-once: offsets are stored for commit only when
// the engine acknowledges the batch (Source::acknowledge); redelivered offsets (after a reconnect
// or a rebalance) are dropped here by partition+offset and counted as duplicates. Threads: one
// consumer thread ("weir-kafka") polls, batches and pushes with pushWait (Kafka is pulled, so
// backpressure simply slows the fetching; nothing is dropped).
class KafkaSource final : public Source {
public:
    enum class StartAt { Earliest, Latest, Timestamp, Offsets };

    struct StartOffset {
        std::string topic;
        int32_t partition = 0;
        int64_t offset = 0;
    };

    struct Options {
        std::string brokers;             // bootstrap servers, "host:port,..."
        std::vector<std::string> topics; // names, or regexes starting with '^'
        std::string groupId;             // empty: a private random group
        StartAt startAt = StartAt::Latest;
        TimestampNs startTime{}; // StartAt::Timestamp
        // StartAt::Offsets: assigned, no group rebalance; offset -2: beginning, -1: end.
        std::vector<StartOffset> offsets;
        std::string username;      // SASL; PLAIN unless saslMechanism says otherwise
        std::string password;      // never logged nor shown in status()
        std::string saslMechanism; // PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
        std::string tlsCaFile;     // TLS is on when a CA file is given
        std::string tlsCertFile;
        std::string tlsKeyFile;
        std::vector<std::pair<std::string, std::string>> properties; // raw librdkafka settings
        std::string format = "auto";
        size_t batchMessages = 10000;
        size_t batchBytes = size_t{1} << 20;
        int batchDelayMs = 20;
    };

    // A partition's progress as read: the lag is derived from the offsets when read.
    struct PartitionProgress {
        std::string topic;
        int32_t partition = 0;
        int64_t nextOffset = -1;    // next offset to consume (-1: nothing consumed yet)
        int64_t highWatermark = -1; // as last reported by the broker
        int64_t lagMessages = 0;    // highWatermark - nextOffset (or - the low watermark)
        double lagSeconds = 0;      // age of the newest consumed message while behind
        TimestampNs maxTimestamp = kMinTimestamp; // event-time watermark of this partition
        bool assigned = false;
    };

    struct Counters {
        uint64_t messages = 0;
        uint64_t bytes = 0;
        uint64_t duplicates = 0; // redelivered offsets dropped by dedup
        uint64_t errors = 0;
        uint64_t committedBatches = 0; // batches whose offsets were stored for commit
    };

    explicit KafkaSource(Options options);
    ~KafkaSource() override;

    std::string name() const override;
    std::vector<ChannelSpec> channels() const override;
    bool isBounded() const override { return false; }
    void start(IngestSink &sink) override;
    void stop() override;
    std::string error() const override;
    std::string status() const override;
    void acknowledge(uint64_t token) override;

    SourceMetrics metrics() const override;

    Counters counters() const;
    std::vector<PartitionProgress> progress() const;
    // Minimum over assigned partitions of their event-time watermarks (kMinTimestamp if none).
    TimestampNs watermark() const;

    // Checks options without connecting; returns an error message or empty.
    static std::string validate(const Options &options);
    // True for property names whose values are secrets (never printed).
    static bool isSecretProperty(const std::string &key);
    // A fresh private consumer group name ("weir-" and random hex).
    static std::string privateGroupId();
    // Connects with these options (same security settings) and asks for the cluster's
    // metadata, bounded by `timeoutMs`: ok with the brokers and the partitions of each named
    // topic, or why not (unreachable, refused login, TLS failure, unknown topic). Blocks the
    // calling thread up to about timeoutMs + 1 s: never call it on the GUI thread.
    static ProbeResult testConnection(const Options &options, int timeoutMs);

private:
    // What is stored per partition (under m_mutex). The consumer thread moves nextOffset with
    // every message and the watermarks every refresh; the lag is computed from them when read
    // (progressOf), so it always agrees with the offset reached.
    struct PartitionState {
        std::string topic;
        int32_t partition = 0;
        int64_t nextOffset = -1;    // -1: nothing consumed yet
        int64_t lowWatermark = -1;  // -1: not known yet
        int64_t highWatermark = -1; // -1: not known yet
        // Where reading starts, while nothing is consumed: an offset, or -1 for unknown (the
        // low watermark is used: a group's committed offset is not asked for).
        int64_t startOffset = -1;
        bool startsAtEnd = false; // start at the end: startOffset = high watermark when known
        TimestampNs maxTimestamp = kMinTimestamp;
        bool assigned = false;
    };
    static PartitionProgress progressOf(const PartitionState &state, int64_t nowNs);

    using PartitionKey = std::pair<std::string, int32_t>;

    void run(IngestSink &sink);
    rd_kafka_s *create(std::string &error);
    void onRebalance(rd_kafka_s *rk, int err, rd_kafka_topic_partition_list_s *parts);
    void onError(int err, const char *reason);
    bool append(RawBatch &batch, const rd_kafka_message_s *msg,
                std::map<PartitionKey, int64_t> &batchOffsets);
    void refreshProgress(rd_kafka_s *rk);
    void pushAssignment(IngestSink &sink); // control batches: see RawBatch::attributes
    size_t channelOf(const char *topic) const;
    void setStatus(std::string status);
    void setState(SourceState state, std::string status, std::string problem = {});
    void noteProblem(std::string status, std::string problem);
    void setFatal(std::string error);
    void onStats(const char *json, size_t length);

    struct Callbacks; // librdkafka callback trampolines (consumer thread)

    Options m_options;
    bool m_privateGroup = false; // no group id given: a new private group (no committed offsets)
    bool m_channelPerTopic = false;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_fatal{false};

    mutable std::mutex m_mutex; // guards everything below up to m_ackRk
    std::condition_variable m_wake;
    std::string m_error;
    std::string m_status;
    SourceState m_state = SourceState::Connecting;
    std::string m_lastProblem; // kept after recovery (SourceMetrics::lastError)
    Counters m_counters;
    std::map<PartitionKey, PartitionState> m_progress;
    std::map<uint64_t, std::vector<std::pair<PartitionKey, int64_t>>> m_unacked;
    rd_kafka_s *m_ackRk = nullptr; // valid while the consumer thread runs

    // Consumer thread only.
    std::map<PartitionKey, int64_t> m_nextOffset; // dedup: first offset not yet delivered
    std::set<PartitionKey> m_assigned;            // as of the last rebalance
    bool m_assignmentChanged = false;             // not yet announced to the engine
    bool m_everAssigned = false;                  // assigned partitions or got a message
    uint64_t m_nextToken = 1;
    bool m_allBrokersDown = false;
};

} // namespace weir::source
