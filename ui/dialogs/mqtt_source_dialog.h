// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/source/mqtt_source.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace weir::ui {

class SourceProbeRunner;

// Settings of an MQTT source: broker host and port, client id, topic filters (one per line,
// `+`/`#` and `{name}` levels), QoS, clean or persistent session, protocol 3.1.1 or 5, login,
// TLS (CA file or directory, client certificate, key and its passphrase, skip host check),
// keep-alive and payload format. It produces the MqttSource::Options the core source takes. "Test
// connection" connects and subscribes on a worker thread (bounded by kTestTimeoutMs) and shows the
// outcome as plain text; OK is refused while the settings do not validate. GUI thread only.
class MqttSourceDialog final : public QDialog {
    Q_OBJECT

public:
    static constexpr int kTestTimeoutMs = 10000;

    explicit MqttSourceDialog(QWidget *parent = nullptr);
    ~MqttSourceDialog() override;

    void setOptions(const source::MqttSource::Options &options);
    source::MqttSource::Options options() const;
    // Empty when the settings validate (MqttSource::validate), else the error shown.
    QString validate();

    // Starts a connection test; false if one is already running.
    bool testConnection();
    bool isTesting() const;
    QString testResult() const;
    bool testSucceeded() const { return m_testOk; }

    QLineEdit *hostEdit() const { return m_host; }
    QSpinBox *portBox() const { return m_port; }
    QPlainTextEdit *topicsEdit() const { return m_topics; }
    QComboBox *qosBox() const { return m_qos; }
    QLineEdit *userEdit() const { return m_user; }
    QLineEdit *passwordEdit() const { return m_password; }
    QPushButton *testButton() const { return m_test; }
    QLabel *resultLabel() const { return m_result; }

    void accept() override;

Q_SIGNALS:
    void testFinished(bool ok, const QString &message);

private:
    QLineEdit *m_host;
    QSpinBox *m_port;
    QLineEdit *m_clientId;
    QPlainTextEdit *m_topics;
    QComboBox *m_qos;
    QCheckBox *m_persistent;
    QComboBox *m_version;
    QLineEdit *m_user;
    QLineEdit *m_password;
    QLineEdit *m_caFile;
    QLineEdit *m_caPath;
    QLineEdit *m_certFile;
    QLineEdit *m_keyFile;
    QLineEdit *m_keyPassphrase;
    QCheckBox *m_insecure;
    QSpinBox *m_keepAlive;
    QComboBox *m_format;
    QPushButton *m_test;
    QLabel *m_result;
    SourceProbeRunner *m_runner;
    bool m_testOk = false;
};

} // namespace weir::ui
