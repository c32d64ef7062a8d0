// SPDX-License-Identifier: GPL-3.0-or-later
#include "models/event_table_model.h"

#include "weir/common/time_util.h"
#include "weir/store/attributes.h"

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

// Translucent, so they read on light and dark palettes alike.
QColor severityTint(uint16_t status, Severity severity) {
    if (status >= 500 || severity >= Severity::Error)
        return QColor(220, 40, 40, 48);
    if (severity == Severity::Warning)
        return QColor(230, 170, 0, 48);
    return {};
}

const QColor kBookmarkColor(70, 130, 255, 110);

} // namespace

query::SourceCatalog catalogOf(const engine::Snapshot &snapshot) {
    query::SourceCatalog catalog;
    catalog.reserve(snapshot.channels.size());
    for (const auto &ch : snapshot.channels)
        catalog.push_back({ch.name, ch.decoder, ch.fieldNames});
    return catalog;
}

EventTableModel::EventTableModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_rows(std::make_shared<const query::VisibleRows>()) {}

void EventTableModel::setMaxRows(int maxRows) {
    m_maxRows = std::max(1, maxRows);
}

void EventTableModel::clear() {
    beginResetModel();
    m_snapshot.reset();
    m_version = 0;
    m_rows = std::make_shared<const query::VisibleRows>();
    m_offset = 0;
    m_count = 0;
    m_filtered = false;
    m_sourceNames.clear();
    m_fieldColumns.clear();
    m_fieldColumnsUtf8.clear();
    m_catalogSize = 0;
    m_fieldsIndex = m_colorIndex = UINT64_MAX;
    endResetModel();
}

uint64_t EventTableModel::firstIndex() const {
    return m_count > 0 ? rowToIndex(0) : endIndex();
}

uint64_t EventTableModel::rowToIndex(int row) const {
    return m_rows->globalIndex(m_offset + static_cast<uint64_t>(row));
}

int EventTableModel::indexToRow(uint64_t index) const {
    if (!m_rows->contains(index))
        return -1;
    const uint64_t r = m_rows->rank(index);
    if (r < m_offset || r - m_offset >= static_cast<uint64_t>(m_count))
        return -1;
    return static_cast<int>(r - m_offset);
}

void EventTableModel::applySnapshot(std::shared_ptr<const engine::Snapshot> snapshot) {
    if (!snapshot || (m_snapshot && snapshot->version == m_version))
        return;
    const store::StoreSnapshot &events = snapshot->events;
    const uint64_t newEnd = events.endIndex();
    const bool restarted =
        m_snapshot && (newEnd < m_snapshot->events.endIndex() || snapshot->version < m_version);
    if (m_filtered) {
        if (restarted) { // another engine: the filtered index no longer applies
            m_filtered = false;
        } else {
            m_snapshot = std::move(snapshot);
            m_version = m_snapshot->version;
            m_fieldsIndex = m_colorIndex = UINT64_MAX;
            refreshChannels();
            return;
        }
    }
    const auto cap = static_cast<uint64_t>(m_maxRows);
    const uint64_t newFirst = std::max(events.firstIndex(), newEnd > cap ? newEnd - cap : 0);
    auto rows =
        std::make_shared<const query::VisibleRows>(query::VisibleRows::all(newFirst, newEnd));
    if (restarted) {
        // Another engine or a restart: global indices no longer line up.
        beginResetModel();
        m_snapshot = std::move(snapshot);
        m_version = m_snapshot->version;
        m_fieldsIndex = m_colorIndex = UINT64_MAX;
        placeRows(std::move(rows));
        refreshChannels();
        endResetModel();
        return;
    }
    // The old snapshot still covers every row that stays while the evicted ones leave.
    const auto apply = [&] {
        m_snapshot = std::move(snapshot);
        m_version = m_snapshot->version;
        m_fieldsIndex = m_colorIndex = UINT64_MAX;
        refreshChannels();
    };
    // moveTo with the snapshot swap between removal and insertion.
    const uint64_t shownNew = std::min(rows->size(), cap);
    const uint64_t g = shownNew ? rows->globalIndex(rows->size() - shownNew) : rows->end();
    uint64_t removed = 0;
    if (m_count > 0) {
        const uint64_t r = m_rows->rank(g);
        removed = std::min<uint64_t>(r > m_offset ? r - m_offset : 0, m_count);
    }
    if (removed > 0) {
        beginRemoveRows(QModelIndex(), 0, static_cast<int>(removed - 1));
        m_offset += removed;
        m_count -= static_cast<int>(removed);
        endRemoveRows();
    }
    apply();
    moveTo(std::move(rows));
}

void EventTableModel::setVisibleRows(std::shared_ptr<const query::VisibleRows> rows,
                                     bool sameFilter) {
    if (!rows) {
        const bool was = m_filtered;
        m_filtered = false;
        if (!was)
            return;
        const uint64_t end = m_snapshot ? m_snapshot->events.endIndex() : 0;
        const uint64_t first = m_snapshot ? m_snapshot->events.firstIndex() : 0;
        const auto cap = static_cast<uint64_t>(m_maxRows);
        resetTo(std::make_shared<const query::VisibleRows>(
            query::VisibleRows::all(std::max(first, end > cap ? end - cap : 0), end)));
        return;
    }
    if (sameFilter && m_filtered)
        moveTo(std::move(rows));
    else {
        m_filtered = true;
        resetTo(std::move(rows));
    }
}

void EventTableModel::placeRows(std::shared_ptr<const query::VisibleRows> rows) {
    m_rows = std::move(rows);
    const uint64_t shown = std::min(m_rows->size(), static_cast<uint64_t>(m_maxRows));
    m_offset = m_rows->size() - shown;
    m_count = static_cast<int>(shown);
    m_colorIndex = UINT64_MAX;
}

void EventTableModel::resetTo(std::shared_ptr<const query::VisibleRows> rows) {
    beginResetModel();
    placeRows(std::move(rows));
    endResetModel();
}

void EventTableModel::moveTo(std::shared_ptr<const query::VisibleRows> rows) {
    const auto cap = static_cast<uint64_t>(m_maxRows);
    const uint64_t newShown = std::min(rows->size(), cap);
    const uint64_t newOffset = rows->size() - newShown;
    const uint64_t g = newShown ? rows->globalIndex(newOffset) : rows->end();
    uint64_t removed = 0;
    if (m_count > 0) {
        const uint64_t r = m_rows->rank(g);
        removed = std::min<uint64_t>(r > m_offset ? r - m_offset : 0, m_count);
    }
    const uint64_t kept = static_cast<uint64_t>(m_count) - removed;
    // The rows kept must be the new index's first rows; anything else is another filter.
    bool lined = kept <= newShown && rows->end() >= m_rows->end();
    if (lined && kept > 0) {
        lined = rows->globalIndex(newOffset) == m_rows->globalIndex(m_offset + removed) &&
                rows->globalIndex(newOffset + kept - 1) ==
                    m_rows->globalIndex(m_offset + static_cast<uint64_t>(m_count) - 1);
    }
    if (!lined) {
        resetTo(std::move(rows));
        return;
    }
    if (removed > 0) {
        beginRemoveRows(QModelIndex(), 0, static_cast<int>(removed - 1));
        m_offset += removed;
        m_count -= static_cast<int>(removed);
        endRemoveRows();
    }
    m_rows = std::move(rows);
    m_offset = newOffset;
    m_count = static_cast<int>(kept);
    m_colorIndex = UINT64_MAX;
    if (newShown > kept) {
        beginInsertRows(QModelIndex(), static_cast<int>(kept), static_cast<int>(newShown - 1));
        m_count = static_cast<int>(newShown);
        endInsertRows();
    }
}

void EventTableModel::refreshChannels() {
    const auto &channels = m_snapshot->channels;
    if (m_sourceNames.size() != static_cast<int>(channels.size())) {
        m_sourceNames.clear();
        m_sourceNames.reserve(static_cast<int>(channels.size()));
        for (const auto &c : channels)
            m_sourceNames.push_back(QString::fromStdString(c.name));
    }
    if (m_catalogSize != channels.size()) {
        m_catalogSize = channels.size();
        rebuildMatchers();
    }
    // Field columns: the union of the channels' field names, in order of first appearance.
    std::vector<std::string> names = m_fieldColumnsUtf8;
    for (const auto &c : channels) {
        for (const auto &n : c.fieldNames) {
            if (std::find(names.begin(), names.end(), n) == names.end())
                names.push_back(n);
        }
    }
    if (names.size() == m_fieldColumnsUtf8.size())
        return;
    const int first = ColumnCount + m_fieldColumns.size();
    beginInsertColumns(QModelIndex(), first, ColumnCount + static_cast<int>(names.size()) - 1);
    for (size_t i = m_fieldColumnsUtf8.size(); i < names.size(); ++i)
        m_fieldColumns.push_back(QString::fromStdString(names[i]));
    m_fieldColumnsUtf8 = std::move(names);
    endInsertColumns();
}

void EventTableModel::rebuildMatchers() {
    m_matchers.clear();
    const query::SourceCatalog catalog =
        m_snapshot ? catalogOf(*m_snapshot) : query::SourceCatalog{};
    for (const auto &rule : m_rules)
        m_matchers.emplace_back(rule.query, catalog);
    m_colorIndex = UINT64_MAX;
}

void EventTableModel::setHighlightRules(std::vector<HighlightRule> rules) {
    m_rules = std::move(rules);
    rebuildMatchers();
    if (m_count > 0)
        Q_EMIT dataChanged(index(0, 0), index(m_count - 1, columnCount() - 1),
                           {Qt::BackgroundRole});
}

void EventTableModel::toggleBookmark(uint64_t globalIndex) {
    if (!m_bookmarks.remove(globalIndex))
        m_bookmarks.insert(globalIndex);
    m_colorIndex = UINT64_MAX;
    const int row = indexToRow(globalIndex);
    if (row >= 0)
        Q_EMIT dataChanged(index(row, 0), index(row, columnCount() - 1),
                           {Qt::BackgroundRole, BookmarkRole});
}

int EventTableModel::nextBookmarkRow(int row, bool forward) const {
    int best = -1; // nearest in the wanted direction
    int wrap = -1; // else the farthest the other way
    for (quint64 g : m_bookmarks) {
        const int r = indexToRow(g);
        if (r < 0)
            continue;
        if (forward) {
            if (r > row && (best < 0 || r < best))
                best = r;
            if (wrap < 0 || r < wrap)
                wrap = r;
        } else {
            if (r < row && (best < 0 || r > best))
                best = r;
            if (wrap < 0 || r > wrap)
                wrap = r;
        }
    }
    return best >= 0 ? best : wrap;
}

int EventTableModel::rowAtOrAfterTime(TimestampNs t) const {
    if (!m_snapshot || m_count == 0)
        return -1;
    int lo = 0;
    int hi = m_count;
    while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        const store::EventRef e = m_snapshot->events.at(rowToIndex(mid));
        const bool before = !e || e.record().time.value < t.value; // evicted: the oldest
        if (before)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int EventTableModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : m_count;
}

int EventTableModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount + m_fieldColumns.size();
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
        if (section > MessageColumn && section < columnCount())
            return m_fieldColumns[section - ColumnCount];
        return {};
    }
}

QVariant EventTableModel::data(const QModelIndex &index, int role) const {
    if (!index.isValid() || !m_snapshot || index.row() < 0 || index.row() >= m_count ||
        index.column() < 0 || index.column() >= columnCount())
        return {};
    const uint64_t global = rowToIndex(index.row());
    const store::EventRef event = m_snapshot->events.at(global);
    if (!event)
        return {};
    const store::EventRecord &rec = event.record();
    switch (role) {
    case Qt::DisplayRole:
        return displayText(event, global, index.column());
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn || index.column() == SeverityColumn) {
            const QColor c = statusColor(rec.status, rec.severity);
            if (c.isValid())
                return QBrush(c);
        }
        return {};
    case Qt::BackgroundRole:
        return background(event, global);
    case Qt::TextAlignmentRole:
        if (index.column() == StatusColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return int(Qt::AlignLeft | Qt::AlignVCenter);
    case EventIndexRole:
        return QVariant::fromValue<qulonglong>(global);
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
    case BookmarkRole:
        return m_bookmarks.contains(global);
    case FormatRole:
        if (rec.source.value < m_snapshot->channels.size())
            return QString::fromStdString(m_snapshot->channels[rec.source.value].format);
        return QString();
    default:
        return {};
    }
}

QVariant EventTableModel::background(const store::EventRef &event, uint64_t global) const {
    if (global == m_colorIndex)
        return m_color;
    QColor c;
    if (m_bookmarks.contains(global))
        c = kBookmarkColor;
    for (size_t i = 0; !c.isValid() && i < m_rules.size() && i < m_matchers.size(); ++i) {
        if (m_matchers[i].matches(event))
            c = m_rules[i].color;
    }
    if (!c.isValid())
        c = severityTint(event.record().status, event.record().severity);
    m_colorIndex = global;
    m_color = c.isValid() ? QVariant(QBrush(c)) : QVariant();
    return m_color;
}

const parse::FieldList *EventTableModel::cachedFields(const store::EventRef &event,
                                                      uint64_t global) const {
    if (global != m_fieldsIndex) {
        m_fieldsIndex = global;
        m_fields.clear();
        const store::EventRecord &rec = event.record();
        const auto &channels = m_snapshot->channels;
        m_fieldsOk = rec.source.value < channels.size() && channels[rec.source.value].decoder &&
                     channels[rec.source.value].decoder->parseFields(event.raw(), m_fields);
        // Kafka/MQTT provenance (topic, partition, offset, key, topic levels...) after the
        // payload's own fields, which win on a name clash.
        const std::string_view attrs = event.attributes();
        if (!attrs.empty()) {
            if (!m_fieldsOk)
                m_fields.clear();
            store::appendAttributeFields(attrs, m_fields);
            m_fieldsOk = true;
        }
    }
    return m_fieldsOk ? &m_fields : nullptr;
}

QVariant EventTableModel::displayText(const store::EventRef &event, uint64_t global,
                                      int column) const {
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
    default: {
        const parse::FieldList *fields = cachedFields(event, global);
        if (!fields)
            return QString();
        const parse::Field *f =
            fields->find(m_fieldColumnsUtf8[static_cast<size_t>(column - ColumnCount)]);
        if (!f || f->type == parse::FieldType::Null)
            return QString();
        std::string_view text = f->text;
        if (text.size() > static_cast<size_t>(kMaxDisplayBytes))
            text = text.substr(0, kMaxDisplayBytes);
        return utf8(text);
    }
    }
}

QVariant EventTableModel::fieldsOf(const store::EventRef &event) const {
    const store::EventRecord &rec = event.record();
    const auto &channels = m_snapshot->channels;
    if (rec.source.value >= channels.size() || !channels[rec.source.value].decoder)
        return QVariantList();
    parse::FieldList fields;
    const bool parsed = channels[rec.source.value].decoder->parseFields(event.raw(), fields);
    const std::string_view attrs = event.attributes(); // Kafka/MQTT provenance, after the payload's
    if (!parsed)
        fields.clear();
    if (!parsed && attrs.empty())
        return QVariantList();
    store::appendAttributeFields(attrs, fields);
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
