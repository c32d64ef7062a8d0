// SPDX-License-Identifier: GPL-3.0-or-later
// The real `weir` with --window, --rules and --alert-command, offscreen: window results and
// alerts reach the GUI through snapshots, the Firing alerts match weir-cli's on the same
// input, and the user command gets each one as JSON on stdin.
#include "process_run.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const QString kSample = QStringLiteral(WEIR_RESOURCES_DIR "/samples/access.log");

const char kRules[] = R"({"rules":[
 {"name":"5xx ratio","window":"fixed:10s","condition":"count(status>=500) / count() > 0.05",
  "severity":"critical"},
 {"name":"busy path","window":"fixed:10s","key":["path"],"condition":"count() > 3"}]})";

using Run = weir::test::ProcessRun;

Run run(const QString &program, const QStringList &args) {
    return weir::test::runProcess(program, args);
}

QList<QJsonObject> jsonLines(const QString &path) {
    QFile f(path);
    QList<QJsonObject> out;
    if (!f.open(QIODevice::ReadOnly))
        return out;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (!line.trimmed().isEmpty())
            out << QJsonDocument::fromJson(line).object();
    }
    return out;
}

QString idOf(const QJsonObject &o) {
    return o.value(QStringLiteral("rule")).toString() + QLatin1Char('|') +
           o.value(QStringLiteral("key")).toString() + QLatin1Char('|') +
           o.value(QStringLiteral("time")).toString();
}

} // namespace

class TestGuiAlerts : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void windowsAlertsAndTheUserCommand();
    void refusesBadRulesAndWindows();
};

void TestGuiAlerts::windowsAlertsAndTheUserCommand() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString rules = dir.filePath(QStringLiteral("rules.json"));
    {
        QFile f(rules);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kRules);
    }
    const QString fired = dir.filePath(QStringLiteral("fired.jsonl"));
    const Run gui = run(
        QStringLiteral(WEIR_GUI_PATH),
        {kSample, QStringLiteral("--window"), QStringLiteral("fixed:1m"), QStringLiteral("--key"),
         QStringLiteral("status"), QStringLiteral("--agg"), QStringLiteral("count,max(bytes)"),
         // A second window pipeline: its own options follow its --window.
         QStringLiteral("--window"), QStringLiteral("sliding:2m/1m"), QStringLiteral("--agg"),
         QStringLiteral("p95(bytes)"), QStringLiteral("--rules"), rules,
         QStringLiteral("--alert-command"), QStringLiteral("cat >> '%1'").arg(fired),
         QStringLiteral("--exit-when-finished"), QStringLiteral("--exit-after"),
         QStringLiteral("60000"), QStringLiteral("--print-stats")});
    QVERIFY2(gui.exitCode == 0, gui.err.constData());
    QCOMPARE(gui.stats.value(QStringLiteral("exit")).toString(), QStringLiteral("finished"));
    QVERIFY(gui.stats.value(QStringLiteral("window_results")).toInt() > 0);
    QCOMPARE(gui.stats.value(QStringLiteral("window_pipelines")).toInt(), 2);
    QVERIFY(gui.stats.value(QStringLiteral("alert_transitions")).toInt() > 0);
    const int notified = gui.stats.value(QStringLiteral("alerts_notified")).toInt();
    QVERIFY(notified > 0);
    QCOMPARE(gui.stats.value(QStringLiteral("alert_commands_skipped")).toInt(), 0);

    // The same rules headless: the GUI notified exactly weir-cli's Firing transitions.
    const QString cliOut = dir.filePath(QStringLiteral("cli.jsonl"));
    const Run cli = run(QStringLiteral(WEIR_CLI_PATH), {kSample, QStringLiteral("--rules"), rules,
                                                        QStringLiteral("--alerts-out"), cliOut});
    QVERIFY2(cli.exitCode == 0, cli.err.constData());
    QSet<QString> expected;
    for (const QJsonObject &o : jsonLines(cliOut)) {
        if (o.value(QStringLiteral("state")).toString() == QLatin1String("firing"))
            expected.insert(idOf(o));
    }
    QCOMPARE(expected.size(), notified);
    // The command ran once per Firing alert (weir waits for its commands before exiting).
    QSet<QString> got;
    const QList<QJsonObject> lines = jsonLines(fired);
    for (const QJsonObject &o : lines) {
        QCOMPARE(o.value(QStringLiteral("state")).toString(), QStringLiteral("firing"));
        got.insert(idOf(o));
    }
    QCOMPARE(lines.size(), notified);
    QCOMPARE(got, expected);
}

void TestGuiAlerts::refusesBadRulesAndWindows() {
    QTemporaryDir dir;
    const QString rules = dir.filePath(QStringLiteral("bad.json"));
    {
        QFile f(rules);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"rules":[{"name":"x","window":"fortnightly","condition":"count() > 1"}]})");
    }
    const Run r = run(QStringLiteral(WEIR_GUI_PATH), {QStringLiteral("--rules"), rules});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("rules[x].window"), r.err.constData());
    const Run w =
        run(QStringLiteral(WEIR_GUI_PATH), {QStringLiteral("--window"), QStringLiteral("fixed:1m"),
                                            QStringLiteral("--lateness"), QStringLiteral("later")});
    QCOMPARE(w.exitCode, 2);
    QVERIFY2(w.err.contains("--lateness: "), w.err.constData());
}

QTEST_GUILESS_MAIN(TestGuiAlerts)
#include "test_gui_alerts.moc"
