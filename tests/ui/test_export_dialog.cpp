// SPDX-License-Identifier: GPL-3.0-or-later
// The export dialog: visible rows (the current filter) to CSV and JSON lines through
// core/export on a background thread, cancel, and the chart to PNG and SVG.
#include "charts/rate_chart_view.h"
#include "dialogs/export_dialog.h"
#include "store_feeder.h"
#include "weir/query/scanner.h"

#include <QFile>
#include <QImage>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using weir::test::StoreFeeder;
using weir::ui::ExportDialog;

namespace {

std::shared_ptr<const weir::query::VisibleRows> only404(const weir::engine::Snapshot &s) {
    const auto q = weir::query::Query::compile("status:404");
    return std::make_shared<const weir::query::VisibleRows>(
        weir::query::scan(*q, {}, s.events).matches);
}

QList<QByteArray> lines(const QString &path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> out = f.readAll().split('\n');
    if (!out.isEmpty() && out.back().isEmpty())
        out.removeLast();
    return out;
}

bool runExport(ExportDialog &dialog, bool *ok = nullptr) {
    QSignalSpy finished(&dialog, &ExportDialog::finished);
    if (!dialog.startExport())
        return false;
    if (finished.isEmpty() && !finished.wait(60000))
        return false;
    if (ok)
        *ok = finished.at(0).at(0).toBool();
    return true;
}

} // namespace

class TestExportDialog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void exportsTheFilteredRowsAsCsvAndJsonLines();
    void cancelLeavesTheTargetAsItWas();
    void exportsTheChartAsPngAndSvg();
};

void TestExportDialog::exportsTheFilteredRowsAsCsvAndJsonLines() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    StoreFeeder feed({});
    feed.append(10000);
    const auto snap = feed.snapshot();
    ExportDialog dialog(snap, only404(*snap), nullptr);
    dialog.show();

    const QString csv = dir.filePath(QStringLiteral("rows.csv"));
    dialog.setTarget(ExportDialog::What::Rows, csv);
    bool ok = false;
    QVERIFY(runExport(dialog, &ok));
    QVERIFY2(ok, qPrintable(dialog.statusText()));
    const auto csvLines = lines(csv);
    QCOMPARE(csvLines.size(), 1 + 2000); // header + every 5th event
    QVERIFY2(csvLines[0].startsWith("time,level,source"), csvLines[0].constData());
    QVERIFY2(csvLines[1].contains("event 4"), csvLines[1].constData());
    QCOMPARE(dialog.progressBar()->value(), 1000);
    QVERIFY(dialog.statusText().contains(QStringLiteral("2,000 rows")) ||
            dialog.statusText().contains(QStringLiteral("2000 rows")));

    const QString jsonl = dir.filePath(QStringLiteral("rows.jsonl"));
    dialog.setTarget(ExportDialog::What::Rows, jsonl);
    QVERIFY(runExport(dialog, &ok));
    QVERIFY(ok);
    const auto jsonLines = lines(jsonl);
    QCOMPARE(jsonLines.size(), 2000);
    QVERIFY2(jsonLines[0].startsWith("{\"time\":\"2021-11-22T10:15:32.040Z\""),
             jsonLines[0].constData());
    QVERIFY(jsonLines[1999].contains("\"raw\":\"event 9999\""));
}

void TestExportDialog::cancelLeavesTheTargetAsItWas() {
    QTemporaryDir dir;
    StoreFeeder feed({});
    feed.append(1'000'000);
    const auto snap = feed.snapshot();
    ExportDialog dialog(snap,
                        std::make_shared<const weir::query::VisibleRows>(
                            weir::query::VisibleRows::all(0, snap->events.endIndex())),
                        nullptr);
    const QString path = dir.filePath(QStringLiteral("big.jsonl"));
    QFile old(path);
    QVERIFY(old.open(QIODevice::WriteOnly));
    old.write("previous\n");
    old.close();
    dialog.setTarget(ExportDialog::What::Rows, path);
    QSignalSpy finished(&dialog, &ExportDialog::finished);
    QVERIFY(dialog.startExport());
    QVERIFY(dialog.isRunning()); // the GUI thread is free meanwhile
    dialog.cancelExport();
    QVERIFY(finished.wait(60000) || !finished.isEmpty());
    if (finished.at(0).at(0).toBool()) {
        // The machine finished a million rows before the cancel landed: then it is complete.
        QCOMPARE(lines(path).size(), 1'000'000);
    } else {
        QVERIFY2(dialog.statusText().startsWith(QStringLiteral("Cancelled")),
                 qPrintable(dialog.statusText()));
        QCOMPARE(lines(path), QList<QByteArray>{QByteArray("previous")});
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1); // no temporary left
    }
}

void TestExportDialog::exportsTheChartAsPngAndSvg() {
    QTemporaryDir dir;
    weir::ui::RateChartView chart;
    chart.resize(640, 280);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    weir::engine::RateTimeline t;
    for (int s = 0; s < 100; ++s)
        t.add(weir::TimestampNs{StoreFeeder::kBaseNs + s * weir::kNsPerSecond}, 1);
    chart.applyTimeline(t, weir::kMaxTimestamp);
    ExportDialog dialog(nullptr, nullptr, &chart);

    const QString png = dir.filePath(QStringLiteral("chart.png"));
    dialog.setTarget(ExportDialog::What::Chart, png);
    bool ok = false;
    QVERIFY(runExport(dialog, &ok));
    QVERIFY(ok);
    const QImage img(png);
    QVERIFY(!img.isNull());
    QCOMPARE(img.size(), chart.grab().size());

    const QString svg = dir.filePath(QStringLiteral("chart.svg"));
    dialog.setTarget(ExportDialog::What::Chart, svg);
    QVERIFY(runExport(dialog, &ok));
    QVERIFY(ok);
    QFile f(svg);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray text = f.readAll();
    QVERIFY(text.contains("<svg"));
    QVERIFY(text.contains("Events per second"));
}

QTEST_MAIN(TestExportDialog)
#include "test_export_dialog.moc"
