// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/source/file_source.h"

#include "weir/common/time_util.h"
#include "weir/parse/parser.h"
#include "weir/source/mapped_region_guard.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace weir::source {

FileSource::FileSource(Options options)
    : m_options(std::move(options)) {
    m_options.blockBytes = std::max<size_t>(m_options.blockBytes, 4096);
    m_options.maxLineBytes = std::max<size_t>(m_options.maxLineBytes, 16);
}

FileSource::~FileSource() {
    stop();
}

std::vector<ChannelSpec> FileSource::channels() const {
    return {ChannelSpec{m_options.path == "-" ? "stdin" : m_options.path, m_options.format}};
}

void FileSource::setPacingParser(std::unique_ptr<parse::Parser> parser) {
    m_pacing = std::move(parser);
}

void FileSource::start(IngestSink &sink) {
    m_thread = std::thread([this, &sink] {
        pthread_setname_np(pthread_self(), "weir-file");
        run(sink);
    });
}

void FileSource::stop() {
    m_stop = true;
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

std::string FileSource::error() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_error;
}

bool FileSource::sleepUntil(int64_t monotonicNs) {
    std::unique_lock<std::mutex> lock(m_mutex);
    while (!m_stop) {
        const int64_t now = monotonicNowNs();
        if (now >= monotonicNs)
            return true;
        m_wake.wait_for(
            lock, std::chrono::nanoseconds(std::min<int64_t>(monotonicNs - now, 100 * kNsPerMs)));
    }
    return false;
}

bool FileSource::pacedEmit(IngestSink &sink, std::string_view lines) {
    size_t batchStart = 0;
    size_t pos = 0;
    const auto flush = [&](size_t end) {
        if (end <= batchStart)
            return true;
        RawBatch b;
        b.data.assign(lines.substr(batchStart, end - batchStart));
        b.ingestTime = wallNow();
        batchStart = end;
        return sink.pushWait(std::move(b));
    };
    while (pos < lines.size()) {
        size_t nl = lines.find('\n', pos);
        if (nl == std::string_view::npos)
            nl = lines.size();
        parse::EventHeader h;
        if (m_pacing &&
            m_pacing->parseHeader(lines.substr(pos, nl - pos), h).status ==
                parse::ParseStatus::Event &&
            h.hasTime) {
            if (!m_paceStarted) {
                m_paceStarted = true;
                m_paceWallStart = monotonicNowNs();
                m_paceEventStart = h.time.value;
            }
            const double offset =
                static_cast<double>(h.time.value - m_paceEventStart) / m_options.speed;
            const int64_t target = m_paceWallStart + static_cast<int64_t>(std::max(0.0, offset));
            if (target > monotonicNowNs()) {
                if (!flush(pos) || !sleepUntil(target))
                    return false;
            }
        }
        pos = nl + 1;
    }
    return flush(lines.size());
}

bool FileSource::emitLines(IngestSink &sink, std::string &block) {
    if (m_options.speed > 0)
        return pacedEmit(sink, block);
    RawBatch b;
    b.data = std::move(block);
    b.ingestTime = wallNow();
    return sink.pushWait(std::move(b));
}

namespace {

// Offset just past the first newline at or after `from`, or `size` if there is none. Reads
// with pread rather than through a mapping, so that scanning for batch boundaries does not
// map (and count as resident) pages the batch mappings map again.
size_t lineEndFrom(int fd, size_t from, size_t size) {
    char buf[16384];
    while (from < size) {
        const ssize_t n =
            ::pread(fd, buf, std::min(sizeof buf, size - from), static_cast<off_t>(from));
        if (n <= 0)
            return size;
        if (const void *nl = std::memchr(buf, '\n', static_cast<size_t>(n)))
            return from + static_cast<size_t>(static_cast<const char *>(nl) - buf) + 1;
        from += static_cast<size_t>(n);
    }
    return size;
}

} // namespace

size_t FileSource::runMapped(IngestSink &sink, int fd, size_t size) {
    // Zero-copy replay: each batch is its own read-only mapping of a run of whole lines, which
    // the store references instead of copying. MAP_POPULATE maps the pages here, on the source
    // thread, so the engine thread does not fault on them. Every mapping is registered with
    // the MappedRegionGuard, so a file truncated later reads as zeros instead of killing the
    // process with SIGBUS; a mapping that cannot be made or guarded ends the mapped part and
    // the caller reads the rest.
    const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    size_t pos = 0;
    bool ok = true;
    while (ok && pos < size && !m_stop && !sink.stopping()) {
        size_t end = std::min(pos + m_options.blockBytes, size);
        if (end < size)
            end = lineEndFrom(fd, end - 1, size); // finish the line crossing the boundary
        const size_t alignedStart = pos / page * page;
        const size_t length = end - alignedStart;
        void *region = ::mmap(nullptr, length, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd,
                              static_cast<off_t>(alignedStart));
        if (region == MAP_FAILED)
            break;
        const int slot = MappedRegionGuard::registerRegion(region, length);
        if (slot < 0) {
            ::munmap(region, length);
            break;
        }
        RawBatch b;
        b.owner = std::shared_ptr<const void>(region, [length, slot](const void *p) {
            MappedRegionGuard::unregisterRegion(slot);
            ::munmap(const_cast<void *>(p), length);
        });
        b.external =
            std::string_view(static_cast<const char *>(region) + (pos - alignedStart), end - pos);
        b.ingestTime = wallNow();
        countLines(b.external);
        ok = sink.pushWait(std::move(b));
        pos = end;
    }
    return pos;
}

namespace {

// Offset just past the last newline before `size` (0 if there is none), read backwards.
size_t lastLineEnd(int fd, size_t size) {
    char buf[16384];
    size_t end = size;
    while (end > 0) {
        const size_t from = end > sizeof buf ? end - sizeof buf : 0;
        const ssize_t n = ::pread(fd, buf, end - from, static_cast<off_t>(from));
        if (n <= 0)
            return 0;
        for (size_t i = static_cast<size_t>(n); i > 0; --i) {
            if (buf[i - 1] == '\n')
                return from + i;
        }
        end = from;
    }
    return 0;
}

uint64_t linesIn(std::string_view data) {
    if (data.empty())
        return 0;
    return static_cast<uint64_t>(std::count(data.begin(), data.end(), '\n')) +
           (data.back() != '\n' ? 1 : 0);
}

} // namespace

void FileSource::setStatus(SourceState state, std::string status) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_state = state;
    m_status = std::move(status);
}

std::string FileSource::status() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_status;
}

SourceMetrics FileSource::metrics() const {
    SourceMetrics m;
    if (!following())
        return m;
    std::lock_guard<std::mutex> lock(m_mutex);
    m.state = m_state;
    m.messages = m_follow.lines;
    m.lastError = m_error;
    return m;
}

FileSource::FollowCounters FileSource::followCounters() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_follow;
}

void FileSource::countLines(std::string_view data) {
    if (following())
        noteLines(linesIn(data));
}

void FileSource::noteLines(uint64_t n) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_follow.lines += n;
}

int FileSource::openPath() {
    bool announced = false;
    while (true) {
        const int fd = ::open(m_options.path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd >= 0)
            return fd;
        const int err = errno;
        if (!following()) {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_error = "cannot open " + m_options.path + ": " + std::strerror(err);
            return -1;
        }
        if (!announced) {
            setStatus(SourceState::Reconnecting,
                      "waiting for " + m_options.path + " (" + std::strerror(err) + ")");
            announced = true;
        }
        if (!sleepUntil(monotonicNowNs() + int64_t{m_options.followPollMs} * kNsPerMs))
            return -1;
    }
}

bool FileSource::followWait(int &fd, uint64_t &offset, std::string &pending, bool &skipping,
                            IngestSink &sink) {
    struct stat cur;
    if (::fstat(fd, &cur) == 0 && static_cast<uint64_t>(cur.st_size) < offset) {
        // Truncated in place (copytruncate): what is there now is new; read it from the start.
        ::lseek(fd, 0, SEEK_SET);
        offset = 0;
        pending.clear();
        skipping = false;
        std::lock_guard<std::mutex> lock(m_mutex);
        ++m_follow.truncations;
        m_status = "following " + m_options.path + " (truncated: read again from its start)";
        return true;
    }
    struct stat named;
    if (::stat(m_options.path.c_str(), &named) == 0 &&
        (named.st_ino != cur.st_ino || named.st_dev != cur.st_dev)) {
        // Replaced under its name (rotated). What the writer added to the old file before it
        // moved on is read first: one more read to the end, then the switch.
        if (!m_replacedSeen) {
            m_replacedSeen = true;
            return true;
        }
        m_replacedSeen = false;
        // A partial last line ends with the old file. Then the new file, from its start.
        const int next = ::open(m_options.path.c_str(), O_RDONLY | O_CLOEXEC);
        if (next >= 0) {
            if (!pending.empty() && !skipping) {
                countLines(pending);
                if (!emitLines(sink, pending))
                    return false;
            }
            pending.clear();
            skipping = false;
            ::close(fd);
            fd = next;
            offset = 0;
            std::lock_guard<std::mutex> lock(m_mutex);
            ++m_follow.rotations;
            m_state = SourceState::Connected;
            m_status = "following " + m_options.path + " (rotated: reading the new file)";
            return true;
        }
    }
    m_replacedSeen = false;
    return sleepUntil(monotonicNowNs() + int64_t{m_options.followPollMs} * kNsPerMs) &&
           !sink.stopping();
}

void FileSource::run(IngestSink &sink) {
    const bool isStdin = m_options.path == "-";
    const bool follow = following();
    int fd = isStdin ? 0 : openPath();
    if (fd < 0) {
        if (follow)
            setStatus(SourceState::Stopped, "stopped");
        RawBatch end;
        end.endOfStream = true;
        sink.pushWait(std::move(end));
        return;
    }
    if (follow)
        setStatus(SourceState::Connected, "following " + m_options.path);
#ifdef POSIX_FADV_SEQUENTIAL
    if (!isStdin)
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    uint64_t offset = 0; // bytes of the current file consumed
    struct stat st;
    if (!isStdin && m_options.zeroCopy && m_options.speed <= 0 && ::fstat(fd, &st) == 0 &&
        S_ISREG(st.st_mode) && st.st_size > 0) {
        // Following: map whole lines only; a partial last line waits for its newline below.
        const size_t size = follow ? lastLineEnd(fd, static_cast<size_t>(st.st_size))
                                   : static_cast<size_t>(st.st_size);
        const size_t mapped = runMapped(sink, fd, size);
        // The rest (if a mapping failed) is read below, from the start of a line.
        const bool seeked = ::lseek(fd, static_cast<off_t>(mapped), SEEK_SET) >= 0;
        if ((!follow && mapped >= size) || !seeked) {
            ::close(fd);
            RawBatch end;
            end.endOfStream = true;
            sink.pushWait(std::move(end));
            return;
        }
        offset = mapped;
    }
    std::string pending;   // bytes after the last newline seen
    std::string spare;     // a read buffer kept across polls when following
    bool skipping = false; // inside the rest of an over-long line
    bool ok = true;
    while (ok && !m_stop && !sink.stopping()) {
        std::string block = spare.capacity() > 0 ? std::move(spare) : sink.takeBuffer();
        spare = std::string();
        block.assign(pending);
        pending.clear();
        const size_t old = block.size();
        block.resize(old + m_options.blockBytes);
        ssize_t n;
        do {
            n = ::read(fd, block.data() + old, m_options.blockBytes);
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_error = "read error on " + m_options.path + ": " + std::strerror(errno);
            break;
        }
        block.resize(old + static_cast<size_t>(n));
        offset += static_cast<uint64_t>(n);
        if (n == 0) {
            if (follow) {
                pending.assign(block);
                spare = std::move(block);
                ok = followWait(fd, offset, pending, skipping, sink);
                continue;
            }
            // End of file: a last line without newline is still a line.
            if (!block.empty() && !skipping)
                ok = emitLines(sink, block);
            break;
        }
        if (skipping) {
            const size_t nl = block.find('\n');
            if (nl == std::string::npos)
                continue;
            block.erase(0, nl + 1);
            skipping = false;
        }
        const size_t last = block.rfind('\n');
        if (last == std::string::npos) {
            if (block.size() > m_options.maxLineBytes) {
                // Keep the head of an over-long line, flagged, and skip to its end.
                RawBatch b;
                b.data.assign(block, 0, m_options.maxLineBytes);
                b.messages.push_back(
                    MessageMeta{0, static_cast<uint32_t>(b.data.size()), 0, MessageTruncated});
                b.ingestTime = wallNow();
                skipping = true;
                if (follow)
                    noteLines(1);
                ok = sink.pushWait(std::move(b));
            } else {
                pending = std::move(block);
            }
            continue;
        }
        pending.assign(block, last + 1, std::string::npos);
        block.resize(last + 1);
        countLines(block);
        ok = emitLines(sink, block);
    }
    if (!isStdin)
        ::close(fd);
    if (follow)
        setStatus(SourceState::Stopped, "stopped");
    RawBatch end;
    end.endOfStream = true;
    sink.pushWait(std::move(end));
}

} // namespace weir::source
