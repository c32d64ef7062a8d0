// SPDX-License-Identifier: GPL-3.0-or-later
// What the Sources panel and the source dialogs rely on: Test connection (a bounded probe),
// the live state and last error of a source through broker loss and recovery, and
// disconnecting / connecting a source while the engine runs. Real mosquitto and the librdkafka
// mock cluster on loopback; every wait bounded; distinct messages counted.
#include "bus_fixtures.h"
#include "weir/engine/engine.h"
#include "weir/source/attributes.h"
#include "weir/source/kafka_source.h"
#include "weir/source/mqtt_source.h"
#include "weir/source/switchable_source.h"

#include <gtest/gtest.h>
#include <set>

using namespace weir;
using namespace weir::testing;
using namespace std::chrono_literals;

namespace {

template<typename Pred>
std::shared_ptr<const engine::Snapshot> waitSnapshot(engine::Engine &engine, Pred pred,
                                                     std::chrono::seconds timeout) {
    const auto end = Clock::now() + timeout;
    auto snap = engine.snapshot();
    while (!pred(*snap) && Clock::now() < end) {
        std::this_thread::sleep_for(50ms);
        snap = engine.snapshot();
    }
    return snap;
}

void produce(const std::string &bootstrap, const std::string &topic, const std::string &lines) {
    const CommandResult r = runCommand({"kcat", "-P", "-b", bootstrap, "-t", topic}, lines, 60s);
    ASSERT_EQ(r.status, 0) << r.err;
}

void publish(int port, const std::string &topic, const std::string &lines, int qos = 1) {
    const CommandResult r = mosquittoPublishLines(port, topic, lines, qos);
    ASSERT_EQ(r.status, 0) << r.err;
}

// Distinct values of attribute `name` over the stored events.
std::set<std::string> distinctAttribute(const engine::Snapshot &snap, std::string_view name) {
    std::set<std::string> out;
    for (size_t i = 0; i < snap.events.size(); ++i)
        out.insert(std::string(source::findAttribute(snap.events[i].attributes(), name)));
    return out;
}

source::MqttSource::Options mqttOptions(int port, const std::string &topic) {
    source::MqttSource::Options o;
    o.host = "127.0.0.1";
    o.port = port;
    o.topics = {topic};
    o.qos = 1;
    o.format = "json";
    o.reconnectMaxMs = 500; // recover quickly once the broker is back
    return o;
}

} // namespace

TEST(SourceTestConnection, MqttSucceedsAndFailsClearly) {
    MosquittoBroker broker;
    const auto ok = source::MqttSource::testConnection(mqttOptions(broker.port(), "a/#"), 10000);
    EXPECT_TRUE(ok.ok) << ok.message;
    EXPECT_NE(ok.message.find("subscribed to 1 filter"), std::string::npos) << ok.message;

    const int closed = freeLoopbackPort(); // nobody listens there
    const auto refused = source::MqttSource::testConnection(mqttOptions(closed, "a/#"), 5000);
    EXPECT_FALSE(refused.ok);
    EXPECT_NE(refused.message.find("cannot connect to 127.0.0.1:" + std::to_string(closed)),
              std::string::npos)
        << refused.message;

    auto invalid = mqttOptions(broker.port(), "a/#/b");
    const auto bad = source::MqttSource::testConnection(invalid, 5000);
    EXPECT_FALSE(bad.ok);
    EXPECT_NE(bad.message.find("invalid topic filter"), std::string::npos) << bad.message;
}

TEST(SourceTestConnection, MqttWrongPasswordIsRefused) {
    TempDir dir;
    MosquittoBroker broker(mosquittoPasswordConfig(dir, "weir", "s3cret"));
    auto o = mqttOptions(broker.port(), "a/#");
    o.username = "weir";
    o.password = "wrong-one";
    const auto refused = source::MqttSource::testConnection(o, 10000);
    EXPECT_FALSE(refused.ok);
    EXPECT_NE(refused.message.find("refused the connection"), std::string::npos) << refused.message;
    EXPECT_EQ(refused.message.find("wrong-one"), std::string::npos) << "the password leaked";
    o.password = "s3cret";
    const auto ok = source::MqttSource::testConnection(o, 10000);
    EXPECT_TRUE(ok.ok) << ok.message;
}

TEST(SourceTestConnection, KafkaSucceedsAndFailsClearly) {
    KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"probe:3"}, 1);
    source::KafkaSource::Options o;
    o.brokers = mock.bootstrap();
    o.topics = {"probe"};
    const auto ok = source::KafkaSource::testConnection(o, 10000);
    EXPECT_TRUE(ok.ok) << ok.message;
    EXPECT_NE(ok.message.find("topic probe: 3 partitions"), std::string::npos) << ok.message;

    o.topics = {"no-such-topic"};
    const auto unknown = source::KafkaSource::testConnection(o, 10000);
    EXPECT_FALSE(unknown.ok) << unknown.message;
    EXPECT_NE(unknown.message.find("no-such-topic"), std::string::npos) << unknown.message;

    o.brokers = "127.0.0.1:" + std::to_string(freeLoopbackPort());
    o.topics = {"probe"};
    const auto t0 = Clock::now();
    const auto down = source::KafkaSource::testConnection(o, 3000);
    EXPECT_FALSE(down.ok);
    EXPECT_NE(down.message.find("no answer from " + o.brokers), std::string::npos) << down.message;
    EXPECT_LT(Clock::now() - t0, 30s) << "the probe is bounded by its timeout";
}

// The state and last error a source reports through broker loss and recovery (what the
// Sources panel shows).
TEST(SourceMetrics, MqttBrokerLossAndRecovery) {
    MosquittoBroker broker;
    engine::Engine engine;
    engine.addSource(std::make_unique<source::MqttSource>(mqttOptions(broker.port(), "m/#")));
    engine.start();
    auto state = [](const engine::Snapshot &s) {
        return s.sources.empty() ? source::SourceState::None : s.sources[0].metrics.state;
    };
    auto snap = waitSnapshot(
        engine, [&](const auto &s) { return state(s) == source::SourceState::Connected; }, 30s);
    ASSERT_EQ(state(*snap), source::SourceState::Connected) << snap->sources.at(0).status;
    ASSERT_NO_FATAL_FAILURE(publish(broker.port(), "m/x", numberedJsonLines(0, 20)));
    snap = waitSnapshot(
        engine, [](const auto &s) { return s.sources[0].metrics.messages >= 20; }, 60s);
    EXPECT_EQ(snap->sources[0].metrics.messages, 20u);

    broker.stop();
    snap = waitSnapshot(
        engine, [&](const auto &s) { return state(s) == source::SourceState::Reconnecting; }, 60s);
    ASSERT_EQ(state(*snap), source::SourceState::Reconnecting) << snap->sources[0].status;
    EXPECT_NE(snap->sources[0].metrics.lastError.find("127.0.0.1:" + std::to_string(broker.port())),
              std::string::npos)
        << snap->sources[0].metrics.lastError;

    broker.start();
    snap = waitSnapshot(
        engine, [&](const auto &s) { return state(s) == source::SourceState::Connected; }, 60s);
    ASSERT_EQ(state(*snap), source::SourceState::Connected) << snap->sources[0].status;
    EXPECT_FALSE(snap->sources[0].metrics.lastError.empty()) << "the last problem is kept";
    EXPECT_GE(snap->sources[0].metrics.connects, 2u);
    ASSERT_NO_FATAL_FAILURE(publish(broker.port(), "m/x", numberedJsonLines(20, 30)));
    snap = waitSnapshot(
        engine, [](const auto &s) { return distinctNumbers(s.events) >= 30; }, 60s);
    engine.stop();
    EXPECT_EQ(distinctNumbers(snap->events), 30u);
}

TEST(SourceMetrics, KafkaBrokerLossAndRecoveryWithPartitions) {
    KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"lost:2"}, 1);
    ASSERT_NO_FATAL_FAILURE(produce(mock.bootstrap(), "lost", numberedJsonLines(0, 40)));
    source::KafkaSource::Options ko;
    ko.brokers = mock.bootstrap();
    ko.topics = {"lost"};
    ko.format = "json";
    ko.startAt = source::KafkaSource::StartAt::Earliest;
    engine::Engine engine;
    engine.addSource(std::make_unique<source::KafkaSource>(ko));
    engine.start();
    auto state = [](const engine::Snapshot &s) {
        return s.sources.empty() ? source::SourceState::None : s.sources[0].metrics.state;
    };
    auto snap = waitSnapshot(
        engine, [](const auto &s) { return s.stats.events >= 40; }, 90s);
    ASSERT_EQ(snap->stats.events, 40u) << snap->sources.at(0).status;
    EXPECT_EQ(state(*snap), source::SourceState::Connected);
    // Both partitions with their offsets, all consumed (high watermark known, no lag).
    snap = waitSnapshot(
        engine,
        [](const auto &s) {
            const auto &parts = s.sources[0].metrics.partitions;
            int64_t consumed = 0;
            for (const auto &p : parts)
                consumed += p.highWatermark >= 0 && p.lagMessages == 0 ? p.nextOffset : 0;
            return parts.size() == 2 && consumed == 40;
        },
        60s);
    const auto &parts = snap->sources[0].metrics.partitions;
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0].nextOffset + parts[1].nextOffset, 40);
    for (const auto &p : parts) {
        EXPECT_EQ(p.topic, "lost");
        EXPECT_TRUE(p.assigned);
        EXPECT_EQ(p.highWatermark, p.nextOffset);
        EXPECT_EQ(p.lagMessages, 0);
        EXPECT_NE(p.watermark, kMinTimestamp);
    }
    EXPECT_EQ(snap->sources[0].metrics.messages, 40u);

    ASSERT_TRUE(mock.command("down 1"));
    snap = waitSnapshot(
        engine, [&](const auto &s) { return state(s) == source::SourceState::Reconnecting; }, 90s);
    ASSERT_EQ(state(*snap), source::SourceState::Reconnecting) << snap->sources[0].status;
    // The latest problem: librdkafka's "all brokers down" or the refused connection after it.
    const std::string &lost = snap->sources[0].metrics.lastError;
    EXPECT_TRUE(lost.find("brokers down") != std::string::npos ||
                lost.find("Connection refused") != std::string::npos)
        << lost;

    ASSERT_TRUE(mock.command("up 1"));
    snap = waitSnapshot(
        engine, [&](const auto &s) { return state(s) == source::SourceState::Connected; }, 90s);
    ASSERT_EQ(state(*snap), source::SourceState::Connected) << snap->sources[0].status;
    ASSERT_NO_FATAL_FAILURE(produce(mock.bootstrap(), "lost", numberedJsonLines(40, 50)));
    snap = waitSnapshot(
        engine, [](const auto &s) { return distinctNumbers(s.events) >= 50; }, 90s);
    engine.stop();
    EXPECT_EQ(distinctNumbers(snap->events), 50u);
}

// Disconnect and connect again while the engine runs: a Kafka source with its consumer group
// resumes after the last acknowledged offsets (nothing lost); the panel sees "stopped".
TEST(SwitchableSource, KafkaDisconnectAndConnectWhileRunning) {
    KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"sw:2"}, 1);
    ASSERT_NO_FATAL_FAILURE(produce(mock.bootstrap(), "sw", numberedJsonLines(0, 30)));
    source::KafkaSource::Options ko;
    ko.brokers = mock.bootstrap();
    ko.topics = {"sw"};
    ko.format = "json";
    ko.startAt = source::KafkaSource::StartAt::Earliest;
    ko.groupId = source::KafkaSource::privateGroupId(); // the same group for every generation
    // The 2.0.2 mock coordinator keeps a closed member until its session times out (a real
    // broker removes it on LeaveGroup): keep that short so the rejoin is quick.
    ko.properties = {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "500"}};
    auto owned = std::make_unique<source::SwitchableSource>(
        [ko] { return std::make_unique<source::KafkaSource>(ko); });
    source::SwitchableSource &sw = *owned;
    engine::Engine engine;
    engine.addSource(std::move(owned));
    engine.start();
    auto snap = waitSnapshot(
        engine, [](const auto &s) { return distinctNumbers(s.events) >= 30; }, 90s);
    ASSERT_EQ(distinctNumbers(snap->events), 30u) << snap->sources.at(0).status;
    // Every batch acknowledged (committed) before disconnecting.
    snap = waitSnapshot(
        engine, [](const auto &s) { return s.sources[0].queue.queuedBytes == 0; }, 30s);

    ASSERT_TRUE(sw.disconnect());
    EXPECT_FALSE(sw.isConnected());
    EXPECT_FALSE(sw.disconnect());
    snap = waitSnapshot(
        engine, [](const auto &s) { return s.sources[0].status == "disconnected"; }, 30s);
    EXPECT_EQ(snap->sources[0].status, "disconnected");
    EXPECT_EQ(snap->sources[0].metrics.state, source::SourceState::Stopped);
    EXPECT_EQ(snap->sources[0].metrics.messages, 30u) << "totals survive a disconnection";
    ASSERT_EQ(snap->sources[0].metrics.partitions.size(), 2u);
    EXPECT_FALSE(snap->sources[0].metrics.partitions[0].assigned);

    ASSERT_NO_FATAL_FAILURE(produce(mock.bootstrap(), "sw", numberedJsonLines(30, 60)));
    ASSERT_TRUE(sw.connect());
    EXPECT_FALSE(sw.connect());
    snap = waitSnapshot(
        engine, [](const auto &s) { return distinctNumbers(s.events) >= 60; }, 90s);
    EXPECT_EQ(distinctNumbers(snap->events), 60u) << snap->sources[0].status;
    snap = waitSnapshot(
        engine,
        [](const auto &s) { return s.sources[0].metrics.state == source::SourceState::Connected; },
        30s);
    EXPECT_EQ(snap->sources[0].metrics.state, source::SourceState::Connected);
    engine.stop();
    EXPECT_FALSE(sw.connect()) << "a stopped source stays stopped";
}

TEST(SwitchableSource, MqttDisconnectAndConnectWhileRunning) {
    MosquittoBroker broker;
    auto o = mqttOptions(broker.port(), "sw/#");
    auto owned = std::make_unique<source::SwitchableSource>(
        [o] { return std::make_unique<source::MqttSource>(o); });
    source::SwitchableSource &sw = *owned;
    engine::Engine engine;
    engine.addSource(std::move(owned));
    engine.start();
    auto connected = [](const engine::Snapshot &s) {
        return !s.sources.empty() && s.sources[0].metrics.state == source::SourceState::Connected;
    };
    ASSERT_TRUE(connected(*waitSnapshot(engine, connected, 30s)));
    ASSERT_NO_FATAL_FAILURE(publish(broker.port(), "sw/a", numberedJsonLines(0, 10)));
    auto snap = waitSnapshot(
        engine, [](const auto &s) { return distinctNumbers(s.events) >= 10; }, 60s);
    ASSERT_EQ(distinctNumbers(snap->events), 10u);

    ASSERT_TRUE(sw.disconnect());
    snap = engine.snapshot();
    snap = waitSnapshot(
        engine,
        [](const auto &s) { return s.sources[0].metrics.state == source::SourceState::Stopped; },
        30s);
    EXPECT_EQ(snap->sources[0].metrics.state, source::SourceState::Stopped);
    ASSERT_TRUE(sw.connect());
    ASSERT_TRUE(connected(*waitSnapshot(engine, connected, 30s)));
    ASSERT_NO_FATAL_FAILURE(publish(broker.port(), "sw/b", numberedJsonLines(10, 20)));
    snap = waitSnapshot(
        engine, [](const auto &s) { return distinctNumbers(s.events) >= 20; }, 60s);
    engine.stop();
    EXPECT_EQ(distinctNumbers(snap->events), 20u);
    EXPECT_EQ(distinctAttribute(*snap, "topic"), (std::set<std::string>{"sw/a", "sw/b"}));
    EXPECT_GE(snap->sources[0].metrics.connects, 2u);
}

// SASL and TLS reach librdkafka as configured. librdkafka 2.0.2's mock cluster speaks neither
// (no SaslHandshake, plaintext listeners only), so a successful login cannot be tested here;
// what is tested is that the protocol (sasl_plaintext, ssl, sasl_ssl) and the SASL mechanism
// chosen are the ones librdkafka uses, that the refusal is a clear, fatal error (Test
// connection and the running source alike) and that the password never shows.
TEST(SourceTestConnection, KafkaSaslAndTlsSettingsReachLibrdkafka) {
    KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"sec:1"}, 1);
    TempDir dir;
    const std::string ca = dir.file("ca.pem");
    const CommandResult cert =
        runCommand({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=weir-test-ca", "-keyout", dir.file("ca.key"), "-out", ca},
                   "", 60s);
    ASSERT_EQ(cert.status, 0) << cert.err;

    source::KafkaSource::Options o;
    o.brokers = mock.bootstrap();
    o.topics = {"sec"};
    o.username = "alice";
    o.password = "s3cret-pw";
    o.saslMechanism = "SCRAM-SHA-512";
    auto r = source::KafkaSource::testConnection(o, 10000);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.message.find("authentication failed"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("sasl_plaintext://"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("SCRAM-SHA-512"), std::string::npos) << r.message;
    EXPECT_EQ(r.message.find("s3cret-pw"), std::string::npos) << "the password leaked";

    o.saslMechanism.clear(); // PLAIN by default
    r = source::KafkaSource::testConnection(o, 10000);
    EXPECT_NE(r.message.find("mechanism PLAIN"), std::string::npos) << r.message;

    o.tlsCaFile = ca; // SASL over TLS: the TLS handshake with a plaintext listener fails first
    r = source::KafkaSource::testConnection(o, 10000);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.message.find("sasl_ssl://"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("TLS"), std::string::npos) << r.message;

    o.username.clear();
    o.password.clear();
    r = source::KafkaSource::testConnection(o, 10000);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.message.find("ssl://"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("TLS"), std::string::npos) << r.message;

    // A running source fails the same way, fatally, with the state and error the panel shows.
    o.username = "alice";
    o.password = "s3cret-pw";
    o.tlsCaFile.clear();
    engine::Engine engine;
    engine.addSource(std::make_unique<source::KafkaSource>(o));
    engine.start();
    const auto snap = waitSnapshot(
        engine,
        [](const auto &s) {
            return !s.sources.empty() && s.sources[0].metrics.state == source::SourceState::Failed;
        },
        60s);
    engine.stop();
    ASSERT_EQ(snap->sources[0].metrics.state, source::SourceState::Failed)
        << snap->sources[0].status;
    EXPECT_NE(snap->sources[0].error.find("authentication failed"), std::string::npos);
    EXPECT_EQ(snap->sources[0].metrics.lastError, snap->sources[0].error);
    EXPECT_EQ(snap->sources[0].error.find("s3cret-pw"), std::string::npos);
}
