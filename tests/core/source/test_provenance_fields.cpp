// SPDX-License-Identifier: GPL-3.0-or-later
// Transport attributes (Kafka key/headers/partition/offset/timestamp, MQTT topic levels and
// retained flag) become event fields: in the store, the filter language, window keys, dedup
// and exports. A scripted source stands in for the brokers (the brokers' tests are end to end).
#include "weir/engine/engine.h"
#include "weir/engine/window_processor.h"
#include "weir/export/event_export.h"
#include "weir/query/scanner.h"
#include "weir/source/attributes.h"
#include "weir/window/aggregate.h"
#include "weir/window/window_spec.h"

#include <gtest/gtest.h>
#include <map>
#include <thread>

using namespace weir;
using namespace std::chrono_literals;

namespace {

struct Message {
    std::string payload;
    std::string attrs;
};

// A bounded source pushing one batch of messages with attributes, then end of stream.
class ScriptedSource final : public source::Source {
public:
    explicit ScriptedSource(std::vector<Message> messages)
        : m_messages(std::move(messages)) {}
    ~ScriptedSource() override { stop(); }
    std::string name() const override { return "scripted"; }
    std::vector<source::ChannelSpec> channels() const override { return {{"scripted", "json"}}; }
    bool isBounded() const override { return true; }
    void start(source::IngestSink &sink) override {
        m_thread = std::thread([this, &sink] {
            source::RawBatch b;
            uint64_t position = 1;
            for (const Message &m : m_messages) {
                source::MessageMeta meta;
                meta.offset = static_cast<uint32_t>(b.data.size());
                meta.length = static_cast<uint32_t>(m.payload.size());
                meta.position = position++;
                meta.attrOffset = static_cast<uint32_t>(b.attributes.size());
                meta.attrLength = static_cast<uint32_t>(m.attrs.size());
                b.data += m.payload;
                b.attributes += m.attrs;
                b.messages.push_back(meta);
            }
            b.endOfStream = true;
            sink.pushWait(std::move(b));
        });
    }
    void stop() override {
        if (m_thread.joinable())
            m_thread.join();
    }

private:
    std::vector<Message> m_messages;
    std::thread m_thread;
};

std::string kafkaAttrs(int partition, int offset, const std::string &key, const std::string &hdr) {
    std::string a;
    source::appendAttribute(a, source::attr::kTopic, "logs");
    source::appendAttribute(a, source::attr::kPartition, std::to_string(partition));
    source::appendAttribute(a, source::attr::kOffset, std::to_string(offset));
    source::appendAttribute(a, source::attr::kKey, key);
    source::appendAttribute(a, source::attr::kTimestamp, "2026-01-01T00:00:07.250Z");
    source::appendAttribute(a, "header.trace", hdr);
    return a;
}

std::string mqttAttrs(const std::string &topic, bool retained) {
    std::string a;
    source::appendAttribute(a, source::attr::kTopic, topic);
    source::appendAttribute(a, source::attr::kRetained, retained ? "true" : "false");
    return a;
}

std::string payload(int second, int bytes) {
    return "{\"ts\":\"2026-01-01T00:00:" + std::string(second < 10 ? "0" : "") +
           std::to_string(second) + "Z\",\"bytes\":" + std::to_string(bytes) + "}";
}

query::SourceCatalog catalogOf(const engine::Snapshot &snap) {
    query::SourceCatalog catalog;
    for (const auto &ch : snap.channels)
        catalog.push_back({ch.name, ch.decoder, ch.fieldNames});
    return catalog;
}

uint64_t countMatches(const engine::Snapshot &snap, const std::string &filter) {
    query::QueryError err;
    const auto q = query::Query::compile(filter, {}, &err);
    EXPECT_TRUE(q.has_value()) << filter << ": " << err.toString();
    if (!q)
        return ~uint64_t{0};
    return query::scan(*q, catalogOf(snap), snap.events).matches.count();
}

std::shared_ptr<engine::WindowProcessor> windowByKey(const std::string &keys,
                                                     const std::string &dedup = {}) {
    engine::WindowProcessor::Options po;
    std::string error;
    EXPECT_TRUE(window::parseWindowSpec("fixed:60s", po.window.window, &error)) << error;
    EXPECT_TRUE(window::parseAggregates("count,sum(bytes)", po.window.aggregates, &error)) << error;
    po.keyFields = window::EventBuilder::splitList(keys);
    po.dedupFields = window::EventBuilder::splitList(dedup);
    po.window.dedupTtlNs = 10 * kNsPerMinute;
    return std::make_shared<engine::WindowProcessor>(po);
}

// key -> count of the final panes.
std::map<std::string, double> finalCounts(const engine::Snapshot &snap) {
    std::map<std::string, double> out;
    for (const auto &p : snap.windows.at(0)->finals)
        out[p.key] += p.values.at(0).number;
    return out;
}

std::shared_ptr<const engine::Snapshot> run(std::vector<Message> messages,
                                            std::shared_ptr<engine::WindowProcessor> window) {
    engine::Engine engine;
    if (window)
        engine.addProcessor(window);
    engine.addSource(std::make_unique<ScriptedSource>(std::move(messages)));
    engine.start();
    EXPECT_TRUE(engine.waitFinished(60s));
    engine.stop();
    return engine.snapshot();
}

} // namespace

TEST(ProvenanceFields, StoredEventsKeepTheirAttributesAndRawPayload) {
    const auto snap = run({{payload(1, 10), kafkaAttrs(3, 41, "dev-a", "t1")},
                           {payload(2, 20), kafkaAttrs(1, 7, "dev-b", "t2")}},
                          nullptr);
    ASSERT_EQ(snap->events.size(), 2u);
    EXPECT_EQ(snap->events[0].raw(), payload(1, 10)); // the attributes are not in the raw text
    EXPECT_EQ(source::findAttribute(snap->events[0].attributes(), "key"), "dev-a");
    EXPECT_EQ(source::findAttribute(snap->events[1].attributes(), "offset"), "7");
    // The channel's field names list the provenance fields after the payload's.
    const auto &names = snap->channels.at(0).fieldNames;
    for (const char *n : {"ts", "bytes", "topic", "topic.0", "partition", "offset", "key",
                          "kafka.timestamp", "header.trace"})
        EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
}

TEST(ProvenanceFields, FilterLanguageSeesKafkaAttributes) {
    const auto snap = run({{payload(1, 10), kafkaAttrs(3, 41, "dev-a", "t1")},
                           {payload(2, 20), kafkaAttrs(1, 7, "dev-b", "t2")},
                           {payload(3, 30), kafkaAttrs(3, 42, "dev-b", "t3")}},
                          nullptr);
    EXPECT_EQ(countMatches(*snap, "partition:3"), 2u);
    EXPECT_EQ(countMatches(*snap, "partition:3 and key:dev-b"), 1u);
    EXPECT_EQ(countMatches(*snap, "offset>=41"), 2u);
    EXPECT_EQ(countMatches(*snap, "header.trace:t2"), 1u);
    EXPECT_EQ(countMatches(*snap, "topic:logs"), 3u);
    EXPECT_EQ(countMatches(*snap, "bytes>15"), 2u); // payload fields still work
}

TEST(ProvenanceFields, MqttTopicLevelsAndRetainedAreFields) {
    const auto snap = run({{payload(1, 10), mqttAttrs("sensors/dev1/temp", true)},
                           {payload(2, 20), mqttAttrs("sensors/dev2/temp", false)},
                           {payload(3, 30), mqttAttrs("sensors/dev1/temp", false)}},
                          windowByKey("topic.1"));
    EXPECT_EQ(countMatches(*snap, "topic:sensors/*"), 3u);
    EXPECT_EQ(countMatches(*snap, "topic.1:dev1"), 2u);
    EXPECT_EQ(countMatches(*snap, "retained:true"), 1u);
    const auto counts = finalCounts(*snap);
    EXPECT_EQ(counts, (std::map<std::string, double>{{"dev1", 2}, {"dev2", 1}}));
}

TEST(ProvenanceFields, WindowKeyOnKafkaKeyAndPartition) {
    const auto snap = run({{payload(1, 10), kafkaAttrs(0, 1, "dev-a", "x")},
                           {payload(2, 20), kafkaAttrs(1, 1, "dev-b", "x")},
                           {payload(3, 30), kafkaAttrs(0, 2, "dev-a", "x")}},
                          windowByKey("partition,key"));
    const auto counts = finalCounts(*snap);
    EXPECT_EQ(counts, (std::map<std::string, double>{{"0|dev-a", 2}, {"1|dev-b", 1}}));
}

TEST(ProvenanceFields, DedupOnTopicPartitionOffsetCountsRedeliveries) {
    // The same Kafka record delivered twice (a redelivery after a rebalance) and a different
    // record with an identical payload: only the redelivery is a duplicate.
    const auto snap = run({{payload(1, 10), kafkaAttrs(0, 5, "k", "x")},
                           {payload(1, 10), kafkaAttrs(0, 5, "k", "x")},
                           {payload(1, 10), kafkaAttrs(1, 5, "k", "x")}},
                          windowByKey("", "topic,partition,offset"));
    EXPECT_EQ(snap->windows.at(0)->stats.duplicates, 1u);
    const auto counts = finalCounts(*snap);
    EXPECT_EQ(counts, (std::map<std::string, double>{{"", 2}}));
}

TEST(ProvenanceFields, ExportWritesProvenanceColumns) {
    const auto snap = run({{payload(1, 10), kafkaAttrs(3, 41, "dev-a", "t1")}}, nullptr);
    const query::SourceCatalog catalog = catalogOf(*snap);
    exporter::EventFormatter fmt(catalog);
    std::string json;
    fmt.appendJsonLine(json, snap->events[0]);
    EXPECT_NE(json.find("\"partition\":3"), std::string::npos) << json;
    EXPECT_NE(json.find("\"offset\":41"), std::string::npos) << json;
    EXPECT_NE(json.find("\"key\":\"dev-a\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"header.trace\":\"t1\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"kafka.timestamp\":\"2026-01-01T00:00:07.250Z\""), std::string::npos)
        << json;
    EXPECT_NE(json.find("\"raw\":\"{\\\"ts\\\""), std::string::npos) << json; // raw = payload
    std::string csv;
    fmt.appendCsvHeader(csv);
    fmt.appendCsvRow(csv, snap->events[0]);
    EXPECT_NE(csv.find("partition"), std::string::npos) << csv;
    EXPECT_NE(csv.find(",3,41,dev-a,"), std::string::npos) << csv;
}

TEST(ProvenanceFields, FileLinesHaveNoAttributes) {
    // A batch in line mode (files): nothing changes, no attribute fields.
    const auto snap = run({{payload(1, 10), ""}}, nullptr);
    ASSERT_EQ(snap->events.size(), 1u);
    EXPECT_TRUE(snap->events[0].attributes().empty());
    EXPECT_EQ(snap->events[0].raw(), payload(1, 10));
    EXPECT_EQ(countMatches(*snap, "partition:3"), 0u);
}
