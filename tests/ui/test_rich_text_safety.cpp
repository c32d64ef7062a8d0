// SPDX-License-Identifier: GPL-3.0-or-later
// Nothing from a log line is ever rendered as rich text: <h1>, <img> and links pass through
// every place that shows event text (table cells and tooltips, the details pane, the status
// bar's inputs and error messages, the chart, the password question, the dead letters panel
// and the parser workbench, the window results and alerts docks with their charts, the top-N
// breakdown bars) and stay literal. The checks live in rich_text_probe.h so other panels can
// add themselves.
#include "charts/breakdown_chart_view.h"
#include "charts/rate_chart_view.h"
#include "desktop/secret_prompt.h"
#include "dialogs/parser_workbench.h"
#include "models/dead_letter_model.h"
#include "models/event_table_model.h"
#include "rich_text_probe.h"
#include "views/active_alerts_model.h"
#include "views/alert_history_model.h"
#include "views/alerts_panel.h"
#include "views/analysis_docks.h"
#include "views/dead_letters_panel.h"
#include "views/engine_status_bar.h"
#include "views/event_details_view.h"
#include "views/log_table_view.h"
#include "views/main_window.h"
#include "views/window_results_panel.h"
#include "weir/alert/alert_engine.h"
#include "weir/alert/rule.h"
#include "weir/engine/alert_processor.h"
#include "weir/engine/window_processor.h"
#include "weir/source/file_source.h"
#include "weir/window/window_setup.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QDialog>
#include <QFile>
#include <QPlainTextEdit>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSet>
#include <QtCharts/QHorizontalBarSeries>
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
    void analysisPanelsKeepEventTextLiteral();
    void parserWorkbenchShowsLinesLiterally();
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

    // Bar categories (top-N values) too.
    QtCharts::QChart barChart;
    auto *bars = new QtCharts::QHorizontalBarSeries;
    auto *set = new QtCharts::QBarSet(QStringLiteral("count"));
    *set << 1 << 2;
    bars->append(set);
    barChart.addSeries(bars);
    auto *categories = new QtCharts::QBarCategoryAxis;
    categories->append({RichTextProbe::hostile()[2], RichTextProbe::hostile()[0].toHtmlEscaped()});
    barChart.addAxis(categories, Qt::AlignLeft);
    RichTextProbe barProbe;
    barProbe.check(&barChart);
    QCOMPARE(barProbe.failures().size(), 1);
    QVERIFY2(barProbe.report().contains(QStringLiteral("bar category")) &&
                 barProbe.report().contains(QStringLiteral("weirlink")),
             qPrintable(barProbe.report()));

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

namespace {

// Selects each row of every table under `root` in turn (detail panes follow the selection) and
// probes the whole tree each time.
void probeEachSelection(RichTextProbe &probe, QWidget *root, QWidget *scope) {
    for (QTableView *view : scope->findChildren<QTableView *>()) {
        if (!view->model() || !view->selectionModel())
            continue;
        const int rows = std::min(view->model()->rowCount(), 50);
        for (int r = 0; r < rows; ++r) {
            view->selectRow(r);
            QCoreApplication::processEvents();
            probe.check(root);
        }
    }
}

} // namespace

// Markup in field values that become window keys, alert keys, chart series and bar labels,
// and in lines that do not parse (dead letters), through a real engine with a window
// processor and alert rules keyed by that field.
void TestRichTextSafety::analysisPanelsKeepEventTextLiteral() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("events.jsonl"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    for (int i = 0; i < 60; ++i) {
        const QString line =
            QStringLiteral("{\"time\":\"2021-11-22T10:15:%1Z\",\"level\":\"error\",\"path\":\"%2\","
                           "\"msg\":\"%3\",\"value\":95}\n")
                .arg(i, 2, 10, QLatin1Char('0'))
                .arg(RichTextProbe::hostile()[i % 3], RichTextProbe::hostileLine());
        file.write(line.toUtf8());
        if (i % 10 == 0) // not JSON: a dead letter whose raw text is markup
            file.write(
                (QStringLiteral("not json ") + RichTextProbe::hostileLine() + QLatin1Char('\n'))
                    .toUtf8());
    }
    file.close();

    weir::engine::Engine engine;
    weir::window::WindowSetupText w;
    w.window = "fixed:10s";
    w.keys = "path";
    w.aggs = "count,max(value)";
    weir::window::WindowSetup setup;
    std::string error;
    QVERIFY2(weir::window::parseWindowSetup(w, setup, &error), error.c_str());
    weir::engine::WindowProcessor::Options po;
    po.name = setup.name;
    po.window = setup.op;
    po.keyFields = setup.keyFields;
    engine.addProcessor(std::make_shared<weir::engine::WindowProcessor>(std::move(po)));
    auto rules = weir::alert::loadRules(
        R"j({"rules":[{"name":"hot","window":"fixed:10s","key":["path"],
            "condition":"max(value) > 90","severity":"critical"}]})j",
        &error);
    QVERIFY2(rules, error.c_str());
    auto alerts = weir::alert::AlertEngine::create(std::move(*rules), &error);
    QVERIFY2(alerts, error.c_str());
    engine.addProcessor(std::make_shared<weir::engine::AlertProcessor>(std::move(alerts)));
    weir::source::FileSource::Options fo;
    fo.path = path.toStdString();
    fo.format = "json";
    engine.addSource(std::make_unique<weir::source::FileSource>(fo));

    MainWindow window;
    window.resize(1400, 900);
    window.analysisDocks()->setRuleKeys({{"hot", {"path"}}});
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
    snap = engine.snapshot();
    window.applySnapshot(snap);
    window.flushChart();
    QVERIFY(snap->stats.finished);
    QCOMPARE(window.model()->rowCount(), 60);
    QCOMPARE(snap->stats.deadLetters, uint64_t{6});
    QVERIFY(snap->alerts && !snap->alerts->active.empty());
    QVERIFY(!snap->windows.empty());

    // The top values of `path` as bars beside the rate chart.
    weir::ui::BreakdownChartView *breakdown = window.breakdownView();
    breakdown->setFieldNames({QStringLiteral("path")});
    breakdown->setMode(QStringLiteral("path"));
    breakdown->setRows(window.model()->snapshotShared(), window.model()->visibleRowsShared());
    QTRY_VERIFY_WITH_TIMEOUT(!breakdown->isCounting() && breakdown->bars().size() == 3, 30000);

    RichTextProbe probe;
    probe.check(&window);
    probe.checkModels(&window);
    auto *dead = window.findChild<weir::ui::DeadLettersPanel *>();
    auto *alertsPanel = window.findChild<weir::ui::AlertsPanel *>();
    auto *windowPanel = window.findChild<weir::ui::WindowResultsPanel *>();
    QVERIFY(dead && alertsPanel && windowPanel);
    probeEachSelection(probe, &window, dead);
    probeEachSelection(probe, &window, alertsPanel);
    probeEachSelection(probe, &window, windowPanel);
    QVERIFY2(probe.failures().isEmpty(), qPrintable(probe.report()));

    // The hostile text did reach each of them, as text.
    QVERIFY2(dead->rawText().contains(RichTextProbe::hostileLine()), qPrintable(dead->rawText()));
    QCOMPARE(dead->model()->rowCount(), 6);
    bool keyShown = false;
    for (int r = 0; r < alertsPanel->activeModel()->rowCount(); ++r) {
        keyShown |= alertsPanel->activeModel()
                        ->index(r, weir::ui::ActiveAlertsModel::KeyColumn)
                        .data()
                        .toString()
                        .contains(RichTextProbe::hostile()[1]);
    }
    QVERIFY(keyShown);
    QVERIFY(alertsPanel->historyModel()->rowCount() > 0);
    bool barShown = false;
    for (const auto &bar : breakdown->bars())
        barShown |= bar.first.contains(RichTextProbe::hostile()[2]);
    QVERIFY(barShown);
    bool windowKeyShown = false;
    for (QTableView *view : windowPanel->findChildren<QTableView *>()) {
        for (int r = 0; r < view->model()->rowCount(); ++r)
            for (int c = 0; c < view->model()->columnCount(); ++c)
                windowKeyShown |= view->model()->index(r, c).data().toString().contains(
                    RichTextProbe::hostile()[0]);
    }
    QVERIFY(windowKeyShown);
    QVERIFY2(probe.seen() >= 20, qPrintable(QString::number(probe.seen())));
}

void TestRichTextSafety::parserWorkbenchShowsLinesLiterally() {
    weir::ui::ParserWorkbenchDialog dialog;
    dialog.setSampleLines({RichTextProbe::hostileLine(),
                           QStringLiteral("{\"path\":\"%1\"}").arg(RichTextProbe::hostile()[0])});
    dialog.setFormat(QStringLiteral("json"));
    dialog.show();
    dialog.refresh();
    QCoreApplication::processEvents();
    RichTextProbe probe;
    probe.check(&dialog);
    probe.checkModels(&dialog);
    QVERIFY2(probe.failures().isEmpty(), qPrintable(probe.report()));
    QVERIFY(probe.seen() >= 2); // the sample lines and the parsed field value
}

QTEST_MAIN(TestRichTextSafety)
#include "test_rich_text_safety.moc"
