// SPDX-License-Identifier: GPL-3.0-or-later
// Kafka consumer groups and security against librdkafka's mock cluster:
// - rebalance: two engines consume one topic in one group; a second member joins, then the
//   first leaves mid-stream; every produced message is stored by one of them (counted
//   distinct: at-least-once may deliver a message twice around a rebalance);
// - security: the mock (librdkafka 2.0) has neither TLS listeners nor SASL handlers (no
//   SaslHandshake API), so only the failure paths can be tested against it: SASL and TLS
//   against its plaintext listener fail for good with a clear reason and exit status 3.
#include "bus_fixtures.h"
#include "collect_sink.h"
#include "weir/engine/engine.h"
#include "weir/source/kafka_source.h"

#include <gtest/gtest.h>
#include <set>

using namespace weir;
using namespace weir::testing;
using namespace std::chrono_literals;

namespace {

void produce(const std::string &bootstrap, const std::string &lines) {
    const CommandResult r = runCommand({"kcat", "-P", "-b", bootstrap, "-t", "jobs"}, lines, 60s);
    ASSERT_EQ(r.status, 0) << r.err;
}

// One group member: an engine with a Kafka source.
struct Member {
    engine::Engine engine;
    explicit Member(const std::string &bootstrap) {
        source::KafkaSource::Options o;
        o.brokers = bootstrap;
        o.topics = {"jobs"};
        o.groupId = "weir-rebalance-test";
        o.format = "json";
        o.startAt = source::KafkaSource::StartAt::Earliest;
        o.properties = {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "500"}};
        engine.addSource(std::make_unique<source::KafkaSource>(o));
        engine.start();
    }
    // The "n" of every stored event.
    void collect(std::set<int> &out, uint64_t &stored) const {
        const auto snap = engine.snapshot();
        stored = snap->stats.events;
        for (size_t i = 0; i < snap->events.size(); ++i) {
            const std::string_view raw = snap->events[i].raw();
            const size_t p = raw.find("\"n\":");
            if (p != std::string_view::npos)
                out.insert(std::atoi(std::string(raw.substr(p + 4)).c_str()));
        }
    }
    std::string status() const {
        const auto snap = engine.snapshot();
        return snap->sources.empty() ? "" : snap->sources[0].status;
    }
};

// Waits (bounded) until the members stored `count` distinct messages; returns the distinct set.
std::set<int> waitDistinct(const std::vector<const Member *> &members, size_t count,
                           std::chrono::seconds timeout) {
    std::set<int> seen;
    const auto end = Clock::now() + timeout;
    do {
        seen.clear();
        for (const Member *m : members) {
            uint64_t stored = 0;
            m->collect(seen, stored);
        }
        if (seen.size() >= count)
            break;
        std::this_thread::sleep_for(100ms);
    } while (Clock::now() < end);
    return seen;
}

} // namespace

TEST(KafkaGroup, RebalanceLosesNothing) {
    KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"jobs:4"});
    ASSERT_NO_FATAL_FAILURE(produce(mock.bootstrap(), numberedJsonLines(0, 200)));
    auto a = std::make_unique<Member>(mock.bootstrap());
    std::set<int> seen = waitDistinct({a.get()}, 200, 90s);
    ASSERT_EQ(seen.size(), 200u) << a->status();

    // A second member joins: the partitions are shared out; both keep consuming.
    auto b = std::make_unique<Member>(mock.bootstrap());
    ASSERT_NO_FATAL_FAILURE(produce(mock.bootstrap(), numberedJsonLines(200, 400)));
    seen = waitDistinct({a.get(), b.get()}, 400, 90s);
    ASSERT_EQ(seen.size(), 400u) << a->status() << " / " << b->status();

    // The first member leaves (commits what it stored) while messages keep coming: the
    // second takes over every partition.
    std::set<int> fromA;
    uint64_t storedA = 0;
    ASSERT_NO_FATAL_FAILURE(produce(mock.bootstrap(), numberedJsonLines(400, 500)));
    a->engine.stop();
    a->collect(fromA, storedA);
    ASSERT_NO_FATAL_FAILURE(produce(mock.bootstrap(), numberedJsonLines(500, 600)));
    std::set<int> fromB;
    const auto end = Clock::now() + 120s;
    while (Clock::now() < end) {
        fromB.clear();
        uint64_t storedB = 0;
        b->collect(fromB, storedB);
        std::set<int> all = fromA;
        all.insert(fromB.begin(), fromB.end());
        if (all.size() >= 600)
            break;
        std::this_thread::sleep_for(100ms);
    }
    b->engine.stop();
    std::set<int> all = fromA;
    all.insert(fromB.begin(), fromB.end());
    EXPECT_EQ(all.size(), 600u) << b->status();
    EXPECT_EQ(*all.begin(), 0);
    EXPECT_EQ(*all.rbegin(), 599);
    // The takeover happened: B stored messages produced after A left.
    EXPECT_TRUE(fromB.count(599) == 1 || fromB.count(500) == 1);
}

TEST(KafkaCli, SaslAgainstThePlaintextMockFailsClearly) {
    KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"sec:1"});
    TempDir dir;
    dir.write("pw", "s3cret-pw\n");
    const CommandResult r =
        runCommand({WEIR_CLI_PATH, "--kafka", mock.bootstrap(), "--topic", "sec", "--from",
                    "earliest", "--user", "alice", "--password-file", dir.file("pw"), "--idle-exit",
                    "60", "--duration", "90"},
                   "", 120s);
    EXPECT_EQ(r.status, 3) << r.err;
    EXPECT_NE(r.err.find("authentication failed"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("s3cret-pw"), std::string::npos) << "the password leaked: " << r.err;
}

TEST(KafkaCli, TlsAgainstThePlaintextMockFailsClearly) {
    KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"sec:1"});
    TempDir dir;
    ASSERT_EQ(std::system(("cd " + shellQuote(dir.path()) +
                           " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1"
                           " -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=weir-test-ca"
                           " >/dev/null 2>&1")
                              .c_str()),
              0);
    const CommandResult r = runCommand({WEIR_CLI_PATH, "--kafka", mock.bootstrap(), "--topic",
                                        "sec", "--from", "earliest", "--tls-ca", dir.file("ca.pem"),
                                        "--idle-exit", "60", "--duration", "90"},
                                       "", 120s);
    EXPECT_EQ(r.status, 3) << r.err;
    EXPECT_NE(r.err.find("TLS failure"), std::string::npos) << r.err;
}
