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
        ok = sink.pushWait(std::move(b));
        pos = end;
    }
    return pos;
}

void FileSource::run(IngestSink &sink) {
    const bool isStdin = m_options.path == "-";
    const int fd = isStdin ? 0 : ::open(m_options.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_error = "cannot open " + m_options.path + ": " + std::strerror(errno);
        }
        RawBatch end;
        end.endOfStream = true;
        sink.pushWait(std::move(end));
        return;
    }
#ifdef POSIX_FADV_SEQUENTIAL
    if (!isStdin)
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    struct stat st;
    if (!isStdin && m_options.zeroCopy && m_options.speed <= 0 && ::fstat(fd, &st) == 0 &&
        S_ISREG(st.st_mode) && st.st_size > 0) {
        const size_t size = static_cast<size_t>(st.st_size);
        const size_t mapped = runMapped(sink, fd, size);
        // The rest (if a mapping failed) is read below, from the start of a line.
        if (mapped >= size || ::lseek(fd, static_cast<off_t>(mapped), SEEK_SET) < 0) {
            ::close(fd);
            RawBatch end;
            end.endOfStream = true;
            sink.pushWait(std::move(end));
            return;
        }
    }
    std::string pending;   // bytes after the last newline seen
    bool skipping = false; // inside the rest of an over-long line
    bool ok = true;
    while (ok && !m_stop && !sink.stopping()) {
        std::string block = sink.takeBuffer();
        block.append(pending);
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
        if (n == 0) {
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
                ok = sink.pushWait(std::move(b));
            } else {
                pending = std::move(block);
            }
            continue;
        }
        pending.assign(block, last + 1, std::string::npos);
        block.resize(last + 1);
        ok = emitLines(sink, block);
    }
    if (!isStdin)
        ::close(fd);
    RawBatch end;
    end.endOfStream = true;
    sink.pushWait(std::move(end));
}

} // namespace weir::source
