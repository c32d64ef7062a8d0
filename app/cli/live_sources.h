// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// weir-cli wiring for live (endless) sources: Kafka, MQTT and the stop conditions.
#include "weir/engine/engine.h"
#include "weir/source/source.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace weir::cli {

extern const char kLiveUsage[];

struct LiveOptions {
    std::string kafkaBrokers;
    std::string mqttBroker; // HOST[:PORT]
    std::vector<std::string> topics;
    std::string group;
    std::string from;                         // earliest | latest | ISO time | epoch ms
    std::vector<std::string> kafkaProperties; // key=value
    std::vector<int> partitions;              // explicit assignment, no consumer group
    int qos = 0;
    std::string clientId;
    bool persistentSession = false;
    int mqttVersion = 4;
    std::string user;
    std::string passwordFile;
    std::string passwordEnv; // the name of an environment variable holding the password
    std::string tlsCa, tlsCert, tlsKey;
    std::string tlsKeyPassphraseFile; // like the password: a file or an environment variable
    std::string tlsKeyPassphraseEnv;
    bool tlsInsecure = false;
    // Recording (--record DIR): every batch of the live source, to rotating .wrec files.
    std::string recordDir;
    uint64_t recordMaxBytes = uint64_t{1} << 30;
    // Stop conditions (0: none).
    uint64_t maxEvents = 0;
    double idleExitSeconds = 0;
    double durationSeconds = 0;

    bool any() const { return !kafkaBrokers.empty() || !mqttBroker.empty(); }
};

// Consumes argv[i] (and its value through `next`) if it is a live-source option.
// `fail` reports a usage error and does not return.
bool parseLiveOption(const std::string &arg, const std::function<const char *()> &next,
                     LiveOptions &o, const std::function<void(const std::string &)> &fail);
// Checks the combination once everything is parsed; returns an error or empty.
std::string checkLiveOptions(const LiveOptions &o);

// Creates the Kafka/MQTT sources. Returns an error message (bad password file...) or empty.
std::string addLiveSources(const LiveOptions &o, const std::string &format, engine::Engine &engine,
                           std::vector<const source::Source *> &live);

// Makes SIGINT and SIGTERM end waitForStop() like a stop condition (the output is still
// written); a second signal kills the process as usual.
void stopOnInterrupt();

// Waits until the engine finishes (bounded inputs only), a stop condition is met or an interrupt
// (stopOnInterrupt) arrives; prints live sources' status changes to stderr. Returns a non-empty
// error when a live source failed.
std::string waitForStop(const LiveOptions &o, engine::Engine &engine,
                        const std::vector<const source::Source *> &live);

} // namespace weir::cli
