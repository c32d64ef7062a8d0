// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace weir::ui {

// A Kafka partition's explicit start offset ("from": "offsets"); -2: beginning, -1: end.
struct WorkspaceOffset {
    QString topic;
    int partition = 0;
    qint64 offset = 0;
};

// One input of a workspace. Secrets are never part of it: `passwordKey` and
// `tlsKeyPassphraseKey` are references into the SecretStore ({"keychain": KEY} in the file).
struct WorkspaceSource {
    enum class Type { File, Mqtt, Kafka };
    Type type = Type::File;
    QString id;
    QString format = QStringLiteral("auto");
    QString path;        // file
    bool follow = false; // file: keep reading what is appended (tail -F)
    // MQTT: host, port; Kafka: brokers, group, from. Both: topics, user, TLS files.
    QString host;
    int port = 0; // 0: 1883, or 8883 with TLS
    int qos = 0;
    QString clientId;         // MQTT: empty for a random one
    bool cleanSession = true; // MQTT: false for a persistent session
    int mqttVersion = 0;      // MQTT: 0 or 4 for 3.1.1, 5 for MQTT 5
    int keepAliveSeconds = 0; // MQTT: 0 for the default
    QString brokers;
    QString group;                  // Kafka: empty for a new private group (see DesktopSession)
    QString from;                   // earliest, latest (default), an ISO 8601 time, or "offsets"
    QList<WorkspaceOffset> offsets; // from == "offsets"
    QString saslMechanism;          // Kafka: PLAIN (default), SCRAM-SHA-256, SCRAM-SHA-512
    // Kafka: raw librdkafka settings, in order; never a secret (names holding "password" or
    // "secret" are refused when read, see isSecretProperty()).
    QList<QPair<QString, QString>> properties;
    QStringList topics;
    QString user;
    QString passwordKey; // empty: no password
    QString tlsCa;
    QString tlsCaPath; // MQTT: a directory of CA certificates
    QString tlsCert;
    QString tlsKey;
    QString tlsKeyPassphraseKey; // empty: the key is not encrypted
    bool tlsInsecure = false;
    QJsonObject extra; // keys this version does not read, written back unchanged

    bool needsPassword() const { return !user.isEmpty() && !passwordKey.isEmpty(); }
    // "host:port" for MQTT, the broker list for Kafka, the path for files.
    QString endpoint() const;
    // The default keychain reference: weir/<type>/<endpoint>/<user>[/<what>].
    QString defaultSecretKey(const QString &what = QString()) const;
};

// Whether a raw librdkafka property holds a secret (sasl.password, ssl.key.password,
// *.client.secret, ...): such a property never goes into a workspace.
bool isSecretProperty(const QString &name);

// A workspace file: {"weirWorkspace": 1, "sources": [...], ...}. Keys Weir does not read yet
// (filters, windows, rules) are kept and written back. Plain data, any thread.
struct Workspace {
    static constexpr int kFormatVersion = 1;
    QList<WorkspaceSource> sources;
    QJsonObject extra;
};

// Parses a workspace; false with `error` naming the field at fault (e.g. "sources[1].password:
// ..."). A password written in clear is refused: only {"keychain": KEY} references are read.
bool parseWorkspace(const QByteArray &json, Workspace *out, QString *error);
// The JSON text of a workspace: references only, never a secret (WorkspaceSource holds none).
QByteArray serializeWorkspace(const Workspace &workspace);

// File helpers: read/parse, and an atomic write (QSaveFile).
bool loadWorkspaceFile(const QString &path, Workspace *out, QString *error);
bool saveWorkspaceFile(const QString &path, const Workspace &workspace, QString *error);

} // namespace weir::ui
