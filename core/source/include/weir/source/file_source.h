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
//
// With `follow` it then keeps reading what is appended, like `tail -F`: it polls every
// `followPollMs`; a file truncated in place (copytruncate) is read again from its start; a
// file replaced under its name (logrotate's rename and create) is read to its end, then the
// new file from its start; a file that does not exist (yet) is waited for. A partial last
// line waits for its newline (or the rotation that ends it). Such a source is endless
// (isBounded() false) and reports its state, lines and status as a live source.
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
        bool follow = false; // not for stdin, which is read to its end anyway
        int followPollMs = 200;
    };

    explicit FileSource(Options options);
    ~FileSource() override;

    std::string name() const override { return m_options.path; }
    std::vector<ChannelSpec> channels() const override;
    bool isBounded() const override { return !following(); }
    void start(IngestSink &sink) override;
    void stop() override;
    std::string error() const override;
    // Following only: "following PATH", "waiting for PATH", "PATH was rotated" ...
    std::string status() const override;
    SourceMetrics metrics() const override;

    struct FollowCounters {
        uint64_t lines = 0;       // newline-terminated lines delivered
        uint64_t rotations = 0;   // replaced under its name: the new file read from its start
        uint64_t truncations = 0; // truncated in place: read again from its start
    };
    FollowCounters followCounters() const;

    // The parser used to read event times for pacing (required when speed > 0).
    void setPacingParser(std::unique_ptr<parse::Parser> parser);

private:
    bool following() const { return m_options.follow && m_options.path != "-"; }
    void run(IngestSink &sink);
    // Follow mode at the end of the data: handles truncation and rotation, then waits a poll
    // period. `fd` and `offset` are updated; false when stopping.
    bool followWait(int &fd, uint64_t &offset, std::string &pending, bool &skipping,
                    IngestSink &sink);
    // Opens the path, waiting for it to exist in follow mode; -1 when stopping or (not
    // following) when it cannot be opened.
    int openPath();
    void setStatus(SourceState state, std::string status);
    // Following only: counts the lines delivered (metrics().messages).
    void countLines(std::string_view data);
    void noteLines(uint64_t n);
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
    // Follow state (m_mutex).
    SourceState m_state = SourceState::None;
    std::string m_status;
    FollowCounters m_follow;
    bool m_replacedSeen = false; // source thread: the path names another file; drain first
    // Pacing state.
    bool m_paceStarted = false;
    int64_t m_paceWallStart = 0;
    int64_t m_paceEventStart = 0;
};

} // namespace weir::source
