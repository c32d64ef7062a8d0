// SPDX-License-Identifier: GPL-3.0-or-later
// "Same answer everywhere": one generated dataset replayed from a file, published with
// mosquitto_pub and produced with kcat gives byte-identical `--emit final` window output.
#include "bus_fixtures.h"
#include "collect_sink.h"

#include <algorithm>
#include <gtest/gtest.h>

using namespace weir::testing;
using namespace std::chrono_literals;

namespace {

constexpr int kEvents = 2400;

// 10 minutes of JSON events, 4 per second, a few statuses; deterministic.
std::string dataset() {
    static const int statuses[] = {200, 200, 200, 404, 500, 200, 301, 200};
    std::string out;
    for (int i = 0; i < kEvents; ++i) {
        const int ms = 250 * i;
        char ts[64];
        std::snprintf(ts, sizeof ts, "2026-01-01T00:%02d:%02d.%03dZ", ms / 60000, (ms / 1000) % 60,
                      ms % 1000);
        out += "{\"ts\":\"" + std::string(ts) +
               "\",\"status\":" + std::to_string(statuses[(i * 7) % 8]) +
               ",\"bytes\":" + std::to_string((i * 37) % 5000) + ",\"path\":\"/p/" +
               std::to_string(i % 13) + "\"}\n";
    }
    return out;
}

std::vector<std::string> windowArgs(const std::string &out) {
    return {"--format", "json",   "--window", "fixed:60s",
            "--key",    "status", "--agg",    "count,sum(bytes),min(bytes),max(bytes),mean(bytes)",
            "--emit",   "final",  "--out",    out,
            "--stats"};
}

std::string readFile(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

TEST(SameAnswer, FileMqttAndKafkaGiveIdenticalFinalWindows) {
    TempDir dir;
    const std::string data = dir.write("events.jsonl", dataset());

    // 1. The file.
    std::vector<std::string> fileCmd{WEIR_CLI_PATH, data};
    for (const auto &a : windowArgs(dir.file("file.csv")))
        fileCmd.push_back(a);
    const CommandResult f = runCommand(fileCmd, "", 60s);
    ASSERT_EQ(f.status, 0) << f.err;
    ASSERT_EQ(statsNumber(f.out, "events"), kEvents);
    const std::string expected = readFile(dir.file("file.csv"));
    ASSERT_GT(std::count(expected.begin(), expected.end(), '\n'), 10) << expected;

    const std::vector<std::string> stop{
        "--max-events", std::to_string(kEvents), "--idle-exit", "60", "--duration", "150"};
    // 2. MQTT: mosquitto_pub, QoS 1, one topic (delivery in publish order).
    {
        MosquittoBroker broker;
        std::vector<std::string> cmd{WEIR_CLI_PATH,
                                     "--mqtt",
                                     "127.0.0.1:" + std::to_string(broker.port()),
                                     "--topic",
                                     "lab/+/events",
                                     "--qos",
                                     "1"};
        for (const auto &a : windowArgs(dir.file("mqtt.csv")))
            cmd.push_back(a);
        cmd.insert(cmd.end(), stop.begin(), stop.end());
        Process cli(cmd);
        ASSERT_TRUE(cli.waitFor("subscribed", 20s, true)) << cli.err();
        ASSERT_EQ(
            runCommand({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()),
                        "-t", "lab/dev1/events", "-q", "1", "-l"},
                       dataset(), 60s)
                .status,
            0);
        ASSERT_EQ(cli.wait(170s), 0) << cli.err();
        EXPECT_EQ(statsNumber(cli.out(), "events"), kEvents) << cli.out();
        EXPECT_EQ(readFile(dir.file("mqtt.csv")), expected);
    }
    // 3. Kafka: kcat into one partition of the mock cluster, read from the beginning.
    {
        KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"events:1"});
        ASSERT_EQ(runCommand({"kcat", "-P", "-b", mock.bootstrap(), "-t", "events", "-p", "0"},
                             dataset(), 60s)
                      .status,
                  0);
        std::vector<std::string> cmd{WEIR_CLI_PATH, "--kafka", mock.bootstrap(), "--topic",
                                     "events",      "--from",  "earliest"};
        for (const auto &a : windowArgs(dir.file("kafka.csv")))
            cmd.push_back(a);
        cmd.insert(cmd.end(), stop.begin(), stop.end());
        const CommandResult k = runCommand(cmd, "", 170s);
        ASSERT_EQ(k.status, 0) << k.err;
        EXPECT_EQ(statsNumber(k.out, "events"), kEvents) << k.out;
        EXPECT_EQ(readFile(dir.file("kafka.csv")), expected);
    }
}
