// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/window/window_operator.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <utility>

namespace weir::window {

namespace {
constexpr size_t kNoInput = ~size_t{0};

// memcmp without the call for the usual short keys (8..16 bytes: two overlapping words).
inline bool sameKey(const std::string &a, std::string_view b) {
    const size_t n = a.size();
    if (n != b.size())
        return false;
    if (n >= 8 && n <= 16) {
        uint64_t a0, a1, b0, b1;
        std::memcpy(&a0, a.data(), 8);
        std::memcpy(&b0, b.data(), 8);
        std::memcpy(&a1, a.data() + n - 8, 8);
        std::memcpy(&b1, b.data() + n - 8, 8);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    return n == 0 || std::memcmp(a.data(), b.data(), n) == 0;
}
} // namespace

// Where each aggregate's state lives in a packed cell, in the compact form of its kind: a bare
// counter for count, NumericState for sum/mean/min/max, the DdSketch itself (no pointer to
// follow) for quantiles, a whole AggState for the rest. Results equal AggState's for the same
// inputs: the forms run the same code (NumericState, DdSketch) as AggState does.
class WindowOperator::CellLayout {
public:
    enum class Form : uint8_t { Count, Numeric, Sketch, General };
    struct Part {
        Form form;
        uint32_t offset; // bytes from the cell's start
    };

    explicit CellLayout(const std::vector<AggregateSpec> &specs) {
        size_t offset = sizeof(CellMeta);
        for (const AggregateSpec &spec : specs) {
            Part part{Form::General, 0};
            size_t size = sizeof(AggState);
            switch (spec.kind) {
            case AggKind::Count:
                part.form = Form::Count;
                size = sizeof(uint64_t);
                break;
            case AggKind::Sum:
            case AggKind::Mean:
            case AggKind::Min:
            case AggKind::Max:
                part.form = Form::Numeric;
                size = sizeof(NumericState);
                break;
            case AggKind::Quantile:
                part.form = Form::Sketch;
                size = sizeof(DdSketch);
                break;
            default:
                break;
            }
            offset = (offset + 7) & ~size_t{7};
            part.offset = static_cast<uint32_t>(offset);
            offset += size;
            if (part.form == Form::Sketch)
                sketchParts.push_back(parts.size());
            parts.push_back(part);
        }
        stride = (offset + sizeof(CellLine) - 1) / sizeof(CellLine) * sizeof(CellLine);
    }

    template<typename T>
    static T &at(unsigned char *cell, uint32_t offset) {
        return *std::launder(reinterpret_cast<T *>(cell + offset));
    }
    static CellMeta &meta(unsigned char *cell) { return at<CellMeta>(cell, 0); }

    void construct(unsigned char *cell) const {
        new (cell) CellMeta();
        for (const Part &p : parts) {
            switch (p.form) {
            case Form::Count:
                new (cell + p.offset) uint64_t(0);
                break;
            case Form::Numeric:
                new (cell + p.offset) NumericState();
                break;
            case Form::Sketch:
                new (cell + p.offset) DdSketch();
                break;
            case Form::General:
                new (cell + p.offset) AggState();
                break;
            }
        }
    }

    void destroy(unsigned char *cell) const {
        meta(cell).~CellMeta();
        for (const Part &p : parts) {
            if (p.form == Form::Sketch)
                at<DdSketch>(cell, p.offset).~DdSketch();
            else if (p.form == Form::General)
                at<AggState>(cell, p.offset).~AggState();
        }
    }

    // Move-constructs the cell at `from` into the raw memory at `to`, then destroys `from`.
    void relocate(unsigned char *from, unsigned char *to) const {
        new (to) CellMeta(std::move(meta(from)));
        for (const Part &p : parts) {
            switch (p.form) {
            case Form::Count:
                new (to + p.offset) uint64_t(at<uint64_t>(from, p.offset));
                break;
            case Form::Numeric:
                new (to + p.offset) NumericState(at<NumericState>(from, p.offset));
                break;
            case Form::Sketch:
                new (to + p.offset) DdSketch(std::move(at<DdSketch>(from, p.offset)));
                break;
            case Form::General:
                new (to + p.offset) AggState(std::move(at<AggState>(from, p.offset)));
                break;
            }
        }
        destroy(from);
    }

    void add(unsigned char *cell, size_t i, const AggregateSpec &spec, const FieldValue &v,
             TimestampNs t) const {
        const Part &p = parts[i];
        switch (p.form) {
        case Form::Count:
            if (spec.field.empty() || v.present)
                ++at<uint64_t>(cell, p.offset);
            return;
        case Form::Numeric:
            if (v.numeric && !std::isnan(v.number))
                at<NumericState>(cell, p.offset).add(v.number);
            return;
        case Form::Sketch:
            if (v.numeric)
                at<DdSketch>(cell, p.offset).add(v.number); // NaN is skipped there
            return;
        case Form::General:
            at<AggState>(cell, p.offset).add(spec, v, t);
            return;
        }
    }

    AggValue result(unsigned char *cell, size_t i, const AggregateSpec &spec) const {
        const Part &p = parts[i];
        switch (p.form) {
        case Form::Count:
            return AggValue::of(static_cast<double>(at<uint64_t>(cell, p.offset)));
        case Form::Numeric:
            return at<NumericState>(cell, p.offset).result(spec.kind);
        case Form::Sketch: {
            const DdSketch &sketch = at<DdSketch>(cell, p.offset);
            return sketch.count() ? AggValue::of(sketch.quantile(spec.quantile)) : AggValue::null();
        }
        case Form::General:
            return at<AggState>(cell, p.offset).result(spec);
        }
        return AggValue::null();
    }

    void reset(unsigned char *cell, size_t i) const {
        const Part &p = parts[i];
        switch (p.form) {
        case Form::Count:
            at<uint64_t>(cell, p.offset) = 0;
            break;
        case Form::Numeric:
            at<NumericState>(cell, p.offset) = NumericState{};
            break;
        case Form::Sketch:
            at<DdSketch>(cell, p.offset).reset();
            break;
        case Form::General:
            at<AggState>(cell, p.offset).reset();
            break;
        }
    }

    std::vector<Part> parts;         // one per aggregate, in Options::aggregates order
    std::vector<size_t> sketchParts; // indexes of the Sketch parts
    size_t stride = 0;               // bytes per cell, a multiple of the cache line
};

std::string_view paneTimingName(PaneTiming t) {
    switch (t) {
    case PaneTiming::Early:
        return "EARLY";
    case PaneTiming::OnTime:
        return "ON_TIME";
    case PaneTiming::Late:
        return "LATE";
    }
    return "ON_TIME";
}

WindowOperator::WindowOperator(Options options)
    : m_options(std::move(options))
    , m_layout(std::make_shared<const CellLayout>(m_options.aggregates))
    , m_watermark(m_options.outOfOrderNs, m_options.idleTimeoutNs) {
    m_options.allowedLatenessNs = std::max<int64_t>(0, m_options.allowedLatenessNs);
    for (auto &spec : m_options.aggregates) {
        spec.input = kNoInput;
        if (spec.field.empty())
            continue;
        const auto it = std::find(m_inputFields.begin(), m_inputFields.end(), spec.field);
        spec.input = static_cast<size_t>(it - m_inputFields.begin());
        if (it == m_inputFields.end())
            m_inputFields.push_back(spec.field);
    }
}

void WindowOperator::takePanes(std::vector<Pane> &out) {
    if (out.empty()) {
        out.swap(m_out);
        return;
    }
    std::move(m_out.begin(), m_out.end(), std::back_inserter(out));
    m_out.clear();
}

WindowOperator::Bucket::~Bucket() {
    for (size_t i = 0; i < cells; ++i)
        layout->destroy(cell(i));
}

WindowOperator::CellMeta &WindowOperator::Bucket::meta(size_t idx) const {
    return CellLayout::meta(cell(idx));
}

void WindowOperator::Bucket::grow(size_t minCells) {
    stride = layout->stride;
    const size_t n = std::max({size_t{16}, capacity * 2, minCells});
    std::unique_ptr<CellLine[]> grown(new CellLine[n * stride / sizeof(CellLine)]);
    auto *to = reinterpret_cast<unsigned char *>(grown.get());
    for (size_t i = 0; i < cells; ++i)
        layout->relocate(cell(i), to + i * stride);
    lines = std::move(grown);
    capacity = n;
}

size_t WindowOperator::Bucket::findOrInsert(std::string_view key, uint64_t hash, bool &created) {
    created = false;
    const uint64_t tag = hash & 0xFFFFFFFF00000000ULL;
    if (!slots.empty()) {
        const size_t mask = slots.size() - 1;
        for (size_t pos = static_cast<size_t>(hash) & mask;; pos = (pos + 1) & mask) {
            const uint64_t slot = slots[pos];
            if (slot == 0)
                break;
            if ((slot & 0xFFFFFFFF00000000ULL) == tag) {
                const size_t idx = static_cast<size_t>(slot & 0xFFFFFFFFULL) - 1;
                if (sameKey(meta(idx).key, key))
                    return idx;
            }
        }
    }
    // Insert; keep the load factor at or below 1/2.
    if ((cells + 1) * 2 > slots.size()) {
        std::vector<uint64_t> grown(std::max<size_t>(16, slots.size() * 2), 0);
        const size_t mask = grown.size() - 1;
        for (size_t i = 0; i < cells; ++i) {
            const uint64_t h = hashBytes(meta(i).key);
            size_t pos = static_cast<size_t>(h) & mask;
            while (grown[pos] != 0)
                pos = (pos + 1) & mask;
            grown[pos] = (h & 0xFFFFFFFF00000000ULL) | (i + 1);
        }
        slots.swap(grown);
    }
    const size_t mask = slots.size() - 1;
    size_t pos = static_cast<size_t>(hash) & mask;
    while (slots[pos] != 0)
        pos = (pos + 1) & mask;
    if (cells == capacity)
        grow(cells + 1);
    const size_t idx = cells;
    layout->construct(cell(idx));
    ++cells;
    slots[pos] = tag | (idx + 1);
    meta(idx).key.assign(key.data(), key.size());
    created = true;
    return idx;
}

void WindowOperator::Bucket::reserve(size_t n) {
    if (n == 0 || !slots.empty())
        return;
    size_t size = 16;
    while (size < n * 2)
        size *= 2;
    slots.assign(size, 0);
    if (capacity < n)
        grow(n);
}

size_t WindowOperator::Bucket::probe(uint64_t hash) const {
    if (slots.empty())
        return ~size_t{0};
    const uint64_t tag = hash & 0xFFFFFFFF00000000ULL;
    const size_t mask = slots.size() - 1;
    for (size_t pos = static_cast<size_t>(hash) & mask;; pos = (pos + 1) & mask) {
        const uint64_t slot = slots[pos];
        if (slot == 0)
            return ~size_t{0};
        if ((slot & 0xFFFFFFFF00000000ULL) == tag)
            return static_cast<size_t>(slot & 0xFFFFFFFFULL) - 1;
    }
}

inline const FieldValue &WindowOperator::inputOf(const AggregateSpec &spec,
                                                 const InputEvent &event) const {
    return (spec.input != kNoInput && event.values) ? event.values[spec.input] : m_none;
}

void WindowOperator::addTo(AggState *aggs, const InputEvent &event) {
    const size_t n = m_options.aggregates.size();
    for (size_t i = 0; i < n; ++i) {
        const AggregateSpec &spec = m_options.aggregates[i];
        aggs[i].add(spec, inputOf(spec, event), event.time);
    }
}

Pane &WindowOperator::startPane(const Window &w, CellMeta &meta, PaneTiming timing, bool final) {
    Pane &p = m_out.emplace_back();
    p.window = w;
    p.key = meta.key;
    p.timing = timing;
    p.index = meta.panes++;
    p.final = final;
    p.watermark = m_watermark.current();
    p.values.reserve(m_options.aggregates.size());
    meta.lastTiming = timing;
    meta.dirty = false;
    ++m_stats.panes;
    if (final)
        ++m_stats.windows;
    return p;
}

void WindowOperator::emit(const Window &w, CellMeta &meta, AggState *aggs, PaneTiming timing,
                          bool final) {
    const size_t n = m_options.aggregates.size();
    Pane &p = startPane(w, meta, timing, final);
    for (size_t i = 0; i < n; ++i)
        p.values.push_back(aggs[i].result(m_options.aggregates[i]));
    if (m_options.mode == AccumulationMode::Discarding) {
        for (size_t i = 0; i < n; ++i)
            aggs[i].reset();
    }
}

void WindowOperator::emitCell(const Window &w, Bucket &bucket, size_t idx, PaneTiming timing,
                              bool final) {
    const size_t n = m_options.aggregates.size();
    unsigned char *cell = bucket.cell(idx);
    Pane &p = startPane(w, CellLayout::meta(cell), timing, final);
    for (size_t i = 0; i < n; ++i)
        p.values.push_back(m_layout->result(cell, i, m_options.aggregates[i]));
    if (m_options.mode == AccumulationMode::Discarding) {
        for (size_t i = 0; i < n; ++i)
            m_layout->reset(cell, i);
    }
}

void WindowOperator::emitSorted(const Window &w, Bucket &bucket, std::optional<PaneTiming> timing,
                                bool final, bool onlyDirty) {
    std::vector<size_t> order;
    order.reserve(bucket.cells);
    for (size_t i = 0; i < bucket.cells; ++i) {
        if (!onlyDirty || bucket.meta(i).dirty)
            order.push_back(i);
    }
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return bucket.meta(a).key < bucket.meta(b).key; });
    for (size_t i : order)
        emitCell(w, bucket, i, timing ? *timing : bucket.meta(i).lastTiming, final);
}

bool WindowOperator::isDuplicate(const InputEvent &event) {
    if (m_options.dedupTtlNs <= 0)
        return false;
    const uint64_t h = hashBytes(event.dedupKey, 0xDED0u);
    const auto [it, inserted] = m_dedup.try_emplace(h, event.time.value);
    if (!inserted) {
        const int64_t seen = it->second;
        const int64_t diff =
            seen > event.time.value ? seen - event.time.value : event.time.value - seen;
        if (diff <= m_options.dedupTtlNs) {
            ++m_stats.duplicates;
            return true;
        }
        it->second = event.time.value;
    }
    m_dedupExpiry.push({saturatingAdd(event.time.value, m_options.dedupTtlNs), h});
    m_stats.dedupEntries = m_dedup.size();
    return false;
}

void WindowOperator::expireDedup(int64_t wm) {
    while (!m_dedupExpiry.empty() && m_dedupExpiry.top().at <= wm) {
        const DedupExpiry e = m_dedupExpiry.top();
        m_dedupExpiry.pop();
        const auto it = m_dedup.find(e.hash);
        if (it != m_dedup.end() && saturatingAdd(it->second, m_options.dedupTtlNs) == e.at)
            m_dedup.erase(it);
    }
    m_stats.dedupEntries = m_dedup.size();
}

Disposition WindowOperator::process(const InputEvent &event, int64_t nowNs) {
    return processHashed(event, hashBytes(event.key), nowNs);
}

namespace {
void prefetchRange(const void *begin, size_t bytes) {
    if (bytes == 0)
        return;
    const auto *p = static_cast<const char *>(begin);
    for (size_t off = 0; off < bytes; off += 64)
        __builtin_prefetch(p + off, 1);
    __builtin_prefetch(p + bytes - 1, 1);
}
} // namespace

void WindowOperator::processBatch(const InputEvent *events, size_t count, int64_t nowNs,
                                  Disposition *out) {
    // 32 events per group: enough independent misses in flight to hide most of the latency,
    // few enough that the prefetched lines are still cached when the group is processed (16,
    // 64 and a rolling pipeline were no better on the 2-core EPYC VM, within its noise; see
    // bench/RESULTS.md).
    constexpr size_t kGroup = 32;
    constexpr size_t kNone = ~size_t{0};
    const CellLayout &layout = *m_layout;
    uint64_t hashes[kGroup];
    size_t cells[kGroup];
    for (size_t base = 0; base < count; base += kGroup) {
        const size_t g = std::min(kGroup, count - base);
        const InputEvent *ev = events + base;
        for (size_t i = 0; i < g; ++i)
            hashes[i] = hashBytes(ev[i].key);
        // The bucket of the previous event: for fixed windows almost always this group's too.
        // A wrong guess only prefetches useless lines. Nothing is written in this pass.
        const Bucket *b = m_options.window.kind == WindowKind::Session ? nullptr : m_cachedBucket;
        if (b && !b->slots.empty()) {
            const size_t mask = b->slots.size() - 1;
            for (size_t i = 0; i < g; ++i)
                __builtin_prefetch(&b->slots[static_cast<size_t>(hashes[i]) & mask]);
            for (size_t i = 0; i < g; ++i) {
                cells[i] = b->probe(hashes[i]);
                if (cells[i] != kNone)
                    prefetchRange(b->cell(cells[i]), layout.stride);
            }
            // The sketches live in the cells: once those are cached, their buckets.
            for (size_t i = 0; !layout.sketchParts.empty() && i < g; ++i) {
                if (cells[i] == kNone || !ev[i].values)
                    continue;
                unsigned char *cell = b->cell(cells[i]);
                for (size_t a : layout.sketchParts) {
                    const AggregateSpec &spec = m_options.aggregates[a];
                    if (spec.input == kNoInput || !ev[i].values[spec.input].numeric)
                        continue;
                    const DdSketch &sketch = CellLayout::at<DdSketch>(cell, layout.parts[a].offset);
                    if (const void *bucket = sketch.bucketAddress(ev[i].values[spec.input].number))
                        __builtin_prefetch(bucket, 1);
                }
            }
        }
        for (size_t i = 0; i < g; ++i) {
            const Disposition d = processHashed(ev[i], hashes[i], nowNs);
            if (out)
                out[base + i] = d;
        }
    }
}

Disposition WindowOperator::processHashed(const InputEvent &event, uint64_t keyHash,
                                          int64_t nowNs) {
    ++m_stats.events;
    if (!event.dedupKey.empty() && isDuplicate(event))
        return Disposition::Duplicate;
    const bool advanced = m_watermark.observe(event.source, event.time, nowNs);
    const int64_t wm = m_watermark.current().value;
    const Disposition d = m_options.window.kind == WindowKind::Session
                              ? processSession(event, wm)
                              : processWindowed(event, keyHash, wm);
    switch (d) {
    case Disposition::Accepted:
        ++m_stats.accepted;
        break;
    case Disposition::Late:
        ++m_stats.accepted;
        ++m_stats.lateUpdates;
        break;
    case Disposition::Dropped:
        ++m_stats.lateDropped;
        break;
    case Disposition::Duplicate:
        break;
    }
    if (advanced)
        advance();
    return d;
}

WindowOperator::Bucket *WindowOperator::findBucket(const Window &w, bool &fired) {
    if (m_cachedBucket && m_cachedWindow == w) {
        fired = m_cachedFired;
        return m_cachedBucket;
    }
    Bucket *b = nullptr;
    auto it = m_open.find(w);
    if (it != m_open.end()) {
        b = &it->second;
        fired = false;
    } else if ((it = m_fired.find(w)) != m_fired.end()) {
        b = &it->second;
        fired = true;
    } else {
        // A window with no state yet; it may already be behind the watermark (late data).
        fired = w.end.value <= m_watermark.current().value;
        b = &(fired ? m_fired : m_open)[w];
        b->layout = m_layout;
        b->reserve(m_cellsHint);
        m_nextDeadline = std::min(m_nextDeadline, fired ? expiry(w.end.value) : w.end.value);
    }
    m_cachedWindow = w;
    m_cachedBucket = b;
    m_cachedFired = fired;
    return b;
}

bool WindowOperator::addToWindow(const Window &w, const InputEvent &event, uint64_t keyHash) {
    bool fired = false;
    Bucket *b = findBucket(w, fired);
    bool created = false;
    const size_t idx = b->findOrInsert(event.key, keyHash, created);
    m_stats.liveCells += created;
    unsigned char *cell = b->cell(idx);
    const size_t n = m_options.aggregates.size();
    for (size_t i = 0; i < n; ++i) {
        const AggregateSpec &agg = m_options.aggregates[i];
        m_layout->add(cell, i, agg, inputOf(agg, event), event.time);
    }
    if (fired) {
        emitCell(w, *b, idx, PaneTiming::Late, false);
        return true;
    }
    CellLayout::meta(cell).dirty = true;
    return false;
}

Disposition WindowOperator::processWindowed(const InputEvent &event, uint64_t keyHash, int64_t wm) {
    const WindowSpec &spec = m_options.window;
    if (spec.kind == WindowKind::Fixed) {
        // The common case without the scratch vector: exactly one window, usually the last
        // event's (no division then).
        const int64_t t = event.time.value;
        if (t < m_fixedStart || t >= m_fixedEnd) {
            m_fixedStart = floorDiv(t, spec.size) * spec.size;
            m_fixedEnd = saturatingAdd(m_fixedStart, spec.size);
        }
        if (expiry(m_fixedEnd) <= wm)
            return Disposition::Dropped; // the window is closed for good
        const Window w{TimestampNs{m_fixedStart}, TimestampNs{m_fixedEnd}};
        return addToWindow(w, event, keyHash) ? Disposition::Late : Disposition::Accepted;
    }
    spec.assign(event.time, m_windows);
    bool any = false;
    bool late = false;
    for (const Window &w : m_windows) {
        if (expiry(w.end.value) <= wm)
            continue; // this window is closed for good
        late = addToWindow(w, event, keyHash) || late;
        any = true;
    }
    if (!any)
        return Disposition::Dropped;
    return late ? Disposition::Late : Disposition::Accepted;
}

Disposition WindowOperator::processSession(const InputEvent &event, int64_t wm) {
    const int64_t t = event.time.value;
    const int64_t end = saturatingAdd(t, m_options.window.gap);
    if (expiry(end) <= wm)
        return Disposition::Dropped;
    m_scratchKey.assign(event.key.data(), event.key.size());
    auto kit = m_sessions.find(m_scratchKey);
    if (kit == m_sessions.end())
        kit = m_sessions.emplace(m_scratchKey, KeySessions{}).first;
    KeySessions &sessions = kit->second;

    // Sessions overlapping the proto-window [t, end): start < end and session end > t. They
    // are disjoint and sorted, so walk back from the first one starting at or after `end`.
    auto it = sessions.lower_bound(end);
    std::vector<KeySessions::iterator> hits;
    while (it != sessions.begin()) {
        auto prev = std::prev(it);
        if (prev->second.end <= t)
            break;
        hits.push_back(prev);
        it = prev;
    }
    KeySessions::iterator target;
    bool structural = false;
    if (hits.empty()) {
        Session s;
        s.end = end;
        s.meta.key.assign(event.key.data(), event.key.size());
        s.aggs.resize(m_options.aggregates.size());
        target = sessions.emplace(t, std::move(s)).first;
        ++m_stats.liveCells;
        structural = true;
    } else {
        target = hits.back(); // the earliest
        Session &base = target->second;
        for (size_t i = 0; i + 1 < hits.size(); ++i) {
            Session &other = hits[i]->second;
            for (size_t a = 0; a < base.aggs.size(); ++a)
                base.aggs[a].merge(m_options.aggregates[a], other.aggs[a]);
            if (other.meta.panes > base.meta.panes) {
                base.meta.panes = other.meta.panes;
                base.meta.lastTiming = other.meta.lastTiming;
            }
            base.end = std::max(base.end, other.end);
            sessions.erase(hits[i]);
            --m_stats.liveCells;
            structural = true;
        }
        if (end > base.end) {
            base.end = end;
            structural = structural || base.fired;
        }
        if (t < target->first) {
            Session moved = std::move(base);
            sessions.erase(target);
            target = sessions.emplace(t, std::move(moved)).first;
            structural = true;
        }
    }
    Session &s = target->second;
    const bool fired = s.end <= wm;
    if (s.fired != fired)
        structural = true;
    s.fired = fired;
    addTo(s.aggs.data(), event);
    if (structural) {
        const int64_t due = fired ? expiry(s.end) : s.end;
        m_deadlines.push({due, kit->first, target->first});
        m_nextDeadline = std::min(m_nextDeadline, due);
    }
    if (fired) {
        emit(Window{TimestampNs{target->first}, TimestampNs{s.end}}, s.meta, s.aggs.data(),
             PaneTiming::Late, false);
        return Disposition::Late;
    }
    s.meta.dirty = true;
    return Disposition::Accepted;
}

void WindowOperator::advance() {
    const int64_t wm = m_watermark.current().value;
    if (wm >= m_nextDeadline) {
        if (m_options.window.kind == WindowKind::Session)
            advanceSessions(wm);
        else
            advanceBuckets(wm);
        updateNextDeadline();
    }
    if (!m_dedupExpiry.empty() && m_dedupExpiry.top().at <= wm)
        expireDedup(wm);
}

void WindowOperator::advanceBuckets(int64_t wm) {
    m_cachedBucket = nullptr;
    // Fire (ON_TIME) and close (final) due windows in order of window end.
    while (true) {
        const bool openDue = !m_open.empty() && m_open.begin()->first.end.value <= wm;
        const bool firedDue = !m_fired.empty() && expiry(m_fired.begin()->first.end.value) <= wm;
        if (!openDue && !firedDue)
            break;
        if (firedDue && (!openDue || !(m_open.begin()->first < m_fired.begin()->first))) {
            auto it = m_fired.begin();
            // Closing panes: the value is unchanged since the last pane, now marked final.
            emitSorted(it->first, it->second, std::nullopt, true, false);
            m_stats.liveCells -= it->second.cells;
            m_fired.erase(it);
            continue;
        }
        auto node = m_open.extract(m_open.begin());
        const Window w = node.key();
        m_cellsHint = std::min<size_t>(node.mapped().cells, size_t{1} << 20);
        const bool closes = expiry(w.end.value) <= wm;
        emitSorted(w, node.mapped(), PaneTiming::OnTime, closes, false);
        if (closes)
            m_stats.liveCells -= node.mapped().cells;
        else
            m_fired.insert(std::move(node));
    }
}

void WindowOperator::advanceSessions(int64_t wm) {
    while (!m_deadlines.empty() && m_deadlines.top().at <= wm) {
        Deadline d = m_deadlines.top();
        m_deadlines.pop();
        const auto kit = m_sessions.find(d.key);
        if (kit == m_sessions.end())
            continue;
        const auto sit = kit->second.find(d.start);
        if (sit == kit->second.end())
            continue;
        Session &s = sit->second;
        const int64_t due = s.fired ? expiry(s.end) : s.end;
        if (due > wm) {
            m_deadlines.push({due, std::move(d.key), d.start});
            continue;
        }
        const Window w{TimestampNs{d.start}, TimestampNs{s.end}};
        const bool closes = expiry(s.end) <= wm;
        if (!s.fired)
            emit(w, s.meta, s.aggs.data(), PaneTiming::OnTime, closes);
        else
            emit(w, s.meta, s.aggs.data(), s.meta.lastTiming, true);
        if (s.fired || closes) {
            kit->second.erase(sit);
            --m_stats.liveCells;
            if (kit->second.empty())
                m_sessions.erase(kit);
        } else {
            s.fired = true;
            m_deadlines.push({expiry(s.end), std::move(d.key), d.start});
        }
    }
}

void WindowOperator::updateNextDeadline() {
    int64_t next = kMaxTimestamp.value;
    if (m_options.window.kind == WindowKind::Session) {
        if (!m_deadlines.empty())
            next = m_deadlines.top().at;
    } else {
        if (!m_open.empty())
            next = std::min(next, m_open.begin()->first.end.value);
        if (!m_fired.empty())
            next = std::min(next, expiry(m_fired.begin()->first.end.value));
    }
    m_nextDeadline = next;
}

void WindowOperator::endSource(SourceId source) {
    if (m_watermark.endSource(source))
        advance();
}

void WindowOperator::endAll() {
    if (m_watermark.endAll())
        advance();
}

void WindowOperator::onProcessingTime(int64_t nowNs) {
    if (m_watermark.onProcessingTime(nowNs))
        advance();
    if (m_options.earlyIntervalNs <= 0)
        return;
    if (m_nextEarly == 0) {
        m_nextEarly = nowNs + m_options.earlyIntervalNs;
        return;
    }
    if (nowNs < m_nextEarly)
        return;
    m_nextEarly = nowNs + m_options.earlyIntervalNs;
    if (m_options.window.kind != WindowKind::Session) {
        for (auto &kv : m_open)
            emitSorted(kv.first, kv.second, PaneTiming::Early, false, true);
        return;
    }
    std::vector<std::pair<std::pair<std::string_view, int64_t>, Session *>> order;
    for (auto &kv : m_sessions) {
        for (auto &sv : kv.second) {
            if (!sv.second.fired && sv.second.meta.dirty)
                order.push_back({{kv.first, sv.first}, &sv.second});
        }
    }
    std::sort(order.begin(), order.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
    for (auto &[k, s] : order) {
        emit(Window{TimestampNs{k.second}, TimestampNs{s->end}}, s->meta, s->aggs.data(),
             PaneTiming::Early, false);
    }
}

} // namespace weir::window
