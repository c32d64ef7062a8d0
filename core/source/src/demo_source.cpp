// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/source/demo_source.h"

#include "weir/common/text.h"
#include "weir/common/time_util.h"

#include <algorithm>
#include <array>
#include <cstdarg>
#include <cstdio>
#include <pthread.h>

namespace weir::source {

namespace {

constexpr std::array<const char *, 12> kPaths = {
    "/",         "/index.html",    "/products/42",     "/cart",          "/api/v1/orders",
    "/login",    "/static/app.js", "/static/site.css", "/search?q=weir", "/products/7",
    "/checkout", "/about"};
constexpr std::array<const char *, 5> kReferers = {
    "-", "https://www.example.com/", "https://search.example.org/?q=dam,weir",
    "https://news.example.net/a,b", "http://localhost/"};
constexpr std::array<const char *, 4> kAgents = {
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
    "Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "curl/7.88.1", "Wget/1.21.3 (linux-gnu)"};
constexpr std::array<const char *, 4> kMethods = {"GET", "GET", "POST", "GET"};

struct Sensor {
    double lat, lon;
    int freeway;
    char dir;
};
constexpr std::array<Sensor, 8> kSensors = {{{32.7492, -117.1553, 163, 'S'},
                                             {32.7601, -117.1501, 163, 'N'},
                                             {32.7155, -117.1612, 5, 'N'},
                                             {32.7302, -117.1695, 5, 'S'},
                                             {32.7708, -117.0810, 8, 'E'},
                                             {32.7713, -117.0823, 8, 'W'},
                                             {32.8291, -117.1224, 15, 'N'},
                                             {32.8302, -117.1230, 15, 'S'}}};

constexpr const char *kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void appendf(std::string &out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void appendf(std::string &out, const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintfC(buf, sizeof buf, fmt, ap); // "%.4f" with a '.' in any locale
    va_end(ap);
    if (n > 0)
        out.append(buf, std::min<size_t>(static_cast<size_t>(n), sizeof buf - 1));
}

} // namespace

DemoSource::Generator::Generator(const Options &options)
    : m_options(options)
    , m_state(options.seed ^ 0x9E3779B97F4A7C15ULL) {}

uint64_t DemoSource::Generator::rand() {
    // SplitMix64: tiny, fast and identical on every platform.
    uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void DemoSource::Generator::access(int64_t t, bool seedFormat, std::string &out) {
    const CivilTime c = civilFromTimestamp(TimestampNs{t});
    const uint64_t ipn = rand();
    const double s = uniform();
    int status;
    if (seedFormat)
        status = s < 0.90 ? 200 : s < 0.95 ? 401 : 404;
    else
        status = s < 0.85 ? 200 : s < 0.90 ? 304 : s < 0.95 ? 404 : s < 0.98 ? 401 : 500;
    const char *method = kMethods[pick(kMethods.size())];
    const char *path = kPaths[pick(kPaths.size())];
    const int bytes = status == 304 ? 0 : 200 + static_cast<int>(rand() % 20000);
    appendf(out, "%u.%u.%u.%u - - [%02u/%s/%04lld:%02u:%02u:%02u%s] \"%s %s HTTP/1.1\" ",
            static_cast<unsigned>(10 + ipn % 200), static_cast<unsigned>((ipn >> 8) % 4),
            static_cast<unsigned>((ipn >> 16) % 8), static_cast<unsigned>(1 + (ipn >> 24) % 30),
            c.day, kMonths[c.month - 1], static_cast<long long>(c.year), c.hour, c.minute, c.second,
            seedFormat ? "" : " +0000", method, path);
    if (seedFormat)
        appendf(out, "[%d] %d", status, bytes);
    else
        appendf(out, "%d %d", status, bytes);
    appendf(out, " \"%s\" \"%s\"", kReferers[pick(kReferers.size())],
            kAgents[pick(kAgents.size())]);
}

void DemoSource::Generator::sensorCsv(int64_t t, std::string &out) {
    const CivilTime c = civilFromTimestamp(TimestampNs{t});
    const Sensor &s = kSensors[pick(kSensors.size())];
    const int lane = 1 + static_cast<int>(pick(4));
    const double speed = 45.0 + 30.0 * uniform() - (lane == 1 ? 5.0 : 0.0);
    appendf(out, "%04lld-%02u-%02u %02u:%02u:%02u,%.4f,%.4f,%d,%c,%d,%.1f",
            static_cast<long long>(c.year), c.month, c.day, c.hour, c.minute, c.second, s.lat,
            s.lon, s.freeway, s.dir, lane, speed);
}

void DemoSource::Generator::sensorJson(int64_t t, std::string &out) {
    const Sensor &s = kSensors[pick(kSensors.size())];
    const int lane = 1 + static_cast<int>(pick(4));
    const double speed = 45.0 + 30.0 * uniform() - (lane == 1 ? 5.0 : 0.0);
    out += "{\"TIMESTAMP\":\"";
    appendRfc3339Ms(out, TimestampNs{t});
    appendf(out,
            "\",\"LATITUDE\":%.4f,\"LONGITUDE\":%.4f,\"FREEWAY_ID\":%d,\"FREEWAY_DIR\":\"%c\","
            "\"LANE\":%d,\"SPEED\":%.1f}",
            s.lat, s.lon, s.freeway, s.dir, lane, speed);
}

void DemoSource::Generator::corrupt(std::string &out) {
    switch (pick(4)) {
    case 0:
        out.resize(out.size() / 2);
        break; // cut mid-line
    case 1:
        out = "GET /favicon.ico ???";
        break; // not the format at all
    case 2:
        out.insert(out.size() / 3, "\xC3\x28");
        break; // invalid UTF-8
    default: {
        // An impossible date.
        const size_t b = out.find('[');
        if (b != std::string::npos && b + 3 < out.size()) {
            out[b + 1] = '9';
            out[b + 2] = '9';
        } else if (out.size() > 4) {
            out.replace(0, 4, "20x8");
        }
    }
    }
}

uint16_t DemoSource::Generator::next(int64_t nowNs, std::string &out) {
    ++m_count;
    const double kind = uniform();
    const uint16_t channel = kind < 0.7 ? 0 : kind < 0.9 ? 1 : 2;
    if (channel == 1 && !m_csvHeaderSent) {
        m_csvHeaderSent = true;
        out += "TIMESTAMP,LATITUDE,LONGITUDE,FREEWAY_ID,FREEWAY_DIR,LANE,SPEED";
        return 1;
    }
    const double r = uniform();
    if (r < m_options.duplicateShare && !m_last[channel].empty()) {
        out += m_last[channel];
        return channel;
    }
    int64_t t = nowNs;
    if (r < m_options.duplicateShare + m_options.lateShare)
        t -= (30 + static_cast<int64_t>(pick(270))) * kNsPerSecond;
    const size_t start = out.size();
    if (channel == 0)
        access(t, uniform() < 0.5, out);
    else if (channel == 1)
        sensorCsv(t, out);
    else
        sensorJson(t, out);
    if (uniform() < m_options.malformedShare) {
        std::string line = out.substr(start);
        corrupt(line);
        out.resize(start);
        out += line;
    }
    m_last[channel].assign(out, start, std::string::npos);
    return channel;
}

DemoSource::DemoSource(Options options)
    : m_options(options) {
    if (m_options.eventsPerSecond <= 0)
        m_options.eventsPerSecond = 1;
}

DemoSource::~DemoSource() {
    stop();
}

std::vector<ChannelSpec> DemoSource::channels() const {
    return {{"demo/access", "combined"}, {"demo/sensors", "csv"}, {"demo/sensors-json", "json"}};
}

void DemoSource::start(IngestSink &sink) {
    m_thread = std::thread([this, &sink] {
        pthread_setname_np(pthread_self(), "weir-demo");
        run(sink);
    });
}

void DemoSource::stop() {
    m_stop = true;
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

SourceMetrics DemoSource::metrics() const {
    SourceMetrics m;
    m.messages = m_messages.load(std::memory_order_relaxed);
    return m;
}

void DemoSource::run(IngestSink &sink) {
    Generator gen(m_options);
    const bool simulated = m_options.startTimeNs != 0;
    const int64_t interval = static_cast<int64_t>(1e9 / m_options.eventsPerSecond);
    const int64_t monoStart = monotonicNowNs();
    const uint64_t limit = m_options.maxEvents;
    uint64_t produced = 0;
    while (!m_stop && !sink.stopping() && (limit == 0 || produced < limit)) {
        // How many messages are due now (live) or one batch's worth (simulated).
        uint64_t due;
        if (simulated) {
            due = 2048;
        } else {
            const auto target =
                static_cast<uint64_t>((monotonicNowNs() - monoStart) / interval) + 1;
            due = target > produced ? target - produced : 0;
        }
        if (limit)
            due = std::min(due, limit - produced);
        RawBatch batches[3];
        for (uint64_t i = 0; i < due; ++i) {
            const int64_t now =
                simulated ? m_options.startTimeNs + static_cast<int64_t>(produced) * interval
                          : wallNow().value;
            std::string line;
            const uint16_t ch = gen.next(now, line);
            RawBatch &b = batches[ch];
            if (b.data.empty())
                b.firstPosition = produced + 1;
            b.messages.push_back(MessageMeta{static_cast<uint32_t>(b.data.size()),
                                             static_cast<uint32_t>(line.size()), produced + 1, 0});
            b.data += line;
            ++produced;
        }
        for (uint16_t ch = 0; ch < 3; ++ch) {
            if (batches[ch].messages.empty())
                continue;
            batches[ch].channel = ch;
            batches[ch].ingestTime = wallNow();
            // Live data that the engine cannot take is dropped and counted, never waited for.
            if (simulated)
                sink.pushWait(std::move(batches[ch]));
            else
                sink.tryPush(std::move(batches[ch]));
        }
        m_messages.store(produced, std::memory_order_relaxed);
        if (!simulated) {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait_for(lock, std::chrono::milliseconds(20), [this] { return m_stop.load(); });
        }
    }
    if (isBounded()) {
        RawBatch end;
        end.endOfStream = true;
        sink.pushWait(std::move(end));
    }
}

} // namespace weir::source
