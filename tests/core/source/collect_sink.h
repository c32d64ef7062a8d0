// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// An IngestSink for source tests: keeps every batch, lets the test wait for N messages.
#include "weir/source/source.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

namespace weir::testing {

class CollectSink final : public source::IngestSink {
public:
    bool pushWait(source::RawBatch &&batch) override { return push(std::move(batch)); }
    bool tryPush(source::RawBatch &&batch) override { return push(std::move(batch)); }
    bool stopping() const override { return false; }

    // Waits (bounded) until at least `n` messages arrived; returns the count seen.
    size_t waitForMessages(size_t n, std::chrono::milliseconds timeout) {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_cv.wait_for(lock, timeout, [&] { return m_messages >= n; });
        return m_messages;
    }
    std::vector<source::RawBatch> batches() {
        std::lock_guard<std::mutex> lock(m_mutex);
        std::vector<source::RawBatch> out;
        for (const auto &b : m_batches) {
            source::RawBatch c;
            c.channel = b.channel;
            c.data = b.data;
            c.messages = b.messages;
            c.attributes = b.attributes;
            c.ackToken = b.ackToken;
            c.ingestTime = b.ingestTime;
            c.endOfStream = b.endOfStream;
            out.push_back(std::move(c));
        }
        return out;
    }

private:
    bool push(source::RawBatch &&b) {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_messages += b.messages.size();
            m_batches.push_back(std::move(b));
        }
        m_cv.notify_all();
        return true;
    }
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::vector<source::RawBatch> m_batches;
    size_t m_messages = 0;
};

// The number after "key": in weir-cli's --stats JSON, or -1.
inline long long statsNumber(const std::string &json, const std::string &key) {
    const std::string needle = "\"" + key + "\":";
    const size_t p = json.find(needle);
    if (p == std::string::npos)
        return -1;
    return std::atoll(json.c_str() + p + needle.size());
}

} // namespace weir::testing
