// SPDX-License-Identifier: GPL-3.0-or-later
// Recording a live source and replaying the recording: the batches come back exactly
// (channels, positions, flags, attributes, arrival times), files rotate under a size bound,
// and a recording of a real mosquitto stream replayed through weir-cli gives the same window
// results as the live run, unpaced and paced.
#include "bus_fixtures.h"
#include "collect_sink.h"
#include "weir/source/attributes.h"
#include "weir/source/recording.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

using namespace weir;
using namespace weir::testing;
using namespace std::chrono_literals;

namespace {

// An endless source that pushes the given batches with tryPush (as MQTT does), then idles.
class ScriptedLiveSource final : public source::Source {
public:
    explicit ScriptedLiveSource(std::vector<source::RawBatch> batches)
        : m_batches(std::move(batches)) {}
    ~ScriptedLiveSource() override { stop(); }
    std::string name() const override { return "mqtt://scripted:1883"; }
    std::vector<source::ChannelSpec> channels() const override {
        return {{"mqtt://scripted:1883/a/#", "json"}, {"mqtt://scripted:1883/b/#", "logfmt"}};
    }
    bool isBounded() const override { return false; }
    void start(source::IngestSink &sink) override {
        m_thread = std::thread([this, &sink] {
            for (auto &b : m_batches)
                sink.tryPush(std::move(b));
        });
    }
    void stop() override {
        if (m_thread.joinable())
            m_thread.join();
    }

private:
    std::vector<source::RawBatch> m_batches;
    std::thread m_thread;
};

source::RawBatch makeBatch(uint16_t channel, int first, int count, size_t padding) {
    source::RawBatch b;
    b.channel = channel;
    b.ingestTime = TimestampNs{1767225600LL * kNsPerSecond + first * kNsPerMs};
    for (int i = first; i < first + count; ++i) {
        source::MessageMeta m;
        m.offset = static_cast<uint32_t>(b.data.size());
        b.data += "{\"n\":" + std::to_string(i) + ",\"pad\":\"" + std::string(padding, 'x') + "\"}";
        m.length = static_cast<uint32_t>(b.data.size()) - m.offset;
        m.position = static_cast<uint64_t>(i) + 1;
        m.flags = i % 3 == 0 ? source::MessageRetained : 0;
        m.attrOffset = static_cast<uint32_t>(b.attributes.size());
        source::appendAttribute(b.attributes, source::attr::kTopic,
                                (channel == 0 ? "a/dev" : "b/dev") + std::to_string(i % 4));
        m.attrLength = static_cast<uint32_t>(b.attributes.size()) - m.attrOffset;
        b.messages.push_back(m);
    }
    return b;
}

bool sameBatch(const source::RawBatch &a, const source::RawBatch &b) {
    if (a.channel != b.channel || a.data != b.data || a.attributes != b.attributes ||
        a.ingestTime != b.ingestTime || a.messages.size() != b.messages.size())
        return false;
    for (size_t i = 0; i < a.messages.size(); ++i) {
        const auto &x = a.messages[i];
        const auto &y = b.messages[i];
        if (x.offset != y.offset || x.length != y.length || x.position != y.position ||
            x.flags != y.flags || x.attrOffset != y.attrOffset || x.attrLength != y.attrLength)
            return false;
    }
    return true;
}

// Number and total size of the .wrec files in `dir`.
std::pair<size_t, uint64_t> recordingFiles(const std::string &dir) {
    std::pair<size_t, uint64_t> out{0, 0};
    DIR *d = ::opendir(dir.c_str());
    while (d) {
        const dirent *e = ::readdir(d);
        if (!e)
            break;
        const std::string name = e->d_name;
        struct stat st {};
        if (name.size() > 5 && name.compare(name.size() - 5, 5, ".wrec") == 0 &&
            ::stat((dir + "/" + name).c_str(), &st) == 0) {
            ++out.first;
            out.second += static_cast<uint64_t>(st.st_size);
        }
    }
    if (d)
        ::closedir(d);
    return out;
}

} // namespace

TEST(Recording, ReplayGivesBackTheRecordedBatchesExactly) {
    TempDir dir;
    std::vector<source::RawBatch> batches, expected;
    for (int i = 0; i < 6; ++i) {
        batches.push_back(makeBatch(static_cast<uint16_t>(i % 2), i * 10, 10, 20));
        expected.push_back(makeBatch(static_cast<uint16_t>(i % 2), i * 10, 10, 20));
    }
    {
        source::RecordingSource::Options ro;
        ro.directory = dir.file("rec");
        ro.kind = "mqtt";
        source::RecordingSource rec(std::make_unique<ScriptedLiveSource>(std::move(batches)), ro);
        CollectSink live;
        rec.start(live);
        ASSERT_EQ(live.waitForMessages(60, 30s), 60u);
        rec.stop();
        EXPECT_EQ(rec.counters().frames, 6u);
        EXPECT_EQ(rec.counters().messages, 60u);
        EXPECT_EQ(rec.error(), "");
    }
    EXPECT_TRUE(source::ReplaySource::isRecording(dir.file("rec")));
    EXPECT_FALSE(source::ReplaySource::isRecording(dir.path())); // no .wrec directly inside

    source::ReplaySource replay({dir.file("rec"), 0, ""});
    EXPECT_EQ(replay.kind(), "mqtt");
    ASSERT_EQ(replay.channels().size(), 2u);
    EXPECT_EQ(replay.channels()[0].name, "mqtt://scripted:1883/a/#");
    EXPECT_EQ(replay.channels()[1].format, "logfmt");
    EXPECT_TRUE(replay.isBounded());
    CollectSink sink;
    replay.start(sink);
    ASSERT_EQ(sink.waitForMessages(60, 30s), 60u);
    replay.stop();
    EXPECT_EQ(replay.error(), "");
    const auto got = sink.batches();
    // Six data batches, then the end of stream.
    ASSERT_EQ(got.size(), 7u);
    EXPECT_TRUE(got.back().endOfStream);
    for (size_t i = 0; i < expected.size(); ++i)
        EXPECT_TRUE(sameBatch(got[i], expected[i])) << "batch " << i;
    EXPECT_TRUE(got.back().messages.empty());
}

TEST(Recording, RotatesFilesAndStaysUnderTheSizeBound) {
    TempDir dir;
    std::vector<source::RawBatch> batches;
    // Poorly compressible padding: ~30 KB per batch after compression.
    for (int i = 0; i < 40; ++i) {
        source::RawBatch b = makeBatch(0, i * 100, 100, 0);
        uint64_t x = 88172645463325252ULL + static_cast<uint64_t>(i);
        std::string noise;
        for (int k = 0; k < 30000; ++k) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            noise += static_cast<char>('a' + x % 26);
        }
        b.messages.back().length += static_cast<uint32_t>(noise.size());
        b.data += noise;
        batches.push_back(std::move(b));
    }
    source::RecordingSource::Options ro;
    ro.directory = dir.file("rec");
    ro.kind = "mqtt";
    ro.maxBytes = 300000;
    ro.fileBytes = 100000;
    source::RecordingSource rec(std::make_unique<ScriptedLiveSource>(std::move(batches)), ro);
    CollectSink live;
    rec.start(live);
    ASSERT_EQ(live.waitForMessages(4000, 30s), 4000u);
    rec.stop();
    const auto c = rec.counters();
    EXPECT_EQ(c.frames, 40u);
    EXPECT_GT(c.filesDeleted, 0u);
    const auto [files, bytes] = recordingFiles(dir.file("rec"));
    EXPECT_LE(bytes, ro.maxBytes);
    EXPECT_GE(files, 2u);

    // What is left replays: the newest frames, in order, ending with the last batch.
    source::ReplaySource replay({dir.file("rec"), 0, ""});
    CollectSink sink;
    replay.start(sink);
    // Bounded: wait for the end of stream the replay pushes after the last frame.
    std::vector<source::RawBatch> got;
    for (const auto end = Clock::now() + 60s; Clock::now() < end;) {
        got = sink.batches();
        if (!got.empty() && got.back().endOfStream)
            break;
        std::this_thread::sleep_for(20ms);
    }
    replay.stop();
    EXPECT_EQ(replay.error(), "");
    ASSERT_GE(got.size(), 3u);
    EXPECT_EQ(got[got.size() - 2].messages.back().position, 4000u);
}

TEST(Recording, NotARecordingIsAnError) {
    TempDir dir;
    const std::string path = dir.write("bogus.wrec", "not a recording\n");
    source::ReplaySource replay({path, 0, ""});
    EXPECT_NE(replay.error(), "");
    CollectSink sink;
    replay.start(sink);
    replay.stop();
    EXPECT_EQ(sink.waitForMessages(1, 10ms), 0u);
}

// The product promise: a recording of a live stream replays to the same window results.
TEST(RecordingCli, MqttRecordingReplaysToTheSameWindows) {
    MosquittoBroker broker;
    TempDir dir;
    constexpr int kEvents = 600;
    std::string lines;
    for (int i = 0; i < kEvents; ++i) {
        const int ms = 250 * i;
        char ts[64];
        std::snprintf(ts, sizeof ts, "2026-01-01T00:%02d:%02d.%03dZ", ms / 60000, (ms / 1000) % 60,
                      ms % 1000);
        lines += "{\"ts\":\"" + std::string(ts) + "\",\"bytes\":" + std::to_string((i * 37) % 900) +
                 "}\n";
    }
    const std::vector<std::string> windowArgs{
        "--window", "fixed:30s", "--key", "device", "--agg", "count,sum(bytes),max(bytes)",
        "--emit",   "final"};
    std::vector<std::string> cmd{WEIR_CLI_PATH,
                                 "--mqtt",
                                 "127.0.0.1:" + std::to_string(broker.port()),
                                 "--topic",
                                 "lab/{device}/events",
                                 "--qos",
                                 "1",
                                 "--format",
                                 "json",
                                 "--record",
                                 dir.file("rec"),
                                 "--record-max-bytes",
                                 "50000000",
                                 "--out",
                                 dir.file("live.csv"),
                                 "--max-events",
                                 std::to_string(kEvents),
                                 "--idle-exit",
                                 "60",
                                 "--duration",
                                 "150"};
    cmd.insert(cmd.end(), windowArgs.begin(), windowArgs.end());
    Process cli(cmd);
    ASSERT_TRUE(cli.waitFor("subscribed", 20s, true)) << cli.err();
    // Two devices, interleaved in two publishers' runs.
    std::string a, b;
    size_t pos = 0;
    for (int i = 0; i < kEvents; ++i) {
        const size_t nl = lines.find('\n', pos);
        (i % 3 == 0 ? b : a) += lines.substr(pos, nl + 1 - pos);
        pos = nl + 1;
    }
    const std::vector<std::pair<std::string, std::string>> publishes{{"lab/dev1/events", a},
                                                                     {"lab/dev2/events", b}};
    for (const auto &[topic, body] : publishes) {
        const CommandResult r =
            runCommand({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()),
                        "-t", topic, "-q", "1", "-l"},
                       body, 60s);
        ASSERT_EQ(r.status, 0) << r.err;
    }
    ASSERT_EQ(cli.wait(150s), 0) << cli.err();
    const std::string live = weir::test::readFile(dir.file("live.csv"));
    ASSERT_NE(live.find(",dev1,"), std::string::npos) << live;
    ASSERT_NE(live.find(",dev2,"), std::string::npos) << live;

    for (const std::string speed : {"0", "20"}) {
        SCOPED_TRACE("speed " + speed);
        const std::string out = dir.file("replay-" + speed + ".csv");
        std::vector<std::string> replay{WEIR_CLI_PATH, dir.file("rec"), "--speed", speed, "--out",
                                        out,           "--stats"};
        replay.insert(replay.end(), windowArgs.begin(), windowArgs.end());
        const CommandResult r = runCommand(replay, "", 120s);
        ASSERT_EQ(r.status, 0) << r.err;
        EXPECT_EQ(statsNumber(r.out, "events"), kEvents) << r.out;
        EXPECT_EQ(weir::test::readFile(out), live);
    }
}

// Kafka: the recording keeps partitions, offsets and the assignment announcements, so the
// replay's per-partition watermarks and windows match the live run's.
TEST(RecordingCli, KafkaRecordingReplaysToTheSameWindows) {
    KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"rec:2"});
    TempDir dir;
    for (int p = 0; p < 2; ++p) {
        std::string lines;
        for (int i = 0; i < 150; ++i) {
            const int s = p == 0 ? i : i / 2; // partition 1 runs behind
            char ts[64];
            std::snprintf(ts, sizeof ts, "2026-01-01T00:%02d:%02dZ", s / 60, s % 60);
            lines += "{\"ts\":\"" + std::string(ts) + "\",\"v\":" + std::to_string(i % 7) + "}\n";
        }
        const CommandResult r =
            runCommand({"kcat", "-P", "-b", mock.bootstrap(), "-t", "rec", "-p", std::to_string(p)},
                       lines, 60s);
        ASSERT_EQ(r.status, 0) << r.err;
    }
    const std::vector<std::string> windowArgs{"--window", "fixed:20s",    "--key",  "partition",
                                              "--agg",    "count,sum(v)", "--emit", "final"};
    std::vector<std::string> live{
        WEIR_CLI_PATH,   "--kafka",  mock.bootstrap(),     "--topic",      "rec",
        "--from",        "earliest", "--format",           "json",         "--record",
        dir.file("rec"), "--out",    dir.file("live.csv"), "--max-events", "300",
        "--idle-exit",   "60",       "--duration",         "150"};
    live.insert(live.end(), windowArgs.begin(), windowArgs.end());
    const CommandResult l = runCommand(live, "", 180s);
    ASSERT_EQ(l.status, 0) << l.err;
    const std::string expected = weir::test::readFile(dir.file("live.csv"));
    ASSERT_NE(expected.find(",1,"), std::string::npos) << expected;

    std::vector<std::string> replay{WEIR_CLI_PATH, dir.file("rec"), "--out", dir.file("replay.csv"),
                                    "--stats"};
    replay.insert(replay.end(), windowArgs.begin(), windowArgs.end());
    const CommandResult r = runCommand(replay, "", 120s);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(statsNumber(r.out, "events"), 300) << r.out;
    EXPECT_EQ(weir::test::readFile(dir.file("replay.csv")), expected);
}
