// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dialogs/live_source_dialog.h"
#include "weir/source/mqtt_source.h"

class QCheckBox;
class QComboBox;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace weir::ui {

// Settings of an MQTT source: broker host and port, client id, topic filters (one per line,
// `+`/`#` and `{name}` levels), QoS, clean or persistent session, protocol 3.1.1 or 5, login,
// TLS (CA file or directory, client certificate, key and its passphrase, skip host check),
// keep-alive and payload format. It produces the MqttSource::Options the core source takes. "Test
// connection" connects and subscribes (see LiveSourceDialog). GUI thread only.
class MqttSourceDialog final : public LiveSourceDialog {
    Q_OBJECT

public:
    explicit MqttSourceDialog(QWidget *parent = nullptr);
    ~MqttSourceDialog() override;

    void setOptions(const source::MqttSource::Options &options);
    source::MqttSource::Options options() const;
    // Empty when the settings validate (MqttSource::validate), else the error shown.
    QString validate() override;

    QLineEdit *hostEdit() const { return m_host; }
    QSpinBox *portBox() const { return m_port; }
    QPlainTextEdit *topicsEdit() const { return m_topics; }
    QComboBox *qosBox() const { return m_qos; }
    QLineEdit *userEdit() const { return m_user; }
    QLineEdit *passwordEdit() const { return m_password; }

private:
    std::function<source::ProbeResult()> probe() const override;
    QString connectingText() const override;

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
};

} // namespace weir::ui
