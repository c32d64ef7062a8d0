// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/source/mqtt_source.h"

#include "weir/common/time_util.h"
#include "weir/source/attributes.h"

#include <algorithm>
#include <cstring>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <pthread.h>
#include <random>

namespace weir::source {

namespace {

void initLibrary() {
    static std::once_flag once;
    std::call_once(once, [] { mosquitto_lib_init(); });
}

std::string randomClientId() {
    std::random_device rd;
    char buf[32];
    std::snprintf(buf, sizeof buf, "weir-%08x%04x", rd(), rd() & 0xffff);
    return buf;
}

// True for CONNACK codes that retrying cannot fix (credentials, authorization, client id).
bool isPermanentRefusal(int rc, bool v5) {
    if (!v5)
        return rc == 2 || rc == 4 || rc == 5; // identifier rejected, bad login, not authorized
    return rc == MQTT_RC_CLIENTID_NOT_VALID || rc == MQTT_RC_BAD_USERNAME_OR_PASSWORD ||
           rc == MQTT_RC_NOT_AUTHORIZED || rc == MQTT_RC_BANNED ||
           rc == MQTT_RC_BAD_AUTHENTICATION_METHOD || rc == MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION;
}

} // namespace

struct MqttSource::Pending {
    RawBatch batch;
};

std::string MqttSource::subscriptionFilter(const std::string &topic,
                                           std::vector<NamedLevel> *names) {
    std::string out;
    size_t level = 0;
    size_t start = 0;
    while (true) {
        const size_t slash = topic.find('/', start);
        const std::string part =
            topic.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
            out += '+';
            if (names)
                names->push_back({level, part.substr(1, part.size() - 2)});
        } else {
            out += part;
        }
        if (slash == std::string::npos)
            break;
        out += '/';
        start = slash + 1;
        ++level;
    }
    return out;
}

MqttSource::MqttSource(Options options)
    : m_options(std::move(options)) {
    if (m_options.clientId.empty())
        m_options.clientId = randomClientId();
    m_pending.resize(std::max<size_t>(1, m_options.topics.size()));
    m_namedLevels.resize(m_options.topics.size());
    for (size_t i = 0; i < m_options.topics.size(); ++i)
        m_filters.push_back(subscriptionFilter(m_options.topics[i], &m_namedLevels[i]));
}

MqttSource::~MqttSource() {
    stop();
}

std::string MqttSource::name() const {
    return "mqtt://" + m_options.host + ":" + std::to_string(m_options.port);
}

std::vector<ChannelSpec> MqttSource::channels() const {
    std::vector<ChannelSpec> out;
    for (const auto &t : m_options.topics)
        out.push_back({name() + "/" + t, m_options.format});
    if (out.empty())
        out.push_back({name(), m_options.format});
    return out;
}

std::string MqttSource::validate(const Options &o) {
    if (o.host.empty())
        return "mqtt: no host";
    if (o.port <= 0 || o.port > 65535)
        return "mqtt: port out of range";
    if (o.topics.empty())
        return "mqtt: no topic filter";
    for (const auto &t : o.topics) {
        if (mosquitto_sub_topic_check(subscriptionFilter(t, nullptr).c_str()) != MOSQ_ERR_SUCCESS)
            return "mqtt: invalid topic filter '" + t + "'";
    }
    if (o.qos < 0 || o.qos > 2)
        return "mqtt: QoS must be 0, 1 or 2";
    if (o.protocolVersion != 4 && o.protocolVersion != 5)
        return "mqtt: protocol version must be 3.1.1 or 5";
    if (!o.cleanSession && o.clientId.empty())
        return "mqtt: a persistent session needs a client id";
    if (o.tlsCaFile.empty() && o.tlsCaPath.empty() && !o.tlsCertFile.empty())
        return "mqtt: a client certificate needs a CA file for TLS";
    if (!o.tlsKeyPassphrase.empty() && o.tlsKeyFile.empty())
        return "mqtt: a key passphrase needs a key file";
    return {};
}

std::string MqttSource::error() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_error;
}

std::string MqttSource::status() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_status;
}

MqttSource::Counters MqttSource::counters() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_counters;
}

SourceMetrics MqttSource::metrics() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    SourceMetrics m;
    m.state = m_state;
    m.messages = m_counters.messages;
    m.bytes = m_counters.bytes;
    m.errors = m_counters.connectFailures;
    m.connects = m_counters.connects;
    m.lastError = m_error.empty() ? m_lastProblem : m_error;
    return m;
}

void MqttSource::setStatus(SourceState state, std::string status, std::string problem) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_state != SourceState::Failed)
        m_state = state;
    m_status = std::move(status);
    if (!problem.empty())
        m_lastProblem = std::move(problem);
}

void MqttSource::setFatal(std::string error) {
    m_fatal = true;
    std::lock_guard<std::mutex> lock(m_mutex);
    m_error = error;
    m_lastProblem = error;
    m_status = "failed: " + error;
    m_state = SourceState::Failed;
}

ProbeResult MqttSource::testConnection(const Options &options, int timeoutMs) {
    std::string error = validate(options);
    if (!error.empty())
        return {false, error};
    // Its own clean session: never take over the client id (and session) of a running source.
    Options o = options;
    o.clientId = randomClientId();
    o.cleanSession = true;
    MqttSource probe(o); // never started: its client runs on the calling thread
    ProbeResult r;
    const std::string where = o.host + ":" + std::to_string(o.port);
    if (!probe.setup(error)) {
        r.message = error;
    } else {
        const int rc = mosquitto_connect_bind_v5(probe.m_mosq, o.host.c_str(), o.port,
                                                 o.keepAliveSeconds, nullptr, nullptr);
        if (rc == MOSQ_ERR_TLS) {
            r.message =
                "mqtt: TLS handshake with " + where + " failed (certificate or CA mismatch?)";
        } else if (rc != MOSQ_ERR_SUCCESS) {
            r.message = "mqtt: cannot connect to " + where + ": " +
                        (rc == MOSQ_ERR_ERRNO ? std::strerror(errno) : mosquitto_strerror(rc));
        } else {
            const int64_t deadline = monotonicNowNs() + int64_t{timeoutMs} * kNsPerMs;
            int loopRc = MOSQ_ERR_SUCCESS;
            while (!probe.m_fatal && !probe.m_subscribed && monotonicNowNs() < deadline) {
                loopRc = mosquitto_loop(probe.m_mosq, 100, 1);
                if (loopRc != MOSQ_ERR_SUCCESS)
                    break;
            }
            if (probe.m_subscribed) {
                r.ok = true;
                r.message = "connected to " + where + " and subscribed to " +
                            std::to_string(o.topics.size()) + " filter" +
                            (o.topics.size() == 1 ? "" : "s");
            } else if (probe.m_fatal) {
                r.message = probe.error();
            } else if (loopRc == MOSQ_ERR_TLS) {
                r.message =
                    "mqtt: TLS handshake with " + where + " failed (certificate or CA mismatch?)";
            } else if (loopRc != MOSQ_ERR_SUCCESS) {
                r.message =
                    "mqtt: the connection to " + where + " was closed: " +
                    (loopRc == MOSQ_ERR_ERRNO ? std::strerror(errno) : mosquitto_strerror(loopRc)) +
                    ((o.tlsCaFile.empty() && o.tlsCaPath.empty()) ? "" : " (TLS mismatch?)");
            } else {
                r.message = "mqtt: no answer from " + where + " within " +
                            std::to_string((timeoutMs + 999) / 1000) + " s";
            }
            mosquitto_disconnect(probe.m_mosq);
        }
    }
    if (probe.m_mosq)
        mosquitto_destroy(probe.m_mosq);
    probe.m_mosq = nullptr;
    return r;
}

bool MqttSource::waitMs(int ms) {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_wake.wait_for(lock, std::chrono::milliseconds(ms), [this] { return m_stop.load(); });
    return !m_stop;
}

void MqttSource::start(IngestSink &sink) {
    m_thread = std::thread([this, &sink] {
        pthread_setname_np(pthread_self(), "weir-mqtt");
        run(sink);
    });
}

void MqttSource::stop() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void MqttSource::connectCb(mosquitto *, void *self, int rc, int, const mosquitto_property *) {
    auto *s = static_cast<MqttSource *>(self);
    s->onConnect(rc, s->m_options.protocolVersion == 5);
}

void MqttSource::subscribeCb(mosquitto *, void *self, int, int count, const int *granted,
                             const mosquitto_property *) {
    static_cast<MqttSource *>(self)->onSubscribe(count, granted);
}

void MqttSource::messageCb(mosquitto *, void *self, const mosquitto_message *msg,
                           const mosquitto_property *) {
    static_cast<MqttSource *>(self)->onMessage(msg);
}

int MqttSource::keyPassphraseCb(char *buf, int size, int, void *mosq) {
    // libmosquitto passes its client as the userdata; ours is the client's userdata.
    auto *self = static_cast<MqttSource *>(mosquitto_userdata(static_cast<mosquitto *>(mosq)));
    if (!self || size <= 0)
        return 0;
    self->m_passphraseAsked = true;
    const std::string &p = self->m_options.tlsKeyPassphrase;
    if (p.empty() || p.size() >= static_cast<size_t>(size))
        return 0; // no passphrase: decryption fails (and OpenSSL does not prompt)
    std::memcpy(buf, p.data(), p.size());
    buf[p.size()] = '\0';
    return static_cast<int>(p.size());
}

bool MqttSource::setup(std::string &error) {
    initLibrary();
    m_mosq = mosquitto_new(m_options.clientId.c_str(), m_options.cleanSession, this);
    if (!m_mosq) {
        error = "mqtt: cannot create the client: " + std::string(std::strerror(errno));
        return false;
    }
    const bool v5 = m_options.protocolVersion == 5;
    mosquitto_int_option(m_mosq, MOSQ_OPT_PROTOCOL_VERSION,
                         v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311);
    mosquitto_connect_v5_callback_set(m_mosq, &MqttSource::connectCb);
    mosquitto_subscribe_v5_callback_set(m_mosq, &MqttSource::subscribeCb);
    mosquitto_message_v5_callback_set(m_mosq, &MqttSource::messageCb);
    if (!m_options.username.empty()) {
        const int rc = mosquitto_username_pw_set(
            m_mosq, m_options.username.c_str(),
            m_options.password.empty() ? nullptr : m_options.password.c_str());
        if (rc != MOSQ_ERR_SUCCESS) {
            error = "mqtt: invalid user name";
            return false;
        }
    }
    if (!m_options.tlsCaFile.empty() || !m_options.tlsCaPath.empty()) {
        const auto cstr = [](const std::string &s) { return s.empty() ? nullptr : s.c_str(); };
        const int rc = mosquitto_tls_set(m_mosq, cstr(m_options.tlsCaFile),
                                         cstr(m_options.tlsCaPath), cstr(m_options.tlsCertFile),
                                         cstr(m_options.tlsKeyFile), &MqttSource::keyPassphraseCb);
        if (rc != MOSQ_ERR_SUCCESS) {
            error = "mqtt: TLS setup failed (check the CA, certificate and key files): " +
                    std::string(mosquitto_strerror(rc));
            return false;
        }
        mosquitto_tls_insecure_set(m_mosq, m_options.tlsInsecure);
    }
    return true;
}

void MqttSource::onConnect(int rc, bool v5) {
    if (rc != 0) {
        const std::string why = v5 ? mosquitto_reason_string(rc) : mosquitto_connack_string(rc);
        if (isPermanentRefusal(rc, v5)) {
            setFatal("mqtt: " + m_options.host + ":" + std::to_string(m_options.port) +
                     " refused the connection: " + why);
        } else {
            setStatus(SourceState::Reconnecting, "refused: " + why, "refused: " + why);
        }
        return;
    }
    m_connected = true;
    m_everConnected = true;
    ++m_localCounters.connects;
    std::vector<char *> filters;
    for (auto &t : m_filters)
        filters.push_back(t.data());
    mosquitto_subscribe_multiple(m_mosq, nullptr, static_cast<int>(filters.size()), filters.data(),
                                 m_options.qos, 0, nullptr);
    setStatus(SourceState::Connected, "connected, subscribing");
}

void MqttSource::onSubscribe(int count, const int *granted) {
    for (int i = 0; i < count; ++i) {
        if (granted[i] >= 0x80) {
            const std::string filter = i < static_cast<int>(m_options.topics.size())
                                           ? m_options.topics[static_cast<size_t>(i)]
                                           : std::string("?");
            setFatal("mqtt: the broker refused the subscription to '" + filter + "'");
            return;
        }
    }
    m_subscribed = true;
    setStatus(SourceState::Connected,
              "subscribed to " + std::to_string(count) + " filter" + (count == 1 ? "" : "s"));
}

void MqttSource::onMessage(const mosquitto_message *msg) {
    if (!msg || !msg->topic)
        return;
    size_t channel = 0;
    if (m_options.topics.size() > 1) {
        for (size_t i = 0; i < m_options.topics.size(); ++i) {
            bool match = false;
            if (mosquitto_topic_matches_sub(m_filters[i].c_str(), msg->topic, &match) ==
                    MOSQ_ERR_SUCCESS &&
                match) {
                channel = i;
                break;
            }
        }
    }
    RawBatch &b = m_pending[channel].batch;
    if (b.messages.empty()) {
        if (m_pendingBytes == 0)
            m_pendingSinceMono = monotonicNowNs();
    }
    const auto len = static_cast<uint32_t>(std::max(0, msg->payloadlen));
    MessageMeta meta;
    meta.offset = static_cast<uint32_t>(b.data.size());
    meta.length = len;
    meta.position = ++m_sequence;
    meta.flags = static_cast<uint8_t>((msg->retain ? MessageRetained : 0));
    b.data.append(static_cast<const char *>(msg->payload), len);
    meta.attrOffset = static_cast<uint32_t>(b.attributes.size());
    appendAttribute(b.attributes, attr::kTopic, msg->topic);
    appendAttribute(b.attributes, attr::kRetained, msg->retain ? "true" : "false");
    if (channel < m_namedLevels.size()) {
        for (const NamedLevel &n : m_namedLevels[channel])
            appendAttribute(b.attributes, n.name, topicLevel(msg->topic, n.level));
    }
    meta.attrLength = static_cast<uint32_t>(b.attributes.size()) - meta.attrOffset;
    b.messages.push_back(meta);
    m_pendingBytes += len;
    ++m_localCounters.messages;
    m_localCounters.bytes += len;
    m_localCounters.retained += msg->retain ? 1 : 0;
}

void MqttSource::flush(IngestSink &sink, bool force) {
    if (m_pendingBytes == 0 && std::all_of(m_pending.begin(), m_pending.end(), [](const auto &p) {
            return p.batch.messages.empty();
        })) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_counters = m_localCounters;
        return;
    }
    const int64_t now = monotonicNowNs();
    if (!force && m_pendingBytes < m_options.batchBytes &&
        now - m_pendingSinceMono < m_options.batchDelayMs * kNsPerMs)
        return;
    const TimestampNs ingest = wallNow();
    for (size_t ch = 0; ch < m_pending.size(); ++ch) {
        RawBatch &b = m_pending[ch].batch;
        if (b.messages.empty())
            continue;
        b.channel = static_cast<uint16_t>(ch);
        b.ingestTime = ingest;
        // Live data the engine cannot take now is dropped and counted by the queue.
        sink.tryPush(std::move(b));
        b = RawBatch{};
        b.data = sink.takeBuffer();
    }
    m_pendingBytes = 0;
    std::lock_guard<std::mutex> lock(m_mutex);
    m_counters = m_localCounters;
}

void MqttSource::run(IngestSink &sink) {
    std::string error = validate(m_options);
    if (error.empty() && !setup(error)) {
        // setup() filled `error`
    }
    if (!error.empty()) {
        setFatal(error);
        if (m_mosq)
            mosquitto_destroy(m_mosq);
        m_mosq = nullptr;
        return;
    }
    const bool v5 = m_options.protocolVersion == 5;
    const std::string where = m_options.host + ":" + std::to_string(m_options.port);
    int backoffMs = m_options.reconnectMinMs;
    bool socketUp = false;
    bool firstAttempt = true;
    while (!m_stop && !m_fatal && !sink.stopping()) {
        if (!socketUp) {
            setStatus(m_everConnected ? SourceState::Reconnecting : SourceState::Connecting,
                      "connecting to " + where);
            int rc;
            if (firstAttempt) {
                mosquitto_property *props = nullptr;
                if (v5 && !m_options.cleanSession)
                    mosquitto_property_add_int32(&props, MQTT_PROP_SESSION_EXPIRY_INTERVAL,
                                                 m_options.sessionExpirySeconds);
                rc = mosquitto_connect_bind_v5(m_mosq, m_options.host.c_str(), m_options.port,
                                               m_options.keepAliveSeconds, nullptr, props);
                mosquitto_property_free_all(&props);
            } else {
                rc = mosquitto_reconnect(m_mosq);
            }
            if (rc == MOSQ_ERR_SUCCESS) {
                firstAttempt = false;
                socketUp = true;
                continue;
            }
            if (rc == MOSQ_ERR_INVAL || rc == MOSQ_ERR_NOMEM) {
                setFatal("mqtt: cannot connect to " + where + ": " + mosquitto_strerror(rc));
                break;
            }
            if (rc == MOSQ_ERR_TLS && !m_everConnected) {
                setFatal(m_passphraseAsked
                             ? "mqtt: cannot use the TLS key " + m_options.tlsKeyFile +
                                   " (wrong or missing passphrase?)"
                             : "mqtt: TLS handshake with " + where +
                                   " failed (certificate or CA mismatch?)");
                break;
            }
            ++m_localCounters.connectFailures;
            const std::string why =
                rc == MOSQ_ERR_ERRNO ? std::strerror(errno) : mosquitto_strerror(rc);
            setStatus(m_everConnected ? SourceState::Reconnecting : SourceState::Connecting,
                      "reconnecting to " + where + " in " + std::to_string(backoffMs) +
                          " ms: " + why,
                      "cannot connect to " + where + ": " + why);
            flush(sink, true);
            if (!waitMs(backoffMs))
                break;
            backoffMs = std::min(backoffMs * 2, m_options.reconnectMaxMs);
            continue;
        }
        const bool pending = m_pendingBytes > 0;
        const int timeout = pending ? std::max(1, m_options.batchDelayMs) : 100;
        const int rc = mosquitto_loop(m_mosq, timeout, 1);
        if (m_connected)
            backoffMs = m_options.reconnectMinMs;
        flush(sink, false);
        if (rc == MOSQ_ERR_SUCCESS)
            continue;
        if (m_fatal)
            break;
        // Connection lost (or refused, or a TLS failure): reconnect with backoff.
        socketUp = false;
        const bool wasConnected = m_connected;
        m_connected = false;
        if (rc == MOSQ_ERR_TLS && !m_everConnected) {
            setFatal("mqtt: TLS handshake with " + where + " failed (certificate or CA mismatch?)");
            break;
        }
        if (!m_everConnected && (rc == MOSQ_ERR_CONN_LOST || rc == MOSQ_ERR_PROTOCOL)) {
            // Some brokers close TLS connections without a usable alert.
            if (!m_options.tlsCaFile.empty() || !m_options.tlsCaPath.empty()) {
                if (m_localCounters.connectFailures >= 2) {
                    setFatal("mqtt: the connection to " + where +
                             " was closed during the handshake (TLS mismatch?)");
                    break;
                }
            }
        }
        ++m_localCounters.connectFailures;
        const std::string why =
            rc == MOSQ_ERR_ERRNO ? std::strerror(errno) : mosquitto_strerror(rc);
        setStatus(m_everConnected ? SourceState::Reconnecting : SourceState::Connecting,
                  std::string(wasConnected ? "disconnected" : "connection failed") +
                      ", reconnecting in " + std::to_string(backoffMs) + " ms: " + why,
                  std::string(wasConnected ? "connection to " : "cannot connect to ") + where +
                      (wasConnected ? " lost: " : ": ") + why);
        flush(sink, true);
        if (!waitMs(backoffMs))
            break;
        backoffMs = std::min(backoffMs * 2, m_options.reconnectMaxMs);
    }
    flush(sink, true);
    if (socketUp)
        mosquitto_disconnect(m_mosq);
    mosquitto_destroy(m_mosq);
    m_mosq = nullptr;
    if (!m_fatal)
        setStatus(SourceState::Stopped, "stopped");
}

} // namespace weir::source
