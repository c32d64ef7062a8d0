// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace weir::ui {

// One input of a workspace. Secrets are never part of it: `passwordKey` and
// `tlsKeyPassphraseKey` are references into the SecretStore ({"keychain": KEY} in the file).
struct WorkspaceSource {
    enum class Type { File, Mqtt, Kafka };
    Type type = Type::File;
    QString id;
    QString format = QStringLiteral("auto");
    QString path; // file
    // MQTT: host, port; Kafka: brokers, group, from. Both: topics, user, TLS files.
    QString host;
    int port = 0; // 0: 1883, or 8883 with TLS
    int qos = 0;
    QString brokers;
    QString group;
    QString from;
    QStringList topics;
    QString user;
    QString passwordKey; // empty: no password
    QString tlsCa;
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
