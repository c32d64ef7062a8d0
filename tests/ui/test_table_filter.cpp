// SPDX-License-Identifier: GPL-3.0-or-later
// The table filter end to end: filter bar -> TableFilter -> FilterWorker thread -> the model's
// visible-row index, under QAbstractItemModelTester, with stores of up to a million rows.
#include "models/event_table_model.h"
#include "models/table_filter.h"
#include "store_feeder.h"
#include "views/filter_bar.h"
#include "views/log_table_view.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtTest>

using weir::test::StoreFeeder;
using weir::ui::EventTableModel;
using weir::ui::FilterBar;
using weir::ui::TableFilter;

namespace {

constexpr int kWaitMs = 60000; // generous: CI machines are loaded

// Waits (bounded) until the filter shows the result of the latest edit.
bool waitApplied(TableFilter &filter) {
    if (!filter.isBusy())
        return true;
    QSignalSpy spy(&filter, &TableFilter::applied);
    return spy.wait(kWaitMs) || !filter.isBusy();
}

QStringList structuralLog(QAbstractItemModel *model, QObject *context, QStringList *out) {
    QObject::connect(model, &QAbstractItemModel::rowsAboutToBeInserted, context,
                     [out](const QModelIndex &, int f, int l) {
                         *out << QStringLiteral("I%1-%2").arg(f).arg(l);
                     });
    QObject::connect(model, &QAbstractItemModel::rowsAboutToBeRemoved, context,
                     [out](const QModelIndex &, int f, int l) {
                         *out << QStringLiteral("R%1-%2").arg(f).arg(l);
                     });
    QObject::connect(model, &QAbstractItemModel::modelAboutToBeReset, context,
                     [out] { *out << QStringLiteral("reset"); });
    return {};
}

} // namespace

class TestTableFilter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void filtersAndFollowsNewRowsIncrementally();
    void togglingOffAndOnKeepsTheResult();
    void syntaxErrorChangesNothing();
    void cancelKeepsThePreviousFilter();
    void timeRangeFromABrush();
    void cappedFilteredRowsKeepTheNewest();
    void eventLoopRunsWhileAMillionRowsAreFiltered();
    void barTurnsGreenOrRedWithAPlainTextReason();
};

void TestTableFilter::filtersAndFollowsNewRowsIncrementally() {
    StoreFeeder feed({});
    EventTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    TableFilter filter(&model);
    feed.append(10000);
    auto snap = feed.snapshot();
    model.applySnapshot(snap);
    filter.applySnapshot(snap);
    QCOMPARE(model.rowCount(), 10000);

    QString error;
    QVERIFY(filter.apply(QStringLiteral("status>=400"), &error));
    QVERIFY(filter.isBusy());
    QVERIFY(waitApplied(filter));
    QVERIFY(model.isFiltered());
    QCOMPARE(model.rowCount(), 2000); // every 5th event is a 404
    for (int row : {0, 1, 999, 1999}) {
        QCOMPARE(model.index(row, 0).data(EventTableModel::StatusRole).toInt(), 404);
        QCOMPARE(model.rowToIndex(row), uint64_t(row) * 5 + 4);
    }
    QCOMPARE(model.indexToRow(9), 1);
    QCOMPARE(model.indexToRow(10), -1);

    // Live rows: matched incrementally, one insertion at the bottom, no reset.
    QStringList log;
    QObject ctx;
    structuralLog(&model, &ctx, &log);
    feed.append(1000);
    snap = feed.snapshot();
    model.applySnapshot(snap);
    filter.applySnapshot(snap);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 2200, kWaitMs);
    QCOMPARE(log, QStringList{QStringLiteral("I2000-2199")});
    QCOMPARE(model.index(2199, EventTableModel::MessageColumn).data().toString(),
             QStringLiteral("event 10999"));

    // Clearing the expression: every row again, at once (no scan to wait for).
    QVERIFY(filter.apply(QString()));
    QVERIFY(!filter.isBusy());
    QVERIFY(!model.isFiltered());
    QCOMPARE(model.rowCount(), 11000);
}

void TestTableFilter::togglingOffAndOnKeepsTheResult() {
    StoreFeeder feed({});
    EventTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    TableFilter filter(&model);
    feed.append(5000);
    auto snap = feed.snapshot();
    model.applySnapshot(snap);
    filter.applySnapshot(snap);
    QVERIFY(filter.apply(QStringLiteral("\"event 1\"")));
    QVERIFY(waitApplied(filter));
    const int matches = model.rowCount();
    QCOMPARE(matches, 1 + 10 + 100 + 1000); // event 1, 1x, 1xx, 1xxx

    filter.setExpressionEnabled(false); // instantly everything
    QVERIFY(!filter.isBusy());
    QCOMPARE(model.rowCount(), 5000);
    filter.setExpressionEnabled(true); // the kept bitmap, recombined
    QVERIFY(waitApplied(filter));
    QCOMPARE(model.rowCount(), matches);

    // Back to an earlier expression from the history: also kept, also right.
    QVERIFY(filter.apply(QStringLiteral("status:404")));
    QVERIFY(waitApplied(filter));
    QCOMPARE(model.rowCount(), 1000);
    QVERIFY(filter.apply(QStringLiteral("\"event 1\"")));
    QVERIFY(waitApplied(filter));
    QCOMPARE(model.rowCount(), matches);
}

void TestTableFilter::syntaxErrorChangesNothing() {
    StoreFeeder feed({});
    EventTableModel model;
    TableFilter filter(&model);
    feed.append(100);
    model.applySnapshot(feed.snapshot());
    filter.applySnapshot(feed.snapshot());
    QString error;
    QVERIFY(!filter.apply(QStringLiteral("status>="), &error));
    QVERIFY2(error.startsWith(QStringLiteral("column 9: ")), qPrintable(error));
    QVERIFY(!filter.isBusy());
    QCOMPARE(model.rowCount(), 100);
    QVERIFY(filter.text().isEmpty());
}

void TestTableFilter::cancelKeepsThePreviousFilter() {
    StoreFeeder feed({});
    EventTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    TableFilter filter(&model);
    feed.append(200000);
    model.applySnapshot(feed.snapshot());
    filter.applySnapshot(feed.snapshot());
    QVERIFY(filter.apply(QStringLiteral("status:404")));
    QVERIFY(waitApplied(filter));
    QCOMPARE(model.rowCount(), 40000);

    // A new expression, cancelled before the event loop even ran: the scan is abandoned and
    // the table keeps showing the previous filter's rows.
    QVERIFY(filter.apply(QStringLiteral("/[0-9]+7$/")));
    QVERIFY(filter.isBusy());
    filter.cancel();
    QCOMPARE(filter.text(), QStringLiteral("status:404"));
    QVERIFY(waitApplied(filter));
    QCOMPARE(model.rowCount(), 40000);
    QCOMPARE(model.index(0, 0).data(EventTableModel::StatusRole).toInt(), 404);
}

void TestTableFilter::timeRangeFromABrush() {
    StoreFeeder feed({});
    EventTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    TableFilter filter(&model);
    feed.append(1000); // 10 ms apart
    model.applySnapshot(feed.snapshot());
    filter.applySnapshot(feed.snapshot());
    const int64_t base = StoreFeeder::kBaseNs;
    filter.setTimeRange(weir::TimestampNs{base + 1000 * weir::kNsPerMs},
                        weir::TimestampNs{base + 1990 * weir::kNsPerMs});
    QVERIFY(waitApplied(filter));
    QCOMPARE(model.rowCount(), 100); // events 100..199
    QCOMPARE(model.rowToIndex(0), uint64_t{100});
    // And with an expression: both apply.
    QVERIFY(filter.apply(QStringLiteral("status:404")));
    QVERIFY(waitApplied(filter));
    QCOMPARE(model.rowCount(), 20);
    filter.clearTimeRange();
    QVERIFY(waitApplied(filter));
    QCOMPARE(model.rowCount(), 200);
}

void TestTableFilter::cappedFilteredRowsKeepTheNewest() {
    StoreFeeder feed({});
    EventTableModel model;
    model.setMaxRows(300);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    TableFilter filter(&model);
    feed.append(5000);
    model.applySnapshot(feed.snapshot());
    filter.applySnapshot(feed.snapshot());
    QVERIFY(filter.apply(QStringLiteral("status:404")));
    QVERIFY(waitApplied(filter));
    QCOMPARE(model.rowCount(), 300);
    QCOMPARE(model.rowToIndex(299), uint64_t{4999});
    QStringList log;
    QObject ctx;
    structuralLog(&model, &ctx, &log);
    feed.append(500); // 100 more matches: 100 leave at the top, 100 arrive at the bottom
    model.applySnapshot(feed.snapshot());
    filter.applySnapshot(feed.snapshot());
    QTRY_COMPARE_WITH_TIMEOUT(model.rowToIndex(299), uint64_t{5499}, kWaitMs);
    QCOMPARE(log, (QStringList{QStringLiteral("R0-99"), QStringLiteral("I200-299")}));
}

void TestTableFilter::eventLoopRunsWhileAMillionRowsAreFiltered() {
    StoreFeeder feed({});
    feed.append(1'000'000);
    EventTableModel model;
    TableFilter filter(&model);
    QWidget window;
    auto *layout = new QVBoxLayout(&window);
    auto *bar = new FilterBar(&filter, &window);
    auto *table = new weir::ui::LogTableView(&window);
    table->setModel(&model);
    layout->addWidget(bar);
    layout->addWidget(table);
    window.resize(900, 500);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const auto snap = feed.snapshot();
    model.applySnapshot(snap);
    filter.applySnapshot(snap);
    QCOMPARE(model.rowCount(), 1'000'000);

    // A probe timer: it can only fire when the GUI thread's event loop runs.
    int ticks = 0;
    int ticksWhileBusy = 0;
    QTimer probe;
    probe.setInterval(0);
    connect(&probe, &QTimer::timeout, this, [&] {
        ++ticks;
        if (filter.isBusy())
            ++ticksWhileBusy;
    });
    probe.start();

    bar->lineEdit()->setFocus();
    QTest::keyClicks(bar->lineEdit(), QStringLiteral("/[0-9]*7$/ or status>=400"));
    QCOMPARE(bar->state(), FilterBar::State::Valid);
    QSignalSpy applied(&filter, &TableFilter::applied);
    QTest::keyClick(bar->lineEdit(), Qt::Key_Return);
    QVERIFY(filter.isBusy());              // Enter returned before the scan ended
    QCOMPARE(model.rowCount(), 1'000'000); // still the old rows
    QVERIFY(applied.wait(kWaitMs) || applied.count() > 0);
    probe.stop();
    QVERIFY2(ticksWhileBusy > 0, qPrintable(QStringLiteral("ticks %1").arg(ticks)));
    // Ends in 7 (100 000) or a 404 (200 000; those end in 4 or 9).
    QCOMPARE(model.rowCount(), 300'000);
    QCOMPARE(model.index(0, EventTableModel::MessageColumn).data().toString(),
             QStringLiteral("event 4"));
    QCOMPARE(model.index(1, EventTableModel::MessageColumn).data().toString(),
             QStringLiteral("event 7"));
    QVERIFY(!bar->progressBar()->isVisible());
    QVERIFY(bar->history().contains(QStringLiteral("/[0-9]*7$/ or status>=400")));
}

void TestTableFilter::barTurnsGreenOrRedWithAPlainTextReason() {
    EventTableModel model;
    TableFilter filter(&model);
    FilterBar bar(&filter);
    bar.resize(900, bar.sizeHint().height());
    bar.show();
    QVERIFY(QTest::qWaitForWindowExposed(&bar));
    const auto editColor = [&] {
        QLineEdit *edit = bar.lineEdit();
        const QImage img = bar.grab().toImage();
        // A point inside the edit, clear of text and frame: near its right end.
        const QPoint p = edit->mapTo(&bar, QPoint(edit->width() - 40, edit->height() / 2));
        return QColor(img.pixel(p));
    };

    bar.lineEdit()->setText(QStringLiteral("status>=500 and path:/api/*"));
    QCOMPARE(bar.state(), FilterBar::State::Valid);
    QCOMPARE(editColor(), FilterBar::validColor());
    QVERIFY(bar.messageLabel()->text().isEmpty());

    bar.lineEdit()->setText(QStringLiteral("status>= <b>x</b>"));
    QCOMPARE(bar.state(), FilterBar::State::Invalid);
    QCOMPARE(editColor(), FilterBar::invalidColor());
    QCOMPARE(bar.messageLabel()->textFormat(), Qt::PlainText);
    QVERIFY2(bar.messageLabel()->text().startsWith(QStringLiteral("column ")),
             qPrintable(bar.messageLabel()->text()));
    QVERIFY(!bar.lineEdit()->text().isEmpty());
    bar.grab().save(QDir::temp().filePath(QStringLiteral("weir-filter-bar-invalid.png")));

    bar.lineEdit()->clear();
    QCOMPARE(bar.state(), FilterBar::State::Empty);
    QVERIFY(editColor() != FilterBar::invalidColor());
}

QTEST_MAIN(TestTableFilter)
#include "test_table_filter.moc"
