// SPDX-License-Identifier: GPL-3.0-or-later
#include "desktop/workspace.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace weir::ui {

namespace {

const char *typeName(WorkspaceSource::Type t) {
    switch (t) {
    case WorkspaceSource::Type::Mqtt:
        return "mqtt";
    case WorkspaceSource::Type::Kafka:
        return "kafka";
    case WorkspaceSource::Type::File:
        break;
    }
    return "file";
}

// Every key a source may have; the others go to `extra`.
const QStringList &knownSourceKeys() {
    static const QStringList keys = {
        QStringLiteral("id"),           QStringLiteral("type"),        QStringLiteral("format"),
        QStringLiteral("path"),         QStringLiteral("host"),        QStringLiteral("port"),
        QStringLiteral("qos"),          QStringLiteral("brokers"),     QStringLiteral("group"),
        QStringLiteral("from"),         QStringLiteral("topics"),      QStringLiteral("user"),
        QStringLiteral("password"),     QStringLiteral("tls"),         QStringLiteral("clientId"),
        QStringLiteral("cleanSession"), QStringLiteral("mqttVersion"), QStringLiteral("sasl"),
        QStringLiteral("properties"),   QStringLiteral("offsets"),     QStringLiteral("keepAlive"),
        QStringLiteral("follow")};
    return keys;
}

struct Reader {
    QString where;
    QString *error;

    bool fail(const QString &field, const QString &what) {
        *error = QStringLiteral("%1.%2: %3").arg(where, field, what);
        return false;
    }
    bool string(const QJsonObject &o, const char *name, QString *out) {
        const QJsonValue v = o.value(QLatin1String(name));
        if (v.isUndefined() || v.isNull())
            return true;
        if (!v.isString())
            return fail(QLatin1String(name), QStringLiteral("expected a string"));
        *out = v.toString();
        return true;
    }
    bool integer(const QJsonObject &o, const char *name, int lo, int hi, int *out) {
        const QJsonValue v = o.value(QLatin1String(name));
        if (v.isUndefined() || v.isNull())
            return true;
        const double d = v.toDouble(-1);
        if (!v.isDouble() || d != static_cast<int>(d) || d < lo || d > hi)
            return fail(QLatin1String(name),
                        QStringLiteral("expected a whole number from %1 to %2").arg(lo).arg(hi));
        *out = static_cast<int>(d);
        return true;
    }
    // {"keychain": KEY} -> KEY; a bare string is a password in clear and is refused.
    bool secretRef(const QJsonObject &o, const QString &name, QString *out) {
        const QJsonValue v = o.value(name);
        if (v.isUndefined() || v.isNull())
            return true;
        if (v.isString())
            return fail(name, QStringLiteral("a workspace never holds a password; write "
                                             "{\"keychain\": \"KEY\"} and Weir asks for it "
                                             "(and keeps it in the system keychain)"));
        const QJsonValue key = v.toObject().value(QLatin1String("keychain"));
        if (!v.isObject() || !key.isString() || key.toString().isEmpty())
            return fail(name, QStringLiteral("expected {\"keychain\": \"KEY\"}"));
        *out = key.toString();
        return true;
    }
};

bool readSource(const QJsonValue &value, int index, WorkspaceSource *s, QString *error) {
    Reader r{QStringLiteral("sources[%1]").arg(index), error};
    if (!value.isObject()) {
        *error = QStringLiteral("%1: expected an object").arg(r.where);
        return false;
    }
    const QJsonObject o = value.toObject();
    QString type = QStringLiteral("file");
    if (!r.string(o, "type", &type) || !r.string(o, "id", &s->id) ||
        !r.string(o, "format", &s->format))
        return false;
    if (type == QLatin1String("file"))
        s->type = WorkspaceSource::Type::File;
    else if (type == QLatin1String("mqtt"))
        s->type = WorkspaceSource::Type::Mqtt;
    else if (type == QLatin1String("kafka"))
        s->type = WorkspaceSource::Type::Kafka;
    else
        return r.fail(QStringLiteral("type"), QStringLiteral("expected file, mqtt or kafka"));
    if (s->format.isEmpty())
        s->format = QStringLiteral("auto");

    if (!r.string(o, "path", &s->path) || !r.string(o, "host", &s->host) ||
        !r.integer(o, "port", 0, 65535, &s->port) || !r.integer(o, "qos", 0, 2, &s->qos) ||
        !r.string(o, "brokers", &s->brokers) || !r.string(o, "group", &s->group) ||
        !r.string(o, "from", &s->from) || !r.string(o, "user", &s->user) ||
        !r.secretRef(o, QStringLiteral("password"), &s->passwordKey) ||
        !r.string(o, "clientId", &s->clientId) ||
        !r.integer(o, "mqttVersion", 0, 5, &s->mqttVersion) ||
        !r.integer(o, "keepAlive", 0, 3600, &s->keepAliveSeconds) ||
        !r.string(o, "sasl", &s->saslMechanism))
        return false;
    const QJsonValue follow = o.value(QLatin1String("follow"));
    if (!follow.isUndefined() && !follow.isNull()) {
        if (!follow.isBool())
            return r.fail(QStringLiteral("follow"), QStringLiteral("expected true or false"));
        s->follow = follow.toBool();
    }
    if (s->mqttVersion != 0 && s->mqttVersion != 4 && s->mqttVersion != 5)
        return r.fail(QStringLiteral("mqttVersion"), QStringLiteral("expected 4 (3.1.1) or 5"));
    const QJsonValue clean = o.value(QLatin1String("cleanSession"));
    if (!clean.isUndefined() && !clean.isNull()) {
        if (!clean.isBool())
            return r.fail(QStringLiteral("cleanSession"), QStringLiteral("expected true or false"));
        s->cleanSession = clean.toBool();
    }
    const QJsonValue offsets = o.value(QLatin1String("offsets"));
    if (!offsets.isUndefined() && !offsets.isNull()) {
        const QString what =
            QStringLiteral("expected a list of {\"topic\": T, \"partition\": P, \"offset\": O}");
        if (!offsets.isArray())
            return r.fail(QStringLiteral("offsets"), what);
        for (const QJsonValue &v : offsets.toArray()) {
            const QJsonObject oo = v.toObject();
            const QJsonValue offset = oo.value(QLatin1String("offset"));
            WorkspaceOffset wo;
            Reader orr{r.where + QStringLiteral(".offsets[%1]").arg(s->offsets.size()), error};
            if (!v.isObject() || !oo.value(QLatin1String("topic")).isString() ||
                !offset.isDouble() || offset.toDouble() < -2 ||
                offset.toDouble() != static_cast<double>(static_cast<qint64>(offset.toDouble())))
                return r.fail(QStringLiteral("offsets"), what);
            wo.topic = oo.value(QLatin1String("topic")).toString();
            if (!orr.integer(oo, "partition", 0, 1 << 30, &wo.partition))
                return false;
            wo.offset = static_cast<qint64>(offset.toDouble());
            s->offsets << wo;
        }
    }
    if (s->from == QLatin1String("offsets") && s->offsets.isEmpty())
        return r.fail(QStringLiteral("offsets"),
                      QStringLiteral("\"from\": \"offsets\" needs at least one offset"));
    const QJsonValue props = o.value(QLatin1String("properties"));
    if (!props.isUndefined() && !props.isNull()) {
        if (!props.isObject())
            return r.fail(QStringLiteral("properties"),
                          QStringLiteral("expected an object of \"name\": \"value\" strings"));
        const QJsonObject po = props.toObject();
        for (auto it = po.begin(); it != po.end(); ++it) {
            const QString field = QStringLiteral("properties.") + it.key();
            if (isSecretProperty(it.key()))
                return r.fail(field,
                              QStringLiteral("a workspace never holds a secret; Weir asks "
                                             "for passwords (\"password\", \"tls\" "
                                             "keyPassphrase) and keeps them in the keychain"));
            if (!it.value().isString())
                return r.fail(field, QStringLiteral("expected a string"));
            s->properties.append({it.key(), it.value().toString()});
        }
    }
    const QJsonValue topics = o.value(QLatin1String("topics"));
    if (!topics.isUndefined()) {
        if (!topics.isArray())
            return r.fail(QStringLiteral("topics"), QStringLiteral("expected a list of strings"));
        for (const QJsonValue &t : topics.toArray()) {
            if (!t.isString())
                return r.fail(QStringLiteral("topics"),
                              QStringLiteral("expected a list of strings"));
            s->topics << t.toString();
        }
    }
    const QJsonValue tls = o.value(QLatin1String("tls"));
    if (!tls.isUndefined()) {
        if (!tls.isObject())
            return r.fail(QStringLiteral("tls"), QStringLiteral("expected an object"));
        const QJsonObject t = tls.toObject();
        Reader tr{r.where + QStringLiteral(".tls"), error};
        if (!tr.string(t, "ca", &s->tlsCa) || !tr.string(t, "caPath", &s->tlsCaPath) ||
            !tr.string(t, "cert", &s->tlsCert) || !tr.string(t, "key", &s->tlsKey) ||
            !tr.secretRef(t, QStringLiteral("keyPassphrase"), &s->tlsKeyPassphraseKey))
            return false;
        s->tlsInsecure = t.value(QLatin1String("insecure")).toBool(false);
    }

    switch (s->type) {
    case WorkspaceSource::Type::File:
        if (s->path.isEmpty())
            return r.fail(QStringLiteral("path"), QStringLiteral("a file source needs a path"));
        break;
    case WorkspaceSource::Type::Mqtt:
        if (s->host.isEmpty())
            return r.fail(QStringLiteral("host"), QStringLiteral("an MQTT source needs a host"));
        if (s->topics.isEmpty())
            return r.fail(QStringLiteral("topics"), QStringLiteral("needs at least one topic"));
        break;
    case WorkspaceSource::Type::Kafka:
        if (s->brokers.isEmpty())
            return r.fail(QStringLiteral("brokers"),
                          QStringLiteral("a Kafka source needs bootstrap brokers"));
        if (s->topics.isEmpty())
            return r.fail(QStringLiteral("topics"), QStringLiteral("needs at least one topic"));
        break;
    }
    if (!s->passwordKey.isEmpty() && s->user.isEmpty())
        return r.fail(QStringLiteral("password"), QStringLiteral("a password needs a user"));
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!knownSourceKeys().contains(it.key()))
            s->extra.insert(it.key(), it.value());
    }
    return true;
}

QJsonObject secretRefJson(const QString &key) {
    return QJsonObject{{QStringLiteral("keychain"), key}};
}

QJsonObject writeSource(const WorkspaceSource &s) {
    QJsonObject o = s.extra;
    if (!s.id.isEmpty())
        o.insert(QStringLiteral("id"), s.id);
    o.insert(QStringLiteral("type"), QLatin1String(typeName(s.type)));
    o.insert(QStringLiteral("format"), s.format);
    const auto put = [&o](const char *name, const QString &v) {
        if (!v.isEmpty())
            o.insert(QLatin1String(name), v);
    };
    if (s.type == WorkspaceSource::Type::File) {
        put("path", s.path);
        if (s.follow)
            o.insert(QStringLiteral("follow"), true);
        return o;
    }
    if (s.type == WorkspaceSource::Type::Mqtt) {
        put("host", s.host);
        if (s.port > 0)
            o.insert(QStringLiteral("port"), s.port);
        o.insert(QStringLiteral("qos"), s.qos);
        put("clientId", s.clientId);
        if (!s.cleanSession)
            o.insert(QStringLiteral("cleanSession"), false);
        if (s.mqttVersion == 5)
            o.insert(QStringLiteral("mqttVersion"), 5);
        if (s.keepAliveSeconds > 0)
            o.insert(QStringLiteral("keepAlive"), s.keepAliveSeconds);
    } else {
        put("brokers", s.brokers);
        put("group", s.group);
        put("from", s.from);
        put("sasl", s.saslMechanism);
        if (!s.offsets.isEmpty()) {
            QJsonArray a;
            for (const WorkspaceOffset &wo : s.offsets)
                a.append(QJsonObject{{QStringLiteral("topic"), wo.topic},
                                     {QStringLiteral("partition"), wo.partition},
                                     {QStringLiteral("offset"), static_cast<double>(wo.offset)}});
            o.insert(QStringLiteral("offsets"), a);
        }
        QJsonObject props;
        for (const auto &[name, value] : s.properties) {
            if (!isSecretProperty(name)) // never written, even if a caller put one in
                props.insert(name, value);
        }
        if (!props.isEmpty())
            o.insert(QStringLiteral("properties"), props);
    }
    o.insert(QStringLiteral("topics"), QJsonArray::fromStringList(s.topics));
    put("user", s.user);
    if (!s.passwordKey.isEmpty())
        o.insert(QStringLiteral("password"), secretRefJson(s.passwordKey));
    if (!s.tlsCa.isEmpty() || !s.tlsCaPath.isEmpty() || !s.tlsCert.isEmpty() ||
        !s.tlsKey.isEmpty()) {
        QJsonObject t;
        if (!s.tlsCa.isEmpty())
            t.insert(QStringLiteral("ca"), s.tlsCa);
        if (!s.tlsCaPath.isEmpty())
            t.insert(QStringLiteral("caPath"), s.tlsCaPath);
        if (!s.tlsCert.isEmpty())
            t.insert(QStringLiteral("cert"), s.tlsCert);
        if (!s.tlsKey.isEmpty())
            t.insert(QStringLiteral("key"), s.tlsKey);
        if (!s.tlsKeyPassphraseKey.isEmpty())
            t.insert(QStringLiteral("keyPassphrase"), secretRefJson(s.tlsKeyPassphraseKey));
        if (s.tlsInsecure)
            t.insert(QStringLiteral("insecure"), true);
        o.insert(QStringLiteral("tls"), t);
    }
    return o;
}

} // namespace

bool isSecretProperty(const QString &name) {
    return name.contains(QLatin1String("password"), Qt::CaseInsensitive) ||
           name.contains(QLatin1String("secret"), Qt::CaseInsensitive) ||
           name.contains(QLatin1String("credential"), Qt::CaseInsensitive) ||
           name.compare(QLatin1String("ssl.key.pem"), Qt::CaseInsensitive) == 0 ||
           name.compare(QLatin1String("sasl.oauthbearer.config"), Qt::CaseInsensitive) == 0;
}

QString WorkspaceSource::endpoint() const {
    switch (type) {
    case Type::Mqtt:
        return QStringLiteral("%1:%2").arg(host).arg(port > 0 ? port
                                                     : tlsCa.isEmpty() && tlsCaPath.isEmpty()
                                                         ? 1883
                                                         : 8883);
    case Type::Kafka:
        return brokers;
    case Type::File:
        break;
    }
    return path;
}

QString WorkspaceSource::defaultSecretKey(const QString &what) const {
    QString key =
        QStringLiteral("weir/%1/%2/%3").arg(QLatin1String(typeName(type)), endpoint(), user);
    if (!what.isEmpty())
        key += QLatin1Char('/') + what;
    return key;
}

bool parseWorkspace(const QByteArray &json, Workspace *out, QString *error) {
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError) {
        *error = QStringLiteral("not JSON: %1 at offset %2").arg(pe.errorString()).arg(pe.offset);
        return false;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("expected a JSON object");
        return false;
    }
    const QJsonObject root = doc.object();
    const QJsonValue version = root.value(QLatin1String("weirWorkspace"));
    if (!version.isDouble() || version.toInt(-1) < 0 ||
        version.toInt() > Workspace::kFormatVersion) {
        *error = QStringLiteral("weirWorkspace: expected a format version from 0 to %1")
                     .arg(Workspace::kFormatVersion);
        return false;
    }
    Workspace w;
    const QJsonValue sources = root.value(QLatin1String("sources"));
    if (!sources.isUndefined() && !sources.isArray()) {
        *error = QStringLiteral("sources: expected a list");
        return false;
    }
    const QJsonArray list = sources.toArray();
    for (int i = 0; i < list.size(); ++i) {
        WorkspaceSource s;
        if (!readSource(list.at(i), i, &s, error))
            return false;
        w.sources << s;
    }
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (it.key() != QLatin1String("sources") && it.key() != QLatin1String("weirWorkspace"))
            w.extra.insert(it.key(), it.value());
    }
    *out = std::move(w);
    return true;
}

QByteArray serializeWorkspace(const Workspace &workspace) {
    QJsonObject root = workspace.extra;
    root.insert(QStringLiteral("weirWorkspace"), Workspace::kFormatVersion);
    QJsonArray sources;
    for (const WorkspaceSource &s : workspace.sources)
        sources.append(writeSource(s));
    root.insert(QStringLiteral("sources"), sources);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

bool loadWorkspaceFile(const QString &path, Workspace *out, QString *error) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
        return false;
    }
    if (f.size() > (qint64{16} << 20)) {
        *error = QStringLiteral("%1 is larger than 16 MiB: not a workspace").arg(path);
        return false;
    }
    return parseWorkspace(f.readAll(), out, error);
}

bool saveWorkspaceFile(const QString &path, const Workspace &workspace, QString *error) {
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    f.write(serializeWorkspace(workspace));
    if (!f.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

} // namespace weir::ui
