// SPDX-License-Identifier: GPL-3.0-or-later
// At-least-once through the engine: a source's batch is acknowledged only once stored, and a
// Kafka consumer group resumes after what was stored (offsets committed only on acknowledgement).
#include "bus_fixtures.h"
#include "collect_sink.h"
#include "weir/engine/engine.h"
#include "weir/source/kafka_source.h"

#include <gtest/gtest.h>

using namespace weir;
using namespace weir::testing;
using namespace std::chrono_literals;

namespace {

// Pushes a few batches carrying ack tokens and records the acknowledgements it receives.
class AckSource final : public source::Source {
public:
    std::string name() const override { return "ack-test"; }
    std::vector<source::ChannelSpec> channels() const override { return {{"ack-test", "json"}}; }
    bool isBounded() const override { return true; }
    void start(source::IngestSink &sink) override {
        m_thread = std::thread([this, &sink] {
            for (uint64_t token = 1; token <= 3; ++token) {
                source::RawBatch b;
                const std::string line = "{\"n\":" + std::to_string(token) + "}";
                b.data = line;
                b.messages.push_back({0, static_cast<uint32_t>(line.size()), token, 0, 0, 0});
                b.ackToken = token == 2 ? 0 : token; // batch 2 wants no acknowledgement
                b.endOfStream = token == 3;
                sink.pushWait(std::move(b));
            }
        });
    }
    void stop() override {
        if (m_thread.joinable())
            m_thread.join();
    }
    void acknowledge(uint64_t token) override {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_acks.push_back(token);
    }
    std::vector<uint64_t> acks() {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_acks;
    }
    ~AckSource() override { stop(); }

private:
    std::thread m_thread;
    std::mutex m_mutex;
    std::vector<uint64_t> m_acks;
};

std::string jsonLines(int first, int count) {
    std::string out;
    for (int i = first; i < first + count; ++i)
        out += "{\"ts\":\"2026-01-01T00:00:00Z\",\"n\":" + std::to_string(i) + "}\n";
    return out;
}

// Runs one engine with a Kafka source in group `group` until `expect` events are stored (or
// the bounded wait ends); returns the events stored.
uint64_t consumeWithGroup(const std::string &bootstrap, const std::string &group, uint64_t expect) {
    engine::Engine engine;
    source::KafkaSource::Options o;
    o.brokers = bootstrap;
    o.topics = {"orders"};
    o.groupId = group;
    o.startAt = source::KafkaSource::StartAt::Earliest;
    // The mock coordinator may wait out the previous member's session before rebalancing.
    o.properties = {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "500"}};
    engine.addSource(std::make_unique<source::KafkaSource>(o));
    engine.start();
    const auto end = Clock::now() + 60s;
    while (Clock::now() < end && engine.snapshot()->stats.events < expect)
        std::this_thread::sleep_for(50ms);
    // Anything beyond `expect` would arrive right behind: give it a moment, bounded.
    std::this_thread::sleep_for(500ms);
    engine.stop(); // closes the consumer: acknowledged offsets are committed
    return engine.snapshot()->stats.events;
}

} // namespace

TEST(EngineAck, StoredBatchesAreAcknowledged) {
    engine::Engine engine;
    auto src = std::make_unique<AckSource>();
    AckSource *raw = src.get();
    engine.addSource(std::move(src));
    engine.start();
    ASSERT_TRUE(engine.waitFinished(10s));
    engine.stop();
    EXPECT_EQ(engine.snapshot()->stats.events, 3u);
    EXPECT_EQ(raw->acks(), (std::vector<uint64_t>{1, 3}));
}

TEST(KafkaAtLeastOnce, GroupResumesAfterWhatWasStored) {
    KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"orders:2"});
    ASSERT_EQ(runCommand({"kcat", "-P", "-b", mock.bootstrap(), "-t", "orders"}, jsonLines(1, 100))
                  .status,
              0);
    EXPECT_EQ(consumeWithGroup(mock.bootstrap(), "weir-ack-test", 100), 100u);
    ASSERT_EQ(runCommand({"kcat", "-P", "-b", mock.bootstrap(), "-t", "orders"}, jsonLines(101, 30))
                  .status,
              0);
    // Same group: starts after the committed offsets, not at "earliest".
    EXPECT_EQ(consumeWithGroup(mock.bootstrap(), "weir-ack-test", 30), 30u);
}
