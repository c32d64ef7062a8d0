// SPDX-License-Identifier: GPL-3.0-or-later
// Alerts in the GUI on real engine snapshots: the active and history models (under
// QAbstractItemModelTester), acknowledge and silence, the notification decisions (tray or not),
// jump to evidence in the main window, and the rule editor's validation and preview.
#include "analysis_fixture.h"
#include "charts/rate_chart_view.h"
#include "charts/window_chart_view.h"
#include "dialogs/rule_editor_dialog.h"
#include "models/event_table_model.h"
#include "views/active_alerts_model.h"
#include "views/alert_command_runner.h"
#include "views/alert_history_model.h"
#include "views/alert_tray.h"
#include "views/alerts_panel.h"
#include "views/analysis_docks.h"
#include "views/log_table_view.h"
#include "views/main_window.h"
#include "views/window_results_model.h"
#include "views/window_results_panel.h"

#include <QAbstractItemModelTester>
#include <QDockWidget>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QtTest>
#include <cmath>

using namespace weir;
using weir::ui::ActiveAlertsModel;
using weir::ui::AlertHistoryModel;

namespace {

// "hot" for host b with a rule that keeps b firing until the end: [30,50) hot.
std::string hotAtTheEndCsv() {
    std::string s = "time,host,value\n";
    for (int t = 0; t < 50; ++t) {
        s += std::to_string(test::kHostsBase + t) + ",a,10\n";
        s += std::to_string(test::kHostsBase + t) + ",b," + (t >= 30 ? "95" : "20") + "\n";
    }
    return s;
}

alert::Transition transition(std::string rule, std::string key, alert::AlertState s) {
    alert::Transition t;
    t.setRule(rule, "critical");
    t.key = std::move(key);
    t.state = s;
    t.value = 95;
    return t;
}

} // namespace

class TestAlertsPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void modelsShowActiveAlertsAndHistory();
    void acknowledgeAndSilence();
    void silencesAndAcknowledgementsSurviveARestart();
    void alertCommandFailuresAreShown();
    void notifierDecidesWithoutAPlatform();
    void trayIsSkippedWithoutASystemTray();
    void jumpToEvidenceSelectsTheWindowRows();
    void ruleEditorValidatesAndPreviews();
};

void TestAlertsPanel::modelsShowActiveAlertsAndHistory() {
    QTemporaryDir dir;
    const auto snap = test::runPipeline(dir, hotAtTheEndCsv(), {}, test::hostsRules());
    QVERIFY(snap->alerts);
    ui::AlertsPanel panel;
    QAbstractItemModelTester t1(panel.activeModel(),
                                QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t2(panel.historyModel(),
                                QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(panel.activeModel()->rowCount(), 0);
    panel.applySnapshot(*snap);
    ActiveAlertsModel *active = panel.activeModel();
    QCOMPARE(active->rowCount(), 1);
    QCOMPARE(active->index(0, ActiveAlertsModel::StateColumn).data().toString(),
             QStringLiteral("firing"));
    QCOMPARE(active->index(0, ActiveAlertsModel::RuleColumn).data().toString(),
             QStringLiteral("hot"));
    QCOMPARE(active->index(0, ActiveAlertsModel::KeyColumn).data().toString(), QStringLiteral("b"));
    QCOMPARE(active->index(0, ActiveAlertsModel::ValueColumn).data().toString(),
             QStringLiteral("95"));
    QCOMPARE(active->index(0, ActiveAlertsModel::SeverityColumn).data().toString(),
             QStringLiteral("critical"));
    // Firing at the end of [30,40): since 40 s.
    QCOMPARE(active->index(0, ActiveAlertsModel::SinceColumn).data().toString(),
             QStringLiteral("2023-11-14T22:14:00.000Z"));
    QCOMPARE(
        active->index(0, ActiveAlertsModel::StateColumn).data(Qt::DecorationRole).value<QColor>(),
        ActiveAlertsModel::severityColor("critical"));
    AlertHistoryModel *history = panel.historyModel();
    QCOMPARE(history->rowCount(), 1);
    QCOMPARE(history->index(0, AlertHistoryModel::WindowColumn).data().toString(),
             QStringLiteral("2023-11-14T22:13:50.000Z – 2023-11-14T22:14:00.000Z"));
    QVERIFY(panel.summaryText().startsWith(QStringLiteral("1 firing")));
    panel.clear();
    QCOMPARE(active->rowCount(), 0);
    QCOMPARE(history->rowCount(), 0);
}

void TestAlertsPanel::acknowledgeAndSilence() {
    auto results = std::make_shared<alert::AlertResults>();
    results->active.push_back(
        {"hot", "<i>b</i>", "warning", alert::AlertState::Firing, TimestampNs{0}, 1.5});
    results->active.push_back({"hot", "a", "info", alert::AlertState::Pending, TimestampNs{0}, 1});
    ActiveAlertsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    qint64 now = 1000000;
    model.setClock([&now] { return now; });
    model.setResults(results);
    QCOMPARE(model.index(0, ActiveAlertsModel::KeyColumn).data().toString(),
             QStringLiteral("<i>b</i>")); // plain text, as logged
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.acknowledge(0);
    QCOMPARE(changed.count(), 1);
    QVERIFY(model.isAcknowledged("hot", "<i>b</i>"));
    QVERIFY(model.index(0, 0).data(ActiveAlertsModel::AcknowledgedRole).toBool());
    QCOMPARE(model.index(0, ActiveAlertsModel::NoteColumn).data().toString(),
             QStringLiteral("acknowledged"));

    model.silence(1, 60000);
    QVERIFY(model.isSilenced("hot", "a"));
    QVERIFY(model.index(1, 0).data(ActiveAlertsModel::SilencedRole).toBool());
    QVERIFY(model.index(1, ActiveAlertsModel::NoteColumn)
                .data()
                .toString()
                .startsWith(QStringLiteral("silenced until")));
    QVERIFY(!model.isSilenced("hot", "<i>b</i>"));
    now += 59999;
    QVERIFY(model.isSilenced("hot", "a"));
    now += 1;
    model.refresh();
    QVERIFY(!model.isSilenced("hot", "a"));
    model.silence(1, 60000);
    model.unsilence(1);
    QVERIFY(!model.isSilenced("hot", "a"));

    // An acknowledgement ends with the alert; a silence outlives it.
    model.silence(1, 60000);
    auto later = std::make_shared<alert::AlertResults>();
    later->active.push_back(results->active[1]);
    model.setResults(later);
    QVERIFY(!model.isAcknowledged("hot", "<i>b</i>"));
    QVERIFY(model.isSilenced("hot", "a"));
    model.setResults(results);
    QVERIFY(!model.isAcknowledged("hot", "<i>b</i>"));
}

// Weir restarts (a new model on the same state file): silences keep their wall-clock end,
// acknowledgements come back with their alert and end with it.
void TestAlertsPanel::silencesAndAcknowledgementsSurviveARestart() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString rulesPath = dir.filePath(QStringLiteral("rules.json"));
    const QString path = ActiveAlertsModel::defaultStateFile(rulesPath);
    QCOMPARE(path, rulesPath + QStringLiteral(".state.json")); // the directory is writable
    auto results = std::make_shared<alert::AlertResults>();
    results->active.push_back(
        {"hot", "b|1", "warning", alert::AlertState::Firing, TimestampNs{5000}, 1.5});
    results->active.push_back({"hot", "a", "info", alert::AlertState::Pending, TimestampNs{0}, 1});
    results->active.push_back({"cold", "c", "info", alert::AlertState::Firing, TimestampNs{0}, 1});
    qint64 now = 1000000;
    {
        ActiveAlertsModel model;
        model.setClock([&now] { return now; });
        QVERIFY(model.setStateFile(path));
        model.setResults(results);
        model.acknowledge(0);             // hot/b|1, its state began at 5000 ns
        model.silence(1, 60 * 60 * 1000); // hot/a for an hour
        model.silence(2, 60 * 1000);      // cold/c for a minute
        QVERIFY(QFile::exists(path));
    }
    now += 2 * 60 * 1000; // two minutes later (wall time): cold/c's silence is over
    ActiveAlertsModel restarted;
    QAbstractItemModelTester tester(&restarted,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    restarted.setClock([&now] { return now; });
    QString error;
    QVERIFY2(restarted.setStateFile(path, &error), qPrintable(error));
    QVERIFY(restarted.isSilenced("hot", "a"));
    QVERIFY(!restarted.isSilenced("cold", "c"));
    QVERIFY(!restarted.isSilenced("hot", "b|1"));
    // The replay has not reached the acknowledged alert yet: an earlier episode of it is
    // not acknowledged; the acknowledged one is, once active again.
    auto earlier = std::make_shared<alert::AlertResults>();
    earlier->active.push_back(
        {"hot", "b|1", "warning", alert::AlertState::Firing, TimestampNs{1000}, 1});
    restarted.setResults(earlier);
    QVERIFY(!restarted.isAcknowledged("hot", "b|1"));
    restarted.setResults(std::make_shared<alert::AlertResults>());
    restarted.setResults(results);
    QVERIFY(restarted.isAcknowledged("hot", "b|1"));
    QVERIFY(restarted.index(0, 0).data(ActiveAlertsModel::AcknowledgedRole).toBool());
    QVERIFY(!restarted.isAcknowledged("hot", "a"));
    now += 60 * 60 * 1000; // past hot/a's silence
    QVERIFY(!restarted.isSilenced("hot", "a"));
    restarted.refresh();
    // The acknowledged alert ends: forgotten, on disk too.
    auto after = std::make_shared<alert::AlertResults>();
    after->active.push_back(results->active[2]);
    restarted.setResults(after);
    QVERIFY(!restarted.isAcknowledged("hot", "b|1"));
    ActiveAlertsModel third;
    third.setClock([&now] { return now; });
    QVERIFY(third.setStateFile(path));
    third.setResults(results);
    QVERIFY(!third.isAcknowledged("hot", "b|1"));
    QVERIFY(!third.isSilenced("hot", "a"));
    const QJsonObject saved = QJsonDocument::fromJson(third.saveState()).object();
    QCOMPARE(saved.value(QStringLiteral("silences")).toArray().size(), 0);
    QCOMPARE(saved.value(QStringLiteral("acknowledged")).toArray().size(), 0);

    // A damaged file is reported, not half-loaded.
    QFile bad(dir.filePath(QStringLiteral("bad.json")));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("{\"silences\": [");
    bad.close();
    ActiveAlertsModel damaged;
    QVERIFY(!damaged.setStateFile(bad.fileName(), &error));
    QVERIFY(error.startsWith(bad.fileName()));
    QVERIFY(damaged.stateFile().isEmpty());
}

// The user's alert command, run for real: a non-zero exit, a command that does not exist and
// one killed at its timeout are shown in the panel; a success is not.
void TestAlertsPanel::alertCommandFailuresAreShown() {
    ui::AlertsPanel panel;
    QVERIFY(!panel.commandStatusLabel()->isVisibleTo(&panel));
    ui::AlertCommandRunner runner("read line; case \"$line\" in *exit3*) exit 3;; "
                                  "*missing*) weir-no-such-command-7;; *slow*) sleep 60;; esac",
                                  1000);
    panel.watchCommands(&runner);
    QSignalSpy finished(&runner, &ui::AlertCommandRunner::commandFinished);
    runner.run({R"({"rule":"fine","key":"a","state":"firing","time":"t0"})",
                R"({"rule":"exit3","key":"b","state":"firing","time":"t1"})",
                R"({"rule":"missing","key":"c","state":"firing","time":"t2"})",
                R"({"rule":"slow","key":"d","state":"firing","time":"t3"})"});
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 4, 60000);
    QCOMPARE(runner.started(), uint64_t{4});
    QCOMPARE(runner.failed(), uint64_t{3});
    QCOMPARE(panel.commandFailures(), 3);
    QVERIFY(panel.commandStatusLabel()->isVisibleTo(&panel));
    QVERIFY2(panel.commandStatusText().startsWith(QStringLiteral("Alert command failed 3 time")),
             qPrintable(panel.commandStatusText()));
    const QString details = panel.commandStatusLabel()->toolTip();
    QVERIFY2(details.contains(QStringLiteral("exit3 / b (t1): exit status 3")),
             qPrintable(details));
    QVERIFY2(
        details.contains(QStringLiteral("missing / c (t2): exit status 127 (command not found)")),
        qPrintable(details));
    QVERIFY2(details.contains(QStringLiteral("slow / d (t3): timed out after 1000 ms")),
             qPrintable(details));
    QVERIFY(!details.contains(QStringLiteral("fine")));
    panel.clearCommandFailures();
    QVERIFY(!panel.commandStatusLabel()->isVisibleTo(&panel));
}

void TestAlertsPanel::notifierDecidesWithoutAPlatform() {
    ui::AlertNotifier notifier;
    auto r = std::make_shared<alert::AlertResults>();
    const auto none = [](const std::string &, const std::string &) { return false; };
    QVERIFY(!notifier.update(r.get(), none).trayVisible);
    QVERIFY(!notifier.update(nullptr, none).trayVisible);

    r->recent = {transition("hot", "a", alert::AlertState::Pending),
                 transition("hot", "a", alert::AlertState::Firing),
                 transition("hot", "b", alert::AlertState::Firing)};
    r->transitions = 3;
    r->active.push_back({"hot", "a", "critical", alert::AlertState::Firing, TimestampNs{0}, 95});
    r->active.push_back({"hot", "b", "critical", alert::AlertState::Firing, TimestampNs{0}, 95});
    const auto silenceB = [](const std::string &, const std::string &key) { return key == "b"; };
    auto d = notifier.update(r.get(), silenceB);
    QVERIFY(d.trayVisible);
    QCOMPARE(d.firing, 2);
    QCOMPARE(d.notify.size(), size_t{1}); // b is silenced; pending does not notify
    QCOMPARE(QString::fromStdString(d.notify[0].key), QStringLiteral("a"));
    QCOMPARE(d.silenced, 1);
    // The same results again: nothing new.
    d = notifier.update(r.get(), none);
    QCOMPARE(d.notify.size(), size_t{0});
    QVERIFY(d.trayVisible);

    // Two more transitions, one beyond what `recent` still holds (it keeps the last 2).
    auto r2 = std::make_shared<alert::AlertResults>();
    r2->recent = {transition("hot", "a", alert::AlertState::Resolved),
                  transition("hot", "c", alert::AlertState::Firing)};
    r2->transitions = 6;
    d = notifier.update(r2.get(), none);
    QCOMPARE(d.notify.size(), size_t{1});
    QCOMPARE(QString::fromStdString(d.notify[0].key), QStringLiteral("c"));
    QVERIFY(!d.trayVisible); // nothing active is firing
    // A restarted pipeline counts from zero again.
    notifier.reset();
    d = notifier.update(r.get(), none);
    QCOMPARE(d.notify.size(), size_t{2});
}

void TestAlertsPanel::trayIsSkippedWithoutASystemTray() {
    ui::AlertTray tray(false);
    QVERIFY(!tray.hasIcon());
    QVERIFY(!tray.iconVisible());
    QSignalSpy notified(&tray, &ui::AlertTray::notified);
    auto r = std::make_shared<alert::AlertResults>();
    r->recent = {transition("hot", "a", alert::AlertState::Firing)};
    r->transitions = 1;
    r->active.push_back({"hot", "a", "critical", alert::AlertState::Firing, TimestampNs{0}, 95});
    tray.apply(r.get(), {});
    QVERIFY(tray.lastDecision().trayVisible);
    QCOMPARE(tray.messagesShown(), 0);
    QCOMPARE(notified.count(), 1);
    const QByteArrayList json = notified.at(0).at(0).value<QByteArrayList>();
    QCOMPARE(json.size(), 1);
    QVERIFY2(json[0].contains("\"state\":\"firing\""), json[0].constData());
    QCOMPARE(ui::AlertTray::plainNotificationText(QStringLiteral("<b>x</b>&")),
             QStringLiteral("‹b›x‹/b›＆"));
}

void TestAlertsPanel::jumpToEvidenceSelectsTheWindowRows() {
    QTemporaryDir dir;
    window::WindowSetupText w;
    w.window = "fixed:10s";
    w.keys = "host";
    w.aggs = "max(value)";
    const auto snap = test::runPipeline(dir, test::hostsCsv(), w, test::hostsRules());
    ui::MainWindow window;
    ui::AnalysisDocks *docks = window.analysisDocks();
    QVERIFY(docks);
    docks->setRuleKeys({{"hot", {"host"}}}); // what the controller passes from the rules file
    window.applySnapshot(snap);
    QCOMPARE(window.model()->rowCount(), 100);
    QVERIFY(docks->windowDock()->isVisibleTo(&window));
    QVERIFY(docks->alertsDock()->isVisibleTo(&window));
    QCOMPARE(docks->windowPanel()->model()->rowCount(), 10);

    ui::AlertsPanel *panel = docks->alertsPanel();
    QCOMPARE(panel->historyModel()->rowCount(), 4); // firing, resolved, firing, resolved
    // The oldest transition (last row): b firing at 20 s on window [10,20).
    const int oldest = panel->historyModel()->rowCount() - 1;
    QCOMPARE(panel->historyModel()->index(oldest, AlertHistoryModel::StateColumn).data().toString(),
             QStringLiteral("firing"));
    QSignalSpy spy(panel, &ui::AlertsPanel::evidenceRequested);
    panel->historyView()->setCurrentIndex(panel->historyModel()->index(oldest, 0));
    panel->jumpToEvidence(true);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toLongLong(), (test::kHostsBase + 10) * kNsPerSecond);
    QCOMPARE(spy.at(0).at(1).toLongLong(), (test::kHostsBase + 20) * kNsPerSecond);
    // Ten rows of host b, the odd rows 21..39 of the table.
    QCOMPARE(docks->lastEvidenceRows(), 10);
    const QModelIndexList rows = window.tableView()->selectionModel()->selectedRows();
    QCOMPARE(rows.size(), 10);
    for (const QModelIndex &i : rows) {
        QVERIFY(i.row() >= 21 && i.row() <= 39 && i.row() % 2 == 1);
        QVERIFY(i.data(ui::EventTableModel::RawRole).toByteArray().contains(",b,95"));
    }
    QCOMPARE(window.tableView()->currentIndex().row(), 21);
    QVERIFY(!window.tableView()->followTail());
    QVERIFY(docks->windowPanel()->chartView()->markVisible());
    // The events/s chart shades the same window, where its time axis puts it.
    ui::RateChartView *chart = window.chartView();
    QVERIFY(chart->hasEvidenceWindow());
    QCOMPARE(chart->evidenceFrom().value, (test::kHostsBase + 10) * kNsPerSecond);
    QCOMPARE(chart->evidenceTo().value, (test::kHostsBase + 20) * kNsPerSecond);
    window.resize(1200, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(!chart->evidenceBandRect().isEmpty(), 10000);
    const QRectF band = chart->evidenceBandRect();
    const double x0 = chart->timeToX(chart->evidenceFrom());
    const double x1 = chart->timeToX(chart->evidenceTo());
    QVERIFY2(x1 - x0 > 5, qPrintable(QStringLiteral("%1..%2").arg(x0).arg(x1)));
    QVERIFY2(std::abs(band.left() - x0) <= 2 && std::abs(band.right() - x1) <= 2,
             qPrintable(QStringLiteral("band %1..%2, window %3..%4")
                            .arg(band.left())
                            .arg(band.right())
                            .arg(x0)
                            .arg(x1)));
    chart->clearEvidenceWindow();
    QVERIFY(chart->evidenceBandRect().isEmpty());
}

void TestAlertsPanel::ruleEditorValidatesAndPreviews() {
    QTemporaryDir dir;
    const auto snap = test::runPipeline(dir, test::hostsCsv(), {}, {});
    ui::RuleEditorDialog dialog;
    dialog.setRulesText(QString::fromUtf8(test::hostsRules()));
    QVERIFY(dialog.validate().isEmpty());
    QCOMPARE(dialog.statusText(), QStringLiteral("Valid: 1 rule(s)."));

    dialog.setRulesText(QStringLiteral(
        R"({"rules":[{"name":"<b>x</b>","window":"fixed:1m","condition":"max(v) > 1"},
                     {"name":"y","window":"fixed:1m","condition":"max(v) >"}]})"));
    const QString error = dialog.validate();
    QVERIFY2(error.contains(QStringLiteral("rules[1].condition")) ||
                 error.contains(QStringLiteral("rules[y].condition")),
             qPrintable(error));
    QCOMPARE(dialog.statusText(), error);
    dialog.accept(); // refused while invalid
    QCOMPARE(dialog.result(), int(QDialog::Rejected));

    dialog.setRulesText(QString::fromUtf8(test::hostsRules()));
    dialog.setSnapshot(snap);
    QSignalSpy done(&dialog, &ui::RuleEditorDialog::previewFinished);
    dialog.startPreview();
    QVERIFY(done.wait(60000) || done.count() == 1);
    QVERIFY(!dialog.previewRunning());
    QCOMPARE(dialog.lastPreview().firing, uint64_t{2});
    QCOMPARE(dialog.previewText(),
             QStringLiteral("Would have fired 2 times on the 100 events loaded (hot: 2)."));
    // A preview still running when the dialog goes is cancelled and joined.
    {
        ui::RuleEditorDialog quick;
        quick.setRulesText(QString::fromUtf8(test::hostsRules()));
        quick.setSnapshot(snap);
        quick.startPreview();
    }
}

QTEST_MAIN(TestAlertsPanel)
#include "test_alerts_panel.moc"
