// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/log_table_view.h"

#include "models/event_table_model.h"

#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QKeyEvent>
#include <QMenu>
#include <QPainter>
#include <QScrollBar>
#include <QSettings>
#include <QWheelEvent>
#include <algorithm>

namespace weir::ui {

namespace {

qint64 floorDiv(qint64 a, qint64 b) {
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

} // namespace

LogTableView::LogTableView(QWidget *parent)
    : QAbstractItemView(parent)
    , m_header(new QHeaderView(Qt::Horizontal, this)) {
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setVerticalScrollMode(QAbstractItemView::ScrollPerItem);
    setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    setTextElideMode(Qt::ElideRight);
    setAlternatingRowColors(true);
    m_rowHeight = fontMetrics().height() + 4;

    m_header->setStretchLastSection(true);
    m_header->setHighlightSections(false);
    m_header->setSectionResizeMode(QHeaderView::Interactive);
    m_header->setSectionsMovable(true);
    m_header->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_header, &QHeaderView::customContextMenuRequested, this,
            &LogTableView::showHeaderMenu);
    connect(m_header, &QHeaderView::sectionMoved, this, [this] {
        saveColumns();
        viewport()->update();
    });
    connect(m_header, &QHeaderView::sectionResized, this, [this] {
        saveColumns();
        updateGeometries();
        viewport()->update();
    });
    connect(m_header, &QHeaderView::sectionCountChanged, this, [this] {
        updateGeometries();
        viewport()->update();
    });
    connect(m_header, &QHeaderView::geometriesChanged, this, &LogTableView::updateGeometries);
    setContextMenuPolicy(Qt::CustomContextMenu);
    connect(this, &QWidget::customContextMenuRequested, this, &LogTableView::showContextMenu);
}

LogTableView::~LogTableView() {
    // The header outlives this object's own members (QWidget deletes children later) and
    // reports its hiding then: nothing of it may reach this object any more.
    disconnect(m_header, nullptr, this, nullptr);
}

void LogTableView::setModel(QAbstractItemModel *newModel) {
    if (model())
        disconnect(model(), nullptr, this, nullptr);
    QAbstractItemView::setModel(newModel);
    m_header->setModel(newModel);
    m_top = 0;
    if (newModel) {
        connect(newModel, &QAbstractItemModel::rowsInserted, this, &LogTableView::onRowsInserted);
        connect(newModel, &QAbstractItemModel::rowsRemoved, this, &LogTableView::onRowsRemoved);
        connect(newModel, &QAbstractItemModel::modelReset, this, &LogTableView::onRowsReset);
        connect(newModel, &QAbstractItemModel::layoutChanged, this, &LogTableView::onRowsReset);
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
    updateGeometries();
}

qint64 LogTableView::rowCount() const {
    return model() ? model()->rowCount(rootIndex()) : 0;
}

int LogTableView::pageRows() const {
    return std::max(1, viewport()->height() / m_rowHeight);
}

qint64 LogTableView::maxTopRow() const {
    return std::max<qint64>(0, rowCount() - pageRows());
}

void LogTableView::setColumnHidden(int column, bool hide) {
    m_header->setSectionHidden(column, hide);
}

bool LogTableView::isColumnHidden(int column) const {
    return m_header->isSectionHidden(column);
}

void LogTableView::setColumnWidth(int column, int width) {
    m_header->resizeSection(column, width);
}

int LogTableView::columnWidth(int column) const {
    return m_header->sectionSize(column);
}

void LogTableView::selectRow(int row) {
    if (!model() || row < 0 || row >= rowCount())
        return;
    const int column = std::max(0, currentIndex().column());
    setCurrentIndex(model()->index(row, column, rootIndex()));
}

void LogTableView::keyboardSearch(const QString &) {}

// ---- geometry and scrolling ----

void LogTableView::updateGeometries() {
    if (m_inGeometries)
        return;
    m_inGeometries = true;
    const int headerHeight =
        m_header->isHidden() ? 0
                             : std::max(m_header->minimumHeight(), m_header->sizeHint().height());
    setViewportMargins(0, headerHeight, 0, 0);
    const QRect vg = viewport()->geometry();
    m_header->setGeometry(vg.left(), vg.top() - headerHeight, vg.width(), headerHeight);
    QScrollBar *hbar = horizontalScrollBar();
    hbar->setPageStep(vg.width());
    hbar->setSingleStep(std::max(1, fontMetrics().horizontalAdvance(QLatin1Char('0')) * 2));
    hbar->setRange(0, std::max(0, m_header->length() - vg.width()));
    m_top = m_followTail ? maxTopRow() : std::min(m_top, maxTopRow());
    syncScrollBar();
    m_inGeometries = false;
    QAbstractItemView::updateGeometries();
}

void LogTableView::syncScrollBar() {
    QScrollBar *bar = verticalScrollBar();
    const qint64 maxTop = maxTopRow();
    m_rowsPerUnit = maxTop > kMaxScrollUnits ? (maxTop + kMaxScrollUnits - 1) / kMaxScrollUnits : 1;
    const auto units = static_cast<int>((maxTop + m_rowsPerUnit - 1) / m_rowsPerUnit);
    // Only the last row on screen maps to the bar's maximum (following).
    const int value = m_top >= maxTop ? units : static_cast<int>(m_top / m_rowsPerUnit);
    const bool was = m_adjusting;
    m_adjusting = true;
    bar->setRange(0, units);
    bar->setSingleStep(1);
    bar->setPageStep(static_cast<int>(std::max<qint64>(1, pageRows() / m_rowsPerUnit)));
    bar->setValue(value);
    m_adjusting = was;
}

void LogTableView::setTopRow(qint64 top, bool byUser) {
    top = std::clamp<qint64>(top, 0, maxTopRow());
    const bool moved = top != m_top;
    m_top = top;
    syncScrollBar();
    if (byUser) {
        const bool atBottom = m_top >= maxTopRow();
        if (atBottom != m_followTail) {
            m_followTail = atBottom;
            Q_EMIT followTailChanged(atBottom);
        }
    }
    if (moved)
        viewport()->update();
}

void LogTableView::scrollContentsBy(int dx, int dy) {
    if (dx != 0)
        m_header->setOffset(horizontalScrollBar()->value());
    if (dy != 0 && !m_adjusting) {
        // The user moved the bar: its value maps to a row (the bottom to the last page).
        const QScrollBar *bar = verticalScrollBar();
        const qint64 top = bar->value() >= bar->maximum()
                               ? maxTopRow()
                               : static_cast<qint64>(bar->value()) * m_rowsPerUnit;
        m_top = std::clamp<qint64>(top, 0, maxTopRow());
        const bool atBottom = bar->value() >= bar->maximum();
        if (atBottom != m_followTail) {
            m_followTail = atBottom;
            Q_EMIT followTailChanged(atBottom);
        }
    }
    viewport()->update();
}

void LogTableView::resizeEvent(QResizeEvent *event) {
    QAbstractItemView::resizeEvent(event); // updateGeometries(): the page size changed
    viewport()->update();
}

void LogTableView::wheelEvent(QWheelEvent *event) {
    const QPoint delta = event->angleDelta();
    if (delta.y() == 0 || std::abs(delta.x()) > std::abs(delta.y()) ||
        (event->modifiers() & (Qt::ControlModifier | Qt::ShiftModifier))) {
        QAbstractItemView::wheelEvent(event);
        return;
    }
    // By rows, whatever the scroll bar's unit.
    m_wheelDelta += delta.y();
    const int notches = m_wheelDelta / 120;
    m_wheelDelta -= notches * 120;
    if (notches != 0)
        setTopRow(m_top - static_cast<qint64>(notches) * QApplication::wheelScrollLines(), true);
    event->accept();
}

void LogTableView::scrollTo(const QModelIndex &index, ScrollHint hint) {
    if (!index.isValid() || !model() || index.model() != model() || m_removing)
        return;
    const qint64 row = index.row();
    const int page = pageRows();
    qint64 top = m_top;
    switch (hint) {
    case EnsureVisible:
        if (row < m_top)
            top = row;
        else if (row >= m_top + page)
            top = row - page + 1;
        break;
    case PositionAtTop:
        top = row;
        break;
    case PositionAtBottom:
        top = row - page + 1;
        break;
    case PositionAtCenter:
        top = row - page / 2;
        break;
    }
    setTopRow(top, true);
    // Horizontally, the cell's column (unless it is wider than the screen).
    if (!isIndexHidden(index)) {
        const int x = m_header->sectionViewportPosition(index.column());
        const int w = m_header->sectionSize(index.column());
        QScrollBar *hbar = horizontalScrollBar();
        if (x < 0)
            hbar->setValue(hbar->value() + x);
        else if (x + w > viewport()->width() && w < viewport()->width())
            hbar->setValue(hbar->value() + x + w - viewport()->width());
    }
}

int LogTableView::horizontalOffset() const {
    return m_header->offset();
}

int LogTableView::verticalOffset() const {
    // Row positions are relative to topRow(); no absolute pixel offset exists (nor fits an int).
    return 0;
}

bool LogTableView::isIndexHidden(const QModelIndex &index) const {
    return m_header->isSectionHidden(index.column());
}

QRect LogTableView::visualRect(const QModelIndex &index) const {
    if (!index.isValid() || index.model() != model() || index.parent() != rootIndex() ||
        isIndexHidden(index))
        return {};
    constexpr qint64 kFar = qint64{1} << 28; // far off screen, still an int after adding
    const qint64 y = std::clamp<qint64>((index.row() - m_top) * m_rowHeight, -kFar, kFar);
    return QRect(m_header->sectionViewportPosition(index.column()), static_cast<int>(y),
                 m_header->sectionSize(index.column()), m_rowHeight);
}

QModelIndex LogTableView::indexAt(const QPoint &point) const {
    if (!model() || point.y() < 0)
        return {};
    const qint64 row = m_top + point.y() / m_rowHeight;
    if (row >= rowCount())
        return {};
    const int column = m_header->logicalIndexAt(point.x());
    if (column < 0)
        return {};
    return model()->index(static_cast<int>(row), column, rootIndex());
}

QModelIndex LogTableView::moveCursor(CursorAction action, Qt::KeyboardModifiers) {
    const qint64 rows = rowCount();
    if (rows == 0 || m_header->count() == 0)
        return {};
    const QModelIndex current = currentIndex();
    int column = current.isValid() ? current.column() : m_header->logicalIndex(0);
    if (!current.isValid()) // the first row on screen
        return model()->index(static_cast<int>(std::min(m_top, rows - 1)), column, rootIndex());
    qint64 row = current.row();
    const auto stepColumn = [&](int step) {
        for (int v = m_header->visualIndex(column) + step; v >= 0 && v < m_header->count();
             v += step) {
            const int logical = m_header->logicalIndex(v);
            if (!m_header->isSectionHidden(logical)) {
                column = logical;
                return;
            }
        }
    };
    switch (action) {
    case MoveUp:
        --row;
        break;
    case MoveDown:
        ++row;
        break;
    case MovePageUp:
        row -= pageRows();
        break;
    case MovePageDown:
        row += pageRows();
        break;
    case MoveHome:
        row = 0;
        break;
    case MoveEnd:
        row = rows - 1;
        break;
    case MoveLeft:
    case MovePrevious:
        stepColumn(-1);
        break;
    case MoveRight:
    case MoveNext:
        stepColumn(1);
        break;
    }
    row = std::clamp<qint64>(row, 0, rows - 1);
    return model()->index(static_cast<int>(row), column, rootIndex());
}

void LogTableView::setSelection(const QRect &rect, QItemSelectionModel::SelectionFlags command) {
    if (!model() || !selectionModel())
        return;
    const qint64 rows = rowCount();
    const int columns = model()->columnCount(rootIndex());
    if (rows == 0 || columns == 0)
        return;
    const QRect r = rect.normalized();
    const qint64 first = std::max<qint64>(0, m_top + floorDiv(r.top(), m_rowHeight));
    const qint64 last = std::min<qint64>(rows - 1, m_top + floorDiv(r.bottom(), m_rowHeight));
    if (first > last)
        return;
    const QItemSelection selection(
        model()->index(static_cast<int>(first), 0, rootIndex()),
        model()->index(static_cast<int>(last), columns - 1, rootIndex()));
    selectionModel()->select(selection, command);
}

QRegion LogTableView::visualRegionForSelection(const QItemSelection &selection) const {
    QRegion region;
    const qint64 last = m_top + pageRows(); // the partly shown row too
    const int width = viewport()->width();
    for (const QItemSelectionRange &range : selection) {
        if (!range.isValid() || range.parent() != rootIndex())
            continue;
        const qint64 a = std::max<qint64>(range.top(), m_top);
        const qint64 b = std::min<qint64>(range.bottom(), last);
        if (a <= b)
            region += QRect(0, static_cast<int>(a - m_top) * m_rowHeight, width,
                            static_cast<int>(b - a + 1) * m_rowHeight);
    }
    return region;
}

void LogTableView::dataChanged(const QModelIndex &, const QModelIndex &, const QVector<int> &) {
    // Not the base: it measures every cell of the range (a whole table is O(rows)).
    viewport()->update();
}

void LogTableView::paintEvent(QPaintEvent *event) {
    QPainter painter(viewport());
    const qint64 rows = rowCount();
    const int visuals = m_header->count();
    if (rows == 0 || visuals == 0)
        return;
    const QRect area = event->rect();
    const qint64 first = m_top + std::max(0, area.top()) / m_rowHeight;
    const qint64 last = std::min(rows - 1, m_top + std::max(0, area.bottom()) / m_rowHeight);
    const QStyleOptionViewItem base = viewOptions();
    const QModelIndex current = currentIndex();
    const bool focus = hasFocus() && current.isValid();
    const QItemSelectionModel *selection = selectionModel();
    // Visible columns in visual order, with their place on screen.
    struct Cell {
        int logical;
        int x;
        int width;
    };
    std::vector<Cell> cells;
    for (int v = 0; v < visuals; ++v) {
        const int logical = m_header->logicalIndex(v);
        if (m_header->isSectionHidden(logical))
            continue;
        const int x = m_header->sectionViewportPosition(logical);
        const int w = m_header->sectionSize(logical);
        if (w > 0 && x + w > area.left() && x <= area.right())
            cells.push_back({logical, x, w});
    }
    for (qint64 r = first; r <= last; ++r) {
        const int y = static_cast<int>(r - m_top) * m_rowHeight;
        for (size_t c = 0; c < cells.size(); ++c) {
            const QModelIndex index =
                model()->index(static_cast<int>(r), cells[c].logical, rootIndex());
            QStyleOptionViewItem option = base;
            option.rect = QRect(cells[c].x, y, cells[c].width, m_rowHeight);
            if (selection && selection->isSelected(index))
                option.state |= QStyle::State_Selected;
            if (focus && index == current)
                option.state |= QStyle::State_HasFocus;
            if (alternatingRowColors() && (r & 1))
                option.features |= QStyleOptionViewItem::Alternate;
            option.viewItemPosition = cells.size() == 1       ? QStyleOptionViewItem::OnlyOne
                                      : c == 0                ? QStyleOptionViewItem::Beginning
                                      : c + 1 == cells.size() ? QStyleOptionViewItem::End
                                                              : QStyleOptionViewItem::Middle;
            style()->drawPrimitive(QStyle::PE_PanelItemViewRow, &option, &painter, this);
            itemDelegate(index)->paint(&painter, option, index);
        }
    }
}

// ---- model changes ----

void LogTableView::rowsAboutToBeRemoved(const QModelIndex &parent, int start, int end) {
    // The base may move the current index off rows being removed: no scrolling to it.
    m_removing = true;
    QAbstractItemView::rowsAboutToBeRemoved(parent, start, end);
    m_removing = false;
}

void LogTableView::onRowsInserted(const QModelIndex &parent, int first, int last) {
    if (parent != rootIndex())
        return;
    if (m_followTail)
        m_top = maxTopRow();
    else if (first <= m_top && rowCount() > last - first + 1)
        m_top += last - first + 1; // rows above the screen: the same rows stay on it
    syncScrollBar();
    viewport()->update();
}

void LogTableView::onRowsRemoved(const QModelIndex &parent, int first, int last) {
    if (parent != rootIndex())
        return;
    if (m_followTail) {
        m_top = maxTopRow();
    } else if (first < m_top) {
        // Keep the same events on screen: the rows above them are gone.
        m_top -= std::min<qint64>(last + 1, m_top) - first;
        m_top = std::min(m_top, maxTopRow());
    } else {
        m_top = std::min(m_top, maxTopRow());
    }
    syncScrollBar();
    viewport()->update();
}

void LogTableView::onRowsReset() {
    m_top = m_followTail ? maxTopRow() : std::min(m_top, maxTopRow());
    syncScrollBar();
    viewport()->update();
}

// ---- columns, copy, navigation ----

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
    QAbstractItemView::keyPressEvent(event);
}

void LogTableView::goToRow(int row) {
    if (!model() || row < 0 || row >= rowCount())
        return;
    const QModelIndex index =
        model()->index(row, std::max(0, currentIndex().column()), rootIndex());
    setCurrentIndex(index);
    scrollTo(index, QAbstractItemView::PositionAtCenter);
    if (row < rowCount() - 1 && m_followTail) {
        m_followTail = false;
        Q_EMIT followTailChanged(false);
    }
}

void LogTableView::setFollowTail(bool follow) {
    if (follow == m_followTail)
        return;
    m_followTail = follow;
    if (follow) {
        m_top = maxTopRow();
        syncScrollBar();
        viewport()->update();
    }
    Q_EMIT followTailChanged(follow);
}

} // namespace weir::ui
