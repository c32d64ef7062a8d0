// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/source_probe_runner.h"

#include <QThread>

namespace weir::ui {

SourceProbeRunner::SourceProbeRunner(QObject *parent)
    : QObject(parent) {}

SourceProbeRunner::~SourceProbeRunner() {
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
    }
}

bool SourceProbeRunner::start(std::function<source::ProbeResult()> probe) {
    if (m_thread)
        return false;
    m_thread = QThread::create([this, probe = std::move(probe)] { m_result = probe(); });
    m_thread->setObjectName(QStringLiteral("weir-probe"));
    // QThread::finished is emitted from the thread: queued to this object (GUI thread).
    connect(m_thread, &QThread::finished, this, [this] {
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
        Q_EMIT finished(m_result.ok, QString::fromStdString(m_result.message));
    });
    m_thread->start();
    return true;
}

} // namespace weir::ui
