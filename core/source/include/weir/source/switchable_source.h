// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/source/source.h"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace weir::source {

// A live source the user can disconnect and connect again while the engine runs. It owns a
// factory and runs at most one source made by it at a time (a "generation"); the engine sees one
// source with fixed channels. Each generation's acknowledgement tokens are tagged, so a late
// acknowledgement for a disconnected generation is dropped (its offsets were not committed:
// at-least-once sources redeliver them). Threads: connect()/disconnect() from any thread but
// the engine's (disconnect joins the current source's thread, which may wait for the engine);
// everything else from any thread. stop() waits for a disconnect() running on another thread,
// so the owner may destroy the source once stop() returned.
class SwitchableSource final : public Source {
public:
    // Makes a new, unstarted source; every call must give the same name() and channels().
    using Factory = std::function<std::unique_ptr<Source>()>;

    explicit SwitchableSource(Factory factory);
    ~SwitchableSource() override;

    std::string name() const override { return m_name; }
    std::vector<ChannelSpec> channels() const override { return m_channels; }
    bool isBounded() const override { return false; }
    void start(IngestSink &sink) override;
    void stop() override;
    std::string error() const override;
    std::string status() const override;
    SourceMetrics metrics() const override;
    void acknowledge(uint64_t token) override;

    // Stops the current source (joins it). Its totals stay counted in metrics(). Returns false
    // when it was not connected (or another disconnect() is under way).
    bool disconnect();
    // Starts a new source from the factory. False when already connected, stopped, or not
    // started by the engine yet (the engine's start() connects).
    bool connect();
    bool isConnected() const;
    // Unique in the process, never 0; also in metrics().switchId.
    uint64_t id() const { return m_id; }

private:
    class TaggingSink;

    const uint64_t m_id;
    Factory m_factory;
    std::string m_name;
    std::vector<ChannelSpec> m_channels;

    mutable std::mutex m_mutex; // guards everything below
    IngestSink *m_sink = nullptr;
    std::unique_ptr<TaggingSink> m_tagging; // the current generation's view of m_sink
    std::unique_ptr<Source> m_current;
    uint64_t m_generation = 0;
    bool m_stopped = false;
    bool m_disconnecting = false;   // m_current is being stopped outside the lock
    std::condition_variable m_idle; // signalled when a disconnect() ends
    SourceMetrics m_past;           // totals of the finished generations
    std::string m_lastError;
};

// Lets an owner that needs a unique_ptr (the engine) run a source others share: every call is
// forwarded. Whoever else holds the shared_ptr may keep using the source after the engine
// stopped it and let go (e.g. a disconnect() running on a worker thread).
class SharedSource final : public Source {
public:
    explicit SharedSource(std::shared_ptr<Source> source)
        : m_source(std::move(source)) {}
    ~SharedSource() override { m_source->stop(); }

    std::string name() const override { return m_source->name(); }
    std::vector<ChannelSpec> channels() const override { return m_source->channels(); }
    bool isBounded() const override { return m_source->isBounded(); }
    void start(IngestSink &sink) override { m_source->start(sink); }
    void stop() override { m_source->stop(); }
    std::string error() const override { return m_source->error(); }
    std::string status() const override { return m_source->status(); }
    SourceMetrics metrics() const override { return m_source->metrics(); }
    void acknowledge(uint64_t token) override { m_source->acknowledge(token); }

private:
    std::shared_ptr<Source> m_source;
};

} // namespace weir::source
