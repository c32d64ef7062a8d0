// SPDX-License-Identifier: GPL-3.0-or-later
// Live sources added from the Kafka and MQTT dialogs (SourceControls::addKafka/addMqtt) join the
// workspace: saved with every setting and with keychain references for their secrets, never the
// secrets; reopened in a new window they run again. A Kafka source's named consumer group is
// kept, so the reopened workspace resumes after the offsets the first session committed; a
// private (unnamed) one is not, so each session starts where "from" says. Real
// components: the librdkafka mock cluster driven by kcat, and a password-protected mosquitto.
#include "bus_fixtures.h"
#include "desktop/secret_store.h"
#include "desktop/workspace.h"
#include "desktop_session.h"
#include "gui_controller.h"
#include "models/event_table_model.h"
#include "publish_until.h"
#include "session_under_test.h"
#include "source_controls.h"
#include "views/main_window.h"

#include <QAction>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using namespace std::chrono_literals;

namespace {

const QString kMqttSecret = QStringLiteral("mqtt-only-in-memory-51c2");
const QString kPassphrase = QStringLiteral("key-passphrase-only-in-memory-93ad");

QByteArray readAll(const QString &path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Whether the store holds `key` with `secret` (the session store answers synchronously).
bool storeHolds(weir::ui::SecretStore *store, const QString &key, const QString &secret) {
    bool found = false;
    store->read(
        key, [&](const weir::ui::SecretStore::Result &r) { found = r.ok && r.secret == secret; });
    return found;
}

// Whether any stored event's raw text contains `needle`.
bool anyEventContains(const weir::ui::EventTableModel *model, const std::string &needle) {
    const weir::engine::Snapshot *snap = model->snapshot();
    if (!snap)
        return false;
    for (size_t i = 0; i < snap->events.size(); ++i) {
        if (snap->events[i].raw().find(needle) != std::string_view::npos)
            return true;
    }
    return false;
}

} // namespace

class TestWorkspaceLiveSources : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void workspaceFieldsRoundTripWithoutSecrets();
    void kafkaDialogSourceIsSavedAndResumesItsGroup();
    void mqttDialogSourceIsSavedWithAKeychainReference();
    void followedFilesKeepReadingAndAreSaved();
};

void TestWorkspaceLiveSources::workspaceFieldsRoundTripWithoutSecrets() {
    weir::ui::WorkspaceSource k;
    k.type = weir::ui::WorkspaceSource::Type::Kafka;
    k.brokers = QStringLiteral("127.0.0.1:9092");
    k.topics = QStringList{QStringLiteral("a"), QStringLiteral("^logs-.*")};
    k.group = QStringLiteral("weir-private-1");
    k.from = QStringLiteral("offsets");
    k.offsets = {{QStringLiteral("a"), 2, 17}, {QStringLiteral("a"), 0, -2}};
    k.saslMechanism = QStringLiteral("SCRAM-SHA-256");
    k.properties = {{QStringLiteral("client.id"), QStringLiteral("analyst")},
                    {QStringLiteral("sasl.password"), QStringLiteral("leak")}};
    weir::ui::WorkspaceSource m;
    m.type = weir::ui::WorkspaceSource::Type::Mqtt;
    m.host = QStringLiteral("broker");
    m.topics = QStringList{QStringLiteral("sensors/#")};
    m.clientId = QStringLiteral("weir-desk");
    m.cleanSession = false;
    m.mqttVersion = 5;
    m.keepAliveSeconds = 45;
    m.tlsCaPath = QStringLiteral("/etc/ssl/certs");
    weir::ui::Workspace w;
    w.sources = {k, m};

    const QByteArray json = weir::ui::serializeWorkspace(w);
    QVERIFY2(!json.contains("leak"), json.constData()); // a secret property is never written
    weir::ui::Workspace back;
    QString error;
    QVERIFY2(weir::ui::parseWorkspace(json, &back, &error), qPrintable(error));
    QCOMPARE(back.sources.size(), 2);
    const weir::ui::WorkspaceSource &k2 = back.sources[0];
    QCOMPARE(k2.group, k.group);
    QCOMPARE(k2.from, QStringLiteral("offsets"));
    QCOMPARE(k2.offsets.size(), 2);
    QCOMPARE(k2.offsets[0].partition, 2);
    QCOMPARE(k2.offsets[0].offset, qint64{17});
    QCOMPARE(k2.offsets[1].offset, qint64{-2});
    QCOMPARE(k2.saslMechanism, k.saslMechanism);
    QCOMPARE(k2.properties.size(), 1);
    QCOMPARE(k2.properties[0].first, QStringLiteral("client.id"));
    QCOMPARE(k2.properties[0].second, QStringLiteral("analyst"));
    QVERIFY(k2.extra.isEmpty()); // every key is read, none left over
    const weir::ui::WorkspaceSource &m2 = back.sources[1];
    QCOMPARE(m2.clientId, m.clientId);
    QCOMPARE(m2.cleanSession, false);
    QCOMPARE(m2.mqttVersion, 5);
    QCOMPARE(m2.keepAliveSeconds, 45);
    QCOMPARE(m2.tlsCaPath, m.tlsCaPath);
    QCOMPARE(m2.endpoint(), QStringLiteral("broker:8883")); // TLS from a CA directory
    QVERIFY(m2.extra.isEmpty());

    // A secret written by hand as a property is refused, naming the field.
    const QByteArray bad = R"({"weirWorkspace": 1, "sources": [{"type": "kafka",
        "brokers": "b:9092", "topics": ["t"], "properties": {"ssl.key.password": "x"}}]})";
    QVERIFY(!weir::ui::parseWorkspace(bad, &back, &error));
    QVERIFY2(error.startsWith(QStringLiteral("sources[0].properties.ssl.key.password:")),
             qPrintable(error));
    const QByteArray noOffsets = R"({"weirWorkspace": 1, "sources": [{"type": "kafka",
        "brokers": "b:9092", "topics": ["t"], "from": "offsets"}]})";
    QVERIFY(!weir::ui::parseWorkspace(noOffsets, &back, &error));
    QVERIFY2(error.startsWith(QStringLiteral("sources[0].offsets:")), qPrintable(error));
    const QByteArray badVersion = R"({"weirWorkspace": 1, "sources": [{"type": "mqtt",
        "host": "h", "topics": ["t"], "mqttVersion": 3}]})";
    QVERIFY(!weir::ui::parseWorkspace(badVersion, &back, &error));
    QVERIFY2(error.startsWith(QStringLiteral("sources[0].mqttVersion:")), qPrintable(error));
}

void TestWorkspaceLiveSources::kafkaDialogSourceIsSavedAndResumesItsGroup() {
    weir::testing::KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"logs:1"});
    const auto first =
        weir::testing::runCommand({"kcat", "-P", "-b", mock.bootstrap(), "-t", "logs"},
                                  weir::testing::numberedJsonLines(1, 21), 60s);
    QVERIFY2(first.status == 0, first.err.c_str());

    QTemporaryDir dir;
    const QString saved = dir.filePath(QStringLiteral("kafka.json"));
    const QString group = QStringLiteral("weir-analyst-%1").arg(QCoreApplication::applicationPid());
    {
        QSettings settings(dir.filePath(QStringLiteral("one.conf")), QSettings::IniFormat);
        weir::test::SessionUnderTest gui(settings);
        gui.controller.start();
        weir::source::KafkaSource::Options k;
        k.brokers = mock.bootstrap();
        k.topics = {"logs"};
        k.startAt = weir::source::KafkaSource::StartAt::Earliest;
        k.format = "json";
        k.groupId = group.toStdString(); // a named group: reopened, it resumes
        k.properties = {{"client.id", "weir-workspace-test"}};
        gui.controller.sourceControls()->addKafka(k); // what the dialog's OK does
        const weir::ui::EventTableModel *model = gui.controller.window()->model();
        QTRY_VERIFY_WITH_TIMEOUT(anyEventContains(model, "\"n\":20}"), 60000);

        QString error;
        QVERIFY2(gui.session.saveWorkspace(saved, &error), qPrintable(error));
        const QJsonObject src = QJsonDocument::fromJson(readAll(saved))
                                    .object()
                                    .value(QStringLiteral("sources"))
                                    .toArray()
                                    .at(0)
                                    .toObject();
        QCOMPARE(src.value(QStringLiteral("type")).toString(), QStringLiteral("kafka"));
        QCOMPARE(src.value(QStringLiteral("brokers")).toString(),
                 QString::fromStdString(mock.bootstrap()));
        QCOMPARE(src.value(QStringLiteral("from")).toString(), QStringLiteral("earliest"));
        QCOMPARE(src.value(QStringLiteral("format")).toString(), QStringLiteral("json"));
        QCOMPARE(src.value(QStringLiteral("properties"))
                     .toObject()
                     .value(QStringLiteral("client.id"))
                     .toString(),
                 QStringLiteral("weir-workspace-test"));
        QCOMPARE(src.value(QStringLiteral("group")).toString(), group);
        // The same without a group: saved without one (its private group is not kept).
        k.groupId.clear();
        gui.controller.sourceControls()->addKafka(k);
        const QString unnamed = dir.filePath(QStringLiteral("kafka-unnamed.json"));
        QVERIFY2(gui.session.saveWorkspace(unnamed, &error), qPrintable(error));
        const QJsonArray both = QJsonDocument::fromJson(readAll(unnamed))
                                    .object()
                                    .value(QStringLiteral("sources"))
                                    .toArray();
        QCOMPARE(both.size(), 2);
        QVERIFY(!both.at(1).toObject().contains(QStringLiteral("group")));
        // Leaving: the sources stop and commit what is stored.
    }

    const auto second =
        weir::testing::runCommand({"kcat", "-P", "-b", mock.bootstrap(), "-t", "logs"},
                                  weir::testing::numberedJsonLines(21, 31), 60s);
    QVERIFY2(second.status == 0, second.err.c_str());

    QSettings settings(dir.filePath(QStringLiteral("two.conf")), QSettings::IniFormat);
    weir::test::SessionUnderTest gui(settings);
    gui.controller.start();
    QVERIFY(gui.session.openWorkspace(saved, true));
    QCOMPARE(gui.session.workspace().sources.size(), 1);
    QCOMPARE(gui.session.workspace().sources[0].group, group);
    const weir::ui::EventTableModel *model = gui.controller.window()->model();
    QTRY_VERIFY_WITH_TIMEOUT(anyEventContains(model, "\"n\":30}"), 60000);
    // One partition is read in order: had the group not resumed ("from": "earliest" again), the
    // first messages would have come before the last one.
    QVERIFY(anyEventContains(model, "\"n\":21}"));
    QVERIFY2(!anyEventContains(model, "\"n\":1}"), "the reopened workspace read from the start");
}

void TestWorkspaceLiveSources::mqttDialogSourceIsSavedWithAKeychainReference() {
    weir::testing::TempDir brokerDir;
    weir::testing::MosquittoBroker broker(
        weir::testing::mosquittoPasswordConfig(brokerDir, "weir", kMqttSecret.toStdString()));

    QTemporaryDir dir;
    const QString saved = dir.filePath(QStringLiteral("mqtt.json"));
    const QString key = QStringLiteral("weir/mqtt/127.0.0.1:%1/weir").arg(broker.port());
    {
        QSettings settings(dir.filePath(QStringLiteral("one.conf")), QSettings::IniFormat);
        weir::test::SessionUnderTest gui(settings);
        gui.controller.start();
        weir::source::MqttSource::Options m;
        m.port = broker.port();
        m.topics = {"plant/#"};
        m.qos = 1;
        m.clientId = "weir-workspace-test";
        m.cleanSession = false;
        m.username = "weir";
        m.password = kMqttSecret.toStdString();
        // This broker has no TLS: only the keeping of the key's passphrase is checked here.
        m.tlsKeyFile = (dir.path() + QStringLiteral("/client.key")).toStdString();
        m.tlsKeyPassphrase = kPassphrase.toStdString();
        m.format = "json";
        gui.controller.sourceControls()->addMqtt(m);

        QString error;
        QVERIFY2(gui.session.saveWorkspace(saved, &error), qPrintable(error));
        QCOMPARE(gui.asked, 0);
        // The secrets went to the store under the references the workspace holds.
        QVERIFY(storeHolds(gui.session.secretStore(), key, kMqttSecret));
        QVERIFY(
            storeHolds(gui.session.secretStore(), key + QStringLiteral("/tls-key"), kPassphrase));
    }
    const QByteArray bytes = readAll(saved);
    QVERIFY2(!bytes.contains(kMqttSecret.toUtf8()), bytes.constData());
    QVERIFY2(!bytes.contains(kPassphrase.toUtf8()), bytes.constData());
    weir::ui::Workspace w;
    QString error;
    QVERIFY2(weir::ui::parseWorkspace(bytes, &w, &error), qPrintable(error));
    QCOMPARE(w.sources.size(), 1);
    QCOMPARE(w.sources[0].passwordKey, key);
    QCOMPARE(w.sources[0].tlsKeyPassphraseKey, key + QStringLiteral("/tls-key"));
    QCOMPARE(w.sources[0].clientId, QStringLiteral("weir-workspace-test"));
    QCOMPARE(w.sources[0].cleanSession, false);
    QCOMPARE(w.sources[0].qos, 1);
    QCOMPARE(w.sources[0].port, broker.port());

    // Reopened in a new window (its own empty store, as after a restart without a keychain):
    // Weir asks for that reference and logs in with the answer. The passphrase reference is
    // and key are dropped from the reopened copy: this broker has no TLS.
    QSettings settings(dir.filePath(QStringLiteral("two.conf")), QSettings::IniFormat);
    QStringList askedKeys;
    weir::test::SessionUnderTest gui(settings, std::make_unique<weir::ui::SessionSecretStore>(),
                                     [&](const weir::ui::SecretRequest &request, bool) {
                                         askedKeys << request.key;
                                         return weir::ui::SecretAnswer{true, kMqttSecret, false};
                                     });
    gui.controller.start();
    w.sources[0].tlsKeyPassphraseKey.clear();
    w.sources[0].tlsKey.clear();
    const QString reopened = dir.filePath(QStringLiteral("mqtt-plain.json"));
    QVERIFY2(weir::ui::saveWorkspaceFile(reopened, w, &error), qPrintable(error));
    QVERIFY(gui.session.openWorkspace(reopened, true));
    QCOMPARE(askedKeys, QStringList{key});
    const weir::ui::EventTableModel *model = gui.controller.window()->model();
    int n = 0;
    QVERIFY2(weir::test::publishUntil(
                 broker.port(), "plant/a",
                 weir::testing::mosquittoLogin("weir", kMqttSecret.toStdString()),
                 [&n] { return "{\"n\":" + std::to_string(++n) + ",\"src\":\"mqtt\"}\n"; },
                 [model] { return anyEventContains(model, "\"src\":\"mqtt\""); }),
             "the reopened MQTT source did not log in");
}

void TestWorkspaceLiveSources::followedFilesKeepReadingAndAreSaved() {
    QTemporaryDir dir;
    const QString log = dir.filePath(QStringLiteral("app.log"));
    const QString other = dir.filePath(QStringLiteral("other.log"));
    const auto append = [](const QString &path, const std::string &text) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::Append));
        f.write(text.data(), static_cast<qint64>(text.size()));
    };
    append(log, weir::testing::numberedJsonLines(1, 4));
    append(other, weir::testing::numberedJsonLines(100, 102));
    const QString workspacePath = dir.filePath(QStringLiteral("follow.json"));
    {
        QFile f(workspacePath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral(R"({"weirWorkspace": 1, "sources": [
            {"type": "file", "path": "%1", "format": "json", "follow": true}]})")
                    .arg(log)
                    .toUtf8());
    }
    QSettings settings(dir.filePath(QStringLiteral("weir.conf")), QSettings::IniFormat);
    weir::test::SessionUnderTest gui(settings);
    gui.controller.start();
    QVERIFY(gui.session.openWorkspace(workspacePath, true));
    gui.session.installMenus();
    QVERIFY(gui.controller.window()->findChild<QAction *>(QStringLiteral("followFileAction")));
    gui.session.followFiles({other}); // what File → Follow File does with the chosen file
    const weir::ui::EventTableModel *model = gui.controller.window()->model();
    QTRY_VERIFY_WITH_TIMEOUT(
        anyEventContains(model, "\"n\":3}") && anyEventContains(model, "\"n\":101}"), 60000);
    // Appended lines keep arriving: both files are followed, not replayed once.
    append(log, weir::testing::numberedJsonLines(4, 6));
    append(other, weir::testing::numberedJsonLines(102, 103));
    QTRY_VERIFY_WITH_TIMEOUT(
        anyEventContains(model, "\"n\":5}") && anyEventContains(model, "\"n\":102}"), 60000);
    // Followed files are live sources in the Sources panel's terms.
    const weir::engine::Snapshot *snap = model->snapshot();
    QVERIFY(snap);
    int following = 0;
    for (const weir::engine::SourceStatus &s : snap->sources)
        following += s.metrics.state == weir::source::SourceState::Connected && !s.bounded;
    QCOMPARE(following, 2);

    const QString saved = dir.filePath(QStringLiteral("saved.json"));
    QString error;
    QVERIFY2(gui.session.saveWorkspace(saved, &error), qPrintable(error));
    weir::ui::Workspace w;
    QVERIFY2(weir::ui::loadWorkspaceFile(saved, &w, &error), qPrintable(error));
    QCOMPARE(w.sources.size(), 2);
    QVERIFY(w.sources[0].follow);
    QVERIFY(w.sources[1].follow);
    QCOMPARE(w.sources[1].path, QFileInfo(other).absoluteFilePath());
}

QTEST_MAIN(TestWorkspaceLiveSources)
#include "test_workspace_live_sources.moc"
