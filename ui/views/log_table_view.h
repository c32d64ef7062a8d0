// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QTableView>

namespace weir::ui {

// The log table: fixed row heights, no per-row sizing work, and "follow tail". Following
// keeps the newest row in view as rows arrive; scrolling up pauses it, scrolling back to the
// bottom (or setFollowTail(true)) resumes it. Rows removed at the top while paused shift the
// scroll position so the rows on screen stay put.
class LogTableView final : public QTableView {
    Q_OBJECT

public:
    explicit LogTableView(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model) override;

    bool followTail() const { return m_followTail; }
    void setFollowTail(bool follow);

Q_SIGNALS:
    void followTailChanged(bool follow);

private:
    void onRangeChanged(int min, int max);
    void onValueChanged(int value);
    void onRowsRemoved(const QModelIndex &parent, int first, int last);

    bool m_followTail = true;
    bool m_adjusting = false; // our own scroll-bar moves, not the user's
};

} // namespace weir::ui
