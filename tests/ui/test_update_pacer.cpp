// SPDX-License-Identifier: GPL-3.0-or-later
// UpdatePacer's spacing rule (pure arithmetic on given times), and the main window's paced
// table: snapshots held back by the pacer still reach the table, the latest one last, without
// another snapshot arriving.
#include "models/event_table_model.h"
#include "models/table_filter.h"
#include "models/update_pacer.h"
#include "store_feeder.h"
#include "views/main_window.h"

#include <QtTest>

using weir::ui::MainWindow;
using weir::ui::UpdatePacer;

class TestUpdatePacer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void neverDelaysWithoutAShare();
    void spacesUpdatesByTheirCost();
    void capsTheDelay();
    void heldBackSnapshotsReachTheTable();
    void heldBackSnapshotsReachAFilteredTable();
};

void TestUpdatePacer::neverDelaysWithoutAShare() {
    UpdatePacer p;
    p.recordUpdate(1000, 500.0);
    QCOMPARE(p.intervalMs(), qint64{0});
    QCOMPARE(p.delayMs(1000), qint64{0});
}

void TestUpdatePacer::spacesUpdatesByTheirCost() {
    UpdatePacer p(0.25);               // cost c: wait 3c after it
    QCOMPARE(p.delayMs(0), qint64{0}); // nothing recorded yet
    p.recordUpdate(1000, 40.0);
    QCOMPARE(p.intervalMs(), qint64{120});
    QCOMPARE(p.delayMs(1000), qint64{120});
    QCOMPARE(p.delayMs(1100), qint64{20});
    QCOMPARE(p.delayMs(1120), qint64{0});
    QCOMPARE(p.delayMs(5000), qint64{0});
    p.recordUpdate(5000, 0.2); // a cheap update: about no wait
    QCOMPARE(p.intervalMs(), qint64{1});
    QCOMPARE(p.delayMs(5001), qint64{0});
    p.setShare(1.0); // the whole thread: never wait
    p.recordUpdate(6000, 40.0);
    QCOMPARE(p.delayMs(6000), qint64{0});
}

void TestUpdatePacer::capsTheDelay() {
    UpdatePacer p(0.01);
    p.recordUpdate(0, 500.0); // would be 49.5 s
    QCOMPARE(p.intervalMs(), UpdatePacer::kMaxDelayMs);
    QCOMPARE(p.delayMs(10), UpdatePacer::kMaxDelayMs - 10);
}

void TestUpdatePacer::heldBackSnapshotsReachTheTable() {
    weir::test::StoreFeeder feed(weir::store::EventStore::Options{});
    MainWindow window;
    // 1 % of the GUI thread: every update after the first waits ~99x its cost (capped at 1 s).
    window.setTableUpdateShare(0.01);
    for (int i = 0; i < 5; ++i) {
        feed.append(20000);
        window.applySnapshot(feed.snapshot()); // all but the first most likely held back
    }
    QTRY_COMPARE_WITH_TIMEOUT(window.model()->rowCount(), 100000, 20000);
    QCOMPARE(window.model()
                 ->data(window.model()->index(99999, weir::ui::EventTableModel::MessageColumn))
                 .toString(),
             QStringLiteral("event 99999"));
    // flushTable applies a held-back snapshot at once.
    feed.append(10);
    window.applySnapshot(feed.snapshot());
    window.flushTable();
    QCOMPARE(window.model()->rowCount(), 100010);
}

void TestUpdatePacer::heldBackSnapshotsReachAFilteredTable() {
    weir::test::StoreFeeder feed(weir::store::EventStore::Options{});
    MainWindow window;
    window.setTableUpdateShare(0.01);
    feed.append(1000);
    window.applySnapshot(feed.snapshot());
    weir::ui::TableFilter *filter = window.tableFilter();
    filter->apply(QStringLiteral("status:404")); // every 5th event of the feed
    QTRY_COMPARE_WITH_TIMEOUT(window.model()->rowCount(), 200, 20000);
    QVERIFY(window.model()->isFiltered());
    for (int i = 0; i < 5; ++i) {
        feed.append(20000);
        window.applySnapshot(feed.snapshot());
    }
    QTRY_COMPARE_WITH_TIMEOUT(window.model()->rowCount(), 101000 / 5, 20000);
    // The filter's hand-overs are counted once: taking them again gives nothing new.
    filter->takeApplyCpuMs();
    QCOMPARE(filter->takeApplyCpuMs(), 0.0);
}

QTEST_MAIN(TestUpdatePacer)
#include "test_update_pacer.moc"
