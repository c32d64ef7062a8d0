// SPDX-License-Identifier: GPL-3.0-or-later
// The wiring of the Sources panel and the source dialogs to a running engine
// (app/gui/source_controls): a source added from the MQTT dialog runs, the panel's Disconnect
// (on a worker thread) and Connect work while the engine runs, and a rebuilt engine gets every
// live source again. Real mosquitto on loopback, offscreen, bounded waits.
#include "bus_fixtures.h"
#include "dialogs/mqtt_source_dialog.h"
#include "gui/source_controls.h"
#include "views/sources_model.h"
#include "views/sources_panel.h"

#include <QAction>
#include <QMainWindow>
#include <QMenuBar>
#include <QTest>
#include <set>

using namespace weir;
using namespace weir::testing;
using namespace std::chrono_literals;

namespace {

constexpr int kWaitMs = 60000;

bool publish(int port, const std::string &topic, int from, int to) {
    return mosquittoPublishLines(port, topic, numberedJsonLines(from, to)).status == 0;
}

} // namespace

class TestSourceControls : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void dialogPanelAndEngineRestart();
};

void TestSourceControls::dialogPanelAndEngineRestart() {
    MosquittoBroker broker;
    QMainWindow window;
    window.menuBar()->addMenu(QStringLiteral("&Help"));
    auto engine = std::make_unique<engine::Engine>();
    engine->start();
    // What GuiController::addSource does: add now, and again from the factory on a restart.
    std::vector<std::string> titles;
    std::vector<app::SourceControls::SourceFactory> inputs;
    app::SourceControls controls(
        &window, [&](app::SourceControls::SourceFactory make, const std::string &t) {
            titles.push_back(t);
            engine->addSource(make());
            inputs.push_back(std::move(make));
        });
    ui::SourcesPanel *panel = controls.panel();
    const auto state = [&] {
        controls.applySnapshot(engine->snapshot());
        return panel->model()
            ->data(panel->model()->index(0, ui::SourcesModel::StateColumn))
            .toString();
    };

    // Sources → Add MQTT source…: fill the dialog, OK.
    panel->addMqttAction()->trigger();
    auto *dialog = qobject_cast<ui::MqttSourceDialog *>(controls.openDialog());
    QVERIFY(dialog);
    source::MqttSource::Options o;
    o.port = broker.port();
    o.topics = {"ctl/#"};
    o.qos = 1;
    o.format = "json";
    o.reconnectMaxMs = 500;
    dialog->setOptions(o);
    dialog->accept();
    QCOMPARE(titles.size(), size_t{1});
    QCOMPARE(titles[0], "mqtt 127.0.0.1:" + std::to_string(broker.port()));
    QTRY_COMPARE_WITH_TIMEOUT(state(), QStringLiteral("connected"), kWaitMs);
    QVERIFY(publish(broker.port(), "ctl/a", 0, 10));
    QTRY_VERIFY_WITH_TIMEOUT(distinctNumbers(engine->snapshot()->events) >= 10, kWaitMs);

    // Disconnect runs off the GUI thread; the panel shows it, then Connect.
    QVERIFY(panel->selectSource(SourceId{0}));
    QVERIFY(panel->disconnectAction()->isEnabled());
    panel->disconnectAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(state(), QStringLiteral("stopped"), kWaitMs);
    QVERIFY(panel->connectAction()->isEnabled());
    panel->connectAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(state(), QStringLiteral("connected"), kWaitMs);
    QVERIFY(publish(broker.port(), "ctl/b", 10, 20));
    QTRY_VERIFY_WITH_TIMEOUT(distinctNumbers(engine->snapshot()->events) >= 20, kWaitMs);

    // A disconnection under way when the pipeline restarts (a new window setup or rule set):
    // the engine's stop waits for it; the new engine gets the source again from its factory,
    // connected and switchable.
    panel->disconnectAction()->trigger();
    engine->stop();
    engine = std::make_unique<engine::Engine>();
    for (const auto &make : inputs)
        engine->addSource(make());
    engine->start();
    QTRY_COMPARE_WITH_TIMEOUT(state(), QStringLiteral("connected"), kWaitMs);
    QVERIFY(publish(broker.port(), "ctl/c", 20, 25));
    QTRY_VERIFY_WITH_TIMEOUT(distinctNumbers(engine->snapshot()->events) >= 5, kWaitMs);
    QVERIFY(panel->selectSource(SourceId{0}));
    QVERIFY(panel->disconnectAction()->isEnabled());
    panel->disconnectAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(state(), QStringLiteral("stopped"), kWaitMs);
    controls.waitIdle();
    engine->stop();
    QCOMPARE(distinctNumbers(engine->snapshot()->events), size_t{5});
    QCOMPARE(titles.size(), size_t{1});
}

QTEST_MAIN(TestSourceControls)
#include "test_source_controls.moc"
