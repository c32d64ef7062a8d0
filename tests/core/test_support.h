// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Small helpers shared by the test suites: temporary directories and files, running weir-cli,
// memory probes.

#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <ftw.h>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

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

    // The names of the directory's entries (not recursive, no "." and "..").
    std::vector<std::string> entries() const {
        std::vector<std::string> out;
        DIR *d = ::opendir(m_path.c_str());
        while (d) {
            const dirent *e = ::readdir(d);
            if (!e)
                break;
            const std::string n = e->d_name;
            if (n != "." && n != "..")
                out.push_back(n);
        }
        if (d)
            ::closedir(d);
        return out;
    }

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

// The calling process in a German locale, where the decimal point is a comma, as a GUI runs
// when that is the user's locale (QApplication takes it for the C library). The locale is
// compiled with localedef into a temporary directory named by LOCPATH, so nothing is installed;
// localedef's sources come with Debian's `locales` package. ok() is false when it cannot be
// made. Puts the C locale back on destruction.
class CommaLocale {
public:
    CommaLocale() {
        const std::string cmd =
            "localedef -i de_DE -c -f UTF-8 '" + m_dir.path() + "/de_DE.UTF-8' >/dev/null 2>&1";
        if (std::system(cmd.c_str()) == -1)
            return;
        ::setenv("LOCPATH", m_dir.path().c_str(), 1);
        m_ok = std::setlocale(LC_ALL, "de_DE.UTF-8") != nullptr;
    }
    ~CommaLocale() {
        std::setlocale(LC_ALL, "C");
        ::unsetenv("LOCPATH");
    }
    CommaLocale(const CommaLocale &) = delete;
    CommaLocale &operator=(const CommaLocale &) = delete;
    bool ok() const { return m_ok; }

private:
    TempDir m_dir;
    bool m_ok = false;
};

// The whole content of a file; "" when it cannot be read.
inline std::string readFile(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// `s` as one word for /bin/sh.
inline std::string shellQuote(std::string_view s) {
    std::string q = "'";
    for (const char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// The lines of `text`, without their newlines.
inline std::vector<std::string> splitLines(const std::string &text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

// A command run to completion: its exit status (-1 when killed) and what it printed.
struct CommandRun {
    int exitCode = -1;
    std::string out, err;
};

// Runs `commandLine` with /bin/sh; stdout and stderr go through files in `dir`, stdin comes
// from `stdinPath` (or /dev/null).
inline CommandRun runShell(const TempDir &dir, const std::string &commandLine,
                           const std::string &stdinPath = {}) {
    const std::string out = dir.file(".stdout"), err = dir.file(".stderr");
    const std::string cmd = commandLine + " >" + shellQuote(out) + " 2>" + shellQuote(err) + " <" +
                            shellQuote(stdinPath.empty() ? "/dev/null" : stdinPath);
    const int status = std::system(cmd.c_str());
    CommandRun r;
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = readFile(out);
    r.err = readFile(err);
    ::unlink(out.c_str());
    ::unlink(err.c_str());
    return r;
}

#ifdef WEIR_CLI_PATH
// Runs weir-cli with `args` (each passed as one word), killed after `timeoutSeconds`.
inline CommandRun runWeirCli(const TempDir &dir, const std::vector<std::string> &args,
                             int timeoutSeconds = 120) {
    std::string cmd = "timeout " + std::to_string(timeoutSeconds) + " " + shellQuote(WEIR_CLI_PATH);
    for (const auto &a : args)
        cmd += " " + shellQuote(a);
    return runShell(dir, cmd);
}
#endif

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
