// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/common/types.h"
#include "weir/window/aggregate.h"
#include "weir/window/watermark.h"
#include "weir/window/window_spec.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace weir::window {

// When a pane was produced, relative to the watermark (Beam's PaneInfo.Timing).
enum class PaneTiming : uint8_t {
    Early,  // speculative, before the watermark passed the window end (processing-time trigger)
    OnTime, // the watermark passed the window end
    Late,   // data arrived behind the watermark but within the allowed lateness
};
std::string_view paneTimingName(PaneTiming t); // "EARLY", "ON_TIME", "LATE"

enum class AccumulationMode : uint8_t {
    Accumulating, // every pane carries everything seen so far for its window and key
    Discarding,   // every pane carries only what arrived since the previous pane
};

// One output row: the aggregates of one window and key at one firing.
struct Pane {
    Window window;
    std::string key; // key field values joined with '|'
    PaneTiming timing = PaneTiming::OnTime;
    uint32_t index = 0; // 0, 1, 2... per window and key
    // No further pane follows for this window and key: the watermark passed end + lateness (or
    // the input ended). Exactly one final pane is produced per window and key.
    bool final = false;
    std::vector<AggValue> values; // one per aggregate, in Options::aggregates order
    TimestampNs watermark;        // pipeline watermark when the pane fired
};

// One input event as the caller extracted it (see EventBuilder).
struct InputEvent {
    TimestampNs time;
    SourceId source;
    std::string_view key;               // joined key; empty for the unkeyed case
    const FieldValue *values = nullptr; // one per WindowOperator::inputFields()
    std::string_view dedupKey;          // empty: no deduplication for this event
};

enum class Disposition : uint8_t {
    Accepted,  // added to its windows on time
    Late,      // updated at least one window the watermark had passed (LATE pane)
    Dropped,   // behind the watermark by more than the allowed lateness: counted, not used
    Duplicate, // a repeat of the dedup key within the TTL: counted, not used
};

struct OperatorStats {
    uint64_t events = 0;
    uint64_t accepted = 0;
    uint64_t lateUpdates = 0; // events that updated a window after its ON_TIME pane
    uint64_t lateDropped = 0; // events too late for every one of their windows
    uint64_t duplicates = 0;
    uint64_t windows = 0; // (window, key) results finalized: one final pane each
    uint64_t panes = 0;
    uint64_t liveCells = 0; // (window, key) states held now
    uint64_t dedupEntries = 0;
};

// Beam-style event-time windowing for one pipeline: assigns events to windows, keeps one
// mergeable aggregate state per window and key, and fires panes driven by the watermark
// (ON_TIME, LATE) and processing time (EARLY). State for a window is freed once the
// watermark passes its end + allowed lateness, so memory stays flat on an endless stream.
//
// Windows fire when the watermark reaches their end (end exclusive). An event whose windows all
// end at or below watermark - allowed lateness is dropped and counted; one that lands in a
// window already fired updates it and produces a LATE pane at once (Beam's default late
// firing). Without lateness the ON_TIME pane is final; with lateness a closing pane (same
// value, final = true, timing of the previous pane) follows when the watermark passes
// end + lateness. In discarding mode that closing pane carries only what came since the
// previous pane (normally nothing).
//
// Determinism: the final panes depend only on the multiset of accepted events, not on arrival
// order, batching or processing-time triggers, as long as every event arrives no further
// behind the watermark than the allowed lateness (events within the out-of-order bound always
// do). Sums are exact in fixed point (ExactSum) so this holds bit for bit; top-k is
// order-independent while a window sees no more distinct items than its counters.
//
// Thread contract: not thread-safe. One owner thread calls everything (the engine thread in
// the application); panes are handed over by value through takePanes().
class WindowOperator {
public:
    struct Options {
        WindowSpec window;
        std::vector<AggregateSpec> aggregates;
        int64_t outOfOrderNs = 0;      // watermark = max event time - this
        int64_t allowedLatenessNs = 0; // late data within this updates windows (LATE panes)
        int64_t idleTimeoutNs = 0;     // processing time; 0: sources never go idle
        int64_t earlyIntervalNs = 0;   // processing time between EARLY panes; 0: none
        AccumulationMode mode = AccumulationMode::Accumulating;
        int64_t dedupTtlNs = 10 * kNsPerMinute; // event time a dedup key is remembered
    };

    explicit WindowOperator(Options options);

    const Options &options() const { return m_options; }
    // Distinct fields the aggregates read, in first-use order: InputEvent::values follows it.
    const std::vector<std::string> &inputFields() const { return m_inputFields; }

    // `nowNs` is processing time (monotonic ns), used for idleness and early panes only.
    Disposition process(const InputEvent &event, int64_t nowNs);
    // Exactly process() on each event in order (their dispositions in `out` when not null), but
    // faster on many keys: for a group of events at a time it first prefetches their key slots,
    // aggregate states and sketch buckets, so the cache misses of the group overlap instead of
    // queueing one after another. The prefetch pass only reads; the events are then processed
    // one by one by the same code as process(), so results and stats are identical.
    void processBatch(const InputEvent *events, size_t count, int64_t nowNs,
                      Disposition *out = nullptr);
    void endSource(SourceId source);
    // A source that must hold the watermark back before its first event (WatermarkTracker::hold).
    void holdSource(SourceId source, int64_t nowNs) { m_watermark.hold(source, nowNs); }
    // End of all input: the watermark goes to +infinity and every window fires its final pane.
    void endAll();
    // Call periodically: idle detection and EARLY panes.
    void onProcessingTime(int64_t nowNs);

    TimestampNs watermark() const { return m_watermark.current(); }
    const WatermarkTracker &watermarks() const { return m_watermark; }
    const OperatorStats &stats() const { return m_stats; }

    // Moves the panes produced so far to the end of `out`.
    void takePanes(std::vector<Pane> &out);
    bool hasPanes() const { return !m_out.empty(); }

private:
    // Pane bookkeeping of one window and key; its aggregate states live next to it.
    struct CellMeta {
        std::string key;
        uint32_t panes = 0;
        PaneTiming lastTiming = PaneTiming::Early;
        bool dirty = false;
    };
    // Where each aggregate's state sits in a packed cell (defined in window_operator.cpp).
    class CellLayout;
    struct alignas(64) CellLine {
        unsigned char bytes[64];
    };
    // The (key -> state) table of one window: open addressing over a flat slot array (upper 32
    // hash bits | index + 1) into packed cells. A cell is one contiguous, cache-line aligned
    // record, CellMeta first, then each aggregate's state in the compact form of its kind
    // (CellLayout), so the hot state of an event's key is two or three adjacent lines and is
    // reached from the slot in one step. Cells move (by their move constructors) when the
    // table grows; nothing holds a cell's address across an insertion.
    struct Bucket {
        std::shared_ptr<const CellLayout> layout; // set before the first insertion
        std::vector<uint64_t> slots;
        std::unique_ptr<CellLine[]> lines;
        size_t cells = 0;
        size_t capacity = 0; // cells
        size_t stride = 0;   // bytes per cell (layout->stride, kept here for cell())

        Bucket() = default;
        Bucket(const Bucket &) = delete;
        Bucket &operator=(const Bucket &) = delete;
        ~Bucket();
        unsigned char *cell(size_t idx) const {
            return reinterpret_cast<unsigned char *>(lines.get()) + idx * stride;
        }
        CellMeta &meta(size_t idx) const;
        // Index of the key's cell, creating it (with empty states) if needed.
        size_t findOrInsert(std::string_view key, uint64_t hash, bool &created);
        // Read-only hint: the cell whose slot tag matches `hash` (key not compared), or npos.
        size_t probe(uint64_t hash) const;
        // Sizes an empty table for `cells` keys, so it does not grow (and rehash) step by step.
        void reserve(size_t cells);

    private:
        void grow(size_t minCells);
    };
    struct Session {
        int64_t end = 0;
        bool fired = false;
        CellMeta meta;
        std::vector<AggState> aggs;
    };
    using KeySessions = std::map<int64_t, Session>; // by start
    struct Deadline {
        int64_t at;
        std::string key;
        int64_t start;
        bool operator>(const Deadline &o) const {
            if (at != o.at)
                return at > o.at;
            if (key != o.key)
                return key > o.key;
            return start > o.start;
        }
    };
    struct DedupExpiry {
        int64_t at;
        uint64_t hash;
        bool operator>(const DedupExpiry &o) const { return at > o.at; }
    };

    // The value `spec` reads from `event` (m_none for an aggregate without an input field).
    const FieldValue &inputOf(const AggregateSpec &spec, const InputEvent &event) const;
    void addTo(AggState *aggs, const InputEvent &event);
    void emit(const Window &w, CellMeta &meta, AggState *aggs, PaneTiming timing, bool final);
    void emitCell(const Window &w, Bucket &bucket, size_t idx, PaneTiming timing, bool final);
    Pane &startPane(const Window &w, CellMeta &meta, PaneTiming timing, bool final);
    // timing: std::nullopt = each cell's previous timing (closing panes).
    void emitSorted(const Window &w, Bucket &bucket, std::optional<PaneTiming> timing, bool final,
                    bool onlyDirty);
    Bucket *findBucket(const Window &w, bool &fired);
    Disposition processHashed(const InputEvent &event, uint64_t keyHash, int64_t nowNs);
    Disposition processWindowed(const InputEvent &event, uint64_t keyHash, int64_t wm);
    // Adds the event to window `w` of its key; true when that window had fired (a LATE pane).
    bool addToWindow(const Window &w, const InputEvent &event, uint64_t keyHash);
    Disposition processSession(const InputEvent &event, int64_t wm);
    bool isDuplicate(const InputEvent &event);
    void advance();
    void advanceBuckets(int64_t wm);
    void advanceSessions(int64_t wm);
    void expireDedup(int64_t wm);
    void updateNextDeadline();
    int64_t expiry(int64_t end) const { return saturatingAdd(end, m_options.allowedLatenessNs); }

    Options m_options;
    std::shared_ptr<const CellLayout> m_layout;
    std::vector<std::string> m_inputFields;
    WatermarkTracker m_watermark;
    OperatorStats m_stats;
    std::vector<Pane> m_out;

    // Global, fixed and sliding windows: open (not yet ON_TIME) and fired (waiting for the
    // lateness to pass) buckets, ordered by window end. Node handles move between the maps,
    // so Bucket addresses stay valid until erased.
    std::map<Window, Bucket> m_open;
    std::map<Window, Bucket> m_fired;
    size_t m_cellsHint = 0;   // keys of the last window that fired: new tables start that big
    int64_t m_fixedStart = 0; // the last fixed window computed: [start, end)
    int64_t m_fixedEnd = 0;
    Window m_cachedWindow{};
    Bucket *m_cachedBucket = nullptr;
    bool m_cachedFired = false;

    // Session windows per key, and a queue of (deadline, key, start) with lazy invalidation.
    std::unordered_map<std::string, KeySessions> m_sessions;
    std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> m_deadlines;

    std::unordered_map<uint64_t, int64_t> m_dedup; // key hash -> event time first seen
    std::priority_queue<DedupExpiry, std::vector<DedupExpiry>, std::greater<>> m_dedupExpiry;

    int64_t m_nextDeadline = kMaxTimestamp.value; // earliest watermark that changes state
    int64_t m_nextEarly = 0;
    std::vector<Window> m_windows; // scratch
    std::string m_scratchKey;
    FieldValue m_none;
};

} // namespace weir::window
