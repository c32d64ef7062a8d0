// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Test helper: a real EventStore written on the test thread, published as engine snapshots,
// so model tests control exactly which events exist and which were evicted.
#include "weir/engine/engine.h"

#include <memory>
#include <string>

namespace weir::test {

class StoreFeeder {
public:
    static constexpr int64_t kBaseNs = 1637576132LL * kNsPerSecond; // 2021-11-22T10:15:32Z

    explicit StoreFeeder(store::EventStore::Options options)
        : m_store(options) {}

    // Appends n events "event <i>" (i = global index), 10 ms apart, every 5th a 404.
    void append(int n) {
        for (int k = 0; k < n; ++k, ++m_next) {
            store::EventRecord rec{};
            rec.time = TimestampNs{kBaseNs + static_cast<int64_t>(m_next) * 10 * kNsPerMs};
            rec.source = SourceId{static_cast<uint16_t>(m_next % 2)};
            rec.status = m_next % 5 == 4 ? 404 : 200;
            rec.severity = m_next % 5 == 4 ? Severity::Warning : Severity::Info;
            rec.setPosition(m_next + 1);
            const std::string raw = "event " + std::to_string(m_next);
            m_store.append(rec, raw, rec.time);
        }
    }

    std::shared_ptr<const engine::Snapshot> snapshot() {
        auto s = std::make_shared<engine::Snapshot>();
        s->version = ++m_version;
        s->events = m_store.snapshot();
        for (uint16_t id = 0; id < 2; ++id) {
            engine::ChannelInfo ch;
            ch.id = SourceId{id};
            ch.name = "feed-" + std::to_string(id);
            s->channels.push_back(std::move(ch));
        }
        s->stats.events = m_next;
        s->stats.evictedEvents = m_store.evictedEvents();
        return s;
    }

    const store::EventStore &store() const { return m_store; }

private:
    store::EventStore m_store;
    uint64_t m_next = 0;
    uint64_t m_version = 0;
};

} // namespace weir::test
