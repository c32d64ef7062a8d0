// SPDX-License-Identifier: GPL-3.0-or-later
// KafkaSource and weir-cli --kafka against librdkafka's mock cluster (weir-kafka-mock), with
// kcat producing over the real Kafka protocol. Loopback only.
#include "bus_fixtures.h"
#include "collect_sink.h"
#include "weir/source/attributes.h"
#include "weir/source/kafka_source.h"

#include <gtest/gtest.h>
#include <set>

using namespace weir;
using namespace weir::testing;
using namespace std::chrono_literals;

namespace {

std::string jsonLines(int first, int count, const std::string &keyPrefix = {}) {
    std::string out;
    for (int i = first; i < first + count; ++i) {
        if (!keyPrefix.empty())
            out += keyPrefix + std::to_string(i) + ":";
        out += "{\"ts\":\"2026-01-01T00:00:00Z\",\"n\":" + std::to_string(i) + "}\n";
    }
    return out;
}

CommandResult produce(const std::string &bootstrap, const std::string &topic,
                      const std::string &lines, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{"kcat", "-P", "-b", bootstrap, "-t", topic};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return runCommand(argv, lines, 60s);
}

std::string attrOf(const source::RawBatch &b, const source::MessageMeta &m, std::string_view name) {
    return std::string(source::findAttribute(
        std::string_view(b.attributes).substr(m.attrOffset, m.attrLength), name));
}

// Waits (bounded, 20 s) until a partition's progress shows this high watermark: the consumer
// thread refreshes it every 500 ms. Returns the last progress seen.
source::KafkaSource::PartitionProgress waitForHighWatermark(const source::KafkaSource &src,
                                                            const std::string &topic,
                                                            int32_t partition,
                                                            int64_t highWatermark) {
    source::KafkaSource::PartitionProgress seen;
    for (int i = 0; i < 400; ++i) {
        for (const auto &p : src.progress()) {
            if (p.topic == topic && p.partition == partition)
                seen = p;
        }
        if (seen.highWatermark == highWatermark)
            break;
        std::this_thread::sleep_for(50ms);
    }
    return seen;
}

} // namespace

TEST(KafkaSource, ValidateAndSecrets) {
    source::KafkaSource::Options o;
    EXPECT_FALSE(source::KafkaSource::validate(o).empty());
    o.brokers = "127.0.0.1:9";
    EXPECT_FALSE(source::KafkaSource::validate(o).empty()); // no topic
    o.topics = {"t"};
    EXPECT_EQ(source::KafkaSource::validate(o), "");
    EXPECT_TRUE(source::KafkaSource::isSecretProperty("sasl.password"));
    EXPECT_TRUE(source::KafkaSource::isSecretProperty("ssl.key.password"));
    EXPECT_FALSE(source::KafkaSource::isSecretProperty("fetch.max.bytes"));
}

// Key, headers, partition, offset and broker time arrive as attributes; acknowledged batches
// are stored for commit; per-partition progress reaches the high watermark.
TEST(KafkaSource, AttributesAcksAndProgress) {
    KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"events:2"});
    ASSERT_EQ(produce(mock.bootstrap(), "events", jsonLines(0, 10, "dev"),
                      {"-p", "0", "-K", ":", "-H", "origin=weir-test"})
                  .status,
              0);
    source::KafkaSource::Options o;
    o.brokers = mock.bootstrap();
    o.topics = {"events"};
    o.startAt = source::KafkaSource::StartAt::Earliest;
    source::KafkaSource src(o);
    CollectSink sink;
    src.start(sink);
    ASSERT_EQ(sink.waitForMessages(10, 60s), 10u) << src.status();
    std::set<uint64_t> tokens;
    int expectedOffset = 0;
    bool announced = false;
    for (const auto &b : sink.batches()) {
        if (b.messages.empty()) {
            // A control batch: the assignment (both partitions), before any message.
            EXPECT_EQ(b.ackToken, 0u);
            EXPECT_EQ(source::findAttribute(b.attributes, "assigned"), "2");
            EXPECT_TRUE(expectedOffset > 0 || announced ||
                        source::findAttribute(b.attributes, source::attr::kTopic) == "events");
            announced = true;
            continue;
        }
        EXPECT_TRUE(announced) << "messages before the assignment was announced";
        ASSERT_NE(b.ackToken, 0u);
        tokens.insert(b.ackToken);
        for (const auto &m : b.messages) {
            EXPECT_EQ(attrOf(b, m, source::attr::kTopic), "events");
            EXPECT_EQ(attrOf(b, m, source::attr::kPartition), "0");
            EXPECT_EQ(attrOf(b, m, source::attr::kOffset), std::to_string(expectedOffset));
            EXPECT_EQ(m.position, static_cast<uint64_t>(expectedOffset) + 1);
            EXPECT_EQ(attrOf(b, m, source::attr::kKey), "dev" + std::to_string(expectedOffset));
            EXPECT_EQ(attrOf(b, m, "header.origin"), "weir-test");
            EXPECT_FALSE(attrOf(b, m, source::attr::kTimestamp).empty());
            EXPECT_EQ(b.data.substr(m.offset, m.length), "{\"ts\":\"2026-01-01T00:00:00Z\",\"n\":" +
                                                             std::to_string(expectedOffset) + "}");
            ++expectedOffset;
        }
    }
    EXPECT_EQ(expectedOffset, 10);
    for (uint64_t t : tokens)
        src.acknowledge(t);
    EXPECT_EQ(src.counters().committedBatches, tokens.size());
    src.acknowledge(*tokens.begin()); // a second acknowledgement is ignored
    EXPECT_EQ(src.counters().committedBatches, tokens.size());

    const auto p0 = waitForHighWatermark(src, "events", 0, 10);
    EXPECT_EQ(p0.nextOffset, 10);
    EXPECT_EQ(p0.highWatermark, 10);
    EXPECT_EQ(p0.lagMessages, 0);
    EXPECT_TRUE(p0.assigned);
    EXPECT_NE(p0.maxTimestamp, kMinTimestamp);
    src.stop();
    EXPECT_EQ(src.error(), "");
}

TEST(KafkaSource, StartsAtExplicitOffsets) {
    KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"events:2"});
    ASSERT_EQ(produce(mock.bootstrap(), "events", jsonLines(0, 10), {"-p", "1"}).status, 0);
    source::KafkaSource::Options o;
    o.brokers = mock.bootstrap();
    o.startAt = source::KafkaSource::StartAt::Offsets;
    o.offsets = {{"events", 1, 4}};
    source::KafkaSource src(o);
    CollectSink sink;
    src.start(sink);
    ASSERT_EQ(sink.waitForMessages(6, 60s), 6u) << src.status();
    std::this_thread::sleep_for(300ms); // nothing more may come
    src.stop();
    std::vector<uint64_t> positions;
    for (const auto &b : sink.batches())
        for (const auto &m : b.messages)
            positions.push_back(m.position);
    EXPECT_EQ(positions, (std::vector<uint64_t>{5, 6, 7, 8, 9, 10}));
}

// weir-cli counts exactly what kcat produced, across partitions.
TEST(KafkaCli, CountsEveryProducedMessage) {
    KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"logs:3"});
    constexpr int kCount = 5000;
    ASSERT_EQ(produce(mock.bootstrap(), "logs", jsonLines(1, kCount)).status, 0);
    const CommandResult r =
        runCommand({WEIR_CLI_PATH, "--kafka", mock.bootstrap(), "--topic", "logs", "--from",
                    "earliest", "--max-events", std::to_string(kCount), "--idle-exit", "30",
                    "--duration", "120", "--stats"},
                   "", 150s);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(statsNumber(r.out, "events"), kCount) << r.out;
    EXPECT_EQ(statsNumber(r.out, "dead_letters"), 0);
    EXPECT_NE(r.err.find("assigned 3 partitions"), std::string::npos) << r.err;

    // The same through explicit partitions (no consumer group).
    const CommandResult p = runCommand({WEIR_CLI_PATH,
                                        "--kafka",
                                        mock.bootstrap(),
                                        "--topic",
                                        "logs",
                                        "--partition",
                                        "0",
                                        "--partition",
                                        "1",
                                        "--partition",
                                        "2",
                                        "--from",
                                        "earliest",
                                        "--max-events",
                                        std::to_string(kCount),
                                        "--idle-exit",
                                        "30",
                                        "--duration",
                                        "120",
                                        "--stats"},
                                       "", 150s);
    ASSERT_EQ(p.status, 0) << p.err;
    EXPECT_EQ(statsNumber(p.out, "events"), kCount) << p.out;
}

// StartAt::Latest skips what is already there, and the lag counts from where reading starts:
// the history is not lag, before or after the first message.
TEST(KafkaSource, LatestSkipsOldMessages) {
    KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"logs:1"});
    ASSERT_EQ(produce(mock.bootstrap(), "logs", jsonLines(1, 100)).status, 0);
    source::KafkaSource::Options o;
    o.brokers = mock.bootstrap();
    o.topics = {"logs"};
    o.startAt = source::KafkaSource::StartAt::Latest;
    source::KafkaSource src(o);
    CollectSink sink;
    src.start(sink);
    // Wait until fetching has started (the high watermark comes with the first fetch response,
    // after "latest" was resolved), then produce.
    auto p0 = waitForHighWatermark(src, "logs", 0, 100);
    ASSERT_EQ(p0.highWatermark, 100) << src.status();
    EXPECT_TRUE(p0.assigned);
    EXPECT_EQ(p0.nextOffset, -1);
    EXPECT_EQ(p0.lagMessages, 0);
    EXPECT_EQ(src.metrics().lagMessages, 0);
    ASSERT_EQ(produce(mock.bootstrap(), "logs", jsonLines(101, 7)).status, 0);
    ASSERT_EQ(sink.waitForMessages(7, 60s), 7u) << src.status();
    p0 = waitForHighWatermark(src, "logs", 0, 107);
    EXPECT_EQ(p0.nextOffset, 107);
    EXPECT_EQ(p0.lagMessages, 0);
    std::this_thread::sleep_for(300ms); // nothing more may come
    src.stop();
    std::vector<uint64_t> positions;
    for (const auto &b : sink.batches())
        for (const auto &m : b.messages)
            positions.push_back(m.position);
    EXPECT_EQ(positions, (std::vector<uint64_t>{101, 102, 103, 104, 105, 106, 107}));
}

// A broker goes down mid-stream and comes back: consumption resumes, nothing is lost and
// nothing is counted twice (redelivered offsets are dropped by partition+offset).
TEST(KafkaCli, BrokerDownAndUpResumesWithoutLoss) {
    KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"logs:3"});
    constexpr int kFirst = 2000, kSecond = 2000;
    ASSERT_EQ(produce(mock.bootstrap(), "logs", jsonLines(1, kFirst)).status, 0);
    Process cli({WEIR_CLI_PATH, "--kafka", mock.bootstrap(), "--topic", "logs", "--from",
                 "earliest", "--max-events", std::to_string(kFirst + kSecond), "--idle-exit", "60",
                 "--duration", "150", "--stats"});
    ASSERT_TRUE(cli.waitFor("assigned", 60s, true)) << cli.err();
    ASSERT_TRUE(mock.command("down 1"));
    ASSERT_TRUE(mock.command("down 2"));
    std::this_thread::sleep_for(2s);
    ASSERT_TRUE(mock.command("up 1"));
    ASSERT_TRUE(mock.command("up 2"));
    ASSERT_EQ(produce(mock.bootstrap(), "logs", jsonLines(kFirst + 1, kSecond)).status, 0);
    ASSERT_EQ(cli.wait(170s), 0) << cli.err();
    EXPECT_EQ(statsNumber(cli.out(), "events"), kFirst + kSecond) << cli.out() << cli.err();
}

// Key, headers, partition and offset are fields: filters, window keys and exported columns
// (weir-cli end to end over the Kafka protocol).
TEST(KafkaCli, KeyHeadersAndPartitionAreFields) {
    KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"prov:2"});
    ASSERT_EQ(produce(mock.bootstrap(), "prov", jsonLines(0, 4, "devA"),
                      {"-p", "0", "-K", ":", "-H", "origin=line1"})
                  .status,
              0);
    ASSERT_EQ(produce(mock.bootstrap(), "prov", jsonLines(4, 3, "devB"),
                      {"-p", "1", "-K", ":", "-H", "origin=line2"})
                  .status,
              0);
    TempDir dir;
    const CommandResult r = runCommand({WEIR_CLI_PATH,
                                        "--kafka",
                                        mock.bootstrap(),
                                        "--topic",
                                        "prov",
                                        "--from",
                                        "earliest",
                                        "--format",
                                        "json",
                                        "--window",
                                        "fixed:60s",
                                        "--key",
                                        "partition",
                                        "--agg",
                                        "count",
                                        "--dedup",
                                        "topic,partition,offset",
                                        "--emit",
                                        "final",
                                        "--out",
                                        dir.file("w.csv"),
                                        "--filter",
                                        "partition:1 and header.origin:line2 and offset>=1",
                                        "--events-out",
                                        dir.file("e.jsonl"),
                                        "--max-events",
                                        "7",
                                        "--idle-exit",
                                        "30",
                                        "--duration",
                                        "120",
                                        "--stats"},
                                       "", 150s);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(statsNumber(r.out, "events"), 7) << r.out;
    EXPECT_EQ(statsNumber(r.out, "duplicates"), 0) << r.out;
    std::ifstream w(dir.file("w.csv"));
    const std::string windows(std::istreambuf_iterator<char>(w), {});
    EXPECT_NE(windows.find(",0,4,"), std::string::npos) << windows;
    EXPECT_NE(windows.find(",1,3,"), std::string::npos) << windows;
    std::ifstream e(dir.file("e.jsonl"));
    std::vector<std::string> lines;
    for (std::string line; std::getline(e, line);)
        lines.push_back(line);
    ASSERT_EQ(lines.size(), 2u); // offsets 1 and 2 of partition 1
    for (const auto &line : lines) {
        EXPECT_NE(line.find("\"partition\":1"), std::string::npos) << line;
        EXPECT_NE(line.find("\"header.origin\":\"line2\""), std::string::npos) << line;
        EXPECT_NE(line.find("\"key\":\"devB"), std::string::npos) << line;
        EXPECT_NE(line.find("\"kafka.timestamp\":\"20"), std::string::npos) << line;
    }
}
