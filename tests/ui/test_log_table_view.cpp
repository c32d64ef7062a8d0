// SPDX-License-Identifier: GPL-3.0-or-later
// The log table view, offscreen: follow tail, fixed rows, column layouts, and 100 M rows.
#include "models/event_table_model.h"
#include "store_feeder.h"
#include "views/log_table_view.h"

#include <QAbstractItemModelTester>
#include <QAbstractTableModel>
#include <QHeaderView>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>
#include <limits>

using weir::test::StoreFeeder;
using weir::ui::EventTableModel;
using weir::ui::LogTableView;

class TestLogTableView : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void followsTailPausesAndResumes();
    void keepsRowsOnScreenWhenTopRowsAreEvicted();
    void rowsHaveOneFixedHeight();
    void viewDoesNotLimitTheModel();
    void scrollsAndSelectsBeyondIntPixels();
    void syntheticModelPassesTheModelTester();
    void columnLayoutsAreKeptPerFormat();
};

namespace {

// `rows` rows of 3 columns whose text is computed from a base number plus the row: no state
// per row. shift(n) evicts n rows at the top and appends n at the bottom, like a capped log.
class SyntheticRows final : public QAbstractTableModel {
public:
    explicit SyntheticRows(int rows)
        : m_rows(rows) {}
    int rowCount(const QModelIndex &parent = QModelIndex()) const override {
        return parent.isValid() ? 0 : m_rows;
    }
    int columnCount(const QModelIndex &parent = QModelIndex()) const override {
        return parent.isValid() ? 0 : 3;
    }
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override {
        if (!index.isValid() || role != Qt::DisplayRole)
            return {};
        m_askedMin = std::min(m_askedMin, index.row());
        m_askedMax = std::max(m_askedMax, index.row());
        const qint64 n = m_base + index.row();
        if (index.column() == 0)
            return QStringLiteral("row %1").arg(n);
        return QStringLiteral("cell %1/%2").arg(n).arg(index.column());
    }
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override {
        if (orientation == Qt::Horizontal && role == Qt::DisplayRole)
            return QStringLiteral("c%1").arg(section);
        return {};
    }
    void shift(int n) {
        beginRemoveRows(QModelIndex(), 0, n - 1);
        m_rows -= n;
        m_base += n;
        endRemoveRows();
        beginInsertRows(QModelIndex(), m_rows, m_rows + n - 1);
        m_rows += n;
        endInsertRows();
    }
    void resetAsked() {
        m_askedMin = std::numeric_limits<int>::max();
        m_askedMax = -1;
    }
    int askedMin() const { return m_askedMin; }
    int askedMax() const { return m_askedMax; }

private:
    int m_rows;
    qint64 m_base = 0;
    mutable int m_askedMin = std::numeric_limits<int>::max();
    mutable int m_askedMax = -1;
};

qulonglong topEvent(LogTableView &view) {
    return view.indexAt(QPoint(2, 2)).data(EventTableModel::EventIndexRole).toULongLong();
}

} // namespace

void TestLogTableView::followsTailPausesAndResumes() {
    StoreFeeder feed({});
    EventTableModel model;
    LogTableView view;
    view.setModel(&model);
    view.resize(600, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy follow(&view, &LogTableView::followTailChanged);
    QScrollBar *bar = view.verticalScrollBar();

    feed.append(1000);
    model.applySnapshot(feed.snapshot());
    QTRY_VERIFY(bar->maximum() > 0);
    QTRY_COMPARE(bar->value(), bar->maximum());
    QVERIFY(view.followTail());

    feed.append(500);
    model.applySnapshot(feed.snapshot());
    QTRY_VERIFY(bar->maximum() > 1000);
    QTRY_COMPARE(bar->value(), bar->maximum());

    // The user scrolls up: following pauses, new rows no longer move the view.
    bar->setValue(100);
    QVERIFY(!view.followTail());
    QCOMPARE(follow.count(), 1);
    QCOMPARE(follow.takeFirst().at(0).toBool(), false);
    const int maxBefore = bar->maximum();
    feed.append(500);
    model.applySnapshot(feed.snapshot());
    QTRY_VERIFY(bar->maximum() > maxBefore);
    QCOMPARE(bar->value(), 100);
    QCOMPARE(topEvent(view), 100ULL);

    // Back at the bottom: following resumes.
    bar->setValue(bar->maximum());
    QVERIFY(view.followTail());
    QCOMPARE(follow.count(), 1);
    feed.append(10);
    model.applySnapshot(feed.snapshot());
    QTRY_COMPARE(bar->maximum(), maxBefore + 510);
    QTRY_COMPARE(bar->value(), bar->maximum());

    // The toggle: off keeps the position, on jumps to the newest row.
    view.setFollowTail(false);
    bar->setValue(5);
    view.setFollowTail(true);
    QCOMPARE(bar->value(), bar->maximum());
}

void TestLogTableView::keepsRowsOnScreenWhenTopRowsAreEvicted() {
    weir::store::EventStore::Options o;
    o.chunkEvents = 100;
    o.memoryBudgetBytes = 100 * 60; // about one sealed chunk besides the open one
    StoreFeeder feed(o);
    EventTableModel model;
    LogTableView view;
    view.setModel(&model);
    view.resize(600, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QScrollBar *bar = view.verticalScrollBar();

    feed.append(250);
    model.applySnapshot(feed.snapshot());
    QTRY_VERIFY(bar->maximum() > 100);
    QTRY_COMPARE(bar->value(), bar->maximum());
    const uint64_t first = model.firstIndex();
    bar->setValue(int(250 - first - 40)); // paused, looking at older rows
    QVERIFY(!view.followTail());
    const qulonglong shown = topEvent(view);

    feed.append(60); // opens a new chunk: the oldest leaves the store
    model.applySnapshot(feed.snapshot());
    QVERIFY(model.firstIndex() > first);
    QTRY_COMPARE(topEvent(view), shown);
    QVERIFY(!view.followTail());
}

void TestLogTableView::rowsHaveOneFixedHeight() {
    StoreFeeder feed({});
    EventTableModel model;
    LogTableView view;
    view.setModel(&model);
    view.resize(600, 300);
    feed.append(100);
    model.applySnapshot(feed.snapshot());
    view.setFollowTail(false);
    view.scrollToTop();
    QVERIFY(view.rowHeight() > 0);
    const QRect r0 = view.visualRect(model.index(0, EventTableModel::MessageColumn));
    const QRect r5 = view.visualRect(model.index(5, EventTableModel::MessageColumn));
    const QRect r99 = view.visualRect(model.index(99, EventTableModel::MessageColumn));
    QCOMPARE(r0.height(), view.rowHeight());
    QCOMPARE(r99.height(), view.rowHeight());
    QCOMPARE(r5.top() - r0.top(), 5 * view.rowHeight());
    QCOMPARE(r99.top() - r0.top(), 99 * view.rowHeight());
    QVERIFY(!view.wordWrap());
}

void TestLogTableView::viewDoesNotLimitTheModel() {
    // QTableView placed rows at int pixel offsets and made the model keep at most
    // INT_MAX / row height rows (~86 M); this view sets no limit.
    EventTableModel model;
    QCOMPARE(model.maxRows(), std::numeric_limits<int>::max()); // by default every stored event
    model.setMaxRows(std::numeric_limits<int>::max());
    LogTableView view;
    view.setModel(&model);
    QCOMPARE(model.maxRows(), std::numeric_limits<int>::max());
    model.setMaxRows(1000);
    QCOMPARE(model.maxRows(), 1000);
    // maxRows caps the rows shown: the newest rows stay.
    StoreFeeder feed({});
    model.setMaxRows(100);
    feed.append(150);
    model.applySnapshot(feed.snapshot());
    QCOMPARE(model.rowCount(), 100);
    QCOMPARE(model.rowToIndex(0), uint64_t{50});
}

void TestLogTableView::scrollsAndSelectsBeyondIntPixels() {
    // 100 M rows (past the 85.9 M where QTableView's int pixel positions overflow at 25 px)
    // from a model that computes its text from the row number: no memory per row anywhere.
    constexpr int kRows = 100'000'000;
    SyntheticRows model(kRows);
    LogTableView view;
    view.setModel(&model);
    view.resize(600, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(qint64{kRows} * view.rowHeight() > qint64{std::numeric_limits<int>::max()});
    QScrollBar *bar = view.verticalScrollBar();
    const int page = view.pageRows();
    QVERIFY(page > 1);

    // Following: the last page is on screen and painted; only rows on screen were asked for.
    QVERIFY(view.followTail());
    QCOMPARE(view.topRow(), qint64{kRows} - page);
    QCOMPARE(bar->value(), bar->maximum());
    QVERIFY(view.rowsPerScrollUnit() > 1); // coarse scroll-bar units
    model.resetAsked();
    view.viewport()->repaint();
    QVERIFY(model.askedMin() >= kRows - page - 1);
    QCOMPARE(model.askedMax(), kRows - 1);

    // The last row: selected, current, on screen, with its text.
    view.selectRow(kRows - 1);
    const QModelIndex last = view.currentIndex();
    QCOMPARE(last.row(), kRows - 1);
    QVERIFY(view.selectionModel()->isRowSelected(kRows - 1, QModelIndex()));
    const QRect lastRect = view.visualRect(last);
    QVERIFY(view.viewport()->rect().contains(lastRect));
    QCOMPARE(view.indexAt(lastRect.center()).row(), kRows - 1);
    QCOMPARE(view.rowText(kRows - 1),
             QStringLiteral("row 99999999\tcell 99999999/1\tcell 99999999/2"));
    QCOMPARE(view.cellText(last), QStringLiteral("row 99999999"));

    // The user drags the bar to the middle: following pauses at that row.
    bar->setValue(bar->maximum() / 2);
    QVERIFY(!view.followTail());
    const qint64 middle = qint64{bar->maximum() / 2} * view.rowsPerScrollUnit();
    QCOMPARE(view.topRow(), middle);
    QCOMPARE(view.indexAt(QPoint(2, 2)).row(), int(middle));
    model.resetAsked();
    view.viewport()->repaint();
    QVERIFY(model.askedMin() >= middle);
    QVERIFY(model.askedMax() <= middle + page);

    // Keys and the wheel move by rows, not by scroll-bar units.
    view.setCurrentIndex(model.index(int(middle), 0));
    view.setFocus();
    QTest::keyClick(view.viewport(), Qt::Key_Down);
    QCOMPARE(view.currentIndex().row(), int(middle) + 1);
    QTest::keyClick(view.viewport(), Qt::Key_PageDown);
    QCOMPARE(view.currentIndex().row(), int(middle) + 1 + page);
    QVERIFY(view.topRow() > middle); // scrolled to keep the current row on screen
    const qint64 beforeWheel = view.topRow();
    QWheelEvent wheel(QPointF(10, 10), QPointF(view.viewport()->mapToGlobal(QPoint(10, 10))),
                      QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase,
                      false);
    QApplication::sendEvent(view.viewport(), &wheel);
    QCOMPARE(view.topRow(), beforeWheel - QApplication::wheelScrollLines());

    // Rows evicted at the top and appended at the bottom while paused: the same rows stay
    // on screen (their row numbers shift down).
    const QString top = view.indexAt(QPoint(2, 2)).data().toString();
    model.shift(5000);
    QCOMPARE(model.rowCount(), kRows);
    QCOMPARE(view.indexAt(QPoint(2, 2)).data().toString(), top);
    QVERIFY(!view.followTail());

    // Following again: the new last row is on screen after every append.
    view.setFollowTail(true);
    QCOMPARE(bar->value(), bar->maximum());
    model.shift(1000);
    QCOMPARE(view.topRow(), qint64{kRows} - page);
    const QModelIndex newest = model.index(kRows - 1, 0);
    QCOMPARE(view.indexAt(view.visualRect(newest).center()), newest);
    QCOMPARE(newest.data().toString(), QStringLiteral("row 100005999"));

    // A click selects the row under the mouse.
    const QModelIndex clicked = model.index(kRows - 3, 1);
    QTest::mouseClick(view.viewport(), Qt::LeftButton, Qt::NoModifier,
                      view.visualRect(clicked).center());
    QCOMPARE(view.currentIndex(), clicked);
    QVERIFY(view.selectionModel()->isRowSelected(kRows - 3, QModelIndex()));

    // Home and End reach both ends.
    view.setCurrentIndex(model.index(int(middle), 0));
    QTest::keyClick(view.viewport(), Qt::Key_Home);
    QCOMPARE(view.currentIndex().row(), 0);
    QCOMPARE(view.topRow(), qint64{0});
    QVERIFY(!view.followTail());
    QTest::keyClick(view.viewport(), Qt::Key_End);
    QCOMPARE(view.currentIndex().row(), kRows - 1);
    QVERIFY(view.followTail());
}

void TestLogTableView::syntheticModelPassesTheModelTester() {
    // The 100 M-row test's model, small enough for QAbstractItemModelTester's full walks.
    SyntheticRows model(50);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    LogTableView view;
    view.setModel(&model);
    view.resize(400, 200);
    model.shift(20);
    QCOMPARE(model.rowCount(), 50);
    QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("row 20"));
}

void TestLogTableView::columnLayoutsAreKeptPerFormat() {
    QStandardPaths::setTestModeEnabled(true);
    QSettings().remove(QStringLiteral("columns"));
    StoreFeeder feed({});
    feed.append(10);
    EventTableModel model;
    model.applySnapshot(feed.snapshot());
    LogTableView view;
    view.setModel(&model);
    const QStringList all = view.visibleColumns();
    QCOMPARE(all.size(), int(EventTableModel::ColumnCount));

    view.setColumnsKey(QStringLiteral("format-a"));
    view.setColumnVisible(EventTableModel::SourceColumn, false);
    view.horizontalHeader()->moveSection(
        view.horizontalHeader()->visualIndex(EventTableModel::MessageColumn), 0);
    const QStringList a = view.visibleColumns();
    QCOMPARE(a.size(), all.size() - 1);
    QCOMPARE(a.front(), all.back()); // Message first

    // Another format without a saved layout starts from the default, not from format-a's.
    view.setColumnsKey(QStringLiteral("format-b"));
    QCOMPARE(view.visibleColumns(), all);
    view.setColumnVisible(EventTableModel::StatusColumn, false);
    const QStringList b = view.visibleColumns();
    QCOMPARE(b.size(), all.size() - 1);

    // Each format gets its own layout back.
    view.setColumnsKey(QStringLiteral("format-a"));
    QCOMPARE(view.visibleColumns(), a);
    view.setColumnsKey(QStringLiteral("format-b"));
    QCOMPARE(view.visibleColumns(), b);
    QSettings().remove(QStringLiteral("columns"));
}

QTEST_MAIN(TestLogTableView)
#include "test_log_table_view.moc"
