// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/active_alerts_model.h"

#include "weir/common/time_util.h"

#include <QBrush>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>
#include <cmath>

namespace weir::ui {

QString alertValueText(double v) {
    return std::isfinite(v) ? QString::number(v, 'g', 6) : QStringLiteral("—");
}

ActiveAlertsModel::ActiveAlertsModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_clock([] { return QDateTime::currentMSecsSinceEpoch(); }) {}

QString ActiveAlertsModel::idOf(const std::string &rule, const std::string &key) {
    return QString::fromStdString(rule) + QChar(0) + QString::fromStdString(key);
}

void ActiveAlertsModel::setResults(std::shared_ptr<const alert::AlertResults> results) {
    if (results == m_results)
        return;
    beginResetModel();
    m_results = std::move(results);
    // An acknowledgement lasts as long as its alert: it applies while the alert is active and
    // is forgotten when the alert ends. Without results (the pipeline restarts) every
    // acknowledgement waits for its alert again.
    bool changed = false;
    if (!m_results) {
        for (auto &ack : m_acknowledged)
            ack.applies = false;
    } else {
        QHash<QString, qint64> active;
        for (const auto &a : m_results->active)
            active.insert(idOf(a.rule, a.key), a.since.value);
        for (auto it = m_acknowledged.begin(); it != m_acknowledged.end();) {
            const auto found = active.constFind(it.key());
            if (found != active.constEnd()) {
                if (!it->applies && found.value() >= it->sinceNs) {
                    it->applies = true;
                    it->sinceNs = found.value();
                    changed = true;
                }
                ++it;
            } else if (it->applies) {
                it = m_acknowledged.erase(it);
                changed = true;
            } else {
                ++it;
            }
        }
    }
    endResetModel();
    if (changed)
        saveStateFile();
}

const alert::ActiveAlert *ActiveAlertsModel::alertAt(int row) const {
    if (!m_results || row < 0 || static_cast<size_t>(row) >= m_results->active.size())
        return nullptr;
    return &m_results->active[static_cast<size_t>(row)];
}

void ActiveAlertsModel::rowChanged(int row) {
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void ActiveAlertsModel::acknowledge(int row) {
    if (const alert::ActiveAlert *a = alertAt(row)) {
        m_acknowledged.insert(idOf(a->rule, a->key), Acknowledgement{a->since.value, true});
        rowChanged(row);
        saveStateFile();
    }
}

void ActiveAlertsModel::silence(int row, qint64 durationMs) {
    if (const alert::ActiveAlert *a = alertAt(row)) {
        m_silencedUntil.insert(idOf(a->rule, a->key), now() + std::max<qint64>(0, durationMs));
        rowChanged(row);
        saveStateFile();
    }
}

void ActiveAlertsModel::unsilence(int row) {
    if (const alert::ActiveAlert *a = alertAt(row)) {
        m_silencedUntil.remove(idOf(a->rule, a->key));
        rowChanged(row);
        saveStateFile();
    }
}

bool ActiveAlertsModel::isSilenced(const std::string &rule, const std::string &key) const {
    const auto it = m_silencedUntil.constFind(idOf(rule, key));
    return it != m_silencedUntil.constEnd() && now() < it.value();
}

bool ActiveAlertsModel::isAcknowledged(const std::string &rule, const std::string &key) const {
    const auto it = m_acknowledged.constFind(idOf(rule, key));
    return it != m_acknowledged.constEnd() && it->applies;
}

void ActiveAlertsModel::refresh() {
    const qint64 t = now();
    bool expired = false;
    for (auto it = m_silencedUntil.begin(); it != m_silencedUntil.end();) {
        if (t >= it.value()) {
            it = m_silencedUntil.erase(it);
            expired = true;
        } else {
            ++it;
        }
    }
    if (expired && rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    if (expired)
        saveStateFile();
}

QByteArray ActiveAlertsModel::saveState() const {
    const auto split = [](const QString &id, QJsonObject &o) {
        const int at = id.indexOf(QChar(0));
        o.insert(QStringLiteral("rule"), id.left(at));
        o.insert(QStringLiteral("key"), id.mid(at + 1));
    };
    // Sorted, so the file does not change with hash order.
    QStringList ids = m_silencedUntil.keys();
    ids.sort();
    QJsonArray silences;
    for (const QString &id : ids) {
        QJsonObject o;
        split(id, o);
        o.insert(QStringLiteral("until_ms"), static_cast<double>(m_silencedUntil.value(id)));
        silences.append(o);
    }
    ids = m_acknowledged.keys();
    ids.sort();
    QJsonArray acks;
    for (const QString &id : ids) {
        QJsonObject o;
        split(id, o);
        o.insert(QStringLiteral("since_ns"), QString::number(m_acknowledged.value(id).sinceNs));
        acks.append(o);
    }
    QJsonObject root;
    root.insert(QStringLiteral("silences"), silences);
    root.insert(QStringLiteral("acknowledged"), acks);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

bool ActiveAlertsModel::restoreState(const QByteArray &json, QString *error) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject()) {
        if (error)
            *error = parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                                  : tr("expected a JSON object");
        return false;
    }
    const QJsonObject root = doc.object();
    QHash<QString, qint64> silences;
    const qint64 t = now();
    for (const QJsonValue &v : root.value(QStringLiteral("silences")).toArray()) {
        const QJsonObject o = v.toObject();
        const qint64 until = static_cast<qint64>(o.value(QStringLiteral("until_ms")).toDouble());
        if (until > t) {
            silences.insert(idOf(o.value(QStringLiteral("rule")).toString().toStdString(),
                                 o.value(QStringLiteral("key")).toString().toStdString()),
                            until);
        }
    }
    QHash<QString, Acknowledgement> acks;
    for (const QJsonValue &v : root.value(QStringLiteral("acknowledged")).toArray()) {
        const QJsonObject o = v.toObject();
        Acknowledgement ack;
        ack.sinceNs = o.value(QStringLiteral("since_ns")).toString().toLongLong();
        acks.insert(idOf(o.value(QStringLiteral("rule")).toString().toStdString(),
                         o.value(QStringLiteral("key")).toString().toStdString()),
                    ack);
    }
    m_silencedUntil = std::move(silences);
    m_acknowledged = std::move(acks);
    // Acknowledgements apply again once their alerts are seen in the next results.
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    return true;
}

bool ActiveAlertsModel::setStateFile(const QString &path, QString *error) {
    m_stateFile.clear();
    if (path.isEmpty())
        return true;
    QFile file(path);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly)) {
            if (error)
                *error = file.errorString();
            return false;
        }
        QString why;
        if (!restoreState(file.readAll(), &why)) {
            if (error)
                *error = path + QStringLiteral(": ") + why;
            return false;
        }
    }
    m_stateFile = path;
    return true;
}

void ActiveAlertsModel::saveStateFile() {
    if (m_stateFile.isEmpty())
        return;
    QDir().mkpath(QFileInfo(m_stateFile).absolutePath());
    QSaveFile file(m_stateFile);
    if (!file.open(QIODevice::WriteOnly) || file.write(saveState()) < 0 || !file.commit())
        qWarning("weir: cannot save the alert state to %s: %s", qUtf8Printable(m_stateFile),
                 qUtf8Printable(file.errorString()));
}

QString ActiveAlertsModel::defaultStateFile(const QString &rulesPath) {
    const QFileInfo rules(rulesPath);
    const QFileInfo dir(rules.absolutePath());
    if (dir.isDir() && dir.isWritable())
        return rules.absoluteFilePath() + QStringLiteral(".state.json");
    const QByteArray hash =
        QCryptographicHash::hash(rules.absoluteFilePath().toUtf8(), QCryptographicHash::Sha1)
            .toHex()
            .left(16);
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/alert-state/") + rules.fileName() + QLatin1Char('-') +
           QString::fromLatin1(hash) + QStringLiteral(".json");
}

QColor ActiveAlertsModel::severityColor(const std::string &severity) {
    if (severity == "critical" || severity == "error" || severity == "page")
        return QColor(0xd3, 0x2f, 0x2f);
    if (severity == "warning")
        return QColor(0xf5, 0x7c, 0x00);
    if (severity == "info")
        return QColor(0x19, 0x76, 0xd2);
    return QColor(0x75, 0x75, 0x75);
}

int ActiveAlertsModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() || !m_results ? 0 : static_cast<int>(m_results->active.size());
}

int ActiveAlertsModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ActiveAlertsModel::data(const QModelIndex &index, int role) const {
    if (!index.isValid() || index.parent().isValid() || index.column() >= ColumnCount)
        return {};
    const alert::ActiveAlert *a = alertAt(index.row());
    if (!a)
        return {};
    const bool silenced = isSilenced(a->rule, a->key);
    const bool acked = isAcknowledged(a->rule, a->key);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case StateColumn:
            return QString::fromLatin1(alert::alertStateName(a->state).data(),
                                       static_cast<int>(alert::alertStateName(a->state).size()));
        case SeverityColumn:
            return QString::fromStdString(a->severity);
        case RuleColumn:
            return QString::fromStdString(a->rule);
        case KeyColumn:
            return QString::fromStdString(a->key);
        case ValueColumn:
            return alertValueText(a->value);
        case SinceColumn:
            return QString::fromStdString(formatRfc3339Ms(a->since));
        case NoteColumn: {
            QStringList notes;
            if (silenced) {
                const qint64 until = m_silencedUntil.value(idOf(a->rule, a->key));
                notes << tr("silenced until %1")
                             .arg(QDateTime::fromMSecsSinceEpoch(until).toString(
                                 QStringLiteral("yyyy-MM-dd HH:mm")));
            }
            if (acked)
                notes << tr("acknowledged");
            return notes.join(QStringLiteral(", "));
        }
        default:
            return {};
        }
    case Qt::DecorationRole:
        if (index.column() == StateColumn)
            return severityColor(a->severity);
        return {};
    case Qt::BackgroundRole:
        if (index.column() == StateColumn && a->state == alert::AlertState::Firing && !silenced)
            return QBrush(severityColor(a->severity).lighter(170));
        return {};
    case Qt::ForegroundRole:
        if (silenced || acked)
            return QBrush(QColor(0x80, 0x80, 0x80));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == ValueColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case RuleRole:
        return QString::fromStdString(a->rule);
    case KeyRole:
        return QString::fromStdString(a->key);
    case StateRole:
        return static_cast<int>(a->state);
    case SinceNsRole:
        return static_cast<qlonglong>(a->since.value);
    case AcknowledgedRole:
        return acked;
    case SilencedRole:
        return silenced;
    default:
        return {};
    }
}

QVariant ActiveAlertsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case StateColumn:
        return tr("State");
    case SeverityColumn:
        return tr("Severity");
    case RuleColumn:
        return tr("Rule");
    case KeyColumn:
        return tr("Key");
    case ValueColumn:
        return tr("Value");
    case SinceColumn:
        return tr("Since (event time)");
    case NoteColumn:
        return tr("Note");
    default:
        return {};
    }
}

} // namespace weir::ui
