// SPDX-License-Identifier: GPL-3.0-or-later
// The analyst's table features on the main window: columns from parsed fields (saved per
// format), severity colouring and highlight rules (checked on grabbed pixels), bookmarks, go
// to time, copy, and the details pane (raw text, every field, pretty JSON; plain text only).
#include "charts/rate_chart_view.h"
#include "dialogs/highlight_rules_dialog.h"
#include "models/event_table_model.h"
#include "models/table_filter.h"
#include "store_feeder.h"
#include "views/event_details_view.h"
#include "views/log_table_view.h"
#include "views/main_window.h"
#include "weir/source/file_source.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QtTest>
#include <chrono>
#include <thread>

using weir::test::StoreFeeder;
using weir::ui::EventTableModel;
using weir::ui::MainWindow;

namespace {

const QString kSample = QStringLiteral(WEIR_RESOURCES_DIR "/samples/access.log");

std::shared_ptr<const weir::engine::Snapshot> replaySample(MainWindow &window) {
    weir::engine::Engine engine;
    weir::source::FileSource::Options fo;
    fo.path = kSample.toStdString();
    engine.addSource(std::make_unique<weir::source::FileSource>(fo));
    engine.start();
    if (!engine.waitFinished(std::chrono::seconds(60)))
        return nullptr;
    engine.stop();
    auto snap = engine.snapshot();
    window.applySnapshot(snap);
    return snap;
}

bool waitApplied(weir::ui::TableFilter *filter) {
    if (!filter->isBusy())
        return true;
    QSignalSpy spy(filter, &weir::ui::TableFilter::applied);
    return spy.wait(60000) || !filter->isBusy();
}

// The colour at a point of a row's Message cell right of its text (the background).
QColor rowBackground(weir::ui::LogTableView *table, int row) {
    const QModelIndex idx = table->model()->index(row, EventTableModel::MessageColumn);
    const QRect r = table->visualRect(idx);
    const QImage img = table->viewport()->grab().toImage();
    const int x = std::min(r.right(), img.width() - 1) - 6;
    if (x < r.left() || !img.rect().contains(x, r.center().y()))
        return {}; // invalid: fails every comparison below
    return QColor(img.pixel(x, r.center().y()));
}

} // namespace

class TestWorkbench : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void fieldColumnsAreChosenAndSavedPerFormat();
    void severityAndHighlightColourTheRows();
    void bookmarksToggleAndCycle();
    void goToTimeUsesTheVisibleRows();
    void copiesRowCellAndRaw();
    void detailsShowFieldsRawAndPrettyJson();
    void highlightDialogRefusesBadExpressions();
    void brushingTheChartFiltersTheTable();
};

void TestWorkbench::fieldColumnsAreChosenAndSavedPerFormat() {
    QSettings().clear();
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QAbstractItemModelTester tester(window.model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(replaySample(window));
    EventTableModel *model = window.model();
    const QStringList fields = model->fieldColumns();
    QVERIFY2(fields.contains(QStringLiteral("path")), qPrintable(fields.join(QLatin1Char(','))));
    const int pathColumn = EventTableModel::ColumnCount + fields.indexOf(QStringLiteral("path"));
    QCOMPARE(model->headerData(pathColumn, Qt::Horizontal).toString(), QStringLiteral("path"));
    // Field cells are parsed on demand.
    const QString path = model->index(0, pathColumn).data().toString();
    QVERIFY2(path.startsWith(QLatin1Char('/')), qPrintable(path));

    weir::ui::LogTableView *table = window.tableView();
    QVERIFY(!table->columnsKey().isEmpty());    // the format's name
    QVERIFY(table->isColumnHidden(pathColumn)); // fields start hidden
    table->setColumnVisible(pathColumn, true);
    table->setColumnVisible(EventTableModel::SourceColumn, false);
    table->horizontalHeader()->moveSection(table->horizontalHeader()->visualIndex(pathColumn), 1);
    const QStringList expected = {QStringLiteral("Time (UTC)"), QStringLiteral("path"),
                                  QStringLiteral("Severity"), QStringLiteral("Status"),
                                  QStringLiteral("Message")};
    QCOMPARE(table->visibleColumns(), expected);

    // Another window on the same format gets the same layout back.
    MainWindow second;
    second.show();
    QVERIFY(replaySample(second));
    QCOMPARE(second.tableView()->visibleColumns(), expected);
}

void TestWorkbench::severityAndHighlightColourTheRows() {
    MainWindow window;
    window.resize(1000, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    StoreFeeder feed({});
    feed.append(12);
    window.applySnapshot(feed.snapshot());
    weir::ui::LogTableView *table = window.tableView();
    table->setFollowTail(false);
    table->scrollToTop();
    const QColor plain = rowBackground(table, 0);
    QVERIFY(plain.isValid());
    const QColor warning = rowBackground(table, 4); // every 5th row is a 404 warning
    QVERIFY2(warning != plain, qPrintable(warning.name()));
    QVERIFY(warning.red() > warning.blue()); // a yellow tint

    const QColor magenta(255, 0, 255);
    window.setHighlightRules(
        {{QStringLiteral("\"event 7\""), *weir::query::Query::compile("\"event 7\""), magenta}});
    QCOMPARE(window.model()->index(7, 0).data(Qt::BackgroundRole).value<QBrush>().color(), magenta);
    QCOMPARE(rowBackground(table, 7), magenta);
    QVERIFY(rowBackground(table, 6) != magenta);
    table->viewport()->grab().save(QDir::temp().filePath(QStringLiteral("weir-highlight.png")));
}

void TestWorkbench::bookmarksToggleAndCycle() {
    MainWindow window;
    window.show();
    StoreFeeder feed({});
    feed.append(100);
    window.applySnapshot(feed.snapshot());
    weir::ui::LogTableView *table = window.tableView();
    EventTableModel *m = window.model();
    for (int row : {10, 50, 80}) {
        table->goToRow(row);
        window.toggleBookmark();
        QVERIFY(m->index(row, 0).data(EventTableModel::BookmarkRole).toBool());
    }
    QVERIFY(!window.followTailAction()->isChecked()); // going to a row paused following
    table->goToRow(20);
    window.goToBookmark(true);
    QCOMPARE(table->currentIndex().row(), 50);
    window.goToBookmark(true);
    QCOMPARE(table->currentIndex().row(), 80);
    window.goToBookmark(true); // wraps
    QCOMPARE(table->currentIndex().row(), 10);
    window.goToBookmark(false); // wraps back
    QCOMPARE(table->currentIndex().row(), 80);
    window.toggleBookmark(); // off again
    QVERIFY(!m->isBookmarked(80));
    window.goToBookmark(true);
    QCOMPARE(table->currentIndex().row(), 10);
    // Bookmarks follow events, not rows: still there under a filter.
    QVERIFY(window.tableFilter()->apply(QStringLiteral("\"event 5\"")));
    QVERIFY(waitApplied(window.tableFilter()));
    const int row50 = m->indexToRow(50);
    QVERIFY(row50 >= 0);
    QVERIFY(m->index(row50, 0).data(EventTableModel::BookmarkRole).toBool());
}

void TestWorkbench::goToTimeUsesTheVisibleRows() {
    MainWindow window;
    window.show();
    StoreFeeder feed({});
    feed.append(100'000); // 10 ms apart
    window.applySnapshot(feed.snapshot());
    const auto at = [](int64_t ms) {
        return weir::TimestampNs{StoreFeeder::kBaseNs + ms * weir::kNsPerMs};
    };
    QVERIFY(window.goToTime(at(12'345))); // between 1234 and 1235
    QCOMPARE(window.tableView()->currentIndex().row(), 1235);
    QVERIFY(window.goToTime(at(-5)));
    QCOMPARE(window.tableView()->currentIndex().row(), 0);
    QVERIFY(!window.goToTime(at(1'000'000'000)));
    QVERIFY(window.tableFilter()->apply(QStringLiteral("status:404")));
    QVERIFY(waitApplied(window.tableFilter()));
    QVERIFY(window.goToTime(at(12'345)));
    const QModelIndex cur = window.tableView()->currentIndex();
    QCOMPARE(cur.data(EventTableModel::EventIndexRole).toULongLong(), 1239ULL); // next 404
}

void TestWorkbench::copiesRowCellAndRaw() {
    MainWindow window;
    window.show();
    StoreFeeder feed({});
    feed.append(10);
    window.applySnapshot(feed.snapshot());
    weir::ui::LogTableView *table = window.tableView();
    table->goToRow(4);
    table->copyRaw();
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("event 4"));
    table->setCurrentIndex(window.model()->index(4, EventTableModel::StatusColumn));
    table->copyCell();
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("404"));
    QTest::keySequence(table, QKeySequence::Copy);
    QCOMPARE(QApplication::clipboard()->text(),
             QStringLiteral("2021-11-22T10:15:32.040Z\tfeed-0\twarning\t404\tevent 4"));
}

void TestWorkbench::detailsShowFieldsRawAndPrettyJson() {
    weir::store::EventStore store({});
    weir::store::EventRecord rec{};
    rec.time = weir::TimestampNs{StoreFeeder::kBaseNs};
    rec.severity = weir::Severity::Error;
    const std::string raw = R"(app: {"user":"<b>eve</b>","n":3,"nested":{"k":[1,2]}})";
    store.append(rec, raw, rec.time);
    auto snap = std::make_shared<weir::engine::Snapshot>();
    snap->version = 1;
    snap->events = store.snapshot();
    snap->channels.push_back({});
    snap->channels.back().name = "app";
    EventTableModel model;
    model.applySnapshot(snap);
    weir::ui::EventDetailsView details;
    details.setCurrentEvent(model.index(0, 0));
    const QString text = details.toPlainText();
    QVERIFY2(text.contains(QString::fromStdString(raw)), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("JSON\n{\n")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("        \"k\": [")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("<b>eve</b>"))); // shown as text, not bold
}

void TestWorkbench::highlightDialogRefusesBadExpressions() {
    weir::ui::HighlightRulesDialog dialog({});
    dialog.addRule(QStringLiteral("status>="), Qt::red);
    dialog.addRule(QStringLiteral("level>=warn"), Qt::yellow);
    dialog.accept();
    QVERIFY(dialog.result() != QDialog::Accepted);
    QVERIFY2(dialog.errorLabel()->text().startsWith(QStringLiteral("Rule 1: column")),
             qPrintable(dialog.errorLabel()->text()));
    QCOMPARE(dialog.errorLabel()->textFormat(), Qt::PlainText);
    dialog.table()->item(0, 0)->setText(QStringLiteral("status>=500"));
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(dialog.rules().size(), size_t{2});
    QCOMPARE(dialog.rules()[1].color, QColor(Qt::yellow));
    QCOMPARE(dialog.rules()[0].text, QStringLiteral("status>=500"));
}

void TestWorkbench::brushingTheChartFiltersTheTable() {
    MainWindow window;
    window.resize(1280, 860);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    StoreFeeder feed({});
    feed.append(20000); // 10 ms apart: 200 s
    auto snap = std::make_shared<weir::engine::Snapshot>(*feed.snapshot());
    for (uint64_t i = 0; i < 20000; ++i) {
        snap->timeline.add(
            weir::TimestampNs{StoreFeeder::kBaseNs + static_cast<int64_t>(i) * 10 * weir::kNsPerMs},
            weir::engine::RateTimeline::classOf(i % 5 == 4 ? 404 : 200, weir::Severity::Info));
    }
    window.applySnapshot(snap);
    window.flushChart();
    QCoreApplication::processEvents();
    weir::ui::RateChartView *chart = window.chartView();
    const auto at = [](int64_t s) {
        return weir::TimestampNs{StoreFeeder::kBaseNs + s * weir::kNsPerSecond};
    };
    const int x1 = int(chart->timeToX(at(50)));
    const int x2 = int(chart->timeToX(at(100)));
    QVERIFY2(x2 - x1 > 50, qPrintable(QStringLiteral("%1..%2").arg(x1).arg(x2)));
    const int y = chart->height() / 2;
    QSignalSpy applied(window.tableFilter(), &weir::ui::TableFilter::applied);
    QTest::mousePress(chart->viewport(), Qt::LeftButton, Qt::NoModifier, QPoint(x1, y));
    QTest::mouseMove(chart->viewport(), QPoint(x2, y));
    QTest::mouseRelease(chart->viewport(), Qt::LeftButton, Qt::NoModifier, QPoint(x2, y));
    QVERIFY(window.tableFilter()->hasTimeRange());
    QVERIFY(applied.wait(60000) || !applied.isEmpty());
    // Exactly the events in the brushed range (inclusive, to the millisecond) are rows.
    // The range is applied at millisecond precision: [floor(from), floor(to + 1 ms - 1)].
    const int64_t from = chart->selectedFrom().value;
    const int64_t lo = from - from % weir::kNsPerMs;
    const int64_t toEdge = chart->selectedTo().value + weir::kNsPerMs - 1;
    const int64_t hi = toEdge - toEdge % weir::kNsPerMs;
    int expected = 0;
    for (int64_t i = 0; i < 20000; ++i) {
        const int64_t t = StoreFeeder::kBaseNs + i * 10 * weir::kNsPerMs;
        expected += t >= lo && t <= hi;
    }
    QVERIFY2(std::abs(expected - 5000) < 300, qPrintable(QString::number(expected)));
    QCOMPARE(window.model()->rowCount(), expected);

    // Selecting a row marks its time on the chart.
    window.tableView()->goToRow(10);
    QCOMPARE(chart->markerTime().value,
             window.model()->index(10, 0).data(EventTableModel::TimeNsRole).toLongLong());
    window.grab().save(QDir::temp().filePath(QStringLiteral("weir-main-brushed.png")));

    // A click on the chart clears the range: every row again.
    QTest::mouseClick(chart->viewport(), Qt::LeftButton, Qt::NoModifier, QPoint(x1 + 5, y));
    QVERIFY(!window.tableFilter()->hasTimeRange());
    QCOMPARE(window.model()->rowCount(), 20000);
}

QTEST_MAIN(TestWorkbench)
#include "test_workbench.moc"
