#include "weir/source/file_source.h"

#include "weir/common/time_util.h"
#include "weir/parse/parser.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

namespace weir::source {

FileSource::FileSource(Options options)
    : m_options(std::move(options))
{
    m_options.blockBytes = std::max<size_t>(m_options.blockBytes, 4096);
    m_options.maxLineBytes = std::max<size_t>(m_options.maxLineBytes, 16);
}

FileSource::~FileSource()
{
    stop();
}

std::vector<ChannelSpec> FileSource::channels() const
{
    return {ChannelSpec{m_options.path == "-" ? "stdin" : m_options.path, m_options.format}};
}

void FileSource::setPacingParser(std::unique_ptr<parse::Parser> parser)
{
    m_pacing = std::move(parser);
}

void FileSource::start(IngestSink &sink)
{
    m_thread = std::thread([this, &sink] {
        pthread_setname_np(pthread_self(), "weir-file");
        run(sink);
    });
}

void FileSource::stop()
{
    m_stop = true;
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

std::string FileSource::error() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_error;
}

bool FileSource::sleepUntil(int64_t monotonicNs)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    while (!m_stop) {
        const int64_t now = monotonicNowNs();
        if (now >= monotonicNs)
            return true;
        m_wake.wait_for(lock, std::chrono::nanoseconds(std::min<int64_t>(monotonicNs - now,
                                                                          100 * kNsPerMs)));
    }
    return false;
}

bool FileSource::pacedEmit(IngestSink &sink, std::string_view lines, uint64_t firstLine)
{
    size_t batchStart = 0;
    uint64_t batchLine = firstLine;
    uint64_t lineNo = firstLine;
    size_t pos = 0;
    const auto flush = [&](size_t end) {
        if (end <= batchStart)
            return true;
        RawBatch b;
        b.data.assign(lines.substr(batchStart, end - batchStart));
        b.firstPosition = batchLine;
        b.ingestTime = wallNow();
        batchStart = end;
        batchLine = lineNo;
        return sink.pushWait(std::move(b));
    };
    while (pos < lines.size()) {
        size_t nl = lines.find('\n', pos);
        if (nl == std::string_view::npos)
            nl = lines.size();
        parse::EventHeader h;
        if (m_pacing && m_pacing->parseHeader(lines.substr(pos, nl - pos), h).status
                            == parse::ParseStatus::Event
            && h.hasTime) {
            if (!m_paceStarted) {
                m_paceStarted = true;
                m_paceWallStart = monotonicNowNs();
                m_paceEventStart = h.time.value;
            }
            const double offset = static_cast<double>(h.time.value - m_paceEventStart)
                                  / m_options.speed;
            const int64_t target = m_paceWallStart + static_cast<int64_t>(std::max(0.0, offset));
            if (target > monotonicNowNs()) {
                if (!flush(pos) || !sleepUntil(target))
                    return false;
            }
        }
        pos = nl + 1;
        ++lineNo;
    }
    return flush(lines.size());
}

bool FileSource::emitLines(IngestSink &sink, std::string &block, uint64_t &lineNo)
{
    const uint64_t first = lineNo;
    lineNo += static_cast<uint64_t>(std::count(block.begin(), block.end(), '\n'));
    if (m_options.speed > 0)
        return pacedEmit(sink, block, first);
    RawBatch b;
    b.data = std::move(block);
    b.firstPosition = first;
    b.ingestTime = wallNow();
    return sink.pushWait(std::move(b));
}

void FileSource::run(IngestSink &sink)
{
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
    std::string pending; // bytes after the last newline seen
    bool skipping = false; // inside the rest of an over-long line
    uint64_t lineNo = 1;
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
                ok = emitLines(sink, block, lineNo);
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
                b.messages.push_back(MessageMeta{0, static_cast<uint32_t>(b.data.size()), lineNo,
                                                 MessageTruncated});
                b.ingestTime = wallNow();
                ++lineNo;
                skipping = true;
                ok = sink.pushWait(std::move(b));
            } else {
                pending = std::move(block);
            }
            continue;
        }
        pending.assign(block, last + 1, std::string::npos);
        block.resize(last + 1);
        ok = emitLines(sink, block, lineNo);
    }
    if (!isStdin)
        ::close(fd);
    RawBatch end;
    end.endOfStream = true;
    sink.pushWait(std::move(end));
}

} // namespace weir::source
