// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/source/source.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

struct mosquitto;
struct mosquitto_message;
typedef struct mqtt5__property mosquitto_property;

namespace weir::source {

// Subscribes to MQTT topic filters (libmosquitto) and hands the messages to the engine in
// batches: one channel per topic filter, each message carrying its topic as an attribute.
// Threads: one network thread ("weir-mqtt") runs the client loop, the callbacks and the
// batching; it only copies into the ingest queue (tryPush: a full queue drops and counts, it
// never waits for the engine). It reconnects with exponential backoff; a refused login or a
// TLS failure before the first successful connection is fatal (error(), the thread ends).
class MqttSource final : public Source {
public:
    struct Options {
        std::string host = "127.0.0.1";
        int port = 1883;
        std::string clientId; // empty: a random "weir-..." id
        // Filters, '+' and '#' allowed; a level written "{name}" matches like '+' and its
        // value becomes the field `name` (e.g. "sensors/{device}/temp").
        std::vector<std::string> topics;
        int qos = 0;                           // 0, 1 or 2
        bool cleanSession = true;              // false: persistent session (needs a client id)
        uint32_t sessionExpirySeconds = 86400; // MQTT v5 persistent sessions
        int protocolVersion = 4;               // 4: MQTT 3.1.1, 5: MQTT 5
        std::string username;
        std::string password;  // never logged nor shown in status()
        std::string tlsCaFile; // TLS is on when a CA file (or tlsCaPath) is given
        std::string tlsCaPath;
        std::string tlsCertFile; // client certificate and key (optional)
        std::string tlsKeyFile;
        std::string tlsKeyPassphrase; // decrypts tlsKeyFile; never logged nor shown
        bool tlsInsecure = false;     // skip the host name check
        int keepAliveSeconds = 30;
        std::string format = "auto";
        int reconnectMinMs = 250;
        int reconnectMaxMs = 10000;
        size_t batchBytes = size_t{256} << 10;
        int batchDelayMs = 20; // a non-empty batch is handed over at most this late
    };

    struct Counters {
        uint64_t messages = 0;
        uint64_t bytes = 0;
        uint64_t retained = 0;
        uint64_t connects = 0; // successful connections (1 + reconnects)
        uint64_t connectFailures = 0;
    };

    explicit MqttSource(Options options);
    ~MqttSource() override;

    std::string name() const override;
    std::vector<ChannelSpec> channels() const override;
    bool isBounded() const override { return false; }
    void start(IngestSink &sink) override;
    void stop() override;
    std::string error() const override;
    std::string status() const override;
    SourceMetrics metrics() const override;
    Counters counters() const;

    // Checks options without connecting; returns an error message or empty.
    static std::string validate(const Options &options);
    // Connects with these options (TLS, login, protocol version) under a random client id and
    // a clean session, and subscribes to the filters, bounded by `timeoutMs`: ok, or why not
    // (unreachable, refused login, TLS failure, refused subscription). Blocks the calling
    // thread: never call it on the GUI thread.
    static ProbeResult testConnection(const Options &options, int timeoutMs);

    struct NamedLevel {
        size_t level = 0;
        std::string name;
    };
    // The filter sent to the broker ("{name}" levels become '+'); fills `names` if given.
    static std::string subscriptionFilter(const std::string &topic, std::vector<NamedLevel> *names);

private:
    struct Pending;
    void run(IngestSink &sink);
    bool setup(std::string &error);
    void onConnect(int rc, bool v5);
    void onSubscribe(int count, const int *granted);
    void onMessage(const mosquitto_message *msg);
    void flush(IngestSink &sink, bool force);
    void setStatus(SourceState state, std::string status, std::string problem = {});
    void setFatal(std::string error);
    bool waitMs(int ms);

    static void connectCb(mosquitto *, void *self, int rc, int flags, const mosquitto_property *);
    static void subscribeCb(mosquitto *, void *self, int mid, int count, const int *granted,
                            const mosquitto_property *);
    static void messageCb(mosquitto *, void *self, const mosquitto_message *msg,
                          const mosquitto_property *);
    // OpenSSL's PEM password callback (network thread, while the TLS context is set up):
    // hands over tlsKeyPassphrase, and never lets OpenSSL prompt on a terminal.
    static int keyPassphraseCb(char *buf, int size, int rwflag, void *mosq);

    Options m_options;
    std::vector<std::string> m_filters;                 // per channel, as subscribed
    std::vector<std::vector<NamedLevel>> m_namedLevels; // per channel
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_fatal{false};

    mutable std::mutex m_mutex; // guards m_error, m_status, m_counters, the wait
    std::condition_variable m_wake;
    std::string m_error;
    std::string m_status;
    SourceState m_state = SourceState::Connecting;
    std::string m_lastProblem; // kept after recovery (SourceMetrics::lastError)
    Counters m_counters;

    // Network thread only.
    mosquitto *m_mosq = nullptr;
    std::vector<Pending> m_pending; // one per channel
    size_t m_pendingBytes = 0;
    int64_t m_pendingSinceMono = 0;
    uint64_t m_sequence = 0;
    bool m_everConnected = false;
    bool m_connected = false;
    bool m_passphraseAsked = false; // the key file asked for a passphrase
    bool m_subscribed = false;      // a SUBACK arrived (testConnection)
    Counters m_localCounters;       // published to m_counters at each flush
};

} // namespace weir::source
