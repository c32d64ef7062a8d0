// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace weir::exporter {

// A file written under a temporary name in the target's directory and renamed over the target
// by commit(), so readers see either the old file or the complete new one, never a partial
// one. Destroying it without commit() removes the temporary file. One thread at a time.
class AtomicFile {
public:
    AtomicFile() = default;
    ~AtomicFile();
    AtomicFile(const AtomicFile &) = delete;
    AtomicFile &operator=(const AtomicFile &) = delete;

    // Creates the temporary file. False with error() set on failure.
    bool open(const std::string &path);
    // Buffered; false (and error()) once a write failed.
    bool write(std::string_view data);
    // Flushes, fsyncs, closes and renames into place.
    bool commit();
    // Drops the temporary file; the target stays as it was.
    void discard();

    const std::string &error() const { return m_error; }
    const std::string &tempPath() const { return m_tempPath; }
    uint64_t bytesWritten() const { return m_written; }

private:
    bool flush();
    bool setError(const std::string &what);

    std::string m_path;
    std::string m_tempPath;
    std::string m_buffer;
    std::string m_error;
    int m_fd = -1;
    uint64_t m_written = 0;
};

} // namespace weir::exporter
