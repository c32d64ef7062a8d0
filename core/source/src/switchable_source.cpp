// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/source/switchable_source.h"

#include "weir/common/time_util.h"
#include "weir/source/attributes.h"

namespace weir::source {

namespace {

constexpr int kTokenBits = 40; // a generation's own tokens; the generation above them
constexpr uint64_t kTokenMask = (uint64_t{1} << kTokenBits) - 1;

void addTotals(SourceMetrics &to, const SourceMetrics &from) {
    to.messages += from.messages;
    to.bytes += from.bytes;
    to.errors += from.errors;
    to.duplicates += from.duplicates;
    to.connects += from.connects;
}

uint64_t nextId() {
    static std::atomic<uint64_t> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
}

} // namespace

// The sink one generation pushes into: tags its acknowledgement tokens with the generation.
class SwitchableSource::TaggingSink final : public IngestSink {
public:
    TaggingSink(IngestSink &sink, uint64_t generation)
        : m_sink(sink)
        , m_tag(generation << kTokenBits) {}
    bool pushWait(RawBatch &&batch) override { return m_sink.pushWait(tag(std::move(batch))); }
    bool tryPush(RawBatch &&batch) override { return m_sink.tryPush(tag(std::move(batch))); }
    bool stopping() const override { return m_sink.stopping(); }
    std::string takeBuffer() override { return m_sink.takeBuffer(); }

private:
    RawBatch &&tag(RawBatch &&batch) const {
        if (batch.ackToken != 0)
            batch.ackToken = m_tag | (batch.ackToken & kTokenMask);
        return std::move(batch);
    }
    IngestSink &m_sink;
    const uint64_t m_tag;
};

SwitchableSource::SwitchableSource(Factory factory)
    : m_id(nextId())
    , m_factory(std::move(factory)) {
    const std::unique_ptr<Source> prototype = m_factory();
    m_name = prototype->name();
    m_channels = prototype->channels();
}

SwitchableSource::~SwitchableSource() {
    stop();
}

void SwitchableSource::start(IngestSink &sink) {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_sink = &sink;
    }
    connect();
}

bool SwitchableSource::connect() {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (!m_sink || m_stopped || m_current || m_disconnecting)
        return false;
    ++m_generation;
    m_tagging = std::make_unique<TaggingSink>(*m_sink, m_generation);
    m_current = m_factory();
    m_current->start(*m_tagging);
    return true;
}

bool SwitchableSource::disconnect() {
    Source *current = nullptr;
    IngestSink *sink = nullptr;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (!m_current || m_disconnecting)
            return false;
        m_disconnecting = true;
        current = m_current.get();
        sink = m_sink;
    }
    // Outside the lock: the source's thread may be waiting for room in the engine's queue,
    // and the engine thread calls acknowledge() and metrics(), which take the lock (sources
    // answer both while stopping). It stays current until stopped, so that its totals never
    // disappear from metrics().
    current->stop();
    const SourceMetrics last = current->metrics();
    if (!last.partitions.empty() && sink) {
        // Kafka: its partitions are no longer assigned here, so they stop holding the
        // pipeline watermark back (an empty assignment control batch per channel).
        for (size_t ch = 0; ch < m_channels.size(); ++ch) {
            RawBatch control;
            control.channel = static_cast<uint16_t>(ch);
            appendAttribute(control.attributes, "assigned", "0");
            control.ingestTime = wallNow();
            sink->pushWait(std::move(control));
        }
    }
    std::unique_ptr<Source> stopped;
    std::unique_ptr<TaggingSink> tagging;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        addTotals(m_past, last);
        m_past.partitions = last.partitions;
        for (PartitionMetrics &p : m_past.partitions)
            p.assigned = false;
        if (!last.lastError.empty())
            m_lastError = last.lastError;
        stopped = std::move(m_current);
        tagging = std::move(m_tagging);
        ++m_generation; // late acknowledgements of the old generation are dropped from now on
        m_disconnecting = false;
        m_idle.notify_all(); // under the lock: stop() may destroy this object right after
    }
    return true;
}

void SwitchableSource::stop() {
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_stopped = true; // no connect() from now on
        // A disconnect() running on another thread finishes first (it joins the source).
        m_idle.wait(lock, [this] { return !m_disconnecting; });
    }
    disconnect();
}

bool SwitchableSource::isConnected() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_current != nullptr;
}

std::string SwitchableSource::error() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_current ? m_current->error() : std::string();
}

std::string SwitchableSource::status() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_current)
        return m_current->status();
    return m_generation == 0 ? "not started" : "disconnected";
}

SourceMetrics SwitchableSource::metrics() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    SourceMetrics m;
    if (m_current) {
        m = m_current->metrics();
        if (m.lastError.empty())
            m.lastError = m_lastError;
    } else {
        m.state = SourceState::Stopped;
        m.lastError = m_lastError;
        m.partitions = m_past.partitions;
    }
    addTotals(m, m_past);
    m.switchId = m_id;
    return m;
}

void SwitchableSource::acknowledge(uint64_t token) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_current && (token >> kTokenBits) == m_generation)
        m_current->acknowledge(token & kTokenMask);
}

} // namespace weir::source
