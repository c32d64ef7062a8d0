// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/kafka_source_dialog.h"

#include "dialogs/source_dialog_util.h"
#include "weir/common/text.h"
#include "weir/common/time_util.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <algorithm>
#include <cstdint>

namespace weir::ui {

using namespace sourcedialog;
using StartAt = source::KafkaSource::StartAt;

namespace {

QPlainTextEdit *smallText(QWidget *parent, const QString &placeholder, int rows) {
    auto *e = new QPlainTextEdit(parent);
    e->setPlaceholderText(placeholder);
    e->setTabChangesFocus(true);
    e->setFixedHeight(e->fontMetrics().lineSpacing() * rows + 12);
    return e;
}

// "topic:partition:offset", the offset a number, "earliest" or "latest".
bool parseOffset(const std::string &line, source::KafkaSource::StartOffset &out) {
    const size_t last = line.rfind(':');
    const size_t mid =
        last == std::string::npos || last == 0 ? std::string::npos : line.rfind(':', last - 1);
    if (mid == std::string::npos || mid == 0)
        return false;
    int64_t partition = 0;
    if (!parseInt64(std::string_view(line).substr(mid + 1, last - mid - 1), partition) ||
        partition < 0 || partition > INT32_MAX)
        return false;
    const std::string offset = line.substr(last + 1);
    out.topic = line.substr(0, mid);
    out.partition = static_cast<int32_t>(partition);
    if (offset == "earliest")
        out.offset = -2;
    else if (offset == "latest")
        out.offset = -1;
    else if (!parseInt64(offset, out.offset) || out.offset < 0)
        return false;
    return true;
}

} // namespace

KafkaSourceDialog::KafkaSourceDialog(QWidget *parent)
    : LiveSourceDialog(parent)
    , m_brokers(new QLineEdit(QStringLiteral("127.0.0.1:9092"), this))
    , m_topics(smallText(this, tr("one topic per line, or a regex starting with ^"), 3))
    , m_group(new QLineEdit(this))
    , m_start(new QComboBox(this))
    , m_startTime(new QLineEdit(this))
    , m_offsets(smallText(this,
                          tr("topic:partition:offset per line (offset: a number, "
                             "earliest or latest)"),
                          3))
    , m_sasl(new QComboBox(this))
    , m_user(new QLineEdit(this))
    , m_password(new QLineEdit(this))
    , m_caFile(new QLineEdit(this))
    , m_certFile(new QLineEdit(this))
    , m_keyFile(new QLineEdit(this))
    , m_properties(smallText(this, tr("librdkafka key=value per line, e.g. fetch.min.bytes=1"), 3))
    , m_format(formatBox(this)) {
    setWindowTitle(tr("Kafka Source"));
    m_brokers->setPlaceholderText(tr("host:port,host:port"));
    m_group->setPlaceholderText(tr("a private group (never steals partitions from others)"));
    m_start->addItem(tr("Latest (new messages only)"), static_cast<int>(StartAt::Latest));
    m_start->addItem(tr("Earliest"), static_cast<int>(StartAt::Earliest));
    m_start->addItem(tr("At a time"), static_cast<int>(StartAt::Timestamp));
    m_start->addItem(tr("At offsets (no group)"), static_cast<int>(StartAt::Offsets));
    m_startTime->setPlaceholderText(tr("ISO 8601, e.g. 2026-11-22T09:00:00Z"));
    m_sasl->addItem(tr("None"), QString());
    for (const char *m : {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"})
        m_sasl->addItem(QString::fromLatin1(m), QString::fromLatin1(m));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("never saved in workspaces"));

    auto *cluster = new QGroupBox(tr("Cluster"), this);
    auto *cf = new QFormLayout(cluster);
    cf->addRow(tr("Bootstrap servers:"), m_brokers);
    cf->addRow(tr("Topics:"), m_topics);
    cf->addRow(tr("Consumer group:"), m_group);
    cf->addRow(tr("Start at:"), m_start);
    cf->addRow(tr("Start time:"), m_startTime);
    cf->addRow(tr("Start offsets:"), m_offsets);
    cf->addRow(tr("Payload format:"), m_format);

    auto *security = new QGroupBox(tr("SASL and TLS"), this);
    auto *sf = new QFormLayout(security);
    sf->addRow(tr("SASL mechanism:"), m_sasl);
    sf->addRow(tr("User:"), m_user);
    sf->addRow(tr("Password:"), m_password);
    sf->addRow(tr("CA file (enables TLS):"), fileRow(m_caFile, tr("CA certificate")));
    sf->addRow(tr("Client certificate:"), fileRow(m_certFile, tr("Client certificate")));
    sf->addRow(tr("Client key:"), fileRow(m_keyFile, tr("Client key")));
    sf->addRow(tr("Properties:"), m_properties);

    connect(m_start, qOverload<int>(&QComboBox::currentIndexChanged), this,
            &KafkaSourceDialog::updateEnabled);
    connect(m_sasl, qOverload<int>(&QComboBox::currentIndexChanged), this,
            &KafkaSourceDialog::updateEnabled);
    finishLayout({cluster, security});
    updateEnabled();
}

KafkaSourceDialog::~KafkaSourceDialog() = default;

void KafkaSourceDialog::updateEnabled() {
    const auto start = static_cast<StartAt>(m_start->currentData().toInt());
    m_startTime->setEnabled(start == StartAt::Timestamp);
    m_offsets->setEnabled(start == StartAt::Offsets);
    m_topics->setEnabled(start != StartAt::Offsets);
    m_group->setEnabled(start != StartAt::Offsets);
    const bool sasl = !m_sasl->currentData().toString().isEmpty();
    m_user->setEnabled(sasl);
    m_password->setEnabled(sasl);
}

void KafkaSourceDialog::setOptions(const source::KafkaSource::Options &o) {
    m_brokers->setText(QString::fromStdString(o.brokers));
    setLines(m_topics, o.topics);
    m_group->setText(QString::fromStdString(o.groupId));
    m_start->setCurrentIndex(std::max(0, m_start->findData(static_cast<int>(o.startAt))));
    m_startTime->setText(o.startAt == StartAt::Timestamp
                             ? QString::fromStdString(formatRfc3339Ms(o.startTime))
                             : QString());
    std::vector<std::string> offsets;
    for (const auto &so : o.offsets) {
        offsets.push_back(so.topic + ":" + std::to_string(so.partition) + ":" +
                          (so.offset == -2   ? std::string("earliest")
                           : so.offset == -1 ? std::string("latest")
                                             : std::to_string(so.offset)));
    }
    setLines(m_offsets, offsets);
    const QString mechanism =
        o.username.empty() ? QString()
                           : QString::fromStdString(o.saslMechanism.empty() ? std::string("PLAIN")
                                                                            : o.saslMechanism);
    m_sasl->setCurrentIndex(std::max(0, m_sasl->findData(mechanism)));
    m_user->setText(QString::fromStdString(o.username));
    m_password->setText(QString::fromStdString(o.password));
    m_caFile->setText(QString::fromStdString(o.tlsCaFile));
    m_certFile->setText(QString::fromStdString(o.tlsCertFile));
    m_keyFile->setText(QString::fromStdString(o.tlsKeyFile));
    std::vector<std::string> props;
    for (const auto &kv : o.properties)
        props.push_back(kv.first + "=" + kv.second);
    setLines(m_properties, props);
    m_format->setCurrentText(QString::fromStdString(o.format));
    updateEnabled();
}

source::KafkaSource::Options KafkaSourceDialog::options(QString *error) const {
    source::KafkaSource::Options o;
    QString problem;
    o.brokers = text(m_brokers);
    o.startAt = static_cast<StartAt>(m_start->currentData().toInt());
    if (o.startAt != StartAt::Offsets) {
        o.topics = lines(m_topics);
        o.groupId = text(m_group);
    }
    if (o.startAt == StartAt::Timestamp && !parseIso8601(text(m_startTime), o.startTime))
        problem = tr("kafka: start time: expected an ISO 8601 time, e.g. 2026-11-22T09:00:00Z");
    if (o.startAt == StartAt::Offsets) {
        for (const std::string &line : lines(m_offsets)) {
            source::KafkaSource::StartOffset so;
            if (!parseOffset(line, so)) {
                problem = tr("kafka: start offsets: expected topic:partition:offset, not '%1'")
                              .arg(QString::fromStdString(line));
                break;
            }
            o.offsets.push_back(so);
        }
    }
    const QString mechanism = m_sasl->currentData().toString();
    if (!mechanism.isEmpty()) {
        o.saslMechanism = mechanism.toStdString();
        o.username = text(m_user);
        o.password = m_password->text().toStdString(); // as typed
        if (o.username.empty() && problem.isEmpty())
            problem = tr("kafka: SASL %1 needs a user name").arg(mechanism);
    }
    o.tlsCaFile = text(m_caFile);
    o.tlsCertFile = text(m_certFile);
    o.tlsKeyFile = text(m_keyFile);
    for (const std::string &line : lines(m_properties)) {
        const size_t eq = line.find('=');
        if (eq == std::string::npos || eq == 0) {
            if (problem.isEmpty()) {
                // Never echo a secret: only the key part is named.
                problem = tr("kafka: properties: expected key=value, not '%1'")
                              .arg(QString::fromStdString(
                                  line.substr(0, std::min<size_t>(line.size(), 40))));
            }
            continue;
        }
        std::string key = line.substr(0, eq);
        while (!key.empty() && key.back() == ' ')
            key.pop_back();
        size_t v = eq + 1;
        while (v < line.size() && line[v] == ' ')
            ++v;
        o.properties.emplace_back(key, line.substr(v));
    }
    const std::string format = m_format->currentText().trimmed().toStdString();
    o.format = format.empty() ? "auto" : format;
    if (error)
        *error = problem;
    return o;
}

QString KafkaSourceDialog::validate() {
    QString message;
    const source::KafkaSource::Options o = options(&message);
    if (message.isEmpty())
        message = QString::fromStdString(source::KafkaSource::validate(o));
    if (!message.isEmpty())
        showProblem(message);
    return message;
}

std::function<source::ProbeResult()> KafkaSourceDialog::probe() const {
    const source::KafkaSource::Options o = options();
    return [o] { return source::KafkaSource::testConnection(o, kTestTimeoutMs); };
}

QString KafkaSourceDialog::connectingText() const {
    return tr("Connecting to %1…").arg(m_brokers->text().trimmed());
}

} // namespace weir::ui
