// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/source/source.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace weir::source {

// A seeded, deterministic generator of demo traffic on three channels:
//   0 "demo/access": web access logs, half in the seed format
//     `ip - - [22/Nov/2021:10:15:32] "GET /path HTTP/1.1" [200] 523 "referer" "agent"`
//     (statuses 200/401/404 at 90/5/5 %), half standard Apache combined lines;
//   1 "demo/sensors": freeway sensor CSV rows (with a header row first);
//   2 "demo/sensors-json": the same readings as JSON objects.
// A small share of messages is late, duplicated or malformed on purpose. Live mode stamps
// events with the wall clock at `eventsPerSecond`; simulated mode (startTime set) produces
// `maxEvents` events as fast as the engine takes them on a synthetic clock.
class DemoSource final : public Source {
public:
    struct Options {
        uint64_t seed = 42;
        double eventsPerSecond = 400;
        uint64_t maxEvents = 0;  // 0: endless
        int64_t startTimeNs = 0; // non-zero: simulated clock starting there
        double lateShare = 0.02;
        double duplicateShare = 0.01;
        double malformedShare = 0.01;
    };

    explicit DemoSource(Options options);
    ~DemoSource() override;

    std::string name() const override { return "demo"; }
    std::vector<ChannelSpec> channels() const override;
    bool isBounded() const override { return m_options.maxEvents > 0; }
    void start(IngestSink &sink) override;
    void stop() override;
    // State None (not a connection); messages generated so far, so the engine reports a rate.
    SourceMetrics metrics() const override;

    // The generator itself, usable without threads: appends the next message to `out`
    // (without newline) and returns its channel.
    class Generator {
    public:
        Generator(const Options &options);
        uint16_t next(int64_t nowNs, std::string &out);
        uint64_t produced() const { return m_count; }

    private:
        uint64_t rand();
        double uniform() { return static_cast<double>(rand() >> 11) * 0x1.0p-53; }
        size_t pick(size_t n) { return static_cast<size_t>(rand() % n); }
        void access(int64_t t, bool seedFormat, std::string &out);
        void sensorCsv(int64_t t, std::string &out);
        void sensorJson(int64_t t, std::string &out);
        void corrupt(std::string &out);

        Options m_options;
        uint64_t m_state;
        uint64_t m_count = 0;
        std::string m_last[3];
        bool m_csvHeaderSent = false;
    };

private:
    void run(IngestSink &sink);

    Options m_options;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<uint64_t> m_messages{0}; // written by the generator thread
    std::mutex m_mutex;
    std::condition_variable m_wake;
};

} // namespace weir::source
