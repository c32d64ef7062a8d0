// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/window_results_model.h"

#include "weir/common/time_util.h"

#include <QBrush>
#include <QColor>

namespace weir::ui {

WindowResultsModel::WindowResultsModel(QObject *parent)
    : QAbstractTableModel(parent) {}

void WindowResultsModel::setResults(std::shared_ptr<const window::WindowResults> results) {
    if (results == m_results)
        return;
    const int columns =
        kFixedColumns + (results ? static_cast<int>(results->aggregates.size()) : 0);
    beginResetModel();
    m_results = std::move(results);
    m_columns = columns;
    endResetModel();
}

const window::Pane *WindowResultsModel::paneAt(int row) const {
    if (!m_results || row < 0)
        return nullptr;
    const size_t r = static_cast<size_t>(row);
    const auto &finals = m_results->finals;
    if (r < finals.size())
        return &finals[r];
    const size_t l = r - finals.size();
    return l < m_results->live.size() ? &m_results->live[l] : nullptr;
}

int WindowResultsModel::rowCount(const QModelIndex &parent) const {
    if (parent.isValid() || !m_results)
        return 0;
    return static_cast<int>(m_results->finals.size() + m_results->live.size());
}

int WindowResultsModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : m_columns;
}

namespace {

QString timeText(TimestampNs t) {
    if (t == kMinTimestamp)
        return QStringLiteral("−∞");
    if (t == kMaxTimestamp)
        return QStringLiteral("+∞");
    return QString::fromStdString(formatRfc3339Ms(t));
}

} // namespace

QVariant WindowResultsModel::data(const QModelIndex &index, int role) const {
    if (!index.isValid() || index.parent().isValid() || index.column() >= m_columns)
        return {};
    const window::Pane *p = paneAt(index.row());
    if (!p)
        return {};
    const int col = index.column();
    switch (role) {
    case Qt::DisplayRole:
        switch (col) {
        case StartColumn:
            return timeText(p->window.start);
        case EndColumn:
            return timeText(p->window.end);
        case KeyColumn:
            return QString::fromStdString(p->key);
        case PaneColumn:
            return QString::fromLatin1(window::paneTimingName(p->timing).data(),
                                       static_cast<int>(window::paneTimingName(p->timing).size()));
        case IndexColumn:
            return static_cast<uint>(p->index);
        case FinalColumn:
            return p->final ? tr("final") : QString();
        default: {
            const size_t a = static_cast<size_t>(col - kFixedColumns);
            return a < p->values.size() ? QString::fromStdString(p->values[a].toString())
                                        : QVariant();
        }
        }
    case Qt::TextAlignmentRole:
        if (col == IndexColumn || col >= kFixedColumns)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ForegroundRole:
        // Late panes stand out; speculative (early) ones are greyed.
        if (col == PaneColumn && p->timing == window::PaneTiming::Late)
            return QBrush(QColor(0xb0, 0x40, 0x00));
        if (p->timing == window::PaneTiming::Early && !p->final)
            return QBrush(QColor(0x80, 0x80, 0x80));
        return {};
    case WindowStartNsRole:
        return static_cast<qlonglong>(p->window.start.value);
    case WindowEndNsRole:
        return static_cast<qlonglong>(p->window.end.value);
    case KeyRole:
        return QString::fromStdString(p->key);
    case FinalRole:
        return p->final;
    case PaneTimingRole:
        return static_cast<int>(p->timing);
    case NumberRole:
        if (col >= kFixedColumns) {
            const size_t a = static_cast<size_t>(col - kFixedColumns);
            if (a < p->values.size() && p->values[a].type == window::AggValue::Type::Number)
                return p->values[a].number;
        }
        return {};
    default:
        return {};
    }
}

QVariant WindowResultsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 ||
        section >= m_columns)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case StartColumn:
        return tr("Window start");
    case EndColumn:
        return tr("Window end");
    case KeyColumn:
        return tr("Key");
    case PaneColumn:
        return tr("Pane");
    case IndexColumn:
        return tr("#");
    case FinalColumn:
        return tr("Final");
    default: {
        const size_t a = static_cast<size_t>(section - kFixedColumns);
        return m_results && a < m_results->aggregates.size()
                   ? QString::fromStdString(m_results->aggregates[a])
                   : QVariant();
    }
    }
}

} // namespace weir::ui
