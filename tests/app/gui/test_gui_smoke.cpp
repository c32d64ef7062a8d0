// SPDX-License-Identifier: GPL-3.0-or-later
// Starts the real `weir` executable offscreen and checks what it reports on exit.
#include "process_run.h"

#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

using Run = weir::test::ProcessRun;

Run runWeir(const QStringList &args, const QProcessEnvironment &env = {}) {
    return weir::test::runProcess(QStringLiteral(WEIR_GUI_PATH), args, env);
}

} // namespace

class TestGuiSmoke : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void demoFillsTheTableAndTheChart();
    void replaysAFileCompletely();
    void savesAScreenshot();
    void helpAndVersionNeedNoDisplay();
    void rejectsUnknownOptions();
};

void TestGuiSmoke::demoFillsTheTableAndTheChart() {
    // Live demo at its default rate: wait (at most 60 s) for 1200 rows, about 3 s of data,
    // so at least one whole second is on the chart.
    const Run r = runWeir({QStringLiteral("--exit-when-rows"), QStringLiteral("1200"),
                           QStringLiteral("--exit-after"), QStringLiteral("60000"),
                           QStringLiteral("--print-stats")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(r.stats.value(QStringLiteral("exit")).toString(), QStringLiteral("rows"));
    QVERIFY(r.stats.value(QStringLiteral("rows")).toInt() >= 1200);
    QVERIFY(r.stats.value(QStringLiteral("events")).toDouble() >=
            r.stats.value(QStringLiteral("rows")).toDouble());
    QVERIFY(r.stats.value(QStringLiteral("chart_series")).toInt() > 0);
    QVERIFY(r.stats.value(QStringLiteral("chart_points")).toInt() > 0);
    QVERIFY(r.stats.value(QStringLiteral("updates")).toInt() > 0);
}

void TestGuiSmoke::replaysAFileCompletely() {
    const Run r = runWeir({QStringLiteral(WEIR_RESOURCES_DIR "/samples/access.log"),
                           QStringLiteral("--exit-when-finished"), QStringLiteral("--exit-after"),
                           QStringLiteral("60000"), QStringLiteral("--print-stats")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(r.stats.value(QStringLiteral("exit")).toString(), QStringLiteral("finished"));
    QCOMPARE(r.stats.value(QStringLiteral("rows")).toInt(), 298);
    QCOMPARE(r.stats.value(QStringLiteral("lines")).toInt(), 300);
    QCOMPARE(r.stats.value(QStringLiteral("dead_letters")).toInt(), 2);
}

void TestGuiSmoke::savesAScreenshot() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString png = dir.filePath(QStringLiteral("shot.png"));
    const Run r = runWeir({QStringLiteral("--exit-when-rows"), QStringLiteral("20"),
                           QStringLiteral("--exit-after"), QStringLiteral("60000"),
                           QStringLiteral("--screenshot"), png});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 800 && image.height() >= 500);
}

void TestGuiSmoke::helpAndVersionNeedNoDisplay() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    const Run help = runWeir({QStringLiteral("--help")}, env);
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.startsWith("Usage: weir"));
    const Run version = runWeir({QStringLiteral("--version")}, env);
    QCOMPARE(version.exitCode, 0);
    QVERIFY(version.out.startsWith("weir "));
}

void TestGuiSmoke::rejectsUnknownOptions() {
    const Run r = runWeir({QStringLiteral("--no-such-option")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("unknown option"));
}

QTEST_GUILESS_MAIN(TestGuiSmoke)
#include "test_gui_smoke.moc"
