// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/source/source.h"

#include <QObject>
#include <QString>
#include <functional>

class QThread;

namespace weir::ui {

// Runs one blocking connection test (KafkaSource/MqttSource::testConnection) on its own
// thread and reports on the GUI thread. One test at a time. The destructor waits for a test
// still running (bounded by the test's own timeout). GUI thread only.
class SourceProbeRunner final : public QObject {
    Q_OBJECT

public:
    explicit SourceProbeRunner(QObject *parent = nullptr);
    ~SourceProbeRunner() override;

    // False (and nothing started) while a test is running.
    bool start(std::function<source::ProbeResult()> probe);
    bool isRunning() const { return m_thread != nullptr; }

Q_SIGNALS:
    void finished(bool ok, const QString &message);

private:
    QThread *m_thread = nullptr;
    source::ProbeResult m_result; // written by the thread, read after it finished
};

} // namespace weir::ui
