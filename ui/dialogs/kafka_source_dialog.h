// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dialogs/live_source_dialog.h"
#include "weir/source/kafka_source.h"

class QComboBox;
class QLineEdit;
class QPlainTextEdit;

namespace weir::ui {

// Settings of a Kafka source: bootstrap servers, topics or ^regexes (one per line), consumer
// group (empty: a private one, so production consumers never lose partitions to Weir), where
// to start (latest, earliest, a time, explicit offsets), SASL (PLAIN, SCRAM) and TLS settings,
// raw librdkafka properties (key=value lines) and the payload format. It produces the
// KafkaSource::Options the core source takes. "Test connection" fetches the cluster metadata
// and shows the brokers and partitions, or why not (see LiveSourceDialog). GUI thread only.
class KafkaSourceDialog final : public LiveSourceDialog {
    Q_OBJECT

public:
    explicit KafkaSourceDialog(QWidget *parent = nullptr);
    ~KafkaSourceDialog() override;

    void setOptions(const source::KafkaSource::Options &options);
    // The options as edited; `error` (if given) gets what does not parse (time, offsets,
    // properties), in which case the options are incomplete.
    source::KafkaSource::Options options(QString *error = nullptr) const;
    // Empty when the settings validate, else the error shown.
    QString validate() override;

    QLineEdit *brokersEdit() const { return m_brokers; }
    QPlainTextEdit *topicsEdit() const { return m_topics; }
    QLineEdit *groupEdit() const { return m_group; }
    QComboBox *startBox() const { return m_start; }
    QLineEdit *startTimeEdit() const { return m_startTime; }
    QPlainTextEdit *offsetsEdit() const { return m_offsets; }
    QComboBox *saslBox() const { return m_sasl; }
    QLineEdit *userEdit() const { return m_user; }
    QLineEdit *passwordEdit() const { return m_password; }
    QLineEdit *caFileEdit() const { return m_caFile; }
    QPlainTextEdit *propertiesEdit() const { return m_properties; }

private:
    std::function<source::ProbeResult()> probe() const override;
    QString connectingText() const override;
    void updateEnabled();

    QLineEdit *m_brokers;
    QPlainTextEdit *m_topics;
    QLineEdit *m_group;
    QComboBox *m_start;
    QLineEdit *m_startTime;
    QPlainTextEdit *m_offsets;
    QComboBox *m_sasl;
    QLineEdit *m_user;
    QLineEdit *m_password;
    QLineEdit *m_caFile;
    QLineEdit *m_certFile;
    QLineEdit *m_keyFile;
    QPlainTextEdit *m_properties;
    QComboBox *m_format;
};

} // namespace weir::ui
