// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/sources_model.h"

#include "weir/common/time_util.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace weir::ui {

namespace {

// internalId: 0 for source rows, source row + 1 for partition rows.
constexpr quintptr kSourceRow = 0;

QString lagTime(double seconds) {
    if (seconds <= 0)
        return QStringLiteral("0 s");
    if (seconds < 120)
        return QStringLiteral("%1 s").arg(seconds, 0, 'f', seconds < 10 ? 1 : 0);
    if (seconds < 7200)
        return QStringLiteral("%1 min").arg(seconds / 60, 0, 'f', 1);
    return QStringLiteral("%1 h").arg(seconds / 3600, 0, 'f', 1);
}

QString stateText(const engine::SourceStatus &s) {
    if (s.metrics.state != source::SourceState::None)
        return QString::fromLatin1(source::sourceStateName(s.metrics.state));
    if (!s.error.empty())
        return QObject::tr("failed");
    if (s.bounded)
        return s.ended ? QObject::tr("done") : QObject::tr("reading");
    return QObject::tr("running");
}

} // namespace

SourcesModel::SourcesModel(QObject *parent)
    : QAbstractItemModel(parent) {}

void SourcesModel::setSnapshot(std::shared_ptr<const engine::Snapshot> snapshot) {
    if (!snapshot || (m_snapshot && m_snapshot->version == snapshot->version))
        return;
    std::vector<size_t> shape;
    shape.reserve(snapshot->sources.size());
    for (const auto &s : snapshot->sources)
        shape.push_back(s.metrics.partitions.size());
    if (shape != m_shape) {
        beginResetModel();
        m_snapshot = std::move(snapshot);
        m_shape = std::move(shape);
        endResetModel();
        return;
    }
    m_snapshot = std::move(snapshot);
    if (m_shape.empty())
        return;
    const int last = static_cast<int>(m_shape.size()) - 1;
    Q_EMIT dataChanged(index(0, 0), index(last, ColumnCount - 1));
    for (int row = 0; row <= last; ++row) {
        const int n = static_cast<int>(m_shape[static_cast<size_t>(row)]);
        if (n > 0) {
            const QModelIndex parent = index(row, 0);
            Q_EMIT dataChanged(index(0, 0, parent), index(n - 1, ColumnCount - 1, parent));
        }
    }
}

const engine::SourceStatus *SourcesModel::sourceAt(int row) const {
    if (!m_snapshot || row < 0 || row >= static_cast<int>(m_snapshot->sources.size()))
        return nullptr;
    return &m_snapshot->sources[static_cast<size_t>(row)];
}

QModelIndex SourcesModel::index(int row, int column, const QModelIndex &parent) const {
    if (row < 0 || column < 0 || column >= ColumnCount || !m_snapshot)
        return {};
    if (!parent.isValid()) {
        if (row >= static_cast<int>(m_shape.size()))
            return {};
        return createIndex(row, column, kSourceRow);
    }
    if (parent.internalId() != kSourceRow || parent.row() >= static_cast<int>(m_shape.size()) ||
        row >= static_cast<int>(m_shape[static_cast<size_t>(parent.row())]))
        return {};
    return createIndex(row, column, static_cast<quintptr>(parent.row()) + 1);
}

QModelIndex SourcesModel::parent(const QModelIndex &child) const {
    if (!child.isValid() || child.internalId() == kSourceRow)
        return {};
    return createIndex(static_cast<int>(child.internalId() - 1), 0, kSourceRow);
}

int SourcesModel::rowCount(const QModelIndex &parent) const {
    if (!parent.isValid())
        return static_cast<int>(m_shape.size());
    if (parent.column() != 0 || parent.internalId() != kSourceRow ||
        parent.row() >= static_cast<int>(m_shape.size()))
        return 0;
    return static_cast<int>(m_shape[static_cast<size_t>(parent.row())]);
}

int SourcesModel::columnCount(const QModelIndex &) const {
    return ColumnCount;
}

QVariant SourcesModel::data(const QModelIndex &index, int role) const {
    if (!index.isValid() || !m_snapshot)
        return {};
    if (index.internalId() == kSourceRow) {
        const engine::SourceStatus *s = sourceAt(index.row());
        return s ? sourceData(*s, index.column(), role) : QVariant();
    }
    const engine::SourceStatus *s = sourceAt(static_cast<int>(index.internalId() - 1));
    if (!s || index.row() >= static_cast<int>(s->metrics.partitions.size()))
        return {};
    if (role == IsPartitionRole)
        return true;
    if (role == FirstChannelRole)
        return s->firstChannel.value;
    return partitionData(s->metrics.partitions[static_cast<size_t>(index.row())], index.column(),
                         role);
}

QVariant SourcesModel::sourceData(const engine::SourceStatus &s, int column, int role) const {
    const source::SourceMetrics &m = s.metrics;
    const bool live = m.state != source::SourceState::None;
    const bool kafka = !m.partitions.empty();
    switch (role) {
    case StateRole:
        return static_cast<int>(m.state);
    case FirstChannelRole:
        return s.firstChannel.value;
    case IsPartitionRole:
        return false;
    case Qt::ForegroundRole:
        if (column == StateColumn || column == LastErrorColumn) {
            if (m.state == source::SourceState::Failed ||
                m.state == source::SourceState::Reconnecting || !s.error.empty())
                return QBrush(QColor(0xc6, 0x28, 0x28));
            if (m.state == source::SourceState::Connected && column == StateColumn)
                return QBrush(QColor(0x2e, 0x7d, 0x32));
        }
        return {};
    case Qt::ToolTipRole: {
        // Broker messages are text, never markup: escaped inside an explicit rich-text tooltip.
        const std::string &tip = m.lastError.empty() ? s.status : m.lastError;
        if (tip.empty())
            return {};
        return QStringLiteral("<p>%1</p>").arg(QString::fromStdString(tip).toHtmlEscaped());
    }
    case Qt::TextAlignmentRole:
        if (column >= RateColumn && column <= ErrorsColumn)
            return QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
        return {};
    case ValueRole:
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    const bool raw = role == ValueRole;
    const QLocale locale;
    switch (column) {
    case NameColumn:
        return QString::fromStdString(s.name);
    case StateColumn:
        return raw ? QVariant(static_cast<int>(m.state)) : QVariant(stateText(s));
    case RateColumn: // live sources, and others that count their messages (the demo)
        if (!live && m.messages == 0)
            return raw ? QVariant() : QVariant(QString());
        return raw ? QVariant(s.messagesPerSecond)
                   : QVariant(locale.toString(s.messagesPerSecond, 'f', 0));
    case MessagesColumn:
        if (!live && m.messages == 0)
            return raw ? QVariant() : QVariant(QString());
        return raw ? QVariant(static_cast<double>(m.messages))
                   : QVariant(locale.toString(static_cast<qulonglong>(m.messages)));
    case LagMessagesColumn: {
        // Kafka: the broker's backlog; other live sources (MQTT): what waits inside Weir.
        if (!live)
            return raw ? QVariant() : QVariant(QString());
        const qlonglong lag = kafka ? static_cast<qlonglong>(m.lagMessages)
                                    : static_cast<qlonglong>(s.waitingMessages);
        return raw ? QVariant(static_cast<double>(lag)) : QVariant(locale.toString(lag));
    }
    case LagTimeColumn: {
        if (!live)
            return raw ? QVariant() : QVariant(QString());
        const double seconds = kafka ? m.lagSeconds : s.waitingSeconds;
        return raw ? QVariant(seconds) : QVariant(lagTime(seconds));
    }
    case DroppedColumn:
        return raw ? QVariant(static_cast<double>(s.queue.droppedMessages))
                   : QVariant(locale.toString(static_cast<qulonglong>(s.queue.droppedMessages)));
    case ErrorsColumn:
        return raw ? QVariant(static_cast<double>(m.errors))
                   : QVariant(locale.toString(static_cast<qulonglong>(m.errors)));
    case StatusColumn:
        return QString::fromStdString(s.status);
    case LastErrorColumn:
        return QString::fromStdString(s.error.empty() ? m.lastError : s.error);
    default:
        return {};
    }
}

QVariant SourcesModel::partitionData(const source::PartitionMetrics &p, int column,
                                     int role) const {
    if (role == Qt::TextAlignmentRole) {
        if (column >= RateColumn && column <= ErrorsColumn)
            return QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
        return {};
    }
    if (role != Qt::DisplayRole && role != ValueRole)
        return {};
    const bool raw = role == ValueRole;
    const QLocale locale;
    switch (column) {
    case NameColumn:
        return QStringLiteral("%1 [%2]").arg(QString::fromStdString(p.topic)).arg(p.partition);
    case StateColumn:
        return p.assigned ? tr("assigned") : tr("not assigned");
    case MessagesColumn: // the offset reached
        if (p.nextOffset < 0)
            return raw ? QVariant() : QVariant(QString());
        return raw ? QVariant(static_cast<double>(p.nextOffset))
                   : QVariant(locale.toString(static_cast<qlonglong>(p.nextOffset)));
    case LagMessagesColumn:
        return raw ? QVariant(static_cast<double>(p.lagMessages))
                   : QVariant(locale.toString(static_cast<qlonglong>(p.lagMessages)));
    case LagTimeColumn:
        return raw ? QVariant(p.lagSeconds) : QVariant(lagTime(p.lagSeconds));
    case StatusColumn: {
        QString text =
            tr("offset %1 of %2")
                .arg(p.nextOffset < 0 ? QStringLiteral("-") : QString::number(p.nextOffset))
                .arg(p.highWatermark < 0 ? QStringLiteral("?") : QString::number(p.highWatermark));
        if (p.watermark != kMinTimestamp)
            text += tr(", watermark %1").arg(QString::fromStdString(formatRfc3339Ms(p.watermark)));
        return text;
    }
    default:
        return raw ? QVariant() : QVariant(QString());
    }
}

QVariant SourcesModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole) {
        if (section == LagMessagesColumn)
            return tr("Kafka: messages on the broker not consumed yet. MQTT and other live "
                      "sources: messages received but not stored yet (waiting inside Weir).");
        if (section == LagTimeColumn)
            return tr("Kafka: age of the newest consumed message while behind. MQTT and other "
                      "live sources: how long the last stored message waited since it arrived.");
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Source");
    case StateColumn:
        return tr("State");
    case RateColumn:
        return tr("Msg/s");
    case MessagesColumn:
        return tr("Messages");
    case LagMessagesColumn:
        return tr("Lag");
    case LagTimeColumn:
        return tr("Lag (time)");
    case DroppedColumn:
        return tr("Dropped");
    case ErrorsColumn:
        return tr("Errors");
    case StatusColumn:
        return tr("Status");
    case LastErrorColumn:
        return tr("Last error");
    default:
        return {};
    }
}

} // namespace weir::ui
