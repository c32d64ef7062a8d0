// SPDX-License-Identifier: GPL-3.0-or-later
// The main window on a real engine: snapshots reach table, chart and status bar; drops and
// File → Open become requests; log text stays plain text everywhere.
#include "charts/rate_chart_view.h"
#include "models/event_table_model.h"
#include "views/engine_status_bar.h"
#include "views/event_details_view.h"
#include "views/log_table_view.h"
#include "views/main_window.h"
#include "weir/source/file_source.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QLabel>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QSet>
#include <QSignalSpy>
#include <QUrl>
#include <QtTest>
#include <chrono>
#include <thread>

using weir::ui::EventTableModel;
using weir::ui::MainWindow;

namespace {

const QString kSample = QStringLiteral(WEIR_RESOURCES_DIR "/samples/access.log");

std::shared_ptr<const weir::engine::Snapshot> replay(weir::engine::Engine &engine,
                                                     MainWindow &window) {
    std::shared_ptr<const weir::engine::Snapshot> snap;
    for (int i = 0; i < 3000; ++i) { // at most ~30 s
        snap = engine.snapshot();
        window.applySnapshot(snap);
        if (snap->stats.finished)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return snap;
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void showsAReplayedFile();
    void dropsBecomeOpenRequests();
    void logTextIsNeverRichText();
    void chartCatchesUpWithTheLastSnapshot();
    void chartByStatusOrBySeverity();
};

void TestMainWindow::showsAReplayedFile() {
    weir::engine::Engine engine;
    weir::source::FileSource::Options fo;
    fo.path = kSample.toStdString();
    engine.addSource(std::make_unique<weir::source::FileSource>(fo));
    MainWindow window;
    window.show();
    engine.start();
    const auto snap = replay(engine, window);
    QVERIFY(snap && snap->stats.finished);
    window.applySnapshot(engine.snapshot());
    window.flushChart();

    QCOMPARE(window.model()->rowCount(), 298); // 300 lines, 2 of them dead letters
    QCOMPARE(snap->stats.deadLetters, uint64_t{2});
    QVERIFY(window.chartView()->seriesCount() >= 3); // 2xx, 3xx, 4xx, 5xx in the sample
    QVERIFY(window.chartView()->pointCount() > 0);
    const QString status = window.engineStatusBar()->summaryText();
    QVERIFY2(status.contains(QStringLiteral("298 events")), qPrintable(status));
    QVERIFY2(status.contains(QStringLiteral("2 dead letters")), qPrintable(status));
    QVERIFY2(status.contains(QStringLiteral("298 rows")), qPrintable(status));
    const QString sources = window.engineStatusBar()->sourcesText();
    QVERIFY2(sources.endsWith(QStringLiteral("access.log: done")), qPrintable(sources));

    // Selecting a row shows its typed fields.
    window.tableView()->selectRow(0);
    auto *details = window.findChild<weir::ui::EventDetailsView *>();
    QVERIFY(details);
    QVERIFY2(details->toPlainText().contains(QStringLiteral("status")),
             qPrintable(details->toPlainText()));
    engine.stop();
}

void TestMainWindow::dropsBecomeOpenRequests() {
    MainWindow window;
    window.show();
    QSignalSpy requests(&window, &MainWindow::openFilesRequested);
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(kSample), QUrl(QStringLiteral("https://example.com/x"))});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &drop);
    QCOMPARE(requests.count(), 1);
    QCOMPARE(requests.at(0).at(0).toStringList(), QStringList{kSample});

    QMimeData text;
    text.setText(QStringLiteral("not a file"));
    QDragEnterEvent enterText(QPoint(10, 10), Qt::CopyAction, &text, Qt::LeftButton,
                              Qt::NoModifier);
    enterText.setAccepted(false);
    QApplication::sendEvent(&window, &enterText);
    QVERIFY(!enterText.isAccepted());
}

void TestMainWindow::logTextIsNeverRichText() {
    weir::engine::Engine engine;
    weir::source::FileSource::Options fo;
    fo.path = kSample.toStdString();
    engine.addSource(std::make_unique<weir::source::FileSource>(fo));
    MainWindow window;
    engine.start();
    replay(engine, window);
    engine.stop();
    window.applySnapshot(engine.snapshot());

    // Line 151 of the sample carries markup in its request path.
    EventTableModel *model = window.model();
    int row = -1;
    for (int r = 0; r < model->rowCount(); ++r) {
        if (model->index(r, 0).data(EventTableModel::PositionRole).toULongLong() == 151) {
            row = r;
            break;
        }
    }
    QVERIFY(row >= 0);
    const QString message = model->index(row, EventTableModel::MessageColumn).data().toString();
    QVERIFY2(message.contains(QStringLiteral("q=<b>bold</b>&x=<i>1</i>")), qPrintable(message));
    QVERIFY(!model->index(row, EventTableModel::MessageColumn).data(Qt::ToolTipRole).isValid());
    window.tableView()->selectRow(row);
    auto *details = window.findChild<weir::ui::EventDetailsView *>();
    QVERIFY(details->toPlainText().contains(QStringLiteral("<b>bold</b>")));
    for (QLabel *label : window.findChildren<QLabel *>())
        QCOMPARE(label->textFormat(), Qt::PlainText);
}

void TestMainWindow::chartCatchesUpWithTheLastSnapshot() {
    MainWindow window;
    constexpr int64_t base = 1637576100LL * weir::kNsPerSecond;
    auto snapshotWithSeconds = [&](int seconds, uint64_t version) {
        auto s = std::make_shared<weir::engine::Snapshot>();
        s->version = version;
        for (int i = 0; i < seconds; ++i)
            s->timeline.add(weir::TimestampNs{base + i * weir::kNsPerSecond}, 1);
        return s;
    };
    window.applySnapshot(snapshotWithSeconds(100, 1));
    QCOMPARE(window.chartView()->pointCount(), 100);
    // Right behind it: held back by the chart interval, but drawn without another snapshot.
    window.applySnapshot(snapshotWithSeconds(150, 2));
    QTRY_COMPARE_WITH_TIMEOUT(window.chartView()->pointCount(), 150, 5000);
}

void TestMainWindow::chartByStatusOrBySeverity() {
    weir::engine::Engine engine;
    weir::source::FileSource::Options fo;
    fo.path = kSample.toStdString();
    engine.addSource(std::make_unique<weir::source::FileSource>(fo));
    MainWindow window;
    window.show();
    engine.start();
    QVERIFY(replay(engine, window)->stats.finished);
    const auto snap = engine.snapshot();
    window.applySnapshot(snap);
    window.flushChart();
    using weir::engine::RateTimeline;
    // Total events per class over the chart's series: the sum of each series' points.
    const auto classesShown = [&] {
        QSet<size_t> shown;
        for (size_t c = 0; c < RateTimeline::kClasses; ++c) {
            if (window.chartView()->series(c))
                shown.insert(c);
        }
        return shown;
    };
    const QSet<size_t> byStatus = classesShown();
    QVERIFY(byStatus.contains(1) && byStatus.contains(4)); // 2xx and 5xx in the sample
    for (size_t c : byStatus)
        QVERIFY2(c < 5, qPrintable(QString::number(c))); // every access line has a status

    window.setChartBySeverity(true);
    QVERIFY(window.chartBySeverity());
    const QSet<size_t> bySeverity = classesShown();
    QVERIFY(!bySeverity.isEmpty());
    for (size_t c : bySeverity)
        QVERIFY2(c >= 5, qPrintable(QString::number(c)));
    // The severity timeline counts every stored event once, as the status one does.
    const auto total = [](const RateTimeline &t) {
        uint64_t n = 0;
        for (size_t i = 0; i < t.size(); ++i) {
            for (uint32_t v : t.bucket(i))
                n += v;
        }
        return n;
    };
    QCOMPARE(total(snap->severityTimeline), snap->stats.events);
    QCOMPARE(total(snap->timeline), snap->stats.events);

    window.setChartBySeverity(false);
    QCOMPARE(classesShown(), byStatus);
}

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
