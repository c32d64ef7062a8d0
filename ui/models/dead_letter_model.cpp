// SPDX-License-Identifier: GPL-3.0-or-later
#include "models/dead_letter_model.h"

#include "weir/parse/parser.h"

#include <QColor>
#include <QLocale>

namespace weir::ui {

DeadLetterModel::DeadLetterModel(QObject *parent)
    : QAbstractTableModel(parent) {}

QString DeadLetterModel::displayText(std::string_view raw, int maxChars) {
    const bool cut = raw.size() > static_cast<size_t>(maxChars) * 4;
    if (cut)
        raw = raw.substr(0, static_cast<size_t>(maxChars) * 4);
    QString text = QString::fromUtf8(raw.data(), static_cast<int>(raw.size()));
    for (QChar &c : text) {
        const ushort u = c.unicode();
        if (u < 0x20)
            c = QChar(0x2400 + u); // control pictures: NUL -> U+2400, LF -> U+240A, ...
        else if (u == 0x7f)
            c = QChar(0x2421);
    }
    if (text.size() > maxChars || cut) {
        text.truncate(maxChars);
        text += QChar(0x2026);
    }
    return text;
}

void DeadLetterModel::applySnapshot(const std::shared_ptr<const engine::Snapshot> &snapshot) {
    if (!snapshot)
        return;
    const auto &dl = snapshot->deadLetters;
    const bool appendOnly = m_snapshot && m_reason < 0 && dl.firstIndex() == m_first &&
                            dl.size() >= static_cast<size_t>(m_count);
    const bool resolvedChanged = snapshot->stats.resolvedDeadLetters != m_resolved;
    m_resolved = snapshot->stats.resolvedDeadLetters;
    if (appendOnly) {
        const int oldCount = m_count;
        const int newCount = static_cast<int>(dl.size());
        if (newCount > m_count) {
            beginInsertRows({}, m_count, newCount - 1);
            m_snapshot = snapshot;
            m_count = newCount;
            endInsertRows();
        } else {
            m_snapshot = snapshot;
        }
        if (resolvedChanged && oldCount > 0)
            Q_EMIT dataChanged(index(0, 0), index(oldCount - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_snapshot = snapshot;
    rebuildRows();
    endResetModel();
}

void DeadLetterModel::setReasonFilter(int reason) {
    if (reason == m_reason)
        return;
    beginResetModel();
    m_reason = reason;
    rebuildRows();
    endResetModel();
}

void DeadLetterModel::rebuildRows() {
    m_rows.clear();
    m_count = 0;
    m_first = 0;
    if (!m_snapshot)
        return;
    const auto &dl = m_snapshot->deadLetters;
    m_first = dl.firstIndex();
    if (m_reason < 0) {
        m_count = static_cast<int>(dl.size());
        return;
    }
    for (size_t i = 0; i < dl.size(); ++i) {
        if (static_cast<int>(dl[i].reason) == m_reason)
            m_rows.push_back(static_cast<uint32_t>(i));
    }
    m_count = static_cast<int>(m_rows.size());
}

const store::DeadLetter *DeadLetterModel::letterAt(int row) const {
    if (!m_snapshot || row < 0 || row >= m_count)
        return nullptr;
    const size_t i = m_reason < 0 ? static_cast<size_t>(row) : m_rows[static_cast<size_t>(row)];
    return &m_snapshot->deadLetters[i];
}

QString DeadLetterModel::sourceName(SourceId id) const {
    if (m_snapshot && id.value < m_snapshot->channels.size())
        return QString::fromStdString(m_snapshot->channels[id.value].name);
    return QString::number(id.value);
}

std::vector<std::pair<parse::DeadLetterReason, uint64_t>> DeadLetterModel::reasonCounts() const {
    std::vector<std::pair<parse::DeadLetterReason, uint64_t>> out;
    if (!m_snapshot)
        return out;
    for (size_t r = 1; r < engine::kReasonCount; ++r) {
        if (const uint64_t n = m_snapshot->stats.deadByReason[r])
            out.emplace_back(static_cast<parse::DeadLetterReason>(r), n);
    }
    return out;
}

uint64_t DeadLetterModel::totalDeadLetters() const {
    return m_snapshot ? m_snapshot->stats.deadLetters : 0;
}

QString DeadLetterModel::positionText(int row) const {
    const store::DeadLetter *d = letterAt(row);
    if (!d)
        return {};
    return sourceName(d->source) + QLatin1Char(':') + QString::number(d->position);
}

std::vector<std::string> DeadLetterModel::rawLines(int source, size_t limit) const {
    std::vector<std::string> out;
    for (int row = 0; row < m_count && out.size() < limit; ++row) {
        const store::DeadLetter *d = letterAt(row);
        if (!d->resolved && (source < 0 || d->source.value == source))
            out.push_back(d->raw);
    }
    return out;
}

int DeadLetterModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : m_count;
}

int DeadLetterModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DeadLetterModel::data(const QModelIndex &index, int role) const {
    if (!index.isValid() || index.parent().isValid())
        return {};
    const store::DeadLetter *d = letterAt(index.row());
    if (!d)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case ReasonColumn: {
            const std::string_view name = parse::reasonName(d->reason);
            const QString reason = QString::fromLatin1(name.data(), static_cast<int>(name.size()));
            return d->resolved ? tr("%1, re-parsed").arg(reason) : reason;
        }
        case SourceColumn:
            return sourceName(d->source);
        case PositionColumn:
            return QString::number(d->position);
        case SizeColumn:
            return QLocale::c().toString(static_cast<qulonglong>(d->rawFullSize));
        case RawColumn:
            return displayText(d->raw);
        default:
            return {};
        }
    case Qt::ForegroundRole:
        if (d->resolved)
            return QColor(Qt::darkGray);
        return {};
    case ResolvedRole:
        return d->resolved;
    case Qt::TextAlignmentRole:
        if (index.column() == PositionColumn || index.column() == SizeColumn)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        return {};
    case ReasonRole:
        return static_cast<int>(d->reason);
    case SourceIdRole:
        return static_cast<int>(d->source.value);
    case SourceNameRole:
        return sourceName(d->source);
    case PositionRole:
        return static_cast<qulonglong>(d->position);
    case RawRole:
        return QByteArray(d->raw.data(), static_cast<int>(d->raw.size()));
    case RawSizeRole:
        return static_cast<qulonglong>(d->rawFullSize);
    case IndexRole: {
        const size_t i = m_reason < 0 ? static_cast<size_t>(index.row())
                                      : m_rows[static_cast<size_t>(index.row())];
        return static_cast<qulonglong>(m_first + i);
    }
    default:
        return {};
    }
}

QVariant DeadLetterModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ReasonColumn:
        return tr("Reason");
    case SourceColumn:
        return tr("Source");
    case PositionColumn:
        return tr("Line");
    case SizeColumn:
        return tr("Bytes");
    case RawColumn:
        return tr("Raw");
    default:
        return {};
    }
}

} // namespace weir::ui
