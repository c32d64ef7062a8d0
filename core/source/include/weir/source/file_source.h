// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/source/source.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace weir::parse {
class Parser;
}

namespace weir::source {

// Replays a file: as fast as the engine takes it, or paced by event time with a speed factor
// (a line whose event time is t is released at start + (t - t0) / speed). Lines longer than
// the line limit are cut, flagged and the rest skipped; a file truncated mid-line ends with
// its partial last line.
class FileSource final : public Source {
public:
    struct Options {
        std::string path;
        std::string format = "auto";
        double speed = 0; // 0: as fast as possible; otherwise event-time pacing factor
        size_t blockBytes = 4 << 20;
        size_t maxLineBytes = 1 << 20;
        // Map regular files and let the store reference the mapping instead of copying (much
        // faster for bulk replay: no fresh pages to clear, the page cache is shared). A file
        // truncated by someone else while mapped reads as zeros past its new end (see
        // MappedRegionGuard) instead of raising SIGBUS; lines appended after the start are not
        // read. Ignored when pacing (speed > 0) and for stdin.
        bool zeroCopy = false;
    };

    explicit FileSource(Options options);
    ~FileSource() override;

    std::string name() const override { return m_options.path; }
    std::vector<ChannelSpec> channels() const override;
    bool isBounded() const override { return true; }
    void start(IngestSink &sink) override;
    void stop() override;
    std::string error() const override;

    // The parser used to read event times for pacing (required when speed > 0).
    void setPacingParser(std::unique_ptr<parse::Parser> parser);

private:
    void run(IngestSink &sink);
    // Returns the offset up to which it delivered (a line start); the caller reads the rest.
    size_t runMapped(IngestSink &sink, int fd, size_t size);
    bool emitLines(IngestSink &sink, std::string &block);
    bool pacedEmit(IngestSink &sink, std::string_view lines);
    bool sleepUntil(int64_t monotonicNs);

    Options m_options;
    std::unique_ptr<parse::Parser> m_pacing;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::string m_error;
    // Pacing state.
    bool m_paceStarted = false;
    int64_t m_paceWallStart = 0;
    int64_t m_paceEventStart = 0;
};

} // namespace weir::source
