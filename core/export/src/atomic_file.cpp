// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/export/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace weir::exporter {

namespace {
constexpr size_t kBufferBytes = size_t{1} << 20;
}

AtomicFile::~AtomicFile() {
    discard();
}

bool AtomicFile::setError(const std::string &what) {
    if (m_error.empty())
        m_error = what + ": " + std::strerror(errno);
    return false;
}

bool AtomicFile::open(const std::string &path) {
    discard();
    m_error.clear();
    m_path = path;
    m_written = 0;
    const size_t slash = path.find_last_of('/');
    const std::string dir = slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    std::string templ = dir + "." + name + ".tmp-XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    m_fd = ::mkstemp(buf.data());
    if (m_fd < 0)
        return setError("cannot create a temporary file next to " + path);
    m_tempPath = buf.data();
    ::fchmod(m_fd, 0644); // mkstemp creates 0600; exports are ordinary files
    m_buffer.reserve(kBufferBytes);
    return true;
}

bool AtomicFile::flush() {
    size_t off = 0;
    while (off < m_buffer.size()) {
        const ssize_t n = ::write(m_fd, m_buffer.data() + off, m_buffer.size() - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return setError("cannot write " + m_tempPath);
        }
        off += static_cast<size_t>(n);
    }
    m_written += m_buffer.size();
    m_buffer.clear();
    return true;
}

bool AtomicFile::write(std::string_view data) {
    if (m_fd < 0 || !m_error.empty())
        return false;
    m_buffer.append(data);
    if (m_buffer.size() >= kBufferBytes)
        return flush();
    return true;
}

bool AtomicFile::commit() {
    if (m_fd < 0 || !m_error.empty())
        return false;
    if (!flush())
        return false;
    if (::fsync(m_fd) != 0)
        return setError("cannot sync " + m_tempPath);
    if (::close(m_fd) != 0) {
        m_fd = -1;
        return setError("cannot close " + m_tempPath);
    }
    m_fd = -1;
    if (::rename(m_tempPath.c_str(), m_path.c_str()) != 0)
        return setError("cannot rename into " + m_path);
    m_tempPath.clear();
    return true;
}

void AtomicFile::discard() {
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    if (!m_tempPath.empty()) {
        ::unlink(m_tempPath.c_str());
        m_tempPath.clear();
    }
    m_buffer.clear();
}

} // namespace weir::exporter
