// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <atomic>
#include <memory>
#include <string>

namespace weir::ui {

// Runs the user's alert command (`sh -c COMMAND`, the alert as one JSON line on stdin) for
// each notified alert, at most two at a time on its own thread pool; a burst beyond
// kMaxPending is counted, not queued. How each run ended comes back on the GUI thread as
// commandFinished (queued from the worker), so failures (non-zero exit, command not found,
// timeout) can be shown. Lives on the GUI thread; the destructor waits for the runs (each ends
// by its timeout at the latest) before the object goes.
class AlertCommandRunner final : public QObject {
    Q_OBJECT

public:
    static constexpr int kMaxPending = 64;

    AlertCommandRunner(std::string command, int timeoutMs, QObject *parent = nullptr);
    ~AlertCommandRunner() override;

    bool enabled() const { return !m_command.empty(); }
    void run(const QByteArrayList &alerts);
    // Waits up to `ms` for the queued and running commands; then drops those not started.
    void waitForDone(int ms);

    uint64_t started() const { return m_started; }
    uint64_t skipped() const { return m_skipped; }
    uint64_t failed() const { return m_failed; }

Q_SIGNALS:
    // ok: exit status 0 in time; else `reason` says how it ended ("exit status 2", "exit
    // status 127 (command not found)", "timed out after 5000 ms", ...).
    void commandFinished(const QByteArray &alertJson, bool ok, const QString &reason);

private:
    std::string m_command;
    int m_timeoutMs;
    QThreadPool m_pool;
    std::shared_ptr<std::atomic<int>> m_pending = std::make_shared<std::atomic<int>>(0);
    uint64_t m_started = 0;
    uint64_t m_skipped = 0;
    uint64_t m_failed = 0;
};

} // namespace weir::ui
