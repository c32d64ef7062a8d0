// SPDX-License-Identifier: GPL-3.0-or-later
// The tray icon is there only while alerts are firing: driven by real engine snapshots through
// the alerts docks with a tray declared available (offscreen has no tray, but QSystemTrayIcon
// still records whether it is shown), hidden again when every alert resolved, when the rules
// are gone after a pipeline restart, and never shown for pending alerts alone.
#include "analysis_fixture.h"
#include "models/event_table_model.h"
#include "views/alert_tray.h"
#include "views/analysis_docks.h"
#include "views/log_table_view.h"

#include <QMainWindow>
#include <QSignalSpy>
#include <QSystemTrayIcon>
#include <QtTest>

using namespace weir;

namespace {

// Host b is hot from t=30 s to the end: one alert still Firing when the replay ends.
std::string firingAtTheEndCsv() {
    std::string s = "time,host,value\n";
    for (int t = 0; t < 50; ++t) {
        s += std::to_string(test::kHostsBase + t) + ",a,10\n";
        s += std::to_string(test::kHostsBase + t) + ",b," + (t >= 30 ? "95" : "20") + "\n";
    }
    return s;
}

std::shared_ptr<engine::Snapshot> withAlerts(std::shared_ptr<const alert::AlertResults> r,
                                             uint64_t version) {
    auto s = std::make_shared<engine::Snapshot>();
    s->version = version;
    s->alerts = std::move(r);
    return s;
}

} // namespace

class TestAlertTrayIcon : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void iconOnlyWhileAlertsFire();
    void pendingAlertsShowNoIcon();
};

void TestAlertTrayIcon::iconOnlyWhileAlertsFire() {
    QMainWindow window;
    ui::EventTableModel model;
    ui::LogTableView table;
    ui::AnalysisDocks docks(&window, nullptr, &table, &model, true);
    ui::AlertTray *tray = docks.tray();
    QVERIFY(tray->hasIcon());
    QVERIFY(!tray->iconVisible()); // no alert yet
    QSignalSpy notified(&docks, &ui::AnalysisDocks::alertsNotified);

    // Rules but nothing firing yet: still hidden.
    docks.applySnapshot(withAlerts(std::make_shared<alert::AlertResults>(), 1));
    QVERIFY(!tray->iconVisible());

    // A real replay that ends with host b firing: the icon appears, one notification.
    QTemporaryDir dir;
    const auto firing = test::runPipeline(dir, firingAtTheEndCsv(), {}, test::hostsRules());
    QVERIFY(firing->alerts);
    QCOMPARE(firing->alerts->active.size(), size_t{1});
    docks.applySnapshot(firing);
    QVERIFY(tray->iconVisible());
    QCOMPARE(tray->lastDecision().firing, 1);
    QCOMPARE(notified.count(), 1);
    QCOMPARE(tray->messagesShown(), 1);
    auto *icon = tray->findChild<QSystemTrayIcon *>();
    QVERIFY(icon);
    QVERIFY(icon->toolTip().contains(QStringLiteral("1 alert")));

    // A replay where b fired twice and resolved: nothing active, so no icon.
    QTemporaryDir dir2;
    const auto resolved = test::runPipeline(dir2, test::hostsCsv(), {}, test::hostsRules());
    QVERIFY(resolved->alerts);
    QVERIFY(resolved->alerts->transitions >= 4);
    docks.reset(); // a new pipeline, as restartPipeline() does
    docks.applySnapshot(resolved);
    QVERIFY(!tray->iconVisible());

    // Firing again, then the rules are removed (the next engine has no alert processor).
    docks.reset();
    docks.applySnapshot(firing);
    QVERIFY(tray->iconVisible());
    docks.reset();
    auto none = std::make_shared<engine::Snapshot>();
    none->version = 1;
    docks.applySnapshot(none);
    QVERIFY(!tray->iconVisible());
}

void TestAlertTrayIcon::pendingAlertsShowNoIcon() {
    ui::AlertTray tray(true);
    QVERIFY(tray.hasIcon());
    auto r = std::make_shared<alert::AlertResults>();
    r->active.push_back({"hot", "a", "critical", alert::AlertState::Pending, TimestampNs{0}, 95});
    alert::Transition t;
    t.setRule("hot", "");
    t.key = "a";
    t.state = alert::AlertState::Pending;
    r->recent.push_back(t);
    r->transitions = 1;
    tray.apply(r.get(), {});
    QVERIFY(!tray.iconVisible());
    QCOMPARE(tray.messagesShown(), 0);
    r->active[0].state = alert::AlertState::Firing;
    t.state = alert::AlertState::Firing;
    r->recent.push_back(t);
    r->transitions = 2;
    tray.apply(r.get(), {});
    QVERIFY(tray.iconVisible());
    QCOMPARE(tray.messagesShown(), 1);
    r->active.clear();
    tray.apply(r.get(), {});
    QVERIFY(!tray.iconVisible());
    QCOMPARE(tray.messagesShown(), 1);
}

QTEST_MAIN(TestAlertTrayIcon)
#include "test_alert_tray_icon.moc"
