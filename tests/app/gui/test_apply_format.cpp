// SPDX-License-Identifier: GPL-3.0-or-later
// Parser Workbench → "Apply to source" with the real controller, offscreen: a JSON file opened
// with the wrong format (every line a dead letter) is read again with the format chosen in the
// workbench, so its lines become events (times, levels and positions parsed by the new format)
// and no dead letter is left.
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

// kLines JSON lines; line i (from 1) is at 2024-05-06T07:00:00Z + (i-1) s, level error on even
// lines and info on odd ones.
QString writeJsonFile(const QTemporaryDir &dir) {
    const QString path = dir.filePath(QStringLiteral("app.jsonl"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    for (int i = 1; i <= kLines; ++i) {
        f.write(QStringLiteral(R"({"ts":"2024-05-06T07:%1:%2Z","level":"%3","n":%4})"
                               "\n")
                    .arg((i - 1) / 60, 2, 10, QLatin1Char('0'))
                    .arg((i - 1) % 60, 2, 10, QLatin1Char('0'))
                    .arg(i % 2 == 0 ? QStringLiteral("error") : QStringLiteral("info"))
                    .arg(i)
                    .toUtf8());
    }
    return path;
}

} // namespace

class TestApplyFormat : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void applyToSourceReadsTheFileAgainWithTheFormat();
};

void TestApplyFormat::applyToSourceReadsTheFileAgainWithTheFormat() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = writeJsonFile(dir);
    QVERIFY(!path.isEmpty());

    weir::app::GuiOptions options;
    options.files = {path.toStdString()};
    options.format = "combined"; // wrong: every line is a dead letter
    weir::app::GuiController controller(options);
    controller.start();
    weir::ui::MainWindow *window = controller.window();
    const weir::ui::EventTableModel *events = window->model();
    const weir::ui::DeadLetterModel *dead = window->deadLettersPanel()->model();
    QTRY_COMPARE_WITH_TIMEOUT(dead->rowCount(), kLines, 60000);
    QCOMPARE(events->rowCount(), 0);

    // Tools → Parser Workbench…: the file's lines, tried as JSON, applied to the file.
    auto *dialog = qobject_cast<weir::ui::ParserWorkbenchDialog *>(window->openParserWorkbench());
    QVERIFY(dialog);
    QCOMPARE(dialog->currentSource(), path);
    dialog->setFormat(QStringLiteral("json"));
    QVERIFY2(dialog->matchRateText().startsWith(QStringLiteral("100")),
             qPrintable(dialog->matchRateText()));
    auto *apply = dialog->findChild<QPushButton *>(QStringLiteral("applyFormat"));
    QVERIFY(apply);
    apply->click();

    // The file is read again as JSON: every line is an event, none is a dead letter.
    QTRY_COMPARE_WITH_TIMEOUT(events->rowCount(), kLines, 60000);
    QTRY_COMPARE_WITH_TIMEOUT(dead->rowCount(), 0, 60000);
    QSet<qulonglong> positions;
    int errors = 0;
    for (int row = 0; row < events->rowCount(); ++row) {
        const QModelIndex index = events->index(row, 0);
        const qulonglong line = index.data(weir::ui::EventTableModel::PositionRole).toULongLong();
        QVERIFY2(line >= 1 && line <= kLines, qPrintable(QString::number(line)));
        positions.insert(line);
        QCOMPARE(index.data(weir::ui::EventTableModel::FormatRole).toString(),
                 QStringLiteral("json"));
        // The time and level come from the JSON fields, not from the arrival time.
        const qlonglong seconds = static_cast<qlonglong>(line - 1);
        const qlonglong expectedNs = (1714978800LL + seconds) * 1000000000LL;
        QCOMPARE(index.data(weir::ui::EventTableModel::TimeNsRole).toLongLong(), expectedNs);
        const auto severity = static_cast<weir::Severity>(
            index.data(weir::ui::EventTableModel::SeverityRole).toInt());
        QCOMPARE(severity, line % 2 == 0 ? weir::Severity::Error : weir::Severity::Info);
        errors += severity == weir::Severity::Error;
    }
    QCOMPARE(positions.size(), kLines);
    QCOMPARE(errors, kLines / 2);
}

QTEST_MAIN(TestApplyFormat)
#include "test_apply_format.moc"
