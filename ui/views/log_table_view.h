// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractItemView>
#include <QString>

class QHeaderView;

namespace weir::ui {

// The log table: a painted item view (klogg's design) with no per-row state, so it shows any
// row count a model reports (100 M rows and more). QTableView cannot: its vertical header
// keeps one item per row and places rows at int pixel offsets (rows x row height overflows
// past ~86 M rows at 25 px), and every insertion or removal moves those items.
//
// Here all rows have one fixed height; the first row on screen is a 64-bit row number
// (topRow()); the vertical scroll bar is in rows while that fits kMaxScrollUnits and in
// coarse units of several rows beyond (wheel and keys still move by rows). Only the rows
// on screen are asked for data and painted, through the item delegate. Selection and the
// current row are the usual QItemSelectionModel over the model (ranges, not per-row state).
//
// "Follow tail" keeps the newest row in view as rows arrive; scrolling up pauses it,
// scrolling back to the bottom (or setFollowTail(true)) resumes it. Rows removed above the
// screen while paused shift topRow() so the rows on screen stay put.
//
// Columns: a horizontal QHeaderView; its context menu shows and hides them, drag reorders
// them; the layout (visible columns in order, with widths) is saved in QSettings per log
// format (setColumnsKey), and columns a model adds later (parsed fields) start hidden unless
// the saved layout names them. The table's context menu copies the row, the cell or the raw
// line and toggles bookmarks. GUI thread only.
class LogTableView final : public QAbstractItemView {
    Q_OBJECT

public:
    // Scroll-bar units at most: beyond this many scrollable rows one unit spans several rows.
    static constexpr int kMaxScrollUnits = 1 << 24;

    explicit LogTableView(QWidget *parent = nullptr);
    ~LogTableView() override;

    void setModel(QAbstractItemModel *model) override;

    QHeaderView *horizontalHeader() const { return m_header; }
    int rowHeight() const { return m_rowHeight; }
    bool wordWrap() const { return false; }
    // First row on screen, rows on screen (whole ones), and the largest topRow().
    qint64 topRow() const { return m_top; }
    int pageRows() const;
    qint64 maxTopRow() const;
    // Rows per vertical scroll-bar unit (1 unless the rows exceed kMaxScrollUnits).
    qint64 rowsPerScrollUnit() const { return m_rowsPerUnit; }

    void setColumnHidden(int column, bool hide);
    bool isColumnHidden(int column) const;
    void setColumnWidth(int column, int width);
    int columnWidth(int column) const;
    // Makes `row` current and selected (the current column is kept) and scrolls to it.
    void selectRow(int row);

    bool followTail() const { return m_followTail; }
    void setFollowTail(bool follow);

    // Restores the column layout saved under `key` (e.g. the log format) and saves changes
    // there from now on. Empty: nothing saved.
    void setColumnsKey(const QString &key);
    QString columnsKey() const { return m_columnsKey; }
    // Visible columns' header texts in visual order.
    QStringList visibleColumns() const;
    void setColumnVisible(int column, bool visible);

    // Text for the clipboard: the row's visible cells tab-separated, one cell, the raw line.
    QString rowText(int row) const;
    QString cellText(const QModelIndex &index) const;
    QString rawText(int row) const;
    void copyRow();
    void copyCell();
    void copyRaw();
    // Selects and shows `row` (pauses following unless it is the last row).
    void goToRow(int row);

    // QAbstractItemView
    QRect visualRect(const QModelIndex &index) const override;
    void scrollTo(const QModelIndex &index, ScrollHint hint = EnsureVisible) override;
    QModelIndex indexAt(const QPoint &point) const override;

Q_SIGNALS:
    void followTailChanged(bool follow);
    void toggleBookmarkRequested();

protected:
    QModelIndex moveCursor(CursorAction cursorAction, Qt::KeyboardModifiers modifiers) override;
    int horizontalOffset() const override;
    int verticalOffset() const override;
    bool isIndexHidden(const QModelIndex &index) const override;
    void setSelection(const QRect &rect, QItemSelectionModel::SelectionFlags command) override;
    QRegion visualRegionForSelection(const QItemSelection &selection) const override;
    void updateGeometries() override;
    void scrollContentsBy(int dx, int dy) override;
    void paintEvent(QPaintEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void dataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                     const QVector<int> &roles = QVector<int>()) override;
    void rowsAboutToBeRemoved(const QModelIndex &parent, int start, int end) override;

public:
    // No type-to-search: QAbstractItemView's would format every row until one matches.
    void keyboardSearch(const QString &search) override;

private:
    qint64 rowCount() const;
    // Moves the first row on screen (clamped). `byUser`: a scroll, key or jump, which
    // pauses or resumes following by where it lands; otherwise following is left alone.
    void setTopRow(qint64 top, bool byUser);
    void syncScrollBar();
    void onRowsInserted(const QModelIndex &parent, int first, int last);
    void onRowsRemoved(const QModelIndex &parent, int first, int last);
    void onRowsReset();
    void onColumnsInserted(const QModelIndex &parent, int first, int last);
    void showHeaderMenu(const QPoint &pos);
    void showContextMenu(const QPoint &pos);
    void saveColumns();
    void restoreColumns();

    QHeaderView *m_header;
    int m_rowHeight = 20;
    qint64 m_top = 0;
    qint64 m_rowsPerUnit = 1;

    QString m_columnsKey;
    bool m_restoring = false;

    bool m_followTail = true;
    bool m_adjusting = false; // our own scroll-bar moves, not the user's
    bool m_removing = false;  // inside rowsAboutToBeRemoved: no scrolling to a new current
    bool m_inGeometries = false;
    int m_wheelDelta = 0; // wheel angle not yet turned into rows
};

} // namespace weir::ui
