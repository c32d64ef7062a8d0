// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/source/source.h"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace weir::source {

// Recordings of live sources (".wrec" files). A recording is a directory of rotating files
// rec-NNNNNN.wrec; each file is self-contained: a header (magic "WREC1\n", then metadata lines
// "key=value\n" up to an empty line: kind, source name, one "channel=FORMAT\tNAME" per
// channel), then frames. A frame is one RawBatch exactly as the source handed it to the engine
// (channel, arrival time, messages with positions, flags and attributes such as Kafka
// topic/partition/offset or the MQTT topic, the bytes, control batches): [u32 compressed
// size][u32 raw size][zlib data], little endian. Replaying the frames through the same
// pipeline therefore gives the same events, event times and window results as the live run.

// Wraps a live source and records every batch it produces before handing it on. The total
// size of the recording directory stays under maxBytes: files rotate at fileBytes and the
// oldest files are deleted (counted). Threads: frames are compressed and written on the
// wrapped source's thread (inside its push to the engine); the rest is forwarded.
class RecordingSource final : public Source {
public:
    struct Options {
        std::string directory;                 // created if missing
        uint64_t maxBytes = uint64_t{1} << 30; // whole recording
        uint64_t fileBytes = 0;                // 0: maxBytes / 8, at least 64 KiB
        int compressionLevel = 1;              // zlib 1..9
        std::string kind;                      // "kafka", "mqtt", ... (metadata)
    };
    struct Counters {
        uint64_t frames = 0;
        uint64_t messages = 0;
        uint64_t bytesWritten = 0; // compressed, including headers
        uint64_t filesDeleted = 0; // rotated away to stay under maxBytes
        uint64_t writeErrors = 0;
    };

    RecordingSource(std::unique_ptr<Source> inner, Options options);
    ~RecordingSource() override;

    std::string name() const override { return m_inner->name(); }
    std::vector<ChannelSpec> channels() const override { return m_inner->channels(); }
    bool isBounded() const override { return m_inner->isBounded(); }
    void start(IngestSink &sink) override;
    void stop() override;
    std::string error() const override;
    std::string status() const override { return m_inner->status(); }
    void acknowledge(uint64_t token) override { m_inner->acknowledge(token); }

    Counters counters() const;
    Source &inner() { return *m_inner; }

private:
    class Tap;
    // Source thread: compresses and appends one serialized batch, rotating files.
    void writeFrame(const std::string &frame, size_t messages);
    bool openFile();
    void closeFile();
    void enforceBudget();

    std::unique_ptr<Source> m_inner;
    Options m_options;
    std::unique_ptr<Tap> m_tap;
    mutable std::mutex m_mutex; // guards everything below
    std::FILE *m_file = nullptr;
    uint64_t m_fileSize = 0;
    uint64_t m_nextFileNumber = 1;
    std::vector<std::pair<std::string, uint64_t>> m_files; // oldest first, with sizes
    std::string m_header;                                  // written at the top of each file
    std::string m_raw, m_compressed;                       // scratch
    Counters m_counters;
    std::string m_error;
};

// Replays a recording (a .wrec file or a directory of them, in name order) as a bounded
// source: the recorded channels, batches, positions, attributes and arrival times, paced by
// the recorded arrival times at `speed` times real time (0: as fast as possible). One thread
// ("weir-replay"); waits on the engine's queue (nothing is dropped).
class ReplaySource final : public Source {
public:
    struct Options {
        std::string path;
        double speed = 0;
        std::string format; // empty or auto: the recorded format of each channel
    };
    explicit ReplaySource(Options options);
    ~ReplaySource() override;

    // True for a .wrec file or a directory holding at least one.
    static bool isRecording(const std::string &path);

    std::string name() const override;
    std::vector<ChannelSpec> channels() const override { return m_channels; }
    bool isBounded() const override { return true; }
    void start(IngestSink &sink) override;
    void stop() override;
    std::string error() const override;
    std::string kind() const { return m_kind; }
    uint64_t framesReplayed() const { return m_frames.load(); }

private:
    void run(IngestSink &sink);
    void setError(std::string error);

    Options m_options;
    std::vector<std::string> m_files;
    std::vector<ChannelSpec> m_channels;
    std::string m_kind;
    std::string m_sourceName;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<uint64_t> m_frames{0};
    mutable std::mutex m_mutex;
    std::string m_error;
};

} // namespace weir::source
