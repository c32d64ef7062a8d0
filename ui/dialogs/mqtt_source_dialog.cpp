// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/mqtt_source_dialog.h"

#include "dialogs/source_dialog_util.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <algorithm>

namespace weir::ui {

using namespace sourcedialog;

MqttSourceDialog::MqttSourceDialog(QWidget *parent)
    : LiveSourceDialog(parent)
    , m_host(new QLineEdit(QStringLiteral("127.0.0.1"), this))
    , m_port(new QSpinBox(this))
    , m_clientId(new QLineEdit(this))
    , m_topics(new QPlainTextEdit(this))
    , m_qos(new QComboBox(this))
    , m_persistent(new QCheckBox(tr("Persistent session (keep subscriptions and queued "
                                    "messages while away; needs a client id)"),
                                 this))
    , m_version(new QComboBox(this))
    , m_user(new QLineEdit(this))
    , m_password(new QLineEdit(this))
    , m_caFile(new QLineEdit(this))
    , m_caPath(new QLineEdit(this))
    , m_certFile(new QLineEdit(this))
    , m_keyFile(new QLineEdit(this))
    , m_keyPassphrase(new QLineEdit(this))
    , m_insecure(new QCheckBox(tr("Do not check the broker's host name"), this))
    , m_keepAlive(new QSpinBox(this))
    , m_format(formatBox(this)) {
    setWindowTitle(tr("MQTT Source"));
    m_port->setRange(1, 65535);
    m_port->setValue(1883);
    m_clientId->setPlaceholderText(tr("random (weir-…)"));
    m_topics->setPlaceholderText(tr("one filter per line, e.g. sensors/{device}/temp or logs/#"));
    m_topics->setTabChangesFocus(true);
    m_topics->setFixedHeight(m_topics->fontMetrics().lineSpacing() * 4 + 12);
    m_qos->addItems({tr("0: at most once"), tr("1: at least once"), tr("2: exactly once")});
    m_version->addItem(QStringLiteral("3.1.1"), 4);
    m_version->addItem(QStringLiteral("5"), 5);
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("never saved in workspaces"));
    m_keyPassphrase->setEchoMode(QLineEdit::Password);
    m_keyPassphrase->setPlaceholderText(tr("only for an encrypted key"));
    m_keepAlive->setRange(5, 3600);
    m_keepAlive->setValue(30);
    m_keepAlive->setSuffix(tr(" s"));

    auto *broker = new QGroupBox(tr("Broker"), this);
    auto *bf = new QFormLayout(broker);
    bf->addRow(tr("Host:"), m_host);
    bf->addRow(tr("Port:"), m_port);
    bf->addRow(tr("Protocol:"), m_version);
    bf->addRow(tr("Client id:"), m_clientId);
    bf->addRow(QString(), m_persistent);
    bf->addRow(tr("Keep-alive:"), m_keepAlive);

    auto *subs = new QGroupBox(tr("Subscription"), this);
    auto *sf = new QFormLayout(subs);
    sf->addRow(tr("Topic filters:"), m_topics);
    sf->addRow(tr("QoS:"), m_qos);
    sf->addRow(tr("Payload format:"), m_format);

    auto *security = new QGroupBox(tr("Login and TLS"), this);
    auto *tf = new QFormLayout(security);
    tf->addRow(tr("User:"), m_user);
    tf->addRow(tr("Password:"), m_password);
    tf->addRow(tr("CA file (enables TLS):"), fileRow(m_caFile, tr("CA certificate")));
    tf->addRow(tr("CA directory:"), fileRow(m_caPath, tr("CA directory"), true));
    tf->addRow(tr("Client certificate:"), fileRow(m_certFile, tr("Client certificate")));
    tf->addRow(tr("Client key:"), fileRow(m_keyFile, tr("Client key")));
    tf->addRow(tr("Key passphrase:"), m_keyPassphrase);
    tf->addRow(QString(), m_insecure);

    finishLayout({broker, subs, security});
}

MqttSourceDialog::~MqttSourceDialog() = default;

void MqttSourceDialog::setOptions(const source::MqttSource::Options &o) {
    m_host->setText(QString::fromStdString(o.host));
    m_port->setValue(o.port);
    m_clientId->setText(QString::fromStdString(o.clientId));
    setLines(m_topics, o.topics);
    m_qos->setCurrentIndex(std::clamp(o.qos, 0, 2));
    m_persistent->setChecked(!o.cleanSession);
    m_version->setCurrentIndex(o.protocolVersion == 5 ? 1 : 0);
    m_user->setText(QString::fromStdString(o.username));
    m_password->setText(QString::fromStdString(o.password));
    m_caFile->setText(QString::fromStdString(o.tlsCaFile));
    m_caPath->setText(QString::fromStdString(o.tlsCaPath));
    m_certFile->setText(QString::fromStdString(o.tlsCertFile));
    m_keyFile->setText(QString::fromStdString(o.tlsKeyFile));
    m_keyPassphrase->setText(QString::fromStdString(o.tlsKeyPassphrase));
    m_insecure->setChecked(o.tlsInsecure);
    m_keepAlive->setValue(o.keepAliveSeconds);
    m_format->setCurrentText(QString::fromStdString(o.format));
}

source::MqttSource::Options MqttSourceDialog::options() const {
    source::MqttSource::Options o;
    o.host = text(m_host);
    o.port = m_port->value();
    o.clientId = text(m_clientId);
    o.topics = lines(m_topics);
    o.qos = m_qos->currentIndex();
    o.cleanSession = !m_persistent->isChecked();
    o.protocolVersion = m_version->currentData().toInt();
    o.username = text(m_user);
    o.password = m_password->text().toStdString(); // as typed: spaces may be part of it
    o.tlsCaFile = text(m_caFile);
    o.tlsCaPath = text(m_caPath);
    o.tlsCertFile = text(m_certFile);
    o.tlsKeyFile = text(m_keyFile);
    o.tlsKeyPassphrase = m_keyPassphrase->text().toStdString();
    o.tlsInsecure = m_insecure->isChecked();
    o.keepAliveSeconds = m_keepAlive->value();
    const std::string format = m_format->currentText().trimmed().toStdString();
    o.format = format.empty() ? "auto" : format;
    return o;
}

QString MqttSourceDialog::validate() {
    const source::MqttSource::Options o = options();
    std::string error = source::MqttSource::validate(o);
    if (error.empty() && !o.password.empty() && o.username.empty())
        error = "mqtt: a password needs a user name";
    const QString message = QString::fromStdString(error);
    if (!message.isEmpty())
        showProblem(message);
    return message;
}

std::function<source::ProbeResult()> MqttSourceDialog::probe() const {
    const source::MqttSource::Options o = options();
    return [o] { return source::MqttSource::testConnection(o, kTestTimeoutMs); };
}

QString MqttSourceDialog::connectingText() const {
    return tr("Connecting to %1:%2…").arg(m_host->text().trimmed()).arg(m_port->value());
}

} // namespace weir::ui
