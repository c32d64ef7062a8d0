// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QTableView>

namespace weir::ui {

// The log table: fixed row heights, no per-row sizing work, and "follow tail". Following
// keeps the newest row in view as rows arrive; scrolling up pauses it, scrolling back to the
// bottom (or setFollowTail(true)) resumes it. Rows removed at the top while paused shift the
// scroll position so the rows on screen stay put.
//
// Columns: the header's context menu shows and hides them, drag reorders them; the layout
// (visible columns in order, with widths) is saved in QSettings per log format
// (setColumnsKey), and columns a model adds later (parsed fields) start hidden unless the
// saved layout names them. The table's context menu copies the row, the cell or the raw
// line and toggles bookmarks. GUI thread only.
class LogTableView final : public QTableView {
    Q_OBJECT

public:
    explicit LogTableView(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model) override;

    // The most rows this view can place (int pixel offsets at the fixed row height); an
    // EventTableModel set on the view is limited to it.
    int maxPixelRows() const;

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

Q_SIGNALS:
    void followTailChanged(bool follow);
    void toggleBookmarkRequested();

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void onRangeChanged(int min, int max);
    void onValueChanged(int value);
    void onRowsRemoved(const QModelIndex &parent, int first, int last);
    void onColumnsInserted(const QModelIndex &parent, int first, int last);
    void showHeaderMenu(const QPoint &pos);
    void showContextMenu(const QPoint &pos);
    void saveColumns();
    void restoreColumns();

    QString m_columnsKey;
    bool m_restoring = false;

    bool m_followTail = true;
    bool m_adjusting = false; // our own scroll-bar moves, not the user's
};

} // namespace weir::ui
