// SPDX-License-Identifier: GPL-3.0-or-later
#include "models/event_table_model.h"

#include "weir/common/time_util.h"

#include <QBrush>
#include <QColor>
#include <QVariantMap>
#include <algorithm>

namespace weir::ui {

namespace {

QString latin1(std::string_view s) {
    return QString::fromLatin1(s.data(), static_cast<int>(s.size()));
}

QString utf8(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<int>(s.size()));
}

QColor statusColor(uint16_t status, Severity severity) {
    if (status >= 500 || severity >= Severity::Error)
        return QColor(0xb0, 0x1c, 0x1c);
    if (status >= 400 || severity == Severity::Warning)
        return QColor(0xa8, 0x5a, 0x00);
    return {};
}

} // namespace

EventTableModel::EventTableModel(QObject *parent)
    : QAbstractTableModel(parent) {}

void EventTableModel::setMaxRows(int maxRows) {
    m_maxRows = std::max(1, maxRows);
}

void EventTableModel::clear() {
    beginResetModel();
    m_snapshot.reset();
    m_version = 0;
    m_first = m_end = 0;
    m_sourceNames.clear();
    endResetModel();
}

void EventTableModel::applySnapshot(std::shared_ptr<const engine::Snapshot> snapshot) {
    if (!snapshot || (m_snapshot && snapshot->version == m_version))
        return;
    const store::StoreSnapshot &events = snapshot->events;
    const uint64_t newEnd = events.endIndex();
    const auto cap = static_cast<uint64_t>(m_maxRows);
    const uint64_t newFirst = std::max(events.firstIndex(), newEnd > cap ? newEnd - cap : 0);

    if (newEnd < m_end || snapshot->version < m_version) {
        // Another engine or a restart: global indices no longer line up.
        beginResetModel();
        m_snapshot = std::move(snapshot);
        m_version = m_snapshot->version;
        m_first = newFirst;
        m_end = newEnd;
        refreshSourceNames();
        endResetModel();
        return;
    }

    // 1. Evicted rows leave as one block at the top. The old snapshot still covers every row
    //    that stays, so views may ask for data in between.
    if (newFirst > m_first && m_end > m_first) {
        const uint64_t removeEnd = std::min(newFirst, m_end);
        beginRemoveRows(QModelIndex(), 0, static_cast<int>(removeEnd - m_first - 1));
        m_first = removeEnd;
        endRemoveRows();
    }
    if (m_first == m_end) // nothing left: restart the (empty) range at the new first event
        m_first = m_end = std::max(m_end, newFirst);

    m_snapshot = std::move(snapshot);
    m_version = m_snapshot->version;
    refreshSourceNames();

    // 2. New rows arrive as one block at the bottom.
    if (newEnd > m_end) {
        const int first = rowCount();
        beginInsertRows(QModelIndex(), first, first + static_cast<int>(newEnd - m_end) - 1);
        m_end = newEnd;
        endInsertRows();
    }
}

void EventTableModel::refreshSourceNames() {
    const auto &channels = m_snapshot->channels;
    if (m_sourceNames.size() == static_cast<int>(channels.size()))
        return;
    m_sourceNames.clear();
    m_sourceNames.reserve(static_cast<int>(channels.size()));
    for (const auto &c : channels)
        m_sourceNames.push_back(QString::fromStdString(c.name));
}

int EventTableModel::indexToRow(uint64_t index) const {
    if (index < m_first || index >= m_end)
        return -1;
    return static_cast<int>(index - m_first);
}

int EventTableModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_end - m_first);
}

int EventTableModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

Qt::ItemFlags EventTableModel::flags(const QModelIndex &index) const {
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

QVariant EventTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time (UTC)");
    case SourceColumn:
        return tr("Source");
    case SeverityColumn:
        return tr("Severity");
    case StatusColumn:
        return tr("Status");
    case MessageColumn:
        return tr("Message");
    default:
        return {};
    }
}

QVariant EventTableModel::data(const QModelIndex &index, int role) const {
    if (!index.isValid() || !m_snapshot || index.row() < 0 || index.row() >= rowCount() ||
        index.column() < 0 || index.column() >= ColumnCount)
        return {};
    const store::EventRef event = m_snapshot->events.at(rowToIndex(index.row()));
    if (!event)
        return {};
    const store::EventRecord &rec = event.record();
    switch (role) {
    case Qt::DisplayRole:
        return displayText(event, index.column());
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn || index.column() == SeverityColumn) {
            const QColor c = statusColor(rec.status, rec.severity);
            if (c.isValid())
                return QBrush(c);
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == StatusColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return int(Qt::AlignLeft | Qt::AlignVCenter);
    case EventIndexRole:
        return QVariant::fromValue<qulonglong>(rowToIndex(index.row()));
    case TimeNsRole:
        return QVariant::fromValue<qlonglong>(rec.time.value);
    case IngestTimeNsRole:
        return QVariant::fromValue<qlonglong>(event.ingestTime().value);
    case SourceIdRole:
        return int(rec.source.value);
    case SeverityRole:
        return int(rec.severity);
    case StatusRole:
        return int(rec.status);
    case FlagsRole:
        return int(rec.flags);
    case PositionRole:
        return QVariant::fromValue<qulonglong>(rec.position());
    case RawRole: {
        const std::string_view raw = event.raw();
        return QByteArray(raw.data(), static_cast<int>(raw.size()));
    }
    case FieldsRole:
        return fieldsOf(event);
    default:
        return {};
    }
}

QVariant EventTableModel::displayText(const store::EventRef &event, int column) const {
    const store::EventRecord &rec = event.record();
    switch (column) {
    case TimeColumn:
        return latin1(formatRfc3339Ms(rec.time));
    case SourceColumn:
        if (rec.source.value < m_sourceNames.size())
            return m_sourceNames[rec.source.value];
        return QString::number(rec.source.value);
    case SeverityColumn:
        if (rec.severity == Severity::Unknown)
            return QString();
        return latin1(severityName(rec.severity));
    case StatusColumn:
        return rec.status ? QString::number(rec.status) : QString();
    case MessageColumn: {
        std::string_view raw = event.raw();
        const bool cut = raw.size() > static_cast<size_t>(kMaxDisplayBytes);
        if (cut)
            raw = raw.substr(0, kMaxDisplayBytes);
        QString text = utf8(raw);
        if (cut || (rec.flags & store::Truncated))
            text += QChar(0x2026);
        return text;
    }
    default:
        return {};
    }
}

QVariant EventTableModel::fieldsOf(const store::EventRef &event) const {
    const store::EventRecord &rec = event.record();
    const auto &channels = m_snapshot->channels;
    if (rec.source.value >= channels.size() || !channels[rec.source.value].decoder)
        return QVariantList();
    parse::FieldList fields;
    if (!channels[rec.source.value].decoder->parseFields(event.raw(), fields))
        return QVariantList();
    QVariantList out;
    out.reserve(static_cast<int>(fields.fields.size()));
    for (const parse::Field &f : fields.fields) {
        QVariantMap m;
        m.insert(QStringLiteral("name"), utf8(f.name));
        m.insert(QStringLiteral("type"), latin1(parse::fieldTypeName(f.type)));
        m.insert(QStringLiteral("text"), utf8(f.text));
        out.push_back(m);
    }
    return out;
}

} // namespace weir::ui
