// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/alert_history_model.h"

#include "views/active_alerts_model.h"
#include "weir/common/time_util.h"

#include <QBrush>

namespace weir::ui {

AlertHistoryModel::AlertHistoryModel(QObject *parent)
    : QAbstractTableModel(parent) {}

void AlertHistoryModel::setResults(std::shared_ptr<const alert::AlertResults> results) {
    if (results == m_results)
        return;
    beginResetModel();
    m_results = std::move(results);
    endResetModel();
}

const alert::Transition *AlertHistoryModel::transitionAt(int row) const {
    if (!m_results || row < 0 || static_cast<size_t>(row) >= m_results->recent.size())
        return nullptr;
    return &m_results->recent[m_results->recent.size() - 1 - static_cast<size_t>(row)];
}

int AlertHistoryModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() || !m_results ? 0 : static_cast<int>(m_results->recent.size());
}

int AlertHistoryModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlertHistoryModel::data(const QModelIndex &index, int role) const {
    if (!index.isValid() || index.parent().isValid() || index.column() >= ColumnCount)
        return {};
    const alert::Transition *t = transitionAt(index.row());
    if (!t)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return QString::fromStdString(formatRfc3339Ms(t->time));
        case StateColumn:
            return QString::fromLatin1(alert::alertStateName(t->state).data(),
                                       static_cast<int>(alert::alertStateName(t->state).size()));
        case SeverityColumn:
            return QString::fromStdString(t->severity());
        case RuleColumn:
            return QString::fromStdString(t->rule());
        case KeyColumn:
            return QString::fromStdString(t->key);
        case ValueColumn:
            return alertValueText(t->value);
        case WindowColumn:
            if (t->window.start == t->window.end)
                return QString();
            return QString::fromStdString(formatRfc3339Ms(t->window.start) + " – " +
                                          formatRfc3339Ms(t->window.end));
        default:
            return {};
        }
    case Qt::DecorationRole:
        if (index.column() == StateColumn && t->state == alert::AlertState::Firing)
            return ActiveAlertsModel::severityColor(t->severity());
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == ValueColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case RuleRole:
        return QString::fromStdString(t->rule());
    case KeyRole:
        return QString::fromStdString(t->key);
    case StateRole:
        return static_cast<int>(t->state);
    case TimeNsRole:
        return static_cast<qlonglong>(t->time.value);
    case WindowStartNsRole:
        return static_cast<qlonglong>(t->window.start.value);
    case WindowEndNsRole:
        return static_cast<qlonglong>(t->window.end.value);
    default:
        return {};
    }
}

QVariant AlertHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time (event)");
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
    case WindowColumn:
        return tr("Window");
    default:
        return {};
    }
}

} // namespace weir::ui
