// SPDX-License-Identifier: GPL-3.0-or-later
// The Kafka and MQTT source dialogs (Test connection against a real mosquitto and the librdkafka
// mock cluster, clear failures), the Sources panel over a running engine (state, rate, lag,
// partitions; broker loss shown, recovery after a restart; disconnect / connect while running)
// and Kafka/MQTT provenance as fields in the log table. Offscreen, loopback only, every wait
// bounded and generous, distinct messages counted.
#include "bus_fixtures.h"
#include "dialogs/kafka_source_dialog.h"
#include "dialogs/mqtt_source_dialog.h"
#include "models/event_table_model.h"
#include "views/sources_model.h"
#include "views/sources_panel.h"
#include "weir/common/time_util.h"
#include "weir/source/kafka_source.h"
#include "weir/source/mqtt_source.h"
#include "weir/source/switchable_source.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QTreeView>
#include <set>

using namespace weir;
using namespace weir::testing;
using namespace std::chrono_literals;

namespace {

constexpr int kWaitMs = 60000; // generous: CI runs ctest -j2 on a loaded machine

bool publish(int port, const std::string &topic, const std::string &lines) {
    return mosquittoPublishLines(port, topic, lines).status == 0;
}

bool produce(const std::string &bootstrap, const std::string &topic, int partition,
             const std::string &lines) {
    return runCommand({"kcat", "-P", "-b", bootstrap, "-t", topic, "-p", std::to_string(partition),
                       "-k", "dev-" + std::to_string(partition)},
                      lines, 60s)
               .status == 0;
}

QString cell(const QAbstractItemModel &m, int row, int column, const QModelIndex &parent = {}) {
    return m.data(m.index(row, column, parent)).toString();
}

source::MqttSource::Options mqttOptions(int port, const std::string &topic) {
    source::MqttSource::Options o;
    o.port = port;
    o.topics = {topic};
    o.qos = 1;
    o.format = "json";
    o.reconnectMaxMs = 500;
    return o;
}

} // namespace

class TestSourcesPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void mqttDialogRoundTripsAndValidates();
    void mqttDialogTestConnection();
    void kafkaDialogRoundTripsAndValidates();
    void kafkaDialogTestConnection();
    void panelFollowsMqttLossRecoveryAndSwitching();
    void panelShowsKafkaPartitionsAndTableShowsProvenance();
};

void TestSourcesPanel::mqttDialogRoundTripsAndValidates() {
    ui::MqttSourceDialog dialog;
    source::MqttSource::Options o;
    o.host = "broker.example";
    o.port = 8883;
    o.clientId = "weir-analyst";
    o.topics = {"plant/{device}/temp", "logs/#"};
    o.qos = 2;
    o.cleanSession = false;
    o.protocolVersion = 5;
    o.username = "alice";
    o.password = "pw";
    o.tlsCaFile = "/etc/ca.pem";
    o.tlsCertFile = "/etc/c.pem";
    o.tlsKeyFile = "/etc/k.pem";
    o.tlsKeyPassphrase = "kp";
    o.tlsInsecure = true;
    o.keepAliveSeconds = 45;
    o.format = "json";
    dialog.setOptions(o);
    const source::MqttSource::Options back = dialog.options();
    QCOMPARE(back.host, o.host);
    QCOMPARE(back.port, o.port);
    QCOMPARE(back.clientId, o.clientId);
    QCOMPARE(back.topics, o.topics);
    QCOMPARE(back.qos, 2);
    QCOMPARE(back.cleanSession, false);
    QCOMPARE(back.protocolVersion, 5);
    QCOMPARE(back.username, o.username);
    QCOMPARE(back.password, o.password);
    QCOMPARE(back.tlsCaFile, o.tlsCaFile);
    QCOMPARE(back.tlsCertFile, o.tlsCertFile);
    QCOMPARE(back.tlsKeyFile, o.tlsKeyFile);
    QCOMPARE(back.tlsKeyPassphrase, o.tlsKeyPassphrase);
    QCOMPARE(back.tlsInsecure, true);
    QCOMPARE(back.keepAliveSeconds, 45);
    QCOMPARE(back.format, std::string("json"));
    QVERIFY(dialog.validate().isEmpty());

    // No topic: OK is refused with the core's message.
    dialog.topicsEdit()->clear();
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QVERIFY2(dialog.resultLabel()->text().contains(QStringLiteral("no topic filter")),
             qPrintable(dialog.resultLabel()->text()));
    QCOMPARE(dialog.resultLabel()->textFormat(), Qt::PlainText);
    QVERIFY(!dialog.testConnection()); // nothing started on invalid settings
}

void TestSourcesPanel::mqttDialogTestConnection() {
    MosquittoBroker broker;
    ui::MqttSourceDialog dialog;
    dialog.setOptions(mqttOptions(broker.port(), "sensors/{device}/temp"));
    QSignalSpy done(&dialog, &ui::MqttSourceDialog::testFinished);
    QTest::mouseClick(dialog.testButton(), Qt::LeftButton);
    QVERIFY(dialog.isTesting());
    QVERIFY(!dialog.testButton()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(done.count() == 1, kWaitMs);
    QVERIFY2(dialog.testSucceeded(), qPrintable(dialog.testResult()));
    QVERIFY2(dialog.testResult().contains(QStringLiteral("subscribed to 1 filter")),
             qPrintable(dialog.testResult()));
    QVERIFY(dialog.testButton()->isEnabled());

    // Nobody listens: a clear failure, still off the GUI thread.
    const int closed = freeLoopbackPort();
    dialog.portBox()->setValue(closed);
    QVERIFY(dialog.testConnection());
    QTRY_VERIFY_WITH_TIMEOUT(done.count() == 2, kWaitMs);
    QVERIFY(!dialog.testSucceeded());
    QVERIFY2(
        dialog.testResult().contains(QStringLiteral("cannot connect to 127.0.0.1:%1").arg(closed)),
        qPrintable(dialog.testResult()));
}

void TestSourcesPanel::kafkaDialogRoundTripsAndValidates() {
    ui::KafkaSourceDialog dialog;
    source::KafkaSource::Options o;
    o.brokers = "k1:9092,k2:9092";
    o.topics = {"logs", "^metrics\\..*"};
    o.groupId = "analyst";
    o.startAt = source::KafkaSource::StartAt::Timestamp;
    QVERIFY(parseIso8601("2026-11-22T09:00:00Z", o.startTime));
    o.username = "alice";
    o.password = "pw";
    o.saslMechanism = "SCRAM-SHA-512";
    o.tlsCaFile = "/etc/ca.pem";
    o.properties = {{"fetch.min.bytes", "1"}, {"client.rack", "r1"}};
    o.format = "logfmt";
    dialog.setOptions(o);
    QString error;
    const source::KafkaSource::Options back = dialog.options(&error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(back.brokers, o.brokers);
    QCOMPARE(back.topics, o.topics);
    QCOMPARE(back.groupId, o.groupId);
    QVERIFY(back.startAt == source::KafkaSource::StartAt::Timestamp);
    QCOMPARE(back.startTime.value, o.startTime.value);
    QCOMPARE(back.username, o.username);
    QCOMPARE(back.password, o.password);
    QCOMPARE(back.saslMechanism, o.saslMechanism);
    QCOMPARE(back.tlsCaFile, o.tlsCaFile);
    QVERIFY(back.properties == o.properties);
    QCOMPARE(back.format, o.format);

    // Explicit offsets: parsed; a malformed line is named.
    dialog.startBox()->setCurrentIndex(
        dialog.startBox()->findData(static_cast<int>(source::KafkaSource::StartAt::Offsets)));
    QVERIFY(!dialog.topicsEdit()->isEnabled());
    dialog.offsetsEdit()->setPlainText(QStringLiteral("logs:0:42\nlogs:1:earliest"));
    const auto offsets = dialog.options(&error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(offsets.offsets.size(), size_t{2});
    QCOMPARE(offsets.offsets[0].offset, int64_t{42});
    QCOMPARE(offsets.offsets[1].partition, 1);
    QCOMPARE(offsets.offsets[1].offset, int64_t{-2});
    dialog.offsetsEdit()->setPlainText(QStringLiteral("logs:zero:1"));
    QVERIFY(dialog.validate().contains(QStringLiteral("logs:zero:1")));

    // A property without '=' is refused; SASL without a user too.
    dialog.startBox()->setCurrentIndex(0);
    dialog.propertiesEdit()->setPlainText(QStringLiteral("fetch.min.bytes"));
    QVERIFY(dialog.validate().contains(QStringLiteral("key=value")));
    dialog.propertiesEdit()->clear();
    dialog.userEdit()->clear();
    QVERIFY(dialog.validate().contains(QStringLiteral("needs a user name")));
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    // No SASL: user and password are not used.
    dialog.saslBox()->setCurrentIndex(0);
    QVERIFY(!dialog.passwordEdit()->isEnabled());
    QVERIFY(dialog.options().username.empty());
    QVERIFY(dialog.validate().isEmpty());
}

void TestSourcesPanel::kafkaDialogTestConnection() {
    KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"dialog:3"}, 1);
    ui::KafkaSourceDialog dialog;
    source::KafkaSource::Options o;
    o.brokers = mock.bootstrap();
    o.topics = {"dialog"};
    dialog.setOptions(o);
    QSignalSpy done(&dialog, &ui::KafkaSourceDialog::testFinished);
    QTest::mouseClick(dialog.testButton(), Qt::LeftButton);
    QVERIFY(dialog.isTesting());
    QTRY_VERIFY_WITH_TIMEOUT(done.count() == 1, kWaitMs);
    QVERIFY2(dialog.testSucceeded(), qPrintable(dialog.testResult()));
    QVERIFY2(dialog.testResult().contains(QStringLiteral("topic dialog: 3 partitions")),
             qPrintable(dialog.testResult()));

    // A cluster nobody runs: bounded, and says so.
    dialog.brokersEdit()->setText(QStringLiteral("127.0.0.1:%1").arg(freeLoopbackPort()));
    QVERIFY(dialog.testConnection());
    QTRY_VERIFY_WITH_TIMEOUT(done.count() == 2, kWaitMs);
    QVERIFY(!dialog.testSucceeded());
    QVERIFY2(dialog.testResult().contains(QStringLiteral("no answer from")),
             qPrintable(dialog.testResult()));
}

void TestSourcesPanel::panelFollowsMqttLossRecoveryAndSwitching() {
    MosquittoBroker broker;
    const auto options = mqttOptions(broker.port(), "panel/#");
    auto owned = std::make_unique<source::SwitchableSource>(
        [options] { return std::make_unique<source::MqttSource>(options); });
    source::SwitchableSource *sw = owned.get();
    const quint64 id = sw->id();
    engine::Engine engine;
    const SourceId first = engine.addSource(std::move(owned));
    engine.start();

    QMainWindow window;
    window.menuBar()->addMenu(QStringLiteral("&Help"));
    ui::SourcesPanel *panel = ui::SourcesPanel::install(&window);
    QCOMPARE(window.menuBar()->actions().size(), 2);
    QCOMPARE(window.menuBar()->actions().at(0)->text(), QStringLiteral("&Sources"));
    QAbstractItemModelTester tester(panel->model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    // What the controller does on the panel's requests.
    QObject::connect(panel, &ui::SourcesPanel::disconnectRequested, panel, [&](quint64 s) {
        QCOMPARE(s, id);
        sw->disconnect();
    });
    QObject::connect(panel, &ui::SourcesPanel::connectRequested, panel, [&](quint64 s) {
        QCOMPARE(s, id);
        sw->connect();
    });
    const auto refresh = [&] {
        panel->setSnapshot(engine.snapshot());
        return true;
    };
    const auto state = [&] {
        refresh();
        return cell(*panel->model(), 0, ui::SourcesModel::StateColumn);
    };

    QTRY_COMPARE_WITH_TIMEOUT(state(), QStringLiteral("connected"), kWaitMs);
    QCOMPARE(panel->model()->rowCount(), 1);
    QVERIFY(cell(*panel->model(), 0, ui::SourcesModel::NameColumn)
                .startsWith(QStringLiteral("mqtt://127.0.0.1:")));
    QVERIFY(panel->selectSource(first));
    QVERIFY(panel->disconnectAction()->isEnabled());
    QVERIFY(!panel->connectAction()->isEnabled());

    QVERIFY(publish(broker.port(), "panel/a", numberedJsonLines(0, 200)));
    QTRY_VERIFY_WITH_TIMEOUT(refresh() && panel->model()
                                                  ->index(0, ui::SourcesModel::MessagesColumn)
                                                  .data(ui::SourcesModel::ValueRole)
                                                  .toDouble() >= 200,
                             kWaitMs);
    QCOMPARE(cell(*panel->model(), 0, ui::SourcesModel::MessagesColumn), QLocale().toString(200));
    // The rate over the last second became non-zero at some point after the burst.
    QTRY_VERIFY_WITH_TIMEOUT(refresh() && panel->model()
                                                  ->index(0, ui::SourcesModel::RateColumn)
                                                  .data(ui::SourcesModel::ValueRole)
                                                  .toDouble() > 0,
                             kWaitMs);
    QCOMPARE(cell(*panel->model(), 0, ui::SourcesModel::DroppedColumn), QStringLiteral("0"));
    // MQTT has no broker backlog: its lag is what waits inside Weir, nothing once all is stored.
    QTRY_VERIFY_WITH_TIMEOUT(refresh() && distinctNumbers(engine.snapshot()->events) >= 200,
                             kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(
        (refresh(), cell(*panel->model(), 0, ui::SourcesModel::LagMessagesColumn)),
        QStringLiteral("0"), kWaitMs);
    QVERIFY(!cell(*panel->model(), 0, ui::SourcesModel::LagTimeColumn).isEmpty());
    QVERIFY(panel->model()
                ->headerData(ui::SourcesModel::LagMessagesColumn, Qt::Horizontal, Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("MQTT")));

    // Broker loss: the state and the last error say so; recovery after the restart.
    broker.stop();
    QTRY_COMPARE_WITH_TIMEOUT(state(), QStringLiteral("reconnecting"), kWaitMs);
    const QString lost = cell(*panel->model(), 0, ui::SourcesModel::LastErrorColumn);
    QVERIFY2(lost.contains(QStringLiteral("127.0.0.1:%1").arg(broker.port())), qPrintable(lost));
    broker.start();
    QTRY_COMPARE_WITH_TIMEOUT(state(), QStringLiteral("connected"), kWaitMs);
    QVERIFY(publish(broker.port(), "panel/b", numberedJsonLines(200, 210)));
    QTRY_VERIFY_WITH_TIMEOUT(distinctNumbers(engine.snapshot()->events) >= 210, kWaitMs);

    // Disconnect and connect again from the panel while the engine runs.
    panel->disconnectAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(state(), QStringLiteral("stopped"), kWaitMs);
    QCOMPARE(cell(*panel->model(), 0, ui::SourcesModel::StatusColumn),
             QStringLiteral("disconnected"));
    QVERIFY(panel->connectAction()->isEnabled());
    QVERIFY(!panel->disconnectAction()->isEnabled());
    panel->connectAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(state(), QStringLiteral("connected"), kWaitMs);
    QVERIFY(publish(broker.port(), "panel/c", numberedJsonLines(210, 220)));
    QTRY_VERIFY_WITH_TIMEOUT(distinctNumbers(engine.snapshot()->events) >= 220, kWaitMs);
    engine.stop();
    QCOMPARE(distinctNumbers(engine.snapshot()->events), size_t{220});
}

void TestSourcesPanel::panelShowsKafkaPartitionsAndTableShowsProvenance() {
    KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"parts:2"}, 1);
    QVERIFY(produce(mock.bootstrap(), "parts", 0, numberedJsonLines(0, 30)));
    QVERIFY(produce(mock.bootstrap(), "parts", 1, numberedJsonLines(30, 50)));
    source::KafkaSource::Options ko;
    ko.brokers = mock.bootstrap();
    ko.topics = {"parts"};
    ko.format = "json";
    ko.startAt = source::KafkaSource::StartAt::Earliest;
    engine::Engine engine;
    engine.addSource(std::make_unique<source::KafkaSource>(ko));
    engine.start();

    ui::SourcesPanel panel;
    QAbstractItemModelTester tester(panel.model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    ui::SourcesModel &model = *panel.model();
    // Both partitions consumed to their end: offsets 30 and 20, no lag.
    const auto consumed = [&] {
        panel.setSnapshot(engine.snapshot());
        if (model.rowCount() != 1 || model.rowCount(model.index(0, 0)) != 2)
            return false;
        const QModelIndex parent = model.index(0, 0);
        return cell(model, 0, ui::SourcesModel::MessagesColumn, parent) == QLocale().toString(30) &&
               cell(model, 1, ui::SourcesModel::MessagesColumn, parent) == QLocale().toString(20) &&
               cell(model, 0, ui::SourcesModel::StatusColumn, parent)
                   .startsWith(QStringLiteral("offset 30 of 30"));
    };
    QTRY_VERIFY_WITH_TIMEOUT(consumed(), kWaitMs);
    const QModelIndex parent = model.index(0, 0);
    QCOMPARE(cell(model, 0, ui::SourcesModel::NameColumn, parent), QStringLiteral("parts [0]"));
    QCOMPARE(cell(model, 1, ui::SourcesModel::NameColumn, parent), QStringLiteral("parts [1]"));
    QCOMPARE(cell(model, 0, ui::SourcesModel::StateColumn, parent), QStringLiteral("assigned"));
    QCOMPARE(cell(model, 0, ui::SourcesModel::LagMessagesColumn, parent), QStringLiteral("0"));
    QCOMPARE(cell(model, 0, ui::SourcesModel::LagTimeColumn, parent), QStringLiteral("0 s"));
    QVERIFY(cell(model, 1, ui::SourcesModel::StatusColumn, parent)
                .contains(QStringLiteral("watermark 20")));
    QCOMPARE(cell(model, 0, ui::SourcesModel::StateColumn), QStringLiteral("connected"));
    QCOMPARE(cell(model, 0, ui::SourcesModel::LagMessagesColumn), QStringLiteral("0"));
    QCOMPARE(cell(model, 0, ui::SourcesModel::MessagesColumn), QLocale().toString(50));

    // The log table shows each event's provenance as fields: topic, partition, offset, key.
    QTRY_VERIFY_WITH_TIMEOUT(engine.snapshot()->stats.events >= 50, kWaitMs);
    ui::EventTableModel table;
    table.applySnapshot(engine.snapshot());
    QCOMPARE(table.rowCount(), 50);
    const QStringList columns = table.fieldColumns();
    for (const char *name : {"n", "topic", "partition", "offset", "key"})
        QVERIFY2(columns.contains(QLatin1String(name)), qPrintable(columns.join(QLatin1Char(','))));
    const int partitionColumn = ui::EventTableModel::ColumnCount +
                                static_cast<int>(columns.indexOf(QStringLiteral("partition")));
    const int keyColumn =
        ui::EventTableModel::ColumnCount + static_cast<int>(columns.indexOf(QStringLiteral("key")));
    const int topicColumn = ui::EventTableModel::ColumnCount +
                            static_cast<int>(columns.indexOf(QStringLiteral("topic")));
    std::set<QString> partitions;
    for (int row = 0; row < table.rowCount(); ++row) {
        const QString p = table.data(table.index(row, partitionColumn)).toString();
        partitions.insert(p);
        QCOMPARE(table.data(table.index(row, keyColumn)).toString(), QStringLiteral("dev-") + p);
        QCOMPARE(table.data(table.index(row, topicColumn)).toString(), QStringLiteral("parts"));
    }
    QCOMPARE(partitions, (std::set<QString>{QStringLiteral("0"), QStringLiteral("1")}));
    // And in the details pane's fields.
    const QVariantList fields =
        table.data(table.index(0, 0), ui::EventTableModel::FieldsRole).toList();
    QStringList names;
    for (const QVariant &f : fields)
        names << f.toMap().value(QStringLiteral("name")).toString();
    for (const char *name : {"n", "topic", "partition", "offset", "key", "kafka.timestamp"})
        QVERIFY2(names.contains(QLatin1String(name)), qPrintable(names.join(QLatin1Char(','))));
    engine.stop();
}

QTEST_MAIN(TestSourcesPanel)
#include "test_sources_panel.moc"
