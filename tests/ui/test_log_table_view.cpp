// SPDX-License-Identifier: GPL-3.0-or-later
// Follow-tail behaviour of the log table, offscreen.
#include "models/event_table_model.h"
#include "store_feeder.h"
#include "views/log_table_view.h"

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
    void rowsStayWithinIntPixels();
    void columnLayoutsAreKeptPerFormat();
};

namespace {

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
    feed.append(100);
    model.applySnapshot(feed.snapshot());
    QCOMPARE(view.verticalHeader()->sectionResizeMode(0), QHeaderView::Fixed);
    QCOMPARE(view.rowHeight(0), view.rowHeight(99));
    QCOMPARE(view.rowHeight(0), view.verticalHeader()->defaultSectionSize());
    QVERIFY(!view.wordWrap());
}

void TestLogTableView::rowsStayWithinIntPixels() {
    // Qt places rows at int pixel offsets: the view limits the model so that the last row's
    // end still fits (otherwise ~86 M rows at 25 px overflow and scrolling breaks).
    EventTableModel model;
    model.setMaxRows(std::numeric_limits<int>::max());
    LogTableView view;
    view.setModel(&model);
    const qint64 height = view.verticalHeader()->defaultSectionSize();
    QVERIFY(height > 0);
    QCOMPARE(model.maxRows(), view.maxPixelRows());
    QVERIFY(qint64{model.maxRows()} * height <= qint64{std::numeric_limits<int>::max()});
    QVERIFY(qint64{model.maxRows() + 2} * height > qint64{std::numeric_limits<int>::max()});
    // A smaller --max-rows stays; the limit only lowers it.
    model.setMaxRows(1000);
    QCOMPARE(model.maxRows(), 1000);
    // The limit caps the rows shown like maxRows does: the newest rows stay.
    StoreFeeder feed({});
    model.setRowLimit(100);
    feed.append(150);
    model.applySnapshot(feed.snapshot());
    QCOMPARE(model.rowCount(), 100);
    QCOMPARE(model.rowToIndex(0), uint64_t{50});
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
