// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/log_table_view.h"

#include <QHeaderView>
#include <QScrollBar>
#include <algorithm>

namespace weir::ui {

LogTableView::LogTableView(QWidget *parent)
    : QTableView(parent) {
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setVerticalScrollMode(QAbstractItemView::ScrollPerItem);
    setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    setWordWrap(false);
    setTextElideMode(Qt::ElideRight);
    setShowGrid(false);
    setAlternatingRowColors(true);
    setSortingEnabled(false);
    setCornerButtonEnabled(false);

    // Uniform rows: every section has the default size, nothing is measured per row.
    QHeaderView *rows = verticalHeader();
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setMinimumSectionSize(1);
    rows->setDefaultSectionSize(fontMetrics().height() + 4);
    rows->hide();

    QHeaderView *columns = horizontalHeader();
    columns->setStretchLastSection(true);
    columns->setHighlightSections(false);
    columns->setSectionResizeMode(QHeaderView::Interactive);

    connect(verticalScrollBar(), &QScrollBar::rangeChanged, this, &LogTableView::onRangeChanged);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, &LogTableView::onValueChanged);
}

void LogTableView::setModel(QAbstractItemModel *newModel) {
    if (model())
        disconnect(model(), nullptr, this, nullptr);
    QTableView::setModel(newModel);
    if (newModel)
        connect(newModel, &QAbstractItemModel::rowsRemoved, this, &LogTableView::onRowsRemoved);
    const int w = fontMetrics().horizontalAdvance(QLatin1Char('0'));
    setColumnWidth(0, w * 26);
    setColumnWidth(1, w * 18);
    setColumnWidth(2, w * 10);
    setColumnWidth(3, w * 7);
}

void LogTableView::setFollowTail(bool follow) {
    if (follow == m_followTail)
        return;
    m_followTail = follow;
    if (follow) {
        m_adjusting = true;
        verticalScrollBar()->setValue(verticalScrollBar()->maximum());
        m_adjusting = false;
    }
    Q_EMIT followTailChanged(follow);
}

void LogTableView::onRangeChanged(int, int max) {
    if (!m_followTail)
        return;
    m_adjusting = true;
    verticalScrollBar()->setValue(max);
    m_adjusting = false;
}

void LogTableView::onValueChanged(int value) {
    if (m_adjusting)
        return;
    const bool atBottom = value >= verticalScrollBar()->maximum();
    if (atBottom != m_followTail) {
        m_followTail = atBottom;
        Q_EMIT followTailChanged(atBottom);
    }
}

void LogTableView::onRowsRemoved(const QModelIndex &parent, int first, int last) {
    if (parent.isValid() || m_followTail)
        return;
    // Keep the same events on screen: the rows above them are gone.
    QScrollBar *bar = verticalScrollBar();
    const int removedAbove = first < bar->value() ? std::min(last + 1, bar->value()) - first : 0;
    if (removedAbove > 0) {
        m_adjusting = true;
        bar->setValue(bar->value() - removedAbove);
        m_adjusting = false;
    }
}

} // namespace weir::ui
