// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/engine/event_processor.h"
#include "weir/engine/ingest_queue.h"
#include "weir/engine/rate_timeline.h"
#include "weir/parse/parser.h"
#include "weir/source/source.h"
#include "weir/store/dead_letter_store.h"
#include "weir/store/event_store.h"
#include "weir/window/window_results.h"

namespace weir::alert {
struct AlertResults;
}

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace weir::engine {

constexpr size_t kReasonCount = static_cast<size_t>(parse::DeadLetterReason::Count_);

struct EngineStats {
    uint64_t lines = 0;       // lines and messages taken from the queues
    uint64_t events = 0;      // stored as events
    uint64_t headerLines = 0; // schema lines (CSV header rows)
    uint64_t truncated = 0;   // events whose raw text was cut at the line limit
    uint64_t bytes = 0;       // raw bytes taken from the queues
    uint64_t deadLetters = 0;
    std::array<uint64_t, kReasonCount> deadByReason{};
    uint64_t droppedBatches = 0; // refused by full queues (live sources)
    uint64_t droppedMessages = 0;
    uint64_t droppedBytes = 0;
    uint64_t backpressureWaits = 0;
    uint64_t evictedEvents = 0; // dropped from the store by the memory budget
    uint64_t evictedDeadLetters = 0;
    uint64_t resolvedDeadLetters = 0; // re-parsed into events (Engine::reparseDeadLetters)
    size_t memoryBytes = 0;           // store and dead letters
    size_t queuedBytes = 0;           // waiting in the ingest queues
    double eventsPerSecond = 0;       // recent processing rate
    double elapsedSeconds = 0;        // since start()
    double busySeconds = 0;           // time the engine thread spent processing batches
    TimestampNs minEventTime = kMaxTimestamp;
    TimestampNs maxEventTime = kMinTimestamp;
    bool finished = false; // every source is bounded and fully processed
};

// One input channel as the engine sees it.
struct ChannelInfo {
    SourceId id;
    std::string name;
    std::string format;     // resolved format name
    double matchRate = 1.0; // from auto-detection, 1.0 when the format was given
    bool detected = false;  // format chosen by auto-detection
    uint64_t events = 0;
    uint64_t deadLetters = 0;
    std::vector<std::string> fieldNames;
    // A parser for deriving typed fields from raw bytes; safe to use from any thread.
    std::shared_ptr<const parse::Parser> decoder;
    // The events of dead letters of channel `reparsedFrom` re-parsed with `format`
    // (Engine::reparseDeadLetters): same name, no source of its own.
    bool reparsed = false;
    SourceId reparsedFrom;
};

struct SourceStatus {
    std::string name;
    bool bounded = false;
    bool ended = false;
    std::string error;
    std::string status; // live sources' connection state (Source::status)
    IngestQueue::Counters queue;
    SourceId firstChannel;         // its channels are firstChannel, firstChannel + 1, ...
    source::SourceMetrics metrics; // Source::metrics() (live sources)
    double messagesPerSecond = 0;  // from metrics.messages, over the last second or so
    // Live message sources (MQTT, ...) that have no broker-side lag to report: messages received
    // (metrics.messages) but not stored yet, neither dropped (in the source's batch, the queue
    // or being parsed), and how long the last stored message had waited since it arrived (0
    // when none is waiting).
    uint64_t waitingMessages = 0;
    double waitingSeconds = 0;
};

// What the engine publishes: immutable, versioned. Readers keep the shared_ptr as long as they
// need it; nothing in it changes after publication.
struct Snapshot {
    uint64_t version = 0;
    store::StoreSnapshot events;
    store::DeadLetterSnapshot deadLetters;
    EngineStats stats;
    std::vector<ChannelInfo> channels; // indexed by SourceId value
    std::vector<SourceStatus> sources;
    RateTimeline timeline;
    // The same events classed by severity alone (the chart's "by severity" choice).
    RateTimeline severityTimeline;
    // One per window processor (Engine::addProcessor), in registration order.
    std::vector<std::shared_ptr<const window::WindowResults>> windows;
    // From the alert processor, if one is registered.
    std::shared_ptr<const alert::AlertResults> alerts;
};

// Sources -> bounded queues -> parse -> store, on one named engine thread ("weir-engine").
// Thread contract: addSource/start/stop/snapshot may be called from any thread; the engine
// never calls back into foreign code while holding one of its locks.
class Engine {
public:
    struct Options {
        store::EventStore::Options store;
        store::DeadLetterStore::Options deadLetters;
        size_t queueBytes = size_t{8} << 20;   // per source
        size_t maxLineBytes = size_t{1} << 20; // at most EventRecord::kMaxRawLength
        std::chrono::milliseconds publishInterval{50};
    };

    explicit Engine(Options options);
    Engine()
        : Engine(Options{}) {}
    ~Engine();
    Engine(const Engine &) = delete;
    Engine &operator=(const Engine &) = delete;

    // Registers a source and starts it at once if the engine is running. Returns the SourceId
    // of its first channel; its channels get consecutive ids.
    SourceId addSource(std::unique_ptr<source::Source> source);

    void start();
    // Stops and joins every source, then the engine thread; publishes a last snapshot.
    void stop();

    std::shared_ptr<const Snapshot> snapshot() const;
    uint64_t version() const { return m_version.load(std::memory_order_acquire); }

    // Waits until every source is bounded and fully processed (or the timeout passes).
    bool waitFinished(std::chrono::milliseconds timeout) const;

    // Called on the engine thread after each publication with the new version. Must be cheap
    // and must not block (post to another thread's queue).
    void setPublishCallback(std::function<void(uint64_t)> callback);

    // Re-parses the kept dead letters of `source` (nullopt: of every source) that did not
    // match their format (malformed, bad timestamp) with `format`. Any thread; the engine
    // thread does it before its next publication. Those that parse now become events of a
    // channel made for them (the source's name, that format, so that their fields decode) at
    // their original position and arrival time; they stay in the dead-letter store marked
    // resolved and leave the dead-letter counts. Window and alert processors do not see them
    // (replay the source with the format for that). False if `format` does not compile.
    bool reparseDeadLetters(std::optional<SourceId> source, std::string format);

    // Adds an in-engine event consumer (e.g. a WindowProcessor). Call before start(); the
    // engine shares ownership and calls it on the engine thread only.
    void addProcessor(std::shared_ptr<EventProcessor> processor);
    // Replaces every processor while the engine runs, without restarting sources (any thread;
    // returns at once, applied on the engine thread before its next batch). A processor not
    // registered before first catches up on the events already in the store, oldest first, as
    // they were delivered (raw text through the channel's parser, with the message's
    // attributes; in staged groups for a processor that stages), then learns which channels ended
    // and whether all input finished; after that it sees new events live, so a live source's
    // windows start from the stored history. Not replayed: events evicted by the memory budget. Not
    // applied to stored events: the flags and 'late' dead letters a catching-up processor decides.
    // Live sources queue (and, when their queue is full, drop and count) while the catch-up runs.
    void replaceProcessors(std::vector<std::shared_ptr<EventProcessor>> processors);

private:
    struct Channel;
    struct Slot;

    void run();
    void wake();
    // Returns how many lines or messages it stored (or dead-lettered).
    size_t processBatch(Slot &slot, source::RawBatch &batch);
    void resolveFormat(Channel &ch, const source::RawBatch &batch);
    // `ascii`: the caller already knows every byte of `line` is below 0x80 (false: unknown).
    void processLine(Channel &ch, std::string_view line, uint64_t position, uint8_t msgFlags,
                     TimestampNs ingest, bool ascii = false, std::string_view attrs = {});
    // Events held for the processors that stage (EventProcessor::stages), stored by
    // flushStaged() with their verdicts: at most kStageGroup, never past the end of a batch.
    // Every member is set by handleLine and stageEvent: the empty constructor keeps
    // m_staged.emplace_back() from zeroing 96 bytes first (a `rep stos` per event).
    struct StagedEvent {
        StagedEvent() {}
        store::EventRecord rec;
        std::string_view line;
        std::string_view attrs;
        uint64_t position;
        TimestampNs ingest;
        Channel *channel;
        uint32_t lateDrops; // processors that dropped it as too late
    };
    static constexpr size_t kStageGroup = 256;
    // `s`: the slot just added to m_staged, its record filled in; completes and stages it.
    void stageEvent(StagedEvent &s, Channel &ch, std::string_view line, uint64_t position,
                    TimestampNs ingest, std::string_view attrs);
    void flushStaged();
    void storeEvent(Channel &ch, const store::EventRecord &rec, std::string_view line,
                    std::string_view attrs, TimestampNs ingest);
    void publish();
    bool allFinished() const;
    void applyProcessors(std::vector<std::shared_ptr<EventProcessor>> processors);
    // Engine thread: runs the queued reparseDeadLetters requests; false if there were none.
    bool runReparses();

    Options m_options;
    store::EventStore m_store;
    store::DeadLetterStore m_deadLetters;
    RateTimeline m_timeline;
    RateTimeline m_severityTimeline;
    EngineStats m_stats; // engine thread

    mutable std::mutex m_slotsMutex; // guards m_slots (the vector, not the slots' insides)
    std::vector<std::shared_ptr<Slot>> m_slots;
    std::vector<std::shared_ptr<Channel>> m_channels; // engine thread after registration
    uint16_t m_nextSourceId = 0;

    std::thread m_thread;
    std::atomic<bool> m_running{false};
    std::atomic<bool> m_stopRequested{false};
    std::mutex m_wakeMutex;
    std::condition_variable m_wakeCv;
    bool m_workPending = false;
    bool m_processorsPending = false;                              // guarded by m_wakeMutex
    std::vector<std::shared_ptr<EventProcessor>> m_nextProcessors; // guarded by m_wakeMutex

    mutable std::mutex m_snapshotMutex;
    mutable std::condition_variable m_publishedCv;
    std::shared_ptr<const Snapshot> m_snapshot;
    std::atomic<uint64_t> m_version{0};
    std::function<void(uint64_t)> m_onPublish;

    int64_t m_startMono = 0;
    int64_t m_rateWindowStart = 0;
    uint64_t m_rateWindowEvents = 0;
    size_t m_maxLineBytes;
    parse::EventHeader m_header;     // scratch
    store::ExternalBytes m_external; // the current batch's zero-copy bytes, if any
    std::vector<std::shared_ptr<EventProcessor>> m_processors; // fixed once started
    struct ReparseRequest {
        std::optional<SourceId> source;
        std::string format;
    };
    std::mutex m_reparseMutex; // guards m_reparses
    std::vector<ReparseRequest> m_reparses;
    bool m_inputFinished = false;             // engine thread
    bool m_staging = false;                   // a processor stages (engine thread once started)
    std::vector<StagedEvent> m_staged;        // engine thread
    std::vector<ProcessorVerdict> m_verdicts; // scratch (flushStaged)
};

} // namespace weir::engine
