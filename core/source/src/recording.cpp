// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/source/recording.h"

#include "weir/common/time_util.h"
#include "weir/parse/format_registry.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <dirent.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

namespace weir::source {

namespace {

constexpr char kMagic[] = "WREC1\n";
constexpr size_t kMagicSize = sizeof(kMagic) - 1;
constexpr size_t kFrameHeader = 8;
constexpr size_t kMessageBytes = 4 + 4 + 8 + 1 + 4 + 4;
constexpr uint32_t kMaxFrameBytes = uint32_t{1} << 30;

void putU8(std::string &out, uint8_t v) {
    out += static_cast<char>(v);
}
template<typename T>
void putLe(std::string &out, T v) {
    for (size_t i = 0; i < sizeof(T); ++i)
        out += static_cast<char>(static_cast<uint8_t>(static_cast<uint64_t>(v) >> (8 * i)));
}
template<typename T>
bool getLe(std::string_view in, size_t &pos, T &v) {
    if (in.size() - pos < sizeof(T) || pos > in.size())
        return false;
    uint64_t x = 0;
    for (size_t i = 0; i < sizeof(T); ++i)
        x |= uint64_t{static_cast<uint8_t>(in[pos + i])} << (8 * i);
    v = static_cast<T>(x);
    pos += sizeof(T);
    return true;
}

// The frame body (before compression): see recording.h.
void serialize(const RawBatch &b, std::string &out) {
    out.clear();
    const std::string_view data = b.bytes();
    putLe<uint16_t>(out, b.channel);
    putU8(out, b.endOfStream ? 1 : 0);
    putU8(out, 0);
    putLe<int64_t>(out, b.ingestTime.value);
    putLe<uint64_t>(out, b.firstPosition);
    putLe<uint32_t>(out, static_cast<uint32_t>(b.messages.size()));
    putLe<uint32_t>(out, static_cast<uint32_t>(data.size()));
    putLe<uint32_t>(out, static_cast<uint32_t>(b.attributes.size()));
    for (const MessageMeta &m : b.messages) {
        putLe<uint32_t>(out, m.offset);
        putLe<uint32_t>(out, m.length);
        putLe<uint64_t>(out, m.position);
        putU8(out, m.flags);
        putLe<uint32_t>(out, m.attrOffset);
        putLe<uint32_t>(out, m.attrLength);
    }
    out.append(data.data(), data.size());
    out += b.attributes;
}

bool deserialize(std::string_view in, RawBatch &b) {
    size_t pos = 0;
    uint16_t channel = 0;
    uint8_t flags = 0, reserved = 0;
    int64_t ingest = 0;
    uint64_t firstPosition = 0;
    uint32_t count = 0, dataLen = 0, attrLen = 0;
    if (!getLe(in, pos, channel) || !getLe(in, pos, flags) || !getLe(in, pos, reserved) ||
        !getLe(in, pos, ingest) || !getLe(in, pos, firstPosition) || !getLe(in, pos, count) ||
        !getLe(in, pos, dataLen) || !getLe(in, pos, attrLen))
        return false;
    if (uint64_t{count} * kMessageBytes + dataLen + attrLen != in.size() - pos)
        return false;
    b = RawBatch{};
    b.channel = channel;
    b.endOfStream = false; // the replay ends when the recording does
    b.ingestTime = TimestampNs{ingest};
    b.firstPosition = firstPosition;
    b.messages.resize(count);
    for (MessageMeta &m : b.messages) {
        getLe(in, pos, m.offset);
        getLe(in, pos, m.length);
        getLe(in, pos, m.position);
        getLe(in, pos, m.flags);
        getLe(in, pos, m.attrOffset);
        getLe(in, pos, m.attrLength);
        if (uint64_t{m.offset} + m.length > dataLen ||
            uint64_t{m.attrOffset} + m.attrLength > attrLen)
            return false;
    }
    b.data.assign(in.substr(pos, dataLen));
    b.attributes.assign(in.substr(pos + dataLen, attrLen));
    return true;
}

std::string oneLine(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    std::replace(s.begin(), s.end(), '\t', ' ');
    return s;
}

bool endsWith(const std::string &s, const char *suffix) {
    const size_t n = std::strlen(suffix);
    return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

bool isDirectory(const std::string &path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The .wrec files of a directory, sorted by name.
std::vector<std::string> recordingFiles(const std::string &dir) {
    std::vector<std::string> out;
    if (DIR *d = ::opendir(dir.c_str())) {
        while (const dirent *e = ::readdir(d)) {
            const std::string name = e->d_name;
            if (endsWith(name, ".wrec"))
                out.push_back(dir + "/" + name);
        }
        ::closedir(d);
    }
    std::sort(out.begin(), out.end());
    return out;
}

uint64_t fileSize(const std::string &path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

// Reads the header of a recording file: metadata lines up to the empty line.
bool readHeader(std::FILE *f, std::vector<std::pair<std::string, std::string>> &meta) {
    char magic[kMagicSize];
    if (std::fread(magic, 1, kMagicSize, f) != kMagicSize ||
        std::memcmp(magic, kMagic, kMagicSize) != 0)
        return false;
    std::string line;
    for (int c; (c = std::fgetc(f)) != EOF;) {
        if (c != '\n') {
            line += static_cast<char>(c);
            if (line.size() > 65536)
                return false;
            continue;
        }
        if (line.empty())
            return true;
        const size_t eq = line.find('=');
        if (eq != std::string::npos)
            meta.emplace_back(line.substr(0, eq), line.substr(eq + 1));
        line.clear();
    }
    return false;
}

} // namespace

// ---- RecordingSource ----------------------------------------------------------------------

// The sink handed to the wrapped source: records each batch the engine's queue accepts.
class RecordingSource::Tap final : public IngestSink {
public:
    Tap(RecordingSource &owner, IngestSink &next)
        : m_owner(owner)
        , m_next(next) {}
    bool pushWait(RawBatch &&batch) override {
        serialize(batch, m_frame);
        m_messages = batch.messages.size();
        const bool ok = m_next.pushWait(std::move(batch));
        if (ok)
            m_owner.writeFrame(m_frame, m_messages);
        return ok;
    }
    bool tryPush(RawBatch &&batch) override {
        serialize(batch, m_frame);
        m_messages = batch.messages.size();
        // What the queue refused (counted there) is not recorded: the recording holds exactly
        // what the live pipeline received.
        const bool ok = m_next.tryPush(std::move(batch));
        if (ok)
            m_owner.writeFrame(m_frame, m_messages);
        return ok;
    }
    bool stopping() const override { return m_next.stopping(); }
    std::string takeBuffer() override { return m_next.takeBuffer(); }

private:
    RecordingSource &m_owner;
    IngestSink &m_next;
    std::string m_frame; // source thread
    size_t m_messages = 0;
};

RecordingSource::RecordingSource(std::unique_ptr<Source> inner, Options options)
    : m_inner(std::move(inner))
    , m_options(std::move(options)) {
    if (m_options.fileBytes == 0)
        m_options.fileBytes = std::max<uint64_t>(m_options.maxBytes / 8, 64 << 10);
    m_options.compressionLevel = std::clamp(m_options.compressionLevel, 1, 9);
    m_header = kMagic;
    m_header += "kind=" + oneLine(m_options.kind) + "\n";
    m_header += "source=" + oneLine(m_inner->name()) + "\n";
    m_header += "created=" + formatRfc3339Ms(wallNow()) + "\n";
    for (const ChannelSpec &c : m_inner->channels())
        m_header += "channel=" + oneLine(c.format) + "\t" + oneLine(c.name) + "\n";
    m_header += "\n";
}

RecordingSource::~RecordingSource() {
    stop();
}

void RecordingSource::start(IngestSink &sink) {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        ::mkdir(m_options.directory.c_str(), 0755);
        if (!isDirectory(m_options.directory)) {
            m_error = "record: cannot create directory " + m_options.directory;
        } else {
            // Continue after an earlier recording in the same directory; the size budget
            // covers it too.
            for (const std::string &f : recordingFiles(m_options.directory)) {
                m_files.emplace_back(f, fileSize(f));
                const size_t slash = f.rfind('/');
                unsigned long long n = 0;
                if (std::sscanf(f.c_str() + slash + 1, "rec-%llu.wrec", &n) == 1)
                    m_nextFileNumber = std::max<uint64_t>(m_nextFileNumber, n + 1);
            }
        }
    }
    m_tap = std::make_unique<Tap>(*this, sink);
    m_inner->start(*m_tap);
}

void RecordingSource::stop() {
    m_inner->stop();
    std::lock_guard<std::mutex> lock(m_mutex);
    closeFile();
}

std::string RecordingSource::error() const {
    const std::string inner = m_inner->error();
    if (!inner.empty())
        return inner;
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_error;
}

RecordingSource::Counters RecordingSource::counters() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_counters;
}

bool RecordingSource::openFile() {
    char name[64];
    std::snprintf(name, sizeof name, "/rec-%06llu.wrec",
                  static_cast<unsigned long long>(m_nextFileNumber++));
    const std::string path = m_options.directory + name;
    m_file = std::fopen(path.c_str(), "wb");
    if (!m_file) {
        m_error = "record: cannot write " + path + ": " + std::strerror(errno);
        return false;
    }
    m_files.emplace_back(path, 0);
    m_fileSize = 0;
    if (std::fwrite(m_header.data(), 1, m_header.size(), m_file) != m_header.size())
        return false;
    m_fileSize = m_header.size();
    m_files.back().second = m_fileSize;
    m_counters.bytesWritten += m_header.size();
    return true;
}

void RecordingSource::closeFile() {
    if (m_file) {
        std::fclose(m_file);
        m_file = nullptr;
    }
}

void RecordingSource::enforceBudget() {
    // Never delete the file being written.
    uint64_t total = 0;
    for (const auto &f : m_files)
        total += f.second;
    while (m_files.size() > 1 && total > m_options.maxBytes) {
        total -= m_files.front().second;
        ::unlink(m_files.front().first.c_str());
        m_files.erase(m_files.begin());
        ++m_counters.filesDeleted;
    }
}

void RecordingSource::writeFrame(const std::string &frame, size_t messages) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (!m_error.empty())
        return;
    uLongf size = compressBound(static_cast<uLong>(frame.size()));
    m_compressed.resize(kFrameHeader + size);
    if (frame.size() > kMaxFrameBytes ||
        compress2(reinterpret_cast<Bytef *>(&m_compressed[kFrameHeader]), &size,
                  reinterpret_cast<const Bytef *>(frame.data()), static_cast<uLong>(frame.size()),
                  m_options.compressionLevel) != Z_OK) {
        ++m_counters.writeErrors;
        return;
    }
    std::string head;
    putLe<uint32_t>(head, static_cast<uint32_t>(size));
    putLe<uint32_t>(head, static_cast<uint32_t>(frame.size()));
    std::memcpy(&m_compressed[0], head.data(), kFrameHeader);
    const size_t total = kFrameHeader + size;
    if (m_file && m_fileSize + total > m_options.fileBytes && m_fileSize > m_header.size())
        closeFile();
    if (!m_file && !openFile()) {
        ++m_counters.writeErrors;
        closeFile();
        return;
    }
    if (std::fwrite(m_compressed.data(), 1, total, m_file) != total || std::fflush(m_file) != 0) {
        ++m_counters.writeErrors;
        m_error = "record: write failed: " + std::string(std::strerror(errno));
        return;
    }
    m_fileSize += total;
    m_files.back().second = m_fileSize;
    m_counters.bytesWritten += total;
    ++m_counters.frames;
    m_counters.messages += messages;
    enforceBudget();
}

// ---- ReplaySource -------------------------------------------------------------------------

bool ReplaySource::isRecording(const std::string &path) {
    if (isDirectory(path))
        return !recordingFiles(path).empty();
    return endsWith(path, ".wrec");
}

ReplaySource::ReplaySource(Options options)
    : m_options(std::move(options)) {
    m_files = isDirectory(m_options.path) ? recordingFiles(m_options.path)
                                          : std::vector<std::string>{m_options.path};
    // Channels and metadata from the first readable header.
    for (const std::string &f : m_files) {
        std::FILE *file = std::fopen(f.c_str(), "rb");
        if (!file)
            continue;
        std::vector<std::pair<std::string, std::string>> meta;
        const bool ok = readHeader(file, meta);
        std::fclose(file);
        if (!ok)
            continue;
        for (const auto &kv : meta) {
            if (kv.first == "kind") {
                m_kind = kv.second;
            } else if (kv.first == "source") {
                m_sourceName = kv.second;
            } else if (kv.first == "channel") {
                const size_t tab = kv.second.find('\t');
                ChannelSpec c;
                c.format = kv.second.substr(0, tab);
                c.name = tab == std::string::npos ? kv.second : kv.second.substr(tab + 1);
                if (!m_options.format.empty() && !parse::isAutoFormat(m_options.format))
                    c.format = m_options.format;
                m_channels.push_back(std::move(c));
            }
        }
        break;
    }
    if (m_channels.empty()) {
        m_error = "replay: " + m_options.path + " is not a readable Weir recording";
        m_channels.push_back(
            {m_options.path, m_options.format.empty() ? "auto" : m_options.format});
    }
}

ReplaySource::~ReplaySource() {
    stop();
}

std::string ReplaySource::name() const {
    return "replay:" + m_options.path + (m_sourceName.empty() ? "" : " (" + m_sourceName + ")");
}

void ReplaySource::start(IngestSink &sink) {
    m_thread = std::thread([this, &sink] {
        pthread_setname_np(pthread_self(), "weir-replay");
        run(sink);
        RawBatch end;
        end.endOfStream = true;
        sink.pushWait(std::move(end));
    });
}

void ReplaySource::stop() {
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
}

std::string ReplaySource::error() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_error;
}

void ReplaySource::setError(std::string error) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_error.empty())
        m_error = std::move(error);
}

void ReplaySource::run(IngestSink &sink) {
    if (!error().empty())
        return;
    int64_t firstIngest = 0;
    const int64_t startMono = monotonicNowNs();
    std::string compressed, raw;
    for (const std::string &path : m_files) {
        std::FILE *f = std::fopen(path.c_str(), "rb");
        std::vector<std::pair<std::string, std::string>> meta;
        if (!f || !readHeader(f, meta)) {
            if (f)
                std::fclose(f);
            setError("replay: " + path + " is not a readable Weir recording");
            continue;
        }
        while (!m_stop && !sink.stopping()) {
            unsigned char head[kFrameHeader];
            const size_t got = std::fread(head, 1, kFrameHeader, f);
            if (got == 0)
                break; // end of file
            size_t pos = 0;
            uint32_t csize = 0, rsize = 0;
            const std::string_view hv(reinterpret_cast<const char *>(head), got);
            if (got != kFrameHeader || !getLe(hv, pos, csize) || !getLe(hv, pos, rsize) ||
                csize > kMaxFrameBytes || rsize > kMaxFrameBytes) {
                setError("replay: " + path + ": truncated frame header");
                break;
            }
            compressed.resize(csize);
            raw.resize(rsize);
            uLongf rlen = rsize;
            RawBatch b;
            // A frame cut short (the recorder was killed mid-write) ends this file quietly.
            if (std::fread(&compressed[0], 1, csize, f) != csize)
                break;
            if (uncompress(reinterpret_cast<Bytef *>(&raw[0]), &rlen,
                           reinterpret_cast<const Bytef *>(compressed.data()), csize) != Z_OK ||
                rlen != rsize || !deserialize(raw, b)) {
                setError("replay: " + path + ": corrupt frame");
                break;
            }
            if (m_options.speed > 0 && b.ingestTime.value != 0) {
                if (firstIngest == 0)
                    firstIngest = b.ingestTime.value;
                const auto due =
                    startMono +
                    static_cast<int64_t>(static_cast<double>(b.ingestTime.value - firstIngest) /
                                         m_options.speed);
                // Sleep in short steps so that stop() stays prompt.
                for (int64_t now = monotonicNowNs(); now < due && !m_stop; now = monotonicNowNs())
                    std::this_thread::sleep_for(
                        std::chrono::nanoseconds(std::min<int64_t>(due - now, 50 * kNsPerMs)));
            }
            if (b.channel >= m_channels.size())
                b.channel = 0;
            if (!sink.pushWait(std::move(b)))
                break;
            ++m_frames;
        }
        std::fclose(f);
    }
}

} // namespace weir::source
