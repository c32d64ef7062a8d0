// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/log_table_view.h"

#include "models/event_table_model.h"

#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QKeyEvent>
#include <QMenu>
#include <QScrollBar>
#include <QSettings>
#include <algorithm>
#include <limits>

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
    columns->setSectionsMovable(true);
    columns->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(columns, &QHeaderView::customContextMenuRequested, this, &LogTableView::showHeaderMenu);
    connect(columns, &QHeaderView::sectionMoved, this, [this] { saveColumns(); });
    connect(columns, &QHeaderView::sectionResized, this, [this] { saveColumns(); });
    setContextMenuPolicy(Qt::CustomContextMenu);
    connect(this, &QWidget::customContextMenuRequested, this, &LogTableView::showContextMenu);

    connect(verticalScrollBar(), &QScrollBar::rangeChanged, this, &LogTableView::onRangeChanged);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, &LogTableView::onValueChanged);
}

void LogTableView::setModel(QAbstractItemModel *newModel) {
    if (model())
        disconnect(model(), nullptr, this, nullptr);
    QTableView::setModel(newModel);
    if (auto *events = qobject_cast<EventTableModel *>(newModel))
        events->setRowLimit(maxPixelRows());
    if (newModel) {
        connect(newModel, &QAbstractItemModel::rowsRemoved, this, &LogTableView::onRowsRemoved);
        connect(newModel, &QAbstractItemModel::columnsInserted, this,
                &LogTableView::onColumnsInserted);
    }
    const int w = fontMetrics().horizontalAdvance(QLatin1Char('0'));
    setColumnWidth(0, w * 26);
    setColumnWidth(1, w * 18);
    setColumnWidth(2, w * 10);
    setColumnWidth(3, w * 7);
    if (newModel && newModel->columnCount() > EventTableModel::ColumnCount)
        onColumnsInserted(QModelIndex(), EventTableModel::ColumnCount, newModel->columnCount() - 1);
}

int LogTableView::maxPixelRows() const {
    // QHeaderView keeps row positions and the total length in int pixels: beyond this many
    // rows they overflow (about 86 M rows at 25 px) and scrolling and painting go wrong.
    const int height = std::max(1, verticalHeader()->defaultSectionSize());
    return std::numeric_limits<int>::max() / height - 1;
}

void LogTableView::onColumnsInserted(const QModelIndex &parent, int first, int last) {
    if (parent.isValid())
        return;
    if (!m_columnsKey.isEmpty() &&
        QSettings().contains(QStringLiteral("columns/") + m_columnsKey)) {
        restoreColumns();
        return;
    }
    // Parsed-field columns start hidden; the header menu shows them.
    m_restoring = true;
    for (int c = std::max(first, int(EventTableModel::ColumnCount)); c <= last; ++c)
        setColumnHidden(c, true);
    m_restoring = false;
}

void LogTableView::setColumnsKey(const QString &key) {
    if (key == m_columnsKey)
        return;
    m_columnsKey = key;
    restoreColumns();
}

QStringList LogTableView::visibleColumns() const {
    QStringList out;
    if (!model())
        return out;
    const QHeaderView *h = horizontalHeader();
    for (int v = 0; v < h->count(); ++v) {
        const int logical = h->logicalIndex(v);
        if (!h->isSectionHidden(logical))
            out << model()->headerData(logical, Qt::Horizontal).toString();
    }
    return out;
}

void LogTableView::setColumnVisible(int column, bool visible) {
    setColumnHidden(column, !visible);
    if (visible && columnWidth(column) < 20)
        setColumnWidth(column, fontMetrics().horizontalAdvance(QLatin1Char('0')) * 14);
    saveColumns();
}

void LogTableView::saveColumns() {
    if (m_restoring || m_columnsKey.isEmpty() || !model())
        return;
    QStringList entries;
    const QHeaderView *h = horizontalHeader();
    for (int v = 0; v < h->count(); ++v) {
        const int logical = h->logicalIndex(v);
        if (h->isSectionHidden(logical))
            continue;
        entries << model()->headerData(logical, Qt::Horizontal).toString() + QLatin1Char('\t') +
                       QString::number(h->sectionSize(logical));
    }
    QSettings().setValue(QStringLiteral("columns/") + m_columnsKey, entries);
}

void LogTableView::restoreColumns() {
    if (!model() || m_columnsKey.isEmpty())
        return;
    const QStringList entries =
        QSettings().value(QStringLiteral("columns/") + m_columnsKey).toStringList();
    QHeaderView *h = horizontalHeader();
    const int count = model()->columnCount();
    if (entries.isEmpty()) {
        // Nothing saved for this format: the default layout (not the previous format's),
        // fixed columns in model order, parsed fields hidden.
        m_restoring = true;
        for (int c = 0; c < count; ++c) {
            h->moveSection(h->visualIndex(c), c);
            h->setSectionHidden(c, c >= EventTableModel::ColumnCount);
        }
        m_restoring = false;
        return;
    }
    m_restoring = true;
    QStringList names;
    for (int c = 0; c < count; ++c)
        names << model()->headerData(c, Qt::Horizontal).toString();
    for (int c = 0; c < count; ++c)
        h->setSectionHidden(c, true);
    int visual = 0;
    for (const QString &e : entries) {
        const int tab = e.lastIndexOf(QLatin1Char('\t'));
        const int logical = names.indexOf(tab < 0 ? e : e.left(tab));
        if (logical < 0)
            continue;
        h->setSectionHidden(logical, false);
        const int width = tab < 0 ? 0 : e.mid(tab + 1).toInt();
        if (width > 0)
            h->resizeSection(logical, width);
        h->moveSection(h->visualIndex(logical), visual++);
    }
    m_restoring = false;
}

void LogTableView::showHeaderMenu(const QPoint &pos) {
    if (!model())
        return;
    QMenu menu(this);
    for (int c = 0; c < model()->columnCount(); ++c) {
        QString name = model()->headerData(c, Qt::Horizontal).toString();
        name.replace(QLatin1Char('&'), QStringLiteral("&&"));
        QAction *a = menu.addAction(name);
        a->setCheckable(true);
        a->setChecked(!isColumnHidden(c));
        connect(a, &QAction::toggled, this, [this, c](bool on) { setColumnVisible(c, on); });
    }
    menu.exec(horizontalHeader()->mapToGlobal(pos));
}

void LogTableView::showContextMenu(const QPoint &pos) {
    const QModelIndex index = indexAt(pos);
    if (!index.isValid())
        return;
    setCurrentIndex(index);
    QMenu menu(this);
    menu.addAction(tr("Copy row"), this, &LogTableView::copyRow);
    menu.addAction(tr("Copy cell"), this, &LogTableView::copyCell);
    menu.addAction(tr("Copy raw line"), this, &LogTableView::copyRaw);
    menu.addSeparator();
    menu.addAction(tr("Toggle bookmark"), this, &LogTableView::toggleBookmarkRequested);
    menu.exec(viewport()->mapToGlobal(pos));
}

QString LogTableView::cellText(const QModelIndex &index) const {
    return index.isValid() ? index.data().toString() : QString();
}

QString LogTableView::rowText(int row) const {
    if (!model() || row < 0 || row >= model()->rowCount())
        return {};
    QStringList cells;
    const QHeaderView *h = horizontalHeader();
    for (int v = 0; v < h->count(); ++v) {
        const int logical = h->logicalIndex(v);
        if (!h->isSectionHidden(logical))
            cells << model()->index(row, logical).data().toString();
    }
    return cells.join(QLatin1Char('\t'));
}

QString LogTableView::rawText(int row) const {
    if (!model() || row < 0 || row >= model()->rowCount())
        return {};
    return QString::fromUtf8(model()->index(row, 0).data(EventTableModel::RawRole).toByteArray());
}

void LogTableView::copyRow() {
    if (currentIndex().isValid())
        QApplication::clipboard()->setText(rowText(currentIndex().row()));
}

void LogTableView::copyCell() {
    if (currentIndex().isValid())
        QApplication::clipboard()->setText(cellText(currentIndex()));
}

void LogTableView::copyRaw() {
    if (currentIndex().isValid())
        QApplication::clipboard()->setText(rawText(currentIndex().row()));
}

void LogTableView::keyPressEvent(QKeyEvent *event) {
    if (event->matches(QKeySequence::Copy)) {
        copyRow();
        event->accept();
        return;
    }
    QTableView::keyPressEvent(event);
}

void LogTableView::goToRow(int row) {
    if (!model() || row < 0 || row >= model()->rowCount())
        return;
    if (row < model()->rowCount() - 1)
        setFollowTail(false);
    const QModelIndex index = model()->index(row, std::max(0, currentIndex().column()));
    setCurrentIndex(index);
    scrollTo(index, QAbstractItemView::PositionAtCenter);
    if (row < model()->rowCount() - 1 && m_followTail) {
        m_followTail = false;
        Q_EMIT followTailChanged(false);
    }
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
