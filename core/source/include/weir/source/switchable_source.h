// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/source/source.h"

#include <atomic>
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
// everything else from any thread.
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

private:
    class TaggingSink;

    Factory m_factory;
    std::string m_name;
    std::vector<ChannelSpec> m_channels;

    mutable std::mutex m_mutex; // guards everything below
    IngestSink *m_sink = nullptr;
    std::unique_ptr<TaggingSink> m_tagging; // the current generation's view of m_sink
    std::unique_ptr<Source> m_current;
    uint64_t m_generation = 0;
    bool m_stopped = false;
    bool m_disconnecting = false; // m_current is being stopped outside the lock
    SourceMetrics m_past;         // totals of the finished generations
    std::string m_lastError;
};

} // namespace weir::source
