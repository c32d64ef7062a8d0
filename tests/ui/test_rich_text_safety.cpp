// SPDX-License-Identifier: GPL-3.0-or-later
// Nothing from a log line is ever rendered as rich text: <h1>, <img> and links pass through
// every place that shows event text (table cells and tooltips, the details pane, the status
// bar's inputs and error messages, the chart, the password question) and stay literal. The
// checks live in rich_text_probe.h so other panels can add themselves.
#include "charts/rate_chart_view.h"
#include "desktop/secret_prompt.h"
#include "models/event_table_model.h"
#include "rich_text_probe.h"
#include "views/engine_status_bar.h"
#include "views/event_details_view.h"
#include "views/log_table_view.h"
#include "views/main_window.h"
#include "weir/source/file_source.h"

#include <QApplication>
#include <QDialog>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>
#include <QtCharts/QLineSeries>
#include <QtTest>
#include <chrono>
#include <thread>

using weir::test::RichTextProbe;
using weir::ui::EventTableModel;
using weir::ui::MainWindow;

class TestRichTextSafety : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void probeCatchesMarkup();
    void eventTextStaysLiteralInTheMainWindow();
    void sourceNamesAndErrorsStayLiteral();
    void passwordQuestionShowsAccountLiterally();
};

// The helper itself must be able to fail, or every test below proves nothing.
void TestRichTextSafety::probeCatchesMarkup() {
    QWidget root;
    auto *autoLabel = new QLabel(RichTextProbe::hostile()[0], &root);
    autoLabel->setTextFormat(Qt::AutoText);
    auto *plainLabel = new QLabel(RichTextProbe::hostile()[1], &root);
    plainLabel->setTextFormat(Qt::PlainText);
    plainLabel->setToolTip(RichTextProbe::hostile()[2]); // AutoText: a link would be a link
    RichTextProbe probe;
    probe.check(&root);
    QCOMPARE(probe.failures().size(), 2);
    QVERIFY(probe.report().contains(QStringLiteral("weirbig")));
    QVERIFY(probe.report().contains(QStringLiteral("weirlink")));

    // A chart series named after a field value must be escaped; escaped it is fine.
    QtCharts::QChart chart;
    auto *raw = new QtCharts::QLineSeries;
    raw->setName(RichTextProbe::hostile()[1]);
    auto *escaped = new QtCharts::QLineSeries;
    escaped->setName(RichTextProbe::hostile()[0].toHtmlEscaped());
    chart.addSeries(raw);
    chart.addSeries(escaped);
    RichTextProbe chartProbe;
    chartProbe.check(&chart);
    QVERIFY2(chartProbe.report().contains(QStringLiteral("series name")),
             qPrintable(chartProbe.report()));
    QVERIFY2(!chartProbe.report().contains(QStringLiteral("weirbig")),
             qPrintable(chartProbe.report()));

    // Escaped tooltips pass.
    QWidget ok;
    ok.setToolTip(QStringLiteral("<p>%1</p>").arg(RichTextProbe::hostileLine().toHtmlEscaped()));
    RichTextProbe okProbe;
    okProbe.check(&ok);
    QVERIFY2(okProbe.failures().isEmpty(), qPrintable(okProbe.report()));
    QCOMPARE(okProbe.seen(), 1);
}

void TestRichTextSafety::eventTextStaysLiteralInTheMainWindow() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // Markup in the file name too: it becomes the source's name in the status bar.
    const QString path = dir.filePath(QStringLiteral("%1.jsonl").arg(RichTextProbe::hostile()[1]));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    for (int i = 0; i < 3; ++i) {
        const QString line =
            QStringLiteral("{\"time\":\"2021-11-22T10:15:3%1Z\",\"level\":\"error\",\"msg\":\"%2\","
                           "\"path\":\"%3\",\"%4\":1}\n")
                .arg(i)
                .arg(RichTextProbe::hostileLine(), RichTextProbe::hostile()[2],
                     RichTextProbe::hostile()[0]);
        file.write(line.toUtf8());
    }
    file.close();

    weir::engine::Engine engine;
    weir::source::FileSource::Options fo;
    fo.path = path.toStdString();
    fo.format = "json";
    engine.addSource(std::make_unique<weir::source::FileSource>(fo));
    MainWindow window;
    window.show();
    engine.start();
    std::shared_ptr<const weir::engine::Snapshot> snap;
    for (int i = 0; i < 3000; ++i) { // at most ~30 s
        snap = engine.snapshot();
        window.applySnapshot(snap);
        if (snap->stats.finished)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    engine.stop();
    window.applySnapshot(engine.snapshot());
    window.flushChart();
    QCOMPARE(window.model()->rowCount(), 3);

    RichTextProbe probe;
    probe.check(window.model());
    for (int r = 0; r < window.model()->rowCount(); ++r) {
        window.tableView()->selectRow(r);
        QCoreApplication::processEvents();
        probe.check(&window);
    }
    QVERIFY2(probe.failures().isEmpty(), qPrintable(probe.report()));
    // The hostile text reached the table, the details pane and the status bar.
    QVERIFY(probe.seen() >= 3 * 2);
    auto *details = window.findChild<weir::ui::EventDetailsView *>();
    QVERIFY(details);
    QVERIFY2(details->toPlainText().contains(RichTextProbe::hostile()[2]),
             qPrintable(details->toPlainText()));
    QVERIFY2(window.engineStatusBar()->sourcesText().contains(RichTextProbe::hostile()[1]),
             qPrintable(window.engineStatusBar()->sourcesText()));
}

void TestRichTextSafety::sourceNamesAndErrorsStayLiteral() {
    MainWindow window;
    window.show();
    auto snap = std::make_shared<weir::engine::Snapshot>();
    snap->version = 1;
    weir::engine::SourceStatus s;
    s.name = RichTextProbe::hostile()[0].toStdString();
    s.error = RichTextProbe::hostileLine().toStdString();
    snap->sources.push_back(s);
    weir::engine::SourceStatus live;
    live.name = "mqtt broker";
    live.status = RichTextProbe::hostile()[2].toStdString(); // a broker's reason text
    snap->sources.push_back(live);
    window.applySnapshot(snap);

    RichTextProbe probe;
    probe.check(&window);
    QVERIFY2(probe.failures().isEmpty(), qPrintable(probe.report()));
    QVERIFY2(window.statusBar()->currentMessage().contains(RichTextProbe::hostileLine()),
             qPrintable(window.statusBar()->currentMessage()));
    QVERIFY(probe.seen() >= 2); // the error message and the inputs label
}

void TestRichTextSafety::passwordQuestionShowsAccountLiterally() {
    weir::ui::SecretRequest request;
    request.key = QStringLiteral("weir/mqtt/x:1883/u");
    request.what = QStringLiteral("MQTT password");
    request.account = RichTextProbe::hostileLine(); // user and host come from workspace files
    RichTextProbe probe;
    bool checked = false;
    QTimer::singleShot(0, this, [&] {
        for (QWidget *w : QApplication::topLevelWidgets()) {
            auto *dialog = qobject_cast<QDialog *>(w);
            if (dialog && dialog->isVisible()) {
                probe.check(dialog);
                checked = true;
                dialog->reject();
            }
        }
    });
    const weir::ui::SecretAnswer answer = weir::ui::askSecretWithDialog(nullptr, request, false);
    QVERIFY(checked);
    QVERIFY(!answer.given);
    QVERIFY2(probe.failures().isEmpty(), qPrintable(probe.report()));
    QVERIFY(probe.seen() >= 1);
}

QTEST_MAIN(TestRichTextSafety)
#include "test_rich_text_safety.moc"
