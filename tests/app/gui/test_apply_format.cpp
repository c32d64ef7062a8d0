// SPDX-License-Identifier: GPL-3.0-or-later
// Parser Workbench → "Apply to source" with the real controller, offscreen: a JSON file opened
// with the wrong format (every line a dead letter) is read again with the format chosen in the
// workbench, so its lines become events (times, levels and positions parsed by the new format)
// and no dead letter is left; the same for a followed file (tail -F), whose lines appended after
// the Apply are parsed with the new format too.
#include "dialogs/parser_workbench.h"
#include "gui_controller.h"
#include "models/dead_letter_model.h"
#include "models/event_table_model.h"
#include "views/dead_letters_panel.h"
#include "views/main_window.h"
#include "weir/common/types.h"

#include <QFile>
#include <QPushButton>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

namespace {

constexpr int kLines = 60;

// JSON lines `from`..`to` (from 1) appended to `path`; line i is at 2024-05-06T07:00:00Z +
// (i-1) s, level error on even lines and info on odd ones.
bool appendJsonLines(const QString &path, int from, int to) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Append))
        return false;
    for (int i = from; i <= to; ++i) {
        f.write(QStringLiteral(R"({"ts":"2024-05-06T07:%1:%2Z","level":"%3","n":%4})"
                               "\n")
                    .arg((i - 1) / 60, 2, 10, QLatin1Char('0'))
                    .arg((i - 1) % 60, 2, 10, QLatin1Char('0'))
                    .arg(i % 2 == 0 ? QStringLiteral("error") : QStringLiteral("info"))
                    .arg(i)
                    .toUtf8());
    }
    return f.flush();
}

// kLines JSON lines (appendJsonLines) in a new file.
QString writeJsonFile(const QTemporaryDir &dir) {
    const QString path = dir.filePath(QStringLiteral("app.jsonl"));
    return appendJsonLines(path, 1, kLines) ? path : QString();
}

// Every row of `events` is one of the lines 1..`lines` written by appendJsonLines, parsed as
// JSON (time and level from its fields, not the arrival time), each line once.
void checkJsonRows(const weir::ui::EventTableModel *events, int lines) {
    QCOMPARE(events->rowCount(), lines);
    QSet<qulonglong> positions;
    int errors = 0;
    for (int row = 0; row < events->rowCount(); ++row) {
        const QModelIndex index = events->index(row, 0);
        const qulonglong line = index.data(weir::ui::EventTableModel::PositionRole).toULongLong();
        QVERIFY2(line >= 1 && line <= static_cast<qulonglong>(lines),
                 qPrintable(QString::number(line)));
        positions.insert(line);
        QCOMPARE(index.data(weir::ui::EventTableModel::FormatRole).toString(),
                 QStringLiteral("json"));
        const qlonglong seconds = static_cast<qlonglong>(line - 1);
        const qlonglong expectedNs = (1714978800LL + seconds) * 1000000000LL;
        QCOMPARE(index.data(weir::ui::EventTableModel::TimeNsRole).toLongLong(), expectedNs);
        const auto severity = static_cast<weir::Severity>(
            index.data(weir::ui::EventTableModel::SeverityRole).toInt());
        QCOMPARE(severity, line % 2 == 0 ? weir::Severity::Error : weir::Severity::Info);
        errors += severity == weir::Severity::Error;
    }
    QCOMPARE(positions.size(), lines);
    QCOMPARE(errors, lines / 2);
}

// Opens the workbench on the window's current source (`path`), tries JSON on its lines and
// presses "Apply to source".
void applyJsonInWorkbench(weir::ui::MainWindow *window, const QString &path) {
    auto *dialog = qobject_cast<weir::ui::ParserWorkbenchDialog *>(window->openParserWorkbench());
    QVERIFY(dialog);
    QCOMPARE(dialog->currentSource(), path);
    dialog->setFormat(QStringLiteral("json"));
    QVERIFY2(dialog->matchRateText().startsWith(QStringLiteral("100")),
             qPrintable(dialog->matchRateText()));
    auto *apply = dialog->findChild<QPushButton *>(QStringLiteral("applyFormat"));
    QVERIFY(apply);
    apply->click();
}

} // namespace

class TestApplyFormat : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void applyToSourceReadsTheFileAgainWithTheFormat_data();
    void applyToSourceReadsTheFileAgainWithTheFormat();
};

void TestApplyFormat::applyToSourceReadsTheFileAgainWithTheFormat_data() {
    QTest::addColumn<bool>("follow");
    QTest::newRow("file") << false;
    // `weir --follow`: the followed file is read again from its start as JSON and followed on
    // with that format: lines appended after the Apply are JSON events too (not dead letters
    // of the first format, not lost).
    QTest::newRow("followed file") << true;
}

// `weir app.jsonl --format combined`, then Tools → Parser Workbench…: the file's lines, tried
// as JSON, applied to the file. The file is read again as JSON: every line is an event, none is
// a dead letter.
void TestApplyFormat::applyToSourceReadsTheFileAgainWithTheFormat() {
    QFETCH(bool, follow);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = writeJsonFile(dir);
    QVERIFY(!path.isEmpty());

    weir::app::GuiOptions options;
    options.files = {path.toStdString()};
    options.format = "combined"; // wrong: every line is a dead letter
    options.follow = follow;
    weir::app::GuiController controller(options);
    controller.start();
    weir::ui::MainWindow *window = controller.window();
    const weir::ui::EventTableModel *events = window->model();
    const weir::ui::DeadLetterModel *dead = window->deadLettersPanel()->model();
    QTRY_COMPARE_WITH_TIMEOUT(dead->rowCount(), kLines, 60000);
    QCOMPARE(events->rowCount(), 0);

    applyJsonInWorkbench(window, path);
    if (QTest::currentTestFailed())
        return;
    QTRY_COMPARE_WITH_TIMEOUT(events->rowCount(), kLines, 60000);
    QTRY_COMPARE_WITH_TIMEOUT(dead->rowCount(), 0, 60000);
    checkJsonRows(events, kLines);
    if (!follow || QTest::currentTestFailed())
        return;

    // Appended after the Apply: still followed, parsed as JSON.
    constexpr int kAppended = 25;
    QVERIFY(appendJsonLines(path, kLines + 1, kLines + kAppended));
    QTRY_COMPARE_WITH_TIMEOUT(events->rowCount(), kLines + kAppended, 60000);
    QCOMPARE(dead->rowCount(), 0);
    checkJsonRows(events, kLines + kAppended);
    if (QTest::currentTestFailed())
        return;

    // And a second append, after the source has polled an unchanged file for a while.
    QTest::qWait(300);
    QVERIFY(appendJsonLines(path, kLines + kAppended + 1, kLines + 2 * kAppended));
    QTRY_COMPARE_WITH_TIMEOUT(events->rowCount(), kLines + 2 * kAppended, 60000);
    QCOMPARE(dead->rowCount(), 0);
    checkJsonRows(events, kLines + 2 * kAppended);
}

QTEST_MAIN(TestApplyFormat)
#include "test_apply_format.moc"
