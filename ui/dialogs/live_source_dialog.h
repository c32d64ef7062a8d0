// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/source/source.h"

#include <QDialog>
#include <QString>
#include <functional>
#include <initializer_list>

class QLabel;
class QPushButton;

namespace weir::ui {

class SourceProbeRunner;

// What the Kafka and MQTT source dialogs share. "Test connection" runs the source's own
// connection test on a worker thread (bounded by kTestTimeoutMs) and shows the outcome as plain
// text under the settings; OK is refused while the settings do not validate. A subclass builds
// its settings groups and hands them to finishLayout(). GUI thread only.
class LiveSourceDialog : public QDialog {
    Q_OBJECT

public:
    static constexpr int kTestTimeoutMs = 10000;

    ~LiveSourceDialog() override;

    // Empty when the settings validate, else the error, which is also shown.
    virtual QString validate() = 0;
    // Starts a connection test; false if one is running or the settings do not validate.
    bool testConnection();
    bool isTesting() const;
    QString testResult() const;
    bool testSucceeded() const { return m_testOk; }

    QPushButton *testButton() const { return m_test; }
    QLabel *resultLabel() const { return m_result; }

    void accept() override;

Q_SIGNALS:
    void testFinished(bool ok, const QString &message);

protected:
    explicit LiveSourceDialog(QWidget *parent);

    // The connection test for the settings as edited (they validate), run on a worker thread.
    virtual std::function<source::ProbeResult()> probe() const = 0;
    // Shown while the test runs, e.g. "Connecting to host:port…".
    virtual QString connectingText() const = 0;
    // The dialog's layout: the settings groups, then the result line and the buttons.
    void finishLayout(std::initializer_list<QWidget *> groups);
    // Shows a problem with the settings in the result line.
    void showProblem(const QString &message);

private:
    QPushButton *m_test;
    QLabel *m_result;
    SourceProbeRunner *m_runner;
    bool m_testOk = false;
};

} // namespace weir::ui
