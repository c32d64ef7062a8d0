// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Small helpers shared by the core test suites: temporary directories and files, memory probes.

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <ftw.h>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unistd.h>

namespace weir::test {

// Sanitizers add shadow memory to RSS: memory-bound checks are meaningless under them.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// A fresh directory from mkdtemp, removed with its contents on destruction.
class TempDir {
public:
    TempDir() {
        const char *base = std::getenv("TMPDIR");
        std::string tmpl = std::string(base && *base ? base : "/tmp") + "/weir-test-XXXXXX";
        if (!::mkdtemp(tmpl.data()))
            throw std::runtime_error("mkdtemp failed");
        m_path = tmpl;
    }
    ~TempDir() {
        ::nftw(
            m_path.c_str(),
            [](const char *p, const struct stat *, int, struct FTW *) { return ::remove(p); }, 16,
            FTW_DEPTH | FTW_PHYS);
    }
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;

    const std::string &path() const { return m_path; }
    std::string file(std::string_view name) const { return m_path + "/" + std::string(name); }

    // Writes `content` to a file in the directory and returns its path.
    std::string write(std::string_view name, std::string_view content) const {
        const std::string p = file(name);
        std::ofstream out(p, std::ios::binary | std::ios::trunc);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.close();
        if (!out)
            throw std::runtime_error("cannot write " + p);
        return p;
    }

private:
    std::string m_path;
};

// A field of /proc/self/status in kB ("RssAnon", "VmHWM"), or -1 when unavailable.
inline long procStatusKb(std::string_view key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.compare(0, key.size(), key) == 0 && line.size() > key.size() &&
            line[key.size()] == ':')
            return std::strtol(line.c_str() + key.size() + 1, nullptr, 10);
    }
    return -1;
}

// A valid Apache combined line; `tag` ends up in the request path.
inline std::string combinedLine(std::string_view tag, int status = 200) {
    return "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /" + std::string(tag) +
           " HTTP/1.0\" " + std::to_string(status) +
           " 2326 \"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"";
}

} // namespace weir::test
