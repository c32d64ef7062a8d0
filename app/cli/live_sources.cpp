// SPDX-License-Identifier: GPL-3.0-or-later
#include "live_sources.h"

#include "common/arg_util.h"
#include "weir/common/text.h"
#include "weir/common/time_util.h"
#include "weir/source/kafka_source.h"
#include "weir/source/mqtt_source.h"
#include "weir/source/recording.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace weir::cli {

const char kLiveUsage[] =
    "Live sources (endless; combine with a stop condition):\n"
    "  --kafka BROKERS       consume Kafka topics from these bootstrap servers\n"
    "  --mqtt HOST[:PORT]    subscribe to an MQTT broker (port 1883 by default)\n"
    "  --topic T             Kafka topic ('^regex' allowed) or MQTT filter ('+', '#');\n"
    "                        repeat for several\n"
    "  --group G             Kafka consumer group (default: a private random group)\n"
    "  --from WHERE          Kafka start: earliest, latest (default), an ISO 8601 time or\n"
    "                        epoch milliseconds\n"
    "  --partition N         read Kafka partition N of each topic without a consumer group\n"
    "                        (repeatable; --from earliest or latest)\n"
    "  --kafka-property K=V  any librdkafka setting (repeatable)\n"
    "  --qos N               MQTT QoS 0, 1 or 2 (default 0)\n"
    "  --client-id ID        MQTT client id (default: random)\n"
    "  --persistent-session  MQTT persistent session (needs --client-id)\n"
    "  --mqtt-version V      3.1.1 (default) or 5\n"
    "  --user U              user name (MQTT login, Kafka SASL PLAIN)\n"
    "  --password-file F     file whose first line is the password\n"
    "  --password-env VAR    take the password from environment variable VAR (passwords are\n"
    "                        never accepted on the command line, where ps shows them)\n"
    "  --tls-ca F            enable TLS and trust this CA file\n"
    "  --tls-cert F          client certificate (with --tls-key)\n"
    "  --tls-key F           client private key\n"
    "  --tls-key-passphrase-file F  file whose first line decrypts an encrypted --tls-key\n"
    "  --tls-key-passphrase-env VAR take that passphrase from environment variable VAR\n"
    "  --tls-insecure        do not check the server host name\n"
    "  --record DIR          record the live source to DIR (rotating compressed .wrec\n"
    "                        files with the messages' metadata); replay with weir-cli DIR\n"
    "  --record-max-bytes N  bound of the recording's total size (default 1 GiB); the\n"
    "                        oldest files are deleted beyond it\n"
    "Stop conditions:\n"
    "  --max-events N        stop after N messages\n"
    "  --idle-exit SECONDS   stop after no message for that long\n"
    "  --duration SECONDS    stop after that long\n"
    "A live source that fails for good (login refused, TLS mismatch) ends weir-cli with\n"
    "exit status 3 and the reason on stderr.\n";

namespace {

bool readPassword(const std::string &path, std::string &out) {
    std::ifstream in(path);
    if (!in)
        return false;
    std::getline(in, out);
    if (!out.empty() && out.back() == '\r')
        out.pop_back();
    return true;
}

bool allDigits(const std::string &s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

} // namespace

bool parseLiveOption(const std::string &a, const std::function<const char *()> &next,
                     LiveOptions &o, const std::function<void(const std::string &)> &fail) {
    if (a == "--kafka") {
        o.kafkaBrokers = next();
    } else if (a == "--mqtt") {
        o.mqttBroker = next();
    } else if (a == "--topic") {
        o.topics.push_back(next());
    } else if (a == "--group") {
        o.group = next();
    } else if (a == "--from") {
        o.from = next();
    } else if (a == "--partition") {
        o.partitions.push_back(static_cast<int>(app::nonNegativeArg(a, next(), fail)));
    } else if (a == "--kafka-property") {
        const std::string kv = next();
        if (kv.find('=') == std::string::npos || kv.front() == '=')
            fail("--kafka-property needs KEY=VALUE");
        // Anything on the command line is visible to every user (ps, /proc/PID/cmdline).
        if (source::KafkaSource::isSecretProperty(kv.substr(0, kv.find('='))))
            fail("--kafka-property " + kv.substr(0, kv.find('=')) +
                 " would put a secret on the command line; use --password-file or "
                 "--password-env");
        o.kafkaProperties.push_back(kv);
    } else if (a == "--qos") {
        const double q = app::nonNegativeArg(a, next(), fail);
        if (q != 0 && q != 1 && q != 2)
            fail("--qos must be 0, 1 or 2");
        o.qos = static_cast<int>(q);
    } else if (a == "--client-id") {
        o.clientId = next();
    } else if (a == "--persistent-session") {
        o.persistentSession = true;
    } else if (a == "--mqtt-version") {
        const std::string v = next();
        if (v == "3.1.1" || v == "4")
            o.mqttVersion = 4;
        else if (v == "5")
            o.mqttVersion = 5;
        else
            fail("--mqtt-version must be 3.1.1 or 5");
    } else if (a == "--user") {
        o.user = next();
    } else if (a == "--password-file") {
        o.passwordFile = next();
    } else if (a == "--password-env") {
        o.passwordEnv = next();
    } else if (a == "--password") {
        fail("--password would put the password on the command line, where ps shows it; use "
             "--password-file F or --password-env VAR");
    } else if (a == "--tls-ca") {
        o.tlsCa = next();
    } else if (a == "--tls-cert") {
        o.tlsCert = next();
    } else if (a == "--tls-key") {
        o.tlsKey = next();
    } else if (a == "--tls-key-passphrase-file") {
        o.tlsKeyPassphraseFile = next();
    } else if (a == "--tls-key-passphrase-env") {
        o.tlsKeyPassphraseEnv = next();
    } else if (a == "--tls-key-passphrase") {
        fail("--tls-key-passphrase would put the passphrase on the command line, where ps shows "
             "it; use --tls-key-passphrase-file F or --tls-key-passphrase-env VAR");
    } else if (a == "--tls-insecure") {
        o.tlsInsecure = true;
    } else if (a == "--record") {
        o.recordDir = next();
    } else if (a == "--record-max-bytes") {
        o.recordMaxBytes = static_cast<uint64_t>(app::nonNegativeArg(a, next(), fail));
    } else if (a == "--max-events") {
        o.maxEvents = static_cast<uint64_t>(app::nonNegativeArg(a, next(), fail));
    } else if (a == "--idle-exit") {
        o.idleExitSeconds = app::nonNegativeArg(a, next(), fail);
    } else if (a == "--duration") {
        o.durationSeconds = app::nonNegativeArg(a, next(), fail);
    } else {
        return false;
    }
    return true;
}

std::string checkLiveOptions(const LiveOptions &o) {
    if (!o.kafkaBrokers.empty() && !o.mqttBroker.empty())
        return "give either --kafka or --mqtt, not both";
    if (o.any() && o.topics.empty())
        return "--kafka and --mqtt need at least one --topic";
    if (!o.any() && !o.topics.empty())
        return "--topic needs --kafka or --mqtt";
    if (o.persistentSession && o.clientId.empty())
        return "--persistent-session needs --client-id";
    if (!o.passwordFile.empty() && o.user.empty())
        return "--password-file needs --user";
    if (!o.passwordEnv.empty() && o.user.empty())
        return "--password-env needs --user";
    if (!o.passwordEnv.empty() && !o.passwordFile.empty())
        return "give either --password-file or --password-env, not both";
    if ((!o.tlsKeyPassphraseFile.empty() || !o.tlsKeyPassphraseEnv.empty()) && o.tlsKey.empty())
        return "a TLS key passphrase needs --tls-key";
    if (!o.tlsKeyPassphraseFile.empty() && !o.tlsKeyPassphraseEnv.empty())
        return "give either --tls-key-passphrase-file or --tls-key-passphrase-env, not both";
    if (!o.partitions.empty() && !o.from.empty() && o.from != "earliest" && o.from != "latest")
        return "--partition works with --from earliest or latest";
    if (!o.partitions.empty() && !o.group.empty())
        return "--partition reads without a consumer group: drop --group";
    if (!o.from.empty() && o.kafkaBrokers.empty())
        return "--from applies to --kafka only";
    if (!o.recordDir.empty() && !o.any())
        return "--record needs --kafka or --mqtt";
    if (!o.recordDir.empty() && o.recordMaxBytes < 65536)
        return "--record-max-bytes must be at least 65536";
    return {};
}

std::string addLiveSources(const LiveOptions &o, const std::string &format, engine::Engine &engine,
                           std::vector<const source::Source *> &live) {
    const auto addLive = [&](std::unique_ptr<source::Source> src, const char *kind) {
        if (!o.recordDir.empty()) {
            source::RecordingSource::Options r;
            r.directory = o.recordDir;
            r.maxBytes = o.recordMaxBytes;
            r.kind = kind;
            src = std::make_unique<source::RecordingSource>(std::move(src), r);
        }
        live.push_back(src.get());
        engine.addSource(std::move(src));
    };
    std::string password;
    if (!o.passwordFile.empty() && !readPassword(o.passwordFile, password))
        return "cannot read the password file " + o.passwordFile;
    if (!o.passwordEnv.empty()) {
        const char *value = std::getenv(o.passwordEnv.c_str());
        if (!value)
            return "the environment variable " + o.passwordEnv + " (--password-env) is not set";
        password = value;
    }
    std::string passphrase;
    if (!o.tlsKeyPassphraseFile.empty() && !readPassword(o.tlsKeyPassphraseFile, passphrase))
        return "cannot read the passphrase file " + o.tlsKeyPassphraseFile;
    if (!o.tlsKeyPassphraseEnv.empty()) {
        const char *value = std::getenv(o.tlsKeyPassphraseEnv.c_str());
        if (!value)
            return "the environment variable " + o.tlsKeyPassphraseEnv +
                   " (--tls-key-passphrase-env) is not set";
        passphrase = value;
    }
    if (!o.mqttBroker.empty()) {
        source::MqttSource::Options m;
        m.host = o.mqttBroker;
        const size_t colon = o.mqttBroker.rfind(':');
        if (colon != std::string::npos && o.mqttBroker.find(']') == std::string::npos) {
            m.host = o.mqttBroker.substr(0, colon);
            const std::string port = o.mqttBroker.substr(colon + 1);
            if (!allDigits(port))
                return "bad MQTT port in '" + o.mqttBroker + "'";
            m.port = std::stoi(port);
        } else if (!o.tlsCa.empty()) {
            m.port = 8883;
        }
        m.topics = o.topics;
        m.qos = o.qos;
        m.clientId = o.clientId;
        m.cleanSession = !o.persistentSession;
        m.protocolVersion = o.mqttVersion;
        m.username = o.user;
        m.password = password;
        m.tlsCaFile = o.tlsCa;
        m.tlsCertFile = o.tlsCert;
        m.tlsKeyFile = o.tlsKey;
        m.tlsKeyPassphrase = passphrase;
        m.tlsInsecure = o.tlsInsecure;
        m.format = format;
        const std::string err = source::MqttSource::validate(m);
        if (!err.empty())
            return err;
        addLive(std::make_unique<source::MqttSource>(m), "mqtt");
    }
    if (!o.kafkaBrokers.empty()) {
        source::KafkaSource::Options k;
        k.brokers = o.kafkaBrokers;
        k.topics = o.topics;
        k.groupId = o.group;
        if (o.from.empty() || o.from == "latest") {
            k.startAt = source::KafkaSource::StartAt::Latest;
        } else if (o.from == "earliest") {
            k.startAt = source::KafkaSource::StartAt::Earliest;
        } else {
            k.startAt = source::KafkaSource::StartAt::Timestamp;
            if (allDigits(o.from))
                k.startTime = TimestampNs{std::stoll(o.from) * kNsPerMs};
            else if (!parseIso8601(o.from, k.startTime))
                return "--from needs earliest, latest, an ISO 8601 time or epoch milliseconds";
        }
        if (!o.partitions.empty()) {
            const int64_t start = k.startAt == source::KafkaSource::StartAt::Earliest
                                      ? int64_t{-2}  // RD_KAFKA_OFFSET_BEGINNING
                                      : int64_t{-1}; // RD_KAFKA_OFFSET_END
            k.startAt = source::KafkaSource::StartAt::Offsets;
            for (const auto &t : o.topics)
                for (int p : o.partitions)
                    k.offsets.push_back({t, p, start});
        }
        for (const auto &kv : o.kafkaProperties) {
            const size_t eq = kv.find('=');
            k.properties.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
        }
        k.username = o.user;
        k.password = password;
        k.tlsCaFile = o.tlsCa;
        k.tlsCertFile = o.tlsCert;
        k.tlsKeyFile = o.tlsKey;
        if (!passphrase.empty())
            k.properties.emplace_back("ssl.key.password", passphrase);
        k.format = format;
        const std::string err = source::KafkaSource::validate(k);
        if (!err.empty())
            return err;
        addLive(std::make_unique<source::KafkaSource>(k), "kafka");
    }
    return {};
}

namespace {
volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void onInterrupt(int) {
    g_interrupted = 1;
}
} // namespace

void stopOnInterrupt() {
    struct sigaction sa {};
    sa.sa_handler = onInterrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND; // the second signal: the default action
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
}

std::string waitForStop(const LiveOptions &o, engine::Engine &engine,
                        const std::vector<const source::Source *> &live) {
    const int64_t start = monotonicNowNs();
    int64_t lastChange = start;
    uint64_t lastLines = 0;
    std::vector<std::string> lastStatus(live.size());
    while (true) {
        const bool finished =
            engine.waitFinished(std::chrono::milliseconds(live.empty() ? 200 : 50));
        if (finished && live.empty())
            return {};
        if (g_interrupted) {
            std::fprintf(stderr, "weir-cli: interrupted: stopping\n");
            return {};
        }
        for (size_t i = 0; i < live.size(); ++i) {
            const std::string err = live[i]->error();
            if (!err.empty())
                return err;
            const std::string st = live[i]->status();
            if (st != lastStatus[i] && !st.empty()) {
                std::fprintf(stderr, "weir-cli: %s: %s\n", live[i]->name().c_str(), st.c_str());
                std::fflush(stderr);
            }
            lastStatus[i] = st;
        }
        const int64_t now = monotonicNowNs();
        const uint64_t lines = engine.snapshot()->stats.lines;
        if (lines != lastLines) {
            lastLines = lines;
            lastChange = now;
        }
        if (o.maxEvents > 0 && lines >= o.maxEvents)
            return {};
        if (o.durationSeconds > 0 && now - start >= static_cast<int64_t>(o.durationSeconds * 1e9))
            return {};
        if (o.idleExitSeconds > 0 &&
            now - lastChange >= static_cast<int64_t>(o.idleExitSeconds * 1e9))
            return {};
        if (finished && !o.any())
            return {};
    }
}

} // namespace weir::cli
