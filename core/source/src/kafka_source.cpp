// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/source/kafka_source.h"

#include "weir/common/time_util.h"
#include "weir/source/attributes.h"

#include <algorithm>
#include <cstring>
#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <random>

namespace weir::source {

namespace {

struct PartitionList {
    rd_kafka_topic_partition_list_t *list;
    explicit PartitionList(int size)
        : list(rd_kafka_topic_partition_list_new(size)) {}
    ~PartitionList() { rd_kafka_topic_partition_list_destroy(list); }
    PartitionList(const PartitionList &) = delete;
    PartitionList &operator=(const PartitionList &) = delete;
};

} // namespace

struct KafkaSource::Callbacks {
    static void rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t *parts, void *opaque) {
        static_cast<KafkaSource *>(opaque)->onRebalance(rk, err, parts);
    }
    static void error(rd_kafka_t *, int err, const char *reason, void *opaque) {
        static_cast<KafkaSource *>(opaque)->onError(err, reason);
    }
    static int stats(rd_kafka_t *, char *json, size_t length, void *opaque) {
        static_cast<KafkaSource *>(opaque)->onStats(json, length);
        return 0; // librdkafka frees the JSON
    }
    static void log(const rd_kafka_t *, int, const char *, const char *) {
        // librdkafka's own log lines are dropped: connection problems arrive through the
        // error callback and end up in status(); nothing is printed behind the caller's back.
    }
};

KafkaSource::KafkaSource(Options options)
    : m_options(std::move(options))
    , m_privateGroup(m_options.groupId.empty()) {
    if (m_privateGroup)
        m_options.groupId = privateGroupId();
    m_channelPerTopic = m_options.topics.size() > 1 &&
                        std::none_of(m_options.topics.begin(), m_options.topics.end(),
                                     [](const std::string &t) { return t.rfind('^', 0) == 0; });
}

KafkaSource::~KafkaSource() {
    stop();
}

std::string KafkaSource::name() const {
    return "kafka://" + m_options.brokers;
}

std::vector<ChannelSpec> KafkaSource::channels() const {
    std::vector<ChannelSpec> out;
    if (m_channelPerTopic) {
        for (const auto &t : m_options.topics)
            out.push_back({name() + "/" + t, m_options.format});
    } else {
        std::string joined;
        for (const auto &t : m_options.topics)
            joined += (joined.empty() ? "" : ",") + t;
        out.push_back({name() + "/" + joined, m_options.format});
    }
    return out;
}

size_t KafkaSource::channelOf(const char *topic) const {
    if (!m_channelPerTopic || !topic)
        return 0;
    for (size_t i = 0; i < m_options.topics.size(); ++i) {
        if (m_options.topics[i] == topic)
            return i;
    }
    return 0;
}

std::string KafkaSource::privateGroupId() {
    std::random_device rd;
    char buf[40];
    std::snprintf(buf, sizeof buf, "weir-%08x%08x", rd(), rd());
    return buf;
}

ProbeResult KafkaSource::testConnection(const Options &options, int timeoutMs) {
    std::string error = validate(options);
    if (!error.empty())
        return {false, error};
    KafkaSource probe(options); // never started: only its configuration and callbacks are used
    rd_kafka_t *rk = probe.create(error);
    if (!rk)
        return {false, error};
    const rd_kafka_metadata_t *md = nullptr;
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__TIMED_OUT;
    const int64_t deadline = monotonicNowNs() + int64_t{timeoutMs} * kNsPerMs;
    // Short steps, so that a refused login or a TLS failure (error callback) ends it early.
    while (!probe.m_fatal && monotonicNowNs() < deadline) {
        err = rd_kafka_metadata(rk, 1, nullptr, &md, 500);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
            break;
        rd_kafka_poll(rk, 50);
    }
    rd_kafka_poll(rk, 0);
    ProbeResult r;
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR && md) {
        r.ok = true;
        r.message = "connected: " + std::to_string(md->broker_cnt) + " broker" +
                    (md->broker_cnt == 1 ? "" : "s");
        for (const std::string &t : options.topics) {
            if (t.rfind('^', 0) == 0) {
                r.message += "; " + t + ": a pattern, matched when consuming";
                continue;
            }
            const rd_kafka_metadata_topic_t *found = nullptr;
            for (int i = 0; i < md->topic_cnt; ++i) {
                if (t == md->topics[i].topic)
                    found = &md->topics[i];
            }
            if (!found || found->err) {
                r.ok = false;
                r.message += "; topic " + t + ": " +
                             (found ? rd_kafka_err2str(found->err) : "does not exist");
            } else {
                r.message += "; topic " + t + ": " + std::to_string(found->partition_cnt) +
                             " partition" + (found->partition_cnt == 1 ? "" : "s");
            }
        }
        rd_kafka_metadata_destroy(md);
    } else {
        std::lock_guard<std::mutex> lock(probe.m_mutex);
        if (!probe.m_error.empty())
            r.message = probe.m_error;
        else
            r.message = "kafka: no answer from " + options.brokers + " within " +
                        std::to_string((timeoutMs + 999) / 1000) + " s: " +
                        (probe.m_lastProblem.empty() ? std::string(rd_kafka_err2str(err))
                                                     : probe.m_lastProblem);
    }
    rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    return r;
}

bool KafkaSource::isSecretProperty(const std::string &key) {
    return key.find("password") != std::string::npos || key.find("secret") != std::string::npos ||
           key.find("sasl.oauthbearer.config") != std::string::npos ||
           key.find("ssl.key.pem") != std::string::npos ||
           key.find("ssl_key") != std::string::npos || key.find("keystore") != std::string::npos;
}

std::string KafkaSource::validate(const Options &o) {
    if (o.brokers.empty())
        return "kafka: no bootstrap servers";
    if (o.startAt == StartAt::Offsets) {
        if (o.offsets.empty())
            return "kafka: no start offsets";
    } else if (o.topics.empty()) {
        return "kafka: no topic";
    }
    for (const auto &t : o.topics) {
        if (t.empty())
            return "kafka: empty topic name";
    }
    if (!o.password.empty() && o.username.empty())
        return "kafka: a password needs a user name";
    return {};
}

std::string KafkaSource::error() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_error;
}

std::string KafkaSource::status() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_status;
}

KafkaSource::Counters KafkaSource::counters() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_counters;
}

KafkaSource::PartitionProgress KafkaSource::progressOf(const PartitionState &state, int64_t nowNs) {
    PartitionProgress p;
    p.topic = state.topic;
    p.partition = state.partition;
    p.nextOffset = state.nextOffset;
    p.highWatermark = state.highWatermark;
    p.maxTimestamp = state.maxTimestamp;
    p.assigned = state.assigned;
    // Nothing consumed yet: everything from the start offset on is still to read.
    const int64_t consumed = state.nextOffset >= 0    ? state.nextOffset
                             : state.startOffset >= 0 ? state.startOffset
                                                      : state.lowWatermark;
    if (state.highWatermark >= 0 && consumed >= 0)
        p.lagMessages = std::max<int64_t>(0, state.highWatermark - consumed);
    if (p.lagMessages > 0 && state.maxTimestamp != kMinTimestamp)
        p.lagSeconds =
            std::max<double>(0, static_cast<double>(nowNs - state.maxTimestamp.value) / 1e9);
    return p;
}

std::vector<KafkaSource::PartitionProgress> KafkaSource::progress() const {
    const int64_t nowNs = wallNow().value;
    std::lock_guard<std::mutex> lock(m_mutex);
    std::vector<PartitionProgress> out;
    out.reserve(m_progress.size());
    for (const auto &kv : m_progress)
        out.push_back(progressOf(kv.second, nowNs));
    return out;
}

SourceMetrics KafkaSource::metrics() const {
    const int64_t nowNs = wallNow().value;
    std::lock_guard<std::mutex> lock(m_mutex);
    SourceMetrics m;
    m.state = m_state;
    m.messages = m_counters.messages;
    m.bytes = m_counters.bytes;
    m.errors = m_counters.errors;
    m.duplicates = m_counters.duplicates;
    m.lastError = m_error.empty() ? m_lastProblem : m_error;
    m.partitions.reserve(m_progress.size());
    for (const auto &kv : m_progress) {
        const PartitionProgress p = progressOf(kv.second, nowNs);
        m.partitions.push_back({p.topic, p.partition, p.nextOffset, p.highWatermark, p.lagMessages,
                                p.lagSeconds, p.maxTimestamp, p.assigned});
        if (p.assigned) {
            m.lagMessages += p.lagMessages;
            m.lagSeconds = std::max(m.lagSeconds, p.lagSeconds);
        }
    }
    return m;
}

TimestampNs KafkaSource::watermark() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    TimestampNs w = kMaxTimestamp;
    bool any = false;
    for (const auto &kv : m_progress) {
        if (!kv.second.assigned)
            continue;
        any = true;
        w = std::min(w, kv.second.maxTimestamp);
    }
    return any ? w : kMinTimestamp;
}

void KafkaSource::setStatus(std::string status) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_status = std::move(status);
}

void KafkaSource::setState(SourceState state, std::string status, std::string problem) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_state != SourceState::Failed)
        m_state = state;
    m_status = std::move(status);
    if (!problem.empty())
        m_lastProblem = std::move(problem);
}

void KafkaSource::noteProblem(std::string status, std::string problem) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_status = std::move(status);
    m_lastProblem = std::move(problem);
}

void KafkaSource::setFatal(std::string error) {
    m_fatal = true;
    std::lock_guard<std::mutex> lock(m_mutex);
    m_error = error;
    m_lastProblem = error;
    m_status = "failed: " + error;
    m_state = SourceState::Failed;
}

void KafkaSource::onStats(const char *json, size_t length) {
    // Only the brokers' connection states are read: a broker entry has "source" (configured,
    // learned, logical or internal) followed by "state" (UP, DOWN, CONNECT...).
    const std::string_view text(json, length);
    bool up = false;
    size_t pos = 0;
    while (!up) {
        pos = text.find("\"source\":\"", pos);
        if (pos == std::string_view::npos)
            break;
        pos += 10;
        const size_t end = text.find('"', pos);
        const size_t state = text.find("\"state\":\"", pos);
        if (end == std::string_view::npos || state == std::string_view::npos)
            break;
        const std::string_view source = text.substr(pos, end - pos);
        up = source != "internal" && source != "logical" && text.substr(state + 9, 3) == "UP\"";
        pos = state;
    }
    if (!up)
        return;
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_state == SourceState::Connecting || m_state == SourceState::Reconnecting) {
        m_state = SourceState::Connected;
        m_status = "connected";
    }
}

void KafkaSource::start(IngestSink &sink) {
    m_thread = std::thread([this, &sink] {
        pthread_setname_np(pthread_self(), "weir-kafka");
        run(sink);
    });
}

void KafkaSource::stop() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void KafkaSource::acknowledge(uint64_t token) {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_unacked.find(token);
    if (it == m_unacked.end())
        return;
    if (m_ackRk) {
        PartitionList pl(static_cast<int>(it->second.size()));
        for (const auto &po : it->second) {
            rd_kafka_topic_partition_t *tp =
                rd_kafka_topic_partition_list_add(pl.list, po.first.first.c_str(), po.first.second);
            tp->offset = po.second;
        }
        // Stores for the next auto-commit; partitions revoked meanwhile are refused, fine.
        rd_kafka_offsets_store(m_ackRk, pl.list);
        ++m_counters.committedBatches;
    }
    m_unacked.erase(it);
}

void KafkaSource::onError(int err, const char *reason) {
    const auto code = static_cast<rd_kafka_resp_err_t>(err);
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        ++m_counters.errors;
    }
    const std::string why = reason ? reason : rd_kafka_err2str(code);
    switch (code) {
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
        m_allBrokersDown = true;
        setState(SourceState::Reconnecting, "all brokers down, retrying: " + why,
                 "all brokers down: " + why);
        break;
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
        setFatal("kafka: authentication failed: " + why);
        break;
    case RD_KAFKA_RESP_ERR__SSL:
        setFatal("kafka: TLS failure (certificate or CA mismatch?): " + why);
        break;
    case RD_KAFKA_RESP_ERR__FATAL:
        setFatal("kafka: fatal error: " + why);
        break;
    default:
        // A TLS client talking to a plaintext listener (or the reverse) only sees the
        // connection close during the handshake: before the first assignment, that is a
        // configuration mismatch, not an outage.
        if (!m_everAssigned && (!m_options.tlsCaFile.empty() || !m_options.tlsCertFile.empty()) &&
            why.find("SSL handshake failed") != std::string::npos) {
            setFatal("kafka: TLS failure (is the listener TLS?): " + why);
            break;
        }
        // One broker lost (others may still serve): the state stays, the problem shows.
        noteProblem("error, retrying: " + why, why);
        break;
    }
}

void KafkaSource::onRebalance(rd_kafka_t *rk, int err, rd_kafka_topic_partition_list_t *parts) {
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        if (m_options.startAt == StartAt::Timestamp) {
            const int64_t ms = m_options.startTime.value / kNsPerMs;
            for (int i = 0; i < parts->cnt; ++i)
                parts->elems[i].offset = ms;
            const rd_kafka_resp_err_t e = rd_kafka_offsets_for_times(rk, parts, 10000);
            if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
                setStatus("cannot look up offsets by time: " + std::string(rd_kafka_err2str(e)));
            for (int i = 0; i < parts->cnt; ++i) {
                // No message at or after the time: start at the end.
                if (parts->elems[i].err || parts->elems[i].offset < 0)
                    parts->elems[i].offset = RD_KAFKA_OFFSET_END;
            }
        }
        rd_kafka_assign(rk, parts);
        m_everAssigned = true;
        m_assigned.clear();
        for (int i = 0; i < parts->cnt; ++i)
            m_assigned.insert({parts->elems[i].topic, parts->elems[i].partition});
        m_assignmentChanged = true;
        std::lock_guard<std::mutex> lock(m_mutex);
        for (int i = 0; i < parts->cnt; ++i) {
            auto &p = m_progress[{parts->elems[i].topic, parts->elems[i].partition}];
            p.topic = parts->elems[i].topic;
            p.partition = parts->elems[i].partition;
            p.assigned = true;
            const int64_t offset = parts->elems[i].offset;
            p.startOffset = offset >= 0 ? offset : -1;
            // A private group is new: no committed offsets, so "latest" starts at the end.
            p.startsAtEnd = offset == RD_KAFKA_OFFSET_END ||
                            (offset < 0 && m_options.startAt == StartAt::Latest && m_privateGroup);
        }
        m_status =
            "assigned " + std::to_string(parts->cnt) + " partition" + (parts->cnt == 1 ? "" : "s");
        if (m_state != SourceState::Failed)
            m_state = SourceState::Connected;
    } else {
        rd_kafka_assign(rk, nullptr);
        m_assigned.clear();
        m_assignmentChanged = true;
        std::lock_guard<std::mutex> lock(m_mutex);
        for (int i = 0; i < parts->cnt; ++i) {
            auto it = m_progress.find({parts->elems[i].topic, parts->elems[i].partition});
            if (it != m_progress.end())
                it->second.assigned = false;
        }
        m_status = "partitions revoked, rebalancing";
    }
}

void KafkaSource::pushAssignment(IngestSink &sink) {
    const size_t channelCount = channels().size();
    for (size_t ch = 0; ch < channelCount; ++ch) {
        RawBatch control;
        control.channel = static_cast<uint16_t>(ch);
        // Never empty, even when nothing is assigned: that is what marks a control batch.
        appendAttribute(control.attributes, "assigned", std::to_string(m_assigned.size()));
        for (const PartitionKey &k : m_assigned) {
            if (channelOf(k.first.c_str()) != ch)
                continue;
            appendAttribute(control.attributes, attr::kTopic, k.first);
            appendAttribute(control.attributes, attr::kPartition, std::to_string(k.second));
        }
        control.ingestTime = wallNow();
        sink.pushWait(std::move(control));
    }
}

rd_kafka_t *KafkaSource::create(std::string &error) {
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    const auto set = [&](const std::string &key, const std::string &value) {
        if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr) ==
            RD_KAFKA_CONF_OK)
            return true;
        // librdkafka may quote the value: never show it for secrets.
        error = isSecretProperty(key) ? "kafka: invalid value for property " + key
                                      : "kafka: " + std::string(errstr);
        return false;
    };
    const bool sasl = !m_options.username.empty();
    const bool tls = !m_options.tlsCaFile.empty() || !m_options.tlsCertFile.empty();
    bool ok =
        set("bootstrap.servers", m_options.brokers) && set("group.id", m_options.groupId) &&
        set("enable.auto.commit", "true") && set("enable.auto.offset.store", "false") &&
        set("enable.partition.eof", "false") &&
        set("auto.offset.reset", m_options.startAt == StartAt::Earliest ? "earliest" : "latest") &&
        set("client.id", "weir") &&
        // Broker connection states for metrics() (SourceState), once a second.
        set("statistics.interval.ms", "1000");
    if (ok && (sasl || tls))
        ok = set("security.protocol",
                 sasl ? (tls ? "SASL_SSL" : "SASL_PLAINTEXT") : std::string("SSL"));
    if (ok && sasl)
        ok = set("sasl.mechanism",
                 m_options.saslMechanism.empty() ? "PLAIN" : m_options.saslMechanism) &&
             set("sasl.username", m_options.username) && set("sasl.password", m_options.password);
    if (ok && !m_options.tlsCaFile.empty())
        ok = set("ssl.ca.location", m_options.tlsCaFile);
    if (ok && !m_options.tlsCertFile.empty())
        ok = set("ssl.certificate.location", m_options.tlsCertFile);
    if (ok && !m_options.tlsKeyFile.empty())
        ok = set("ssl.key.location", m_options.tlsKeyFile);
    for (const auto &kv : m_options.properties) {
        if (!ok)
            break;
        ok = set(kv.first, kv.second);
    }
    if (!ok) {
        rd_kafka_conf_destroy(conf);
        return nullptr;
    }
    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_conf_set_error_cb(conf, &Callbacks::error);
    rd_kafka_conf_set_log_cb(conf, &Callbacks::log);
    rd_kafka_conf_set_stats_cb(conf, &Callbacks::stats);
    if (m_options.startAt != StartAt::Offsets)
        rd_kafka_conf_set_rebalance_cb(conf, &Callbacks::rebalance);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (!rk) {
        error = "kafka: cannot create the consumer: " + std::string(errstr);
        return nullptr; // conf is only owned by rd_kafka_new on success
    }
    return rk;
}

bool KafkaSource::append(RawBatch &b, const rd_kafka_message_t *msg,
                         std::map<PartitionKey, int64_t> &batchOffsets) {
    const char *topic = rd_kafka_topic_name(msg->rkt);
    PartitionKey key{topic, msg->partition};
    auto next = m_nextOffset.find(key);
    if (next != m_nextOffset.end() && msg->offset < next->second) {
        std::lock_guard<std::mutex> lock(m_mutex);
        ++m_counters.duplicates;
        return false;
    }
    m_nextOffset[key] = msg->offset + 1;
    batchOffsets[key] = msg->offset + 1;
    MessageMeta meta;
    meta.offset = static_cast<uint32_t>(b.data.size());
    meta.length = static_cast<uint32_t>(msg->len);
    meta.position = static_cast<uint64_t>(msg->offset) + 1; // 1-based: 0 means "next line"
    if (msg->len)
        b.data.append(static_cast<const char *>(msg->payload), msg->len);
    meta.attrOffset = static_cast<uint32_t>(b.attributes.size());
    appendAttribute(b.attributes, attr::kTopic, topic);
    appendAttribute(b.attributes, attr::kPartition, std::to_string(msg->partition));
    appendAttribute(b.attributes, attr::kOffset, std::to_string(msg->offset));
    if (msg->key)
        appendAttribute(b.attributes, attr::kKey,
                        std::string_view(static_cast<const char *>(msg->key), msg->key_len));
    rd_kafka_timestamp_type_t tsType;
    const int64_t tsMs = rd_kafka_message_timestamp(msg, &tsType);
    if (tsType != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE && tsMs >= 0)
        appendAttribute(b.attributes, attr::kTimestamp,
                        formatRfc3339Ms(TimestampNs{tsMs * kNsPerMs}));
    rd_kafka_headers_t *headers = nullptr;
    if (rd_kafka_message_headers(msg, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR && headers) {
        const char *hname;
        const void *hvalue;
        size_t hsize;
        for (size_t i = 0; rd_kafka_header_get_all(headers, i, &hname, &hvalue, &hsize) ==
                           RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i) {
            std::string n(attr::kHeaderPrefix);
            n += hname;
            appendAttribute(
                b.attributes, n,
                std::string_view(static_cast<const char *>(hvalue), hvalue ? hsize : 0));
        }
    }
    meta.attrLength = static_cast<uint32_t>(b.attributes.size()) - meta.attrOffset;
    b.messages.push_back(meta);
    std::lock_guard<std::mutex> lock(m_mutex);
    ++m_counters.messages;
    m_counters.bytes += msg->len;
    auto &p = m_progress[key];
    p.topic = topic;
    p.partition = msg->partition;
    p.nextOffset = msg->offset + 1;
    if (tsType != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE && tsMs >= 0)
        p.maxTimestamp = std::max(p.maxTimestamp, TimestampNs{tsMs * kNsPerMs});
    return true;
}

void KafkaSource::refreshProgress(rd_kafka_t *rk) {
    std::vector<PartitionKey> keys;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        for (const auto &kv : m_progress)
            keys.push_back(kv.first);
    }
    for (const auto &k : keys) {
        int64_t lo = -1;
        int64_t hi = -1;
        // Cached from fetch responses: no broker round trip.
        if (rd_kafka_get_watermark_offsets(rk, k.first.c_str(), k.second, &lo, &hi) !=
            RD_KAFKA_RESP_ERR_NO_ERROR)
            continue;
        std::lock_guard<std::mutex> lock(m_mutex);
        auto &p = m_progress[k];
        if (lo >= 0)
            p.lowWatermark = lo;
        if (hi >= 0)
            p.highWatermark = hi;
        if (p.startsAtEnd && p.startOffset < 0 && p.nextOffset < 0 && hi >= 0)
            p.startOffset = hi;
    }
}

void KafkaSource::run(IngestSink &sink) {
    std::string error = validate(m_options);
    rd_kafka_t *rk = error.empty() ? create(error) : nullptr;
    if (!rk) {
        setFatal(error);
        return;
    }
    // Explicit partitions use the simple consumer on one queue (no group: nothing to join, and
    // fetching starts at once); topics and regexes use the group consumer.
    const bool simple = m_options.startAt == StartAt::Offsets;
    rd_kafka_queue_t *queue = nullptr;
    std::map<std::string, rd_kafka_topic_t *> topicHandles;
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (simple) {
        queue = rd_kafka_queue_new(rk);
        for (const auto &o : m_options.offsets) {
            rd_kafka_topic_t *&rkt = topicHandles[o.topic];
            if (!rkt) {
                rkt = rd_kafka_topic_new(rk, o.topic.c_str(), nullptr);
                // Learn the leaders first (bounded wait): a partition started without a known
                // leader retries its first offset lookup only after a 500 ms backoff.
                const rd_kafka_metadata_t *md = nullptr;
                if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR)
                    rd_kafka_metadata_destroy(md);
            }
            if (rd_kafka_consume_start_queue(rkt, o.partition, o.offset, queue) == -1 &&
                err == RD_KAFKA_RESP_ERR_NO_ERROR)
                err = rd_kafka_last_error();
        }
        for (const auto &o : m_options.offsets)
            m_assigned.insert({o.topic, o.partition});
        m_assignmentChanged = true;
        std::lock_guard<std::mutex> lock(m_mutex);
        for (const auto &o : m_options.offsets) {
            auto &p = m_progress[{o.topic, o.partition}];
            p.topic = o.topic;
            p.partition = o.partition;
            p.assigned = true;
            p.startOffset = o.offset >= 0 ? o.offset : -1;
            p.startsAtEnd = o.offset == RD_KAFKA_OFFSET_END;
        }
    } else {
        rd_kafka_poll_set_consumer(rk);
        PartitionList pl(static_cast<int>(m_options.topics.size()));
        for (const auto &t : m_options.topics)
            rd_kafka_topic_partition_list_add(pl.list, t.c_str(), RD_KAFKA_PARTITION_UA);
        err = rd_kafka_subscribe(rk, pl.list);
    }
    const auto release = [&] {
        for (const auto &o : m_options.offsets)
            rd_kafka_consume_stop(topicHandles[o.topic], o.partition);
        for (auto &kv : topicHandles)
            rd_kafka_topic_destroy(kv.second);
        if (queue)
            rd_kafka_queue_destroy(queue);
    };
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        setFatal("kafka: cannot subscribe: " + std::string(rd_kafka_err2str(err)));
        release();
        rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
        return;
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_ackRk = simple ? nullptr : rk; // explicit partitions commit nothing
        m_status = "connecting to " + m_options.brokers;
    }
    int64_t nextRefresh = 0;
    struct Pending {
        RawBatch batch;
        std::map<PartitionKey, int64_t> offsets; // next offset per partition in this batch
    };
    std::vector<Pending> pending(channels().size());
    size_t pendingMessages = 0;
    size_t pendingBytes = 0;
    const auto handle = [&](rd_kafka_message_t *msg) {
        if (msg->err) {
            if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                const std::string why = rd_kafka_message_errstr(msg);
                if (msg->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
                    msg->err == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED)
                    setFatal("kafka: not authorized: " + why);
                else
                    noteProblem("error, retrying: " + why, why);
            }
        } else {
            m_allBrokersDown = false;
            m_everAssigned = true;
            Pending &p = pending[channelOf(rd_kafka_topic_name(msg->rkt))];
            if (append(p.batch, msg, p.offsets)) {
                ++pendingMessages;
                pendingBytes += msg->len;
            }
        }
        rd_kafka_message_destroy(msg);
    };
    const auto batchFull = [&] {
        return pendingMessages >= m_options.batchMessages || pendingBytes >= m_options.batchBytes;
    };
    std::vector<rd_kafka_message_t *> msgs(std::max<size_t>(1, m_options.batchMessages));
    while (!m_stop && !m_fatal && !sink.stopping()) {
        if (simple) {
            // One call hands over everything already fetched (up to the batch size).
            int timeoutMs = 100;
            const int64_t deadline = monotonicNowNs() + m_options.batchDelayMs * kNsPerMs;
            while (!batchFull()) {
                const ssize_t n = rd_kafka_consume_batch_queue(queue, timeoutMs, msgs.data(),
                                                               msgs.size() - pendingMessages);
                for (ssize_t i = 0; i < n; ++i)
                    handle(msgs[static_cast<size_t>(i)]);
                if (n <= 0 || monotonicNowNs() >= deadline)
                    break;
                timeoutMs = 0;
            }
            rd_kafka_poll(rk, 0); // error callbacks
        } else {
            // Block for the first message, then take what is already fetched without waiting.
            rd_kafka_message_t *msg = rd_kafka_consumer_poll(rk, 100);
            const int64_t deadline = monotonicNowNs() + m_options.batchDelayMs * kNsPerMs;
            while (msg) {
                handle(msg);
                if (batchFull() || monotonicNowNs() >= deadline)
                    break;
                msg = rd_kafka_consumer_poll(rk, 0);
            }
        }
        // A changed assignment is announced before the data (new partitions hold the
        // watermark back from their first message on) and again after it (revoked partitions'
        // last messages must not revive them).
        const bool announce = m_assignmentChanged;
        if (announce)
            pushAssignment(sink);
        for (size_t ch = 0; ch < pending.size() && pendingMessages > 0; ++ch) {
            Pending &p = pending[ch];
            if (p.batch.messages.empty())
                continue;
            const uint64_t token = m_nextToken++;
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                auto &offs = m_unacked[token];
                for (const auto &kv : p.offsets)
                    offs.emplace_back(kv.first, kv.second);
                if (m_status.rfind("assigned", 0) != 0)
                    m_status = "consuming";
                if (m_state != SourceState::Failed)
                    m_state = SourceState::Connected;
            }
            p.batch.channel = static_cast<uint16_t>(ch);
            p.batch.ingestTime = wallNow();
            p.batch.ackToken = token;
            // Kafka is pulled: waiting here only slows fetching, nothing is lost.
            if (!sink.pushWait(std::move(p.batch))) {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_unacked.erase(token);
            }
            p.batch = RawBatch{};
            p.batch.data = sink.takeBuffer();
            p.offsets.clear();
        }
        pendingMessages = 0;
        pendingBytes = 0;
        if (announce) {
            pushAssignment(sink);
            m_assignmentChanged = false;
        }
        const int64_t now = monotonicNowNs();
        if (now >= nextRefresh) {
            refreshProgress(rk);
            nextRefresh = now + 500 * kNsPerMs;
        }
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_ackRk = nullptr;
    }
    release();
    if (simple || m_fatal || m_allBrokersDown) {
        rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    } else {
        // Commits what was acknowledged and leaves the group.
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
    }
    if (!m_fatal)
        setState(SourceState::Stopped, "stopped");
}

} // namespace weir::source
