// SPDX-License-Identifier: GPL-3.0-or-later
// The dead-letter workflow in the main window on a real engine, offscreen: "Go to position"
// selects the nearest row of the log table, "Re-parse into events" turns the dead letters that
// parse with another format into rows (at their line) and marks them resolved, and
// Tools → Parser Workbench… applies a format to a source.
#include "dialogs/parser_workbench.h"
#include "models/dead_letter_model.h"
#include "models/event_table_model.h"
#include "views/dead_letters_panel.h"
#include "views/log_table_view.h"
#include "views/main_window.h"
#include "weir/source/file_source.h"

#include <QComboBox>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>
#include <chrono>
#include <fstream>
#include <thread>

using weir::ui::DeadLetterModel;
using weir::ui::EventTableModel;
using weir::ui::MainWindow;

namespace {

const char *kAccess =
    R"(10.0.0.1 - - [22/Nov/2021:10:15:32 +0000] "GET /a HTTP/1.1" 200 12 "-" "curl")";

// 40 lines read as "combined": lines 10 and 30 are JSON, line 20 is nothing.
std::string writeMixedFile(const QTemporaryDir &dir) {
    const std::string path = dir.filePath(QStringLiteral("mixed.log")).toStdString();
    std::ofstream out(path, std::ios::binary);
    for (int i = 1; i <= 40; ++i) {
        if (i == 10 || i == 30)
            out << R"({"ts":"2021-11-22T10:16:00Z","level":"error","msg":"json )" << i << "\"}\n";
        else if (i == 20)
            out << "neither format\n";
        else
            out << kAccess << "\n";
    }
    return path;
}

// Adds the mixed file (writeMixedFile) to `engine` as a file source read with `format`; returns
// the file's path.
std::string addMixedFile(weir::engine::Engine &engine, const QTemporaryDir &dir,
                         const std::string &format) {
    weir::source::FileSource::Options fo;
    fo.path = writeMixedFile(dir);
    fo.format = format;
    engine.addSource(std::make_unique<weir::source::FileSource>(fo));
    return fo.path;
}

// Applies snapshots until `done` holds (at most ~30 s).
template<typename Pred>
std::shared_ptr<const weir::engine::Snapshot> pump(weir::engine::Engine &engine, MainWindow &window,
                                                   Pred done) {
    std::shared_ptr<const weir::engine::Snapshot> snap;
    for (int i = 0; i < 3000; ++i) {
        snap = engine.snapshot();
        window.applySnapshot(snap);
        if (done(*snap))
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return snap;
}

int rowOfPosition(const DeadLetterModel &m, qulonglong position) {
    for (int r = 0; r < m.rowCount(); ++r) {
        if (m.index(r, 0).data(DeadLetterModel::PositionRole).toULongLong() == position)
            return r;
    }
    return -1;
}

} // namespace

class TestDeadLettersWorkflow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void goToPositionSelectsTheNearestRow();
    void reparseTurnsDeadLettersIntoRows();
    void workbenchFromToolsMenuAppliesAFormat();
    void workbenchShowsTheAutoDetectedFormat();
};

void TestDeadLettersWorkflow::goToPositionSelectsTheNearestRow() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    weir::engine::Engine engine;
    addMixedFile(engine, dir, "combined");
    MainWindow window;
    window.show();
    engine.start();
    const auto snap = pump(engine, window, [](const auto &s) { return s.stats.finished; });
    QVERIFY(snap->stats.finished);
    QCOMPARE(window.model()->rowCount(), 37);

    auto *panel = window.deadLettersPanel();
    QVERIFY(panel);
    const int dead = rowOfPosition(*panel->model(), 20);
    QVERIFY(dead >= 0);
    panel->table()->setCurrentIndex(panel->model()->index(dead, 0));
    auto *goTo = panel->findChild<QPushButton *>(QStringLiteral("goToPosition"));
    QVERIFY(goTo);
    goTo->click();
    // Line 20 is no event: the nearest one (line 19) is selected and in view.
    const QModelIndex current = window.tableView()->currentIndex();
    QVERIFY(current.isValid());
    QCOMPARE(current.siblingAtColumn(0).data(EventTableModel::PositionRole).toULongLong(), 19ull);
    // An exact line is found as well, even far from the current row.
    QVERIFY(window.goToPosition(0, 39));
    QCOMPARE(window.tableView()
                 ->currentIndex()
                 .siblingAtColumn(0)
                 .data(EventTableModel::PositionRole)
                 .toULongLong(),
             39ull);
    QVERIFY(!window.goToPosition(5, 1)); // no such source
    engine.stop();
}

void TestDeadLettersWorkflow::reparseTurnsDeadLettersIntoRows() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    weir::engine::Engine engine;
    addMixedFile(engine, dir, "combined");
    MainWindow window;
    window.show();
    // As the GUI controller wires it.
    connect(&window, &MainWindow::reparseDeadLettersRequested, &window,
            [&engine](int source, const QString &format) {
                engine.reparseDeadLetters(source < 0 ? std::nullopt
                                                     : std::optional<weir::SourceId>(weir::SourceId{
                                                           static_cast<uint16_t>(source)}),
                                          format.toStdString());
            });
    engine.start();
    pump(engine, window, [](const auto &s) { return s.stats.finished; });
    auto *panel = window.deadLettersPanel();
    QCOMPARE(panel->model()->rowCount(), 3);
    QCOMPARE(panel->summaryText(), QStringLiteral("3 dead letter(s): malformed 3"));

    QSignalSpy changed(panel->model(), &QAbstractItemModel::dataChanged);
    panel->formatBox()->setCurrentText(QStringLiteral("regex:(unclosed"));
    auto *reparse = panel->findChild<QPushButton *>(QStringLiteral("reparseIntoEvents"));
    QVERIFY(reparse);
    reparse->click(); // refused: the format does not compile
    QVERIFY2(panel->trialText().startsWith(QStringLiteral("Format error")),
             qPrintable(panel->trialText()));
    panel->formatBox()->setCurrentText(QStringLiteral("json"));
    reparse->click();
    const auto snap =
        pump(engine, window, [](const auto &s) { return s.stats.resolvedDeadLetters >= 2; });
    QCOMPARE(snap->stats.resolvedDeadLetters, uint64_t{2});

    // Two more rows, at their original lines, with the JSON fields decoded.
    QCOMPARE(window.model()->rowCount(), 39);
    QList<qulonglong> positions;
    for (int r = 37; r < 39; ++r) {
        const QModelIndex i = window.model()->index(r, 0);
        positions << i.data(EventTableModel::PositionRole).toULongLong();
        QCOMPARE(i.data(EventTableModel::FormatRole).toString(), QStringLiteral("json"));
        QVERIFY(i.data(EventTableModel::FieldsRole).toList().size() >= 3);
    }
    QCOMPARE(positions, (QList<qulonglong>{10, 30}));
    // The panel: counts without them, rows kept and marked, one dataChanged.
    QCOMPARE(panel->summaryText(), QStringLiteral("1 dead letter(s): malformed 1"));
    QCOMPARE(panel->model()->rowCount(), 3);
    QVERIFY(changed.count() >= 1);
    const int r10 = rowOfPosition(*panel->model(), 10);
    const int r20 = rowOfPosition(*panel->model(), 20);
    QVERIFY(panel->model()->index(r10, 0).data(DeadLetterModel::ResolvedRole).toBool());
    QVERIFY(!panel->model()->index(r20, 0).data(DeadLetterModel::ResolvedRole).toBool());
    QCOMPARE(panel->model()->index(r10, DeadLetterModel::ReasonColumn).data().toString(),
             QStringLiteral("malformed, re-parsed"));
    QCOMPARE(panel->model()->rawLines(-1, 10).size(), size_t{1});
    QVERIFY2(panel->trialText().contains(QStringLiteral("2 dead letter(s) re-parsed")),
             qPrintable(panel->trialText()));
    // "Go to position" on a resolved one now finds its own event.
    QVERIFY(window.goToPosition(0, 30));
    QCOMPARE(window.tableView()
                 ->currentIndex()
                 .siblingAtColumn(0)
                 .data(EventTableModel::PositionRole)
                 .toULongLong(),
             30ull);
    engine.stop();
}

void TestDeadLettersWorkflow::workbenchFromToolsMenuAppliesAFormat() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    weir::engine::Engine engine;
    const std::string path = addMixedFile(engine, dir, "combined");
    MainWindow window;
    window.show();
    engine.start();
    pump(engine, window, [](const auto &s) { return s.stats.finished; });

    QAction *open = nullptr;
    for (QAction *menu : window.menuBar()->actions()) {
        if (menu->text() != QStringLiteral("&Tools") || !menu->menu())
            continue;
        for (QAction *a : menu->menu()->actions()) {
            if (a->text() == QStringLiteral("Parser &Workbench…"))
                open = a;
        }
    }
    QVERIFY2(open, "Tools → Parser Workbench… is missing");
    open->trigger();
    auto *dialog = window.findChild<weir::ui::ParserWorkbenchDialog *>();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    auto *source = dialog->findChild<QComboBox *>(QStringLiteral("workbenchSource"));
    QVERIFY(source && source->isVisibleTo(dialog));
    QCOMPARE(dialog->currentSource(), QString::fromStdString(path));
    // The sample: the source's dead letters first, then its events.
    QCOMPARE(dialog->format(), QStringLiteral("combined"));
    QCOMPARE(dialog->inUseText(), QStringLiteral("combined, as chosen"));
    QVERIFY2(dialog->matchRateText().startsWith(QStringLiteral("92.5 %")),
             qPrintable(dialog->matchRateText())); // 37 of 40
    dialog->setFormat(QStringLiteral("json"));
    QVERIFY2(dialog->matchRateText().contains(QStringLiteral("(2 of 40 lines)")),
             qPrintable(dialog->matchRateText()));

    QSignalSpy applied(&window, &MainWindow::applyFormatRequested);
    auto *apply = dialog->findChild<QPushButton *>(QStringLiteral("applyFormat"));
    QVERIFY(apply && apply->isVisibleTo(dialog));
    apply->click();
    QCOMPARE(applied.count(), 1);
    QCOMPARE(applied.at(0).at(0).toString(), QString::fromStdString(path));
    QCOMPARE(applied.at(0).at(1).toString(), QStringLiteral("json"));
    engine.stop();
}

void TestDeadLettersWorkflow::workbenchShowsTheAutoDetectedFormat() {
    // Issue 3: auto-detection's choice and its match rate are shown for each source.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    weir::engine::Engine engine;
    addMixedFile(engine, dir, "auto");
    MainWindow window;
    window.show();
    engine.start();
    const auto snap = pump(engine, window, [](const auto &s) { return s.stats.finished; });
    QVERIFY(snap && snap->stats.finished);
    auto *dialog = qobject_cast<weir::ui::ParserWorkbenchDialog *>(window.openParserWorkbench());
    QVERIFY(dialog);
    // 37 of the 40 lines are combined access lines.
    QCOMPARE(dialog->inUseText(),
             QStringLiteral("combined, auto-detected (92.5 % of the first lines matched)"));
    QCOMPARE(dialog->format(), QStringLiteral("combined"));
    engine.stop();
}

QTEST_MAIN(TestDeadLettersWorkflow)
#include "test_dead_letters_workflow.moc"
