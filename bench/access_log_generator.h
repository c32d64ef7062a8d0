// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A deterministic generator of realistic web access-log lines for benchmarks: a mix of the
// seed format (`[22/Nov/2021:10:15:32]`, bracketed status, no zone) and Apache combined lines
// with a zone. No Weir dependencies, so the same lines feed the parser benchmark and the 1 GB
// replay file.

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>

namespace weir::bench {

class AccessLogGenerator {
public:
    // seedShare: fraction of lines in the seed format, the rest combined.
    explicit AccessLogGenerator(uint64_t seed, double seedShare = 0.3)
        : m_state(seed ^ 0x2545F4914F6CDD1DULL)
        , m_seedShare(seedShare) {}

    // Appends one line (without newline) to `out`.
    void next(std::string &out) {
        // The clock advances 0..3 ms per line: ~700 lines per second of log time.
        m_ms += rand() % 4;
        const bool seedFormat = uniform() < m_seedShare;
        appendIp(out);
        out += seedFormat || (rand() % 8) ? " - - [" : " - alice [";
        appendTime(out, seedFormat);
        out += "] \"";
        out += kMethods[pick(kMethods.size())];
        out += ' ';
        appendPath(out);
        out += rand() % 5 ? " HTTP/1.1\" " : " HTTP/2.0\" ";
        const int status = pickStatus(seedFormat);
        char buf[32];
        const int n = std::snprintf(buf, sizeof buf, seedFormat ? "[%d] " : "%d ", status);
        out.append(buf, static_cast<size_t>(n));
        if (status == 304 || status == 204) {
            out += '0';
        } else {
            // Heavy-tailed body sizes: mostly small pages, some large assets.
            const uint64_t r = rand();
            const uint64_t size = (r % 100 < 80) ? 200 + r % 15000 : 15000 + r % 2000000;
            out += std::to_string(size);
        }
        out += " \"";
        out += kReferers[pick(kReferers.size())];
        out += "\" \"";
        out += kAgents[pick(kAgents.size())];
        out += '"';
    }

private:
    uint64_t rand() {
        // SplitMix64: fast and identical everywhere.
        uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(rand() >> 11) * 0x1.0p-53; }
    size_t pick(size_t n) { return static_cast<size_t>(rand() % n); }

    void appendIp(std::string &out) {
        const uint64_t r = rand();
        // A few busy clients and a long tail, like real traffic.
        const uint64_t client = (r & 0xF) < 6 ? (r >> 8) % 64 : (r >> 8) % 200000;
        char buf[24];
        const int n = std::snprintf(
            buf, sizeof buf, "%u.%u.%u.%u", static_cast<unsigned>(10 + client % 200),
            static_cast<unsigned>((client >> 3) % 256), static_cast<unsigned>((client >> 7) % 256),
            static_cast<unsigned>(1 + client % 254));
        out.append(buf, static_cast<size_t>(n));
    }

    void appendTime(std::string &out, bool seedFormat) {
        // Civil time from the synthetic clock, which starts at 2021-11-22T00:00:00Z.
        const uint64_t secs = m_ms / 1000;
        int64_t days = 18953 + static_cast<int64_t>(secs / 86400);
        const unsigned sod = static_cast<unsigned>(secs % 86400);
        // days -> y/m/d (H. Hinnant's civil_from_days).
        days += 719468;
        const int64_t era = days / 146097;
        const auto doe = static_cast<unsigned>(days - era * 146097);
        const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        const unsigned mp = (5 * doy + 2) / 153;
        const unsigned d = doy - (153 * mp + 2) / 5 + 1;
        const unsigned m = mp < 10 ? mp + 3 : mp - 9;
        const long long y = static_cast<long long>(yoe) + era * 400 + (m <= 2);
        static constexpr const char *kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        char buf[40];
        const int n =
            std::snprintf(buf, sizeof buf, "%02u/%s/%04lld:%02u:%02u:%02u%s", d, kMonths[m - 1], y,
                          sod / 3600, sod / 60 % 60, sod % 60, seedFormat ? "" : " +0000");
        out.append(buf, static_cast<size_t>(n));
    }

    void appendPath(std::string &out) {
        const uint64_t r = rand();
        switch (r % 10) {
        case 0:
            out += "/";
            break;
        case 1:
            out += "/index.html";
            break;
        case 2:
            out += "/products/" + std::to_string((r >> 8) % 5000);
            break;
        case 3:
            out += "/api/v1/orders/" + std::to_string((r >> 8) % 100000) + "/items";
            break;
        case 4:
            out += "/search?q=" + std::string(kWords[(r >> 8) % kWords.size()]) +
                   ",weir&page=" + std::to_string((r >> 16) % 20);
            break;
        case 5:
            out += "/static/js/app." + std::to_string((r >> 8) % 16) + ".js";
            break;
        case 6:
            out += "/static/css/site.css";
            break;
        case 7:
            out += "/images/" + std::string(kWords[(r >> 8) % kWords.size()]) + ".png";
            break;
        case 8:
            out += "/login";
            break;
        default:
            out += "/blog/2021/11/" + std::string(kWords[(r >> 8) % kWords.size()]);
            break;
        }
    }

    int pickStatus(bool seedFormat) {
        const double s = uniform();
        if (seedFormat) // the seed's own distribution
            return s < 0.90 ? 200 : s < 0.95 ? 401 : 404;
        return s < 0.80   ? 200
               : s < 0.88 ? 304
               : s < 0.91 ? 301
               : s < 0.95 ? 404
               : s < 0.97 ? 401
               : s < 0.99 ? 500
                          : 503;
    }

    static constexpr std::array<const char *, 6> kMethods = {"GET",  "GET", "GET",
                                                             "POST", "GET", "HEAD"};
    static constexpr std::array<const char *, 8> kWords = {"dam",    "river", "flow",  "gauge",
                                                           "sluice", "lock",  "basin", "spillway"};
    static constexpr std::array<const char *, 7> kReferers = {
        "-",
        "-",
        "https://www.example.com/",
        "https://search.example.org/?q=dam,weir",
        "https://news.example.net/a,b",
        "http://localhost:8080/admin",
        "https://t.co/xYz123"};
    static constexpr std::array<const char *, 8> kAgents = {
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
        "Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.1 Safari/605.1.15",
        "curl/7.88.1",
        "Wget/1.21.3 (linux-gnu)",
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "python-requests/2.31.0"};

    uint64_t m_state;
    double m_seedShare;
    uint64_t m_ms = 0;
};

} // namespace weir::bench
