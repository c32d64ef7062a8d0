// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/alert_command_runner.h"

#include "weir/alert/command_runner.h"

#include <QMetaObject>
#include <chrono>

namespace weir::ui {

AlertCommandRunner::AlertCommandRunner(std::string command, int timeoutMs, QObject *parent)
    : QObject(parent)
    , m_command(std::move(command))
    , m_timeoutMs(timeoutMs) {
    m_pool.setMaxThreadCount(2);
    connect(this, &AlertCommandRunner::commandFinished, this,
            [this](const QByteArray &, bool ok, const QString &) { m_failed += ok ? 0 : 1; });
}

AlertCommandRunner::~AlertCommandRunner() {
    // Running commands end by their own timeout at the latest; queued ones get that long too.
    waitForDone(std::max(10000, m_timeoutMs));
    m_pool.waitForDone();
}

void AlertCommandRunner::waitForDone(int ms) {
    m_pool.waitForDone(ms);
    m_pool.clear();
}

void AlertCommandRunner::run(const QByteArrayList &alerts) {
    if (m_command.empty())
        return;
    for (const QByteArray &json : alerts) {
        if (m_pending->load() >= kMaxPending) {
            ++m_skipped;
            continue;
        }
        ++*m_pending;
        ++m_started;
        // The worker posts its outcome to this object's thread; the destructor waits for the
        // workers before this object dies, so the queued call never outlives it unhandled.
        m_pool.start([this, command = m_command, json, timeout = m_timeoutMs, pending = m_pending] {
            const alert::CommandResult r = alert::runShellCommand(
                command, json.toStdString() + "\n", std::chrono::milliseconds(timeout));
            const QString reason = QString::fromStdString(r.error);
            const bool ok = r.ok();
            QMetaObject::invokeMethod(
                this, [this, json, ok, reason] { Q_EMIT commandFinished(json, ok, reason); },
                Qt::QueuedConnection);
            --*pending;
        });
    }
}

} // namespace weir::ui
