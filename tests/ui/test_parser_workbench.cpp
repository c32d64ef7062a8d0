// SPDX-License-Identifier: GPL-3.0-or-later
// The parser workbench, offscreen: live match rate, lines and fields from the core's
// parse::tryFormat, models under QAbstractItemModelTester, markup shown as text.
#include "dialogs/parser_workbench.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QPlainTextEdit>
#include <QStandardItemModel>
#include <QtTest>

using weir::ui::ParserWorkbenchDialog;

class TestParserWorkbench : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void showsMatchRateLinesAndFields();
    void followsEditsLive();
    void formatErrorsAreShownNotThrown();
};

void TestParserWorkbench::showsMatchRateLinesAndFields() {
    ParserWorkbenchDialog dialog;
    QAbstractItemModelTester lines(dialog.linesModel(),
                                   QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester fields(dialog.fieldsModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    dialog.setSampleLines({R"({"ts":"2021-11-22T10:15:32Z","level":"error","msg":"<h1>x</h1>"})",
                           R"({"ts":"2021-11-22T10:15:33Z","level":"info","msg":null})",
                           "not json at all"});
    dialog.setFormat(QStringLiteral("json"));
    QCOMPARE(dialog.matchRateText(), QStringLiteral("66.7 % (2 of 3 lines) as json"));
    QStandardItemModel *l = dialog.linesModel();
    QCOMPARE(l->rowCount(), 3);
    QCOMPARE(l->item(0, ParserWorkbenchDialog::ResultColumn)->text(), QStringLiteral("event"));
    QCOMPARE(l->item(0, ParserWorkbenchDialog::TimeColumn)->text(),
             QStringLiteral("2021-11-22T10:15:32.000Z"));
    QCOMPARE(l->item(0, ParserWorkbenchDialog::LevelColumn)->text(), QStringLiteral("error"));
    // Markup stays literal text.
    QVERIFY(l->item(0, ParserWorkbenchDialog::FieldsColumn)
                ->text()
                .contains(QStringLiteral("msg=<h1>x</h1>")));
    QCOMPARE(l->item(2, ParserWorkbenchDialog::ResultColumn)->text(), QStringLiteral("malformed"));
    QStandardItemModel *f = dialog.fieldsModel();
    QCOMPARE(f->rowCount(), 3);
    QCOMPARE(f->item(0, ParserWorkbenchDialog::FieldNameColumn)->text(), QStringLiteral("ts"));
    QCOMPARE(f->item(0, ParserWorkbenchDialog::TypeColumn)->text(), QStringLiteral("time"));
    QCOMPARE(f->item(0, ParserWorkbenchDialog::PresentColumn)->text(), QStringLiteral("100.0 %"));
    QCOMPARE(f->item(2, ParserWorkbenchDialog::FieldNameColumn)->text(), QStringLiteral("msg"));
    QCOMPARE(f->item(2, ParserWorkbenchDialog::NullColumn)->text(), QStringLiteral("50.0 %"));
    QCOMPARE(dialog.format(), QStringLiteral("json"));
    for (QLabel *label : dialog.findChildren<QLabel *>())
        QCOMPARE(label->textFormat(), Qt::PlainText);
}

void TestParserWorkbench::followsEditsLive() {
    ParserWorkbenchDialog dialog;
    dialog.show();
    QAbstractItemModelTester lines(dialog.linesModel(),
                                   QAbstractItemModelTester::FailureReportingMode::QtTest);
    dialog.setFormat(QStringLiteral("logfmt"));
    auto *sample = dialog.findChild<QPlainTextEdit *>();
    QVERIFY(sample);
    sample->setPlainText(QStringLiteral("ts=2021-11-22T10:15:32Z level=warn a=1\nb=2 c=x"));
    // The trial runs on a 200 ms timer after the edit.
    QTRY_COMPARE_WITH_TIMEOUT(dialog.matchRateText(),
                              QStringLiteral("100.0 % (2 of 2 lines) as logfmt"), 20000);
    QCOMPARE(dialog.linesModel()->rowCount(), 2);
    QCOMPARE(dialog.linesModel()->item(0, ParserWorkbenchDialog::LevelColumn)->text(),
             QStringLiteral("warning"));
    dialog.setFormat(QStringLiteral("regex:^ts=(?P<ts>\\S+) level=(?P<level>\\w+)"));
    QCOMPARE(dialog.matchRateText(), QStringLiteral("50.0 % (1 of 2 lines) as regex"));
}

void TestParserWorkbench::formatErrorsAreShownNotThrown() {
    ParserWorkbenchDialog dialog;
    dialog.setSampleLines({QStringLiteral("x")});
    dialog.setFormat(QStringLiteral("regex:("));
    QVERIFY(dialog.matchRateText().startsWith(QStringLiteral("Format error: ")));
    QCOMPARE(dialog.linesModel()->rowCount(), 0);
    dialog.setFormat(QStringLiteral("nope"));
    QVERIFY(dialog.matchRateText().startsWith(QStringLiteral("Format error: ")));
    dialog.setSampleLines({});
    dialog.setFormat(QStringLiteral("json"));
    QCOMPARE(dialog.matchRateText(), QStringLiteral("– (0 of 0 lines) as json"));
}

QTEST_MAIN(TestParserWorkbench)
#include "test_parser_workbench.moc"
