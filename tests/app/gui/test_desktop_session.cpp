// SPDX-License-Identifier: GPL-3.0-or-later
// A workspace with a password-protected MQTT input, end to end with a real mosquitto: Weir asks
// for the password (no keychain here, as in CI), logs in with it, and a saved workspace holds
// the keychain reference but never the password. An encrypted TLS client key's passphrase is
// read from the system keychain (a private gnome-keyring, tests/ui/run_with_keyring.sh).
#include "analysis_fixture.h"
#include "bus_fixtures.h"
#include "desktop/recent_files.h"
#include "desktop/secret_store.h"
#include "desktop/workspace.h"
#include "desktop_session.h"
#include "fake_sasl_broker.h"
#include "gui_controller.h"
#include "models/event_table_model.h"
#include "publish_until.h"
#include "rich_text_probe.h"
#include "session_under_test.h"
#include "source_controls.h"
#include "tls_client_certs.h"
#include "views/alert_history_model.h"
#include "views/alerts_panel.h"
#include "views/analysis_docks.h"
#include "views/main_window.h"
#include "views/sources_model.h"
#include "views/sources_panel.h"
#include "workspace_windows.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

using namespace std::chrono_literals;

namespace {
const QString kSecret = QStringLiteral("only-in-memory-7f3a");
}

class TestDesktopSession : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void workspaceWithPasswordedMqttInput();
    void menusAreInstalled();
    void encryptedTlsKeyPassphraseFromTheKeychain();
    void errorMessageBoxesArePlainText();
    void kafkaWorkspaceInputIsReadAgainAfterARestart();
    void workspaceRulesAreAppliedAndSaved_data();
    void workspaceRulesAreAppliedAndSaved();
    void kafkaSaslPasswordFromTheKeychain();
    void kafkaTlsKeyPassphraseFromTheKeychain_data();
    void kafkaTlsKeyPassphraseFromTheKeychain();
    void workspaceWindowsAreRunSavedAndRestored();
    void workspaceWindowErrorsNameTheField();
    void shippedExampleWorkspaceWindowsParse();
};

void TestDesktopSession::workspaceWithPasswordedMqttInput() {
    weir::testing::TempDir brokerDir;
    weir::testing::MosquittoBroker broker(
        weir::testing::mosquittoPasswordConfig(brokerDir, "weir", kSecret.toStdString()));

    QTemporaryDir dir;
    const QString workspacePath = dir.filePath(QStringLiteral("plant.json"));
    {
        QFile f(workspacePath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral(R"({"weirWorkspace": 1, "sources": [{"id": "plant",
            "type": "mqtt", "host": "127.0.0.1", "port": %1, "topics": ["plant/#"], "qos": 1,
            "format": "json", "user": "weir",
            "password": {"keychain": "weir/mqtt/127.0.0.1:%1/weir"}}],
            "filters": [{"name": "hot", "expr": "temp > 80"}]})")
                    .arg(broker.port())
                    .toUtf8());
    }

    QSettings settings(dir.filePath(QStringLiteral("weir.conf")), QSettings::IniFormat);
    int asked = 0;
    QString askedKey;
    bool offeredKeychain = false;
    weir::test::SessionUnderTest gui(settings, std::make_unique<weir::ui::SessionSecretStore>(),
                                     [&](const weir::ui::SecretRequest &request, bool persistent) {
                                         ++asked;
                                         askedKey = request.key;
                                         offeredKeychain = persistent;
                                         return weir::ui::SecretAnswer{true, kSecret, false};
                                     });
    gui.session.setRecordRecent(true);
    gui.controller.start();
    QVERIFY(gui.session.openWorkspace(workspacePath, true));
    QCOMPARE(asked, 1);
    QVERIFY(!offeredKeychain); // the session store: "remember until Weir quits"
    QCOMPARE(askedKey, QStringLiteral("weir/mqtt/127.0.0.1:%1/weir").arg(broker.port()));
    QVERIFY2(gui.controller.window()->windowTitle().contains(QStringLiteral("mqtt 127.0.0.1")),
             qPrintable(gui.controller.window()->windowTitle()));

    // Logged in with the password it was given: published messages reach the table. Publish
    // once a second (the subscription may not be up yet) for at most 60 s.
    const weir::ui::EventTableModel *model = gui.controller.window()->model();
    const auto login = weir::testing::mosquittoLogin("weir", kSecret.toStdString());
    int n = 0;
    const auto reading = [&n] { return "{\"n\":" + std::to_string(++n) + ",\"temp\":20}\n"; };
    const auto shown = [model] { return model->rowCount() > 0; };
    QVERIFY2(weir::test::publishUntil(broker.port(), "plant/a", login, reading, shown),
             "no MQTT message arrived: the login failed?");

    // A new window setup or rule set restarts the pipeline: the workspace's MQTT input is
    // created again and logs in with the same password, without asking again.
    gui.controller.restartPipeline();
    QCOMPARE(model->rowCount(), 0);
    QVERIFY2(weir::test::publishUntil(broker.port(), "plant/a", login, reading, shown),
             "the MQTT input was not recreated by restartPipeline");
    QCOMPARE(asked, 1);
    QVERIFY(gui.controller.window()->windowTitle().contains(QStringLiteral("mqtt 127.0.0.1")));

    // Saved: the reference, the filters kept, never the password.
    const QString saved = dir.filePath(QStringLiteral("saved.json"));
    QString error;
    QVERIFY2(gui.session.saveWorkspace(saved, &error), qPrintable(error));
    QFile f(saved);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    QVERIFY(bytes.contains("\"keychain\""));
    QVERIFY(bytes.contains("\"filters\""));
    QVERIFY2(!bytes.contains(kSecret.toUtf8()), bytes.constData());
    // Nor the settings file (recent files, last workspace).
    settings.sync();
    QFile conf(settings.fileName());
    QVERIFY(conf.open(QIODevice::ReadOnly));
    const QByteArray confBytes = conf.readAll();
    QVERIFY(confBytes.contains("plant.json"));
    QVERIFY(!confBytes.contains(kSecret.toUtf8()));
}

void TestDesktopSession::menusAreInstalled() {
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("weir.conf")), QSettings::IniFormat);
    weir::test::SessionUnderTest gui(settings);
    gui.session.setRecordRecent(true);
    gui.session.installMenus();
    weir::ui::MainWindow *w = gui.controller.window();
    QVERIFY(w->findChild<QMenu *>(QStringLiteral("recentMenu")));
    QVERIFY(w->findChild<QMenu *>(QStringLiteral("themeMenu")));
    auto *restore = w->findChild<QAction *>(QStringLiteral("restoreWorkspaceAction"));
    QVERIFY(restore);
    QVERIFY(!restore->isChecked()); // off by default
    restore->setChecked(true);
    QVERIFY(weir::app::DesktopSession::restoreLastWorkspaceEnabled(settings));
    auto *dark = w->findChild<QAction *>(QStringLiteral("theme-dark"));
    QVERIFY(dark);
    dark->trigger();
    QCOMPARE(weir::app::DesktopSession::themeChoice(settings), weir::ui::ThemeChoice::Dark);
    QVERIFY(QApplication::palette().color(QPalette::Window).lightnessF() < 0.5);

    // Files opened in the window go to Open Recent and into the workspace.
    Q_EMIT w->openFilesRequested({QStringLiteral(WEIR_RESOURCES_DIR "/samples/access.log")});
    QCOMPARE(gui.session.workspace().sources.size(), 1);
    weir::ui::RecentFiles recent(settings);
    QCOMPARE(recent.entries().size(), 1);
    QVERIFY(recent.entries()[0].path.endsWith(QStringLiteral("access.log")));
}

// A workspace's MQTT input over TLS with a client certificate whose key is encrypted: the
// workspace names the passphrase's keychain entry, Weir reads it from the keychain (no
// question asked) and hands it to libmosquitto, and messages arrive.
void TestDesktopSession::encryptedTlsKeyPassphraseFromTheKeychain() {
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
             "run through tests/ui/run_with_keyring.sh");
    weir::testing::TlsClientCerts certs;
    QVERIFY2(certs.create(), certs.error().c_str());
    weir::testing::MosquittoBroker broker(certs.brokerConfig());
    const QString ref = QStringLiteral("weir/tls-key/127.0.0.1:%1/client").arg(broker.port());

    auto store = std::make_unique<weir::ui::KeychainSecretStore>();
    {
        bool done = false;
        bool ok = false;
        store->write(ref, QString::fromLatin1(weir::testing::TlsClientCerts::kPassphrase),
                     [&](const weir::ui::SecretStore::Result &r) {
                         ok = r.ok;
                         done = true;
                     });
        QTRY_VERIFY_WITH_TIMEOUT(done, 30000);
        QVERIFY(ok);
    }

    QTemporaryDir dir;
    const QString workspacePath = dir.filePath(QStringLiteral("tls.json"));
    {
        QFile f(workspacePath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral(R"({"weirWorkspace": 1, "sources": [{"id": "tls",
            "type": "mqtt", "host": "127.0.0.1", "port": %1, "topics": ["t/#"], "qos": 1,
            "format": "json", "tls": {"ca": "%2", "cert": "%3", "key": "%4",
            "keyPassphrase": {"keychain": "%5"}}}]})")
                    .arg(broker.port())
                    .arg(QString::fromStdString(certs.file("ca.pem")),
                         QString::fromStdString(certs.file("client.pem")),
                         QString::fromStdString(certs.file("client.key")), ref)
                    .toUtf8());
    }
    QSettings settings(dir.filePath(QStringLiteral("weir.conf")), QSettings::IniFormat);
    weir::test::SessionUnderTest gui(settings, std::move(store));
    gui.controller.start();
    QVERIFY(gui.session.openWorkspace(workspacePath, true));
    // The keychain answers asynchronously; the source starts once it has.
    QTRY_VERIFY_WITH_TIMEOUT(
        gui.controller.window()->windowTitle().contains(QStringLiteral("mqtt 127.0.0.1")), 30000);
    QCOMPARE(gui.asked, 0);

    const weir::ui::EventTableModel *model = gui.controller.window()->model();
    std::vector<std::string> pub = {
        "mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-t",
        "t/x",           "-q", "1",         "-l"};
    for (const auto &a : certs.publisherArgs())
        pub.push_back(a);
    QDeadlineTimer deadline(60000);
    int n = 0;
    while (model->rowCount() == 0 && !deadline.hasExpired()) {
        const auto r = weir::testing::runCommand(
            pub, "{\"n\":" + std::to_string(++n) + ",\"temp\":20}\n", 30s);
        QVERIFY2(r.status == 0, r.err.c_str());
        QTest::qWait(1000);
    }
    QVERIFY2(
        model->rowCount() > 0,
        qPrintable(
            QStringLiteral("no message over TLS: %1").arg(QString::fromStdString(broker.log()))));
}

// A workspace that cannot be opened is reported in a message box: its name and the parser's
// message are shown as plain text, whatever markup they hold.
void TestDesktopSession::errorMessageBoxesArePlainText() {
    using weir::test::RichTextProbe;
    QTemporaryDir dir;
    const QString path = dir.filePath(RichTextProbe::hostile()[1] + QStringLiteral(".json"));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(RichTextProbe::hostileLine().toUtf8()); // not JSON
    }
    QSettings settings(dir.filePath(QStringLiteral("weir.conf")), QSettings::IniFormat);
    weir::test::SessionUnderTest gui(settings);
    RichTextProbe probe;
    QString shown;
    QTimer::singleShot(0, this, [&] {
        for (QWidget *w : QApplication::topLevelWidgets()) {
            auto *box = qobject_cast<QMessageBox *>(w);
            if (box && box->isVisible()) {
                probe.check(box);
                shown = box->text();
                box->reject();
            }
        }
    });
    QVERIFY(!gui.session.openWorkspace(path, false));
    QVERIFY2(shown.contains(RichTextProbe::hostile()[1]), qPrintable(shown));
    QVERIFY2(probe.failures().isEmpty(), qPrintable(probe.report()));
    QVERIFY(probe.seen() >= 1);
}

// A workspace's Kafka input (the librdkafka mock cluster) read from the earliest offset; a
// restart of the pipeline (new window setup or rules) creates the consumer again, which reads
// the topic again from the start.
void TestDesktopSession::kafkaWorkspaceInputIsReadAgainAfterARestart() {
    weir::testing::KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"logs:1"});
    constexpr int kCount = 20;
    std::string lines;
    for (int i = 1; i <= kCount; ++i)
        lines += "{\"n\":" + std::to_string(i) + ",\"level\":\"info\"}\n";
    const auto produced =
        weir::testing::runCommand({"kcat", "-P", "-b", mock.bootstrap(), "-t", "logs"}, lines, 60s);
    QVERIFY2(produced.status == 0, produced.err.c_str());

    QTemporaryDir dir;
    const QString workspacePath = dir.filePath(QStringLiteral("kafka.json"));
    {
        QFile f(workspacePath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral(R"({"weirWorkspace": 1, "sources": [{"id": "logs",
            "type": "kafka", "brokers": "%1", "topics": ["logs"], "from": "earliest",
            "format": "json"}]})")
                    .arg(QString::fromStdString(mock.bootstrap()))
                    .toUtf8());
    }
    QSettings settings(dir.filePath(QStringLiteral("weir.conf")), QSettings::IniFormat);
    weir::test::SessionUnderTest gui(settings);
    gui.controller.start();
    QVERIFY(gui.session.openWorkspace(workspacePath, true));
    QVERIFY2(gui.controller.window()->windowTitle().contains(QStringLiteral("kafka")),
             qPrintable(gui.controller.window()->windowTitle()));
    const weir::ui::EventTableModel *model = gui.controller.window()->model();
    // At-least-once: a redelivery may add rows, never remove them.
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() >= kCount, 60000);

    gui.controller.restartPipeline();
    QCOMPARE(model->rowCount(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() >= kCount, 60000);
}

namespace {

// The history's transitions of rule "hot" for one key and state.
int hotTransitions(weir::app::GuiController &controller, const QString &key,
                   weir::alert::AlertState state) {
    const weir::ui::AlertHistoryModel *history =
        controller.window()->analysisDocks()->alertsPanel()->historyModel();
    int n = 0;
    for (int row = 0; row < history->rowCount(); ++row) {
        const QModelIndex i = history->index(row, 0);
        n += i.data(weir::ui::AlertHistoryModel::RuleRole).toString() == QLatin1String("hot") &&
             i.data(weir::ui::AlertHistoryModel::KeyRole).toString() == key &&
             i.data(weir::ui::AlertHistoryModel::StateRole).toInt() == static_cast<int>(state);
    }
    return n;
}

void writeFile(const QString &path, const QByteArray &bytes) {
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(path));
    QCOMPARE(f.write(bytes), bytes.size());
}

// Writes a secret to the store; waits at most 30 s for its answer.
bool keychainWrite(weir::ui::SecretStore &store, const QString &key, const QString &secret) {
    bool done = false;
    bool ok = false;
    store.write(key, secret, [&](const weir::ui::SecretStore::Result &r) {
        ok = r.ok;
        done = true;
    });
    QDeadlineTimer deadline(30000);
    while (!done && !deadline.hasExpired())
        QTest::qWait(20);
    return ok;
}

// Every cell of the Sources panel as shown (sources and their partitions).
QString sourcesPanelText(weir::app::GuiController &controller) {
    const QAbstractItemModel *m = controller.sourceControls()->panel()->model();
    QString text;
    for (int row = 0; row < m->rowCount(); ++row) {
        const QModelIndex source = m->index(row, 0);
        for (int child = -1; child < m->rowCount(source); ++child) {
            for (int column = 0; column < m->columnCount(); ++column)
                text += (child < 0 ? m->index(row, column) : m->index(child, column, source))
                            .data()
                            .toString() +
                        QLatin1Char('\t');
            text += QLatin1Char('\n');
        }
    }
    return text;
}

// The last error the Sources panel shows for its first source (empty: none yet).
QString sourcesLastError(weir::app::GuiController &controller) {
    const QAbstractItemModel *m = controller.sourceControls()->panel()->model();
    return m->rowCount() > 0
               ? m->index(0, weir::ui::SourcesModel::LastErrorColumn).data().toString()
               : QString();
}

// Sends this process's stderr (fd 2) to a file until restore() or destruction.
class StderrCapture {
public:
    explicit StderrCapture(const QString &path) {
        std::fflush(stderr);
        const int fd = ::open(QFile::encodeName(path).constData(),
                              O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
            return;
        m_saved = ::dup(2);
        ::dup2(fd, 2);
        ::close(fd);
    }
    ~StderrCapture() { restore(); }
    bool active() const { return m_saved >= 0; }
    void restore() {
        if (m_saved < 0)
            return;
        std::fflush(stderr);
        ::dup2(m_saved, 2);
        ::close(m_saved);
        m_saved = -1;
    }

private:
    int m_saved = -1;
};

} // namespace

void TestDesktopSession::workspaceRulesAreAppliedAndSaved_data() {
    QTest::addColumn<QByteArray>("rules");
    QTest::addColumn<QString>("saveIn"); // a folder under the test's, "" for the same
    QTest::newRow("rules file") << QByteArray(R"("rules.json")") << QString();
    QTest::newRow("rules file, saved elsewhere")
        << QByteArray(R"("rules.json")") << QStringLiteral("elsewhere");
    QTest::newRow("inline list") << QByteArray(
                                        R"([{"name": "hot", "window": "fixed:10s", "key": ["host"],
            "condition": "max(value) > 90", "severity": "critical"}])")
                                 << QStringLiteral("elsewhere");
}

// A workspace's "rules" (a rules file next to it, or a list) are put in force when it opens:
// host b is hot twice in the data, so "hot" fires and resolves twice for b, never for a. A
// saved workspace holds the rules, and opening it in a new session fires them again.
void TestDesktopSession::workspaceRulesAreAppliedAndSaved() {
    QFETCH(QByteArray, rules);
    QFETCH(QString, saveIn);
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("hosts.csv"));
    writeFile(csv, QByteArray::fromStdString(weir::test::hostsCsv()));
    writeFile(dir.filePath(QStringLiteral("rules.json")), weir::test::hostsRules());
    const QString workspacePath = dir.filePath(QStringLiteral("hosts.json"));
    writeFile(workspacePath, QStringLiteral(R"({"weirWorkspace": 1, "sources": [{"type": "file",
        "path": "%1"}], "rules": %2})")
                                 .arg(csv, QString::fromUtf8(rules))
                                 .toUtf8());
    QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("elsewhere")));
    const QString savedPath = QDir(dir.filePath(saveIn)).filePath(QStringLiteral("saved.json"));

    using weir::alert::AlertState;
    QSettings settings(dir.filePath(QStringLiteral("weir.conf")), QSettings::IniFormat);
    for (const QString &path : {workspacePath, savedPath}) {
        weir::test::SessionUnderTest gui(settings);
        gui.controller.start();
        QVERIFY(gui.session.openWorkspace(path, true));
        QVERIFY(!gui.controller.rulesJson().empty());
        QTRY_VERIFY_WITH_TIMEOUT(
            hotTransitions(gui.controller, QStringLiteral("b"), AlertState::Resolved) >= 2, 60000);
        QCOMPARE(hotTransitions(gui.controller, QStringLiteral("b"), AlertState::Firing), 2);
        QCOMPARE(hotTransitions(gui.controller, QStringLiteral("a"), AlertState::Firing), 0);
        if (path == savedPath)
            break;

        QString error;
        QVERIFY2(gui.session.saveWorkspace(savedPath, &error), qPrintable(error));
        QFile f(savedPath);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject saved = QJsonDocument::fromJson(f.readAll()).object();
        const QJsonValue savedRules = saved.value(QLatin1String("rules"));
        if (rules.startsWith('"')) {
            // The rules file's path: relative when the workspace is saved next to it.
            QVERIFY(savedRules.isString());
            QCOMPARE(savedRules.toString(), saveIn.isEmpty()
                                                ? QStringLiteral("rules.json")
                                                : dir.filePath(QStringLiteral("rules.json")));
        } else {
            QVERIFY(savedRules.isArray());
            QCOMPARE(savedRules.toArray().size(), 1);
            QCOMPARE(savedRules.toArray()[0].toObject().value(QLatin1String("name")).toString(),
                     QStringLiteral("hot"));
        }
    }
}

// A workspace's Kafka input logs in with SASL/PLAIN with a password that only the system
// keychain holds: Weir reads it from there (nothing asked), and the login the broker receives
// carries it. The broker is a loopback fake that records the PLAIN token and refuses the login
// (librdkafka 2.0.2's mock cluster has no SASL). Neither the saved workspace, the settings,
// the Sources panel nor stderr ever show the password.
void TestDesktopSession::kafkaSaslPasswordFromTheKeychain() {
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
             "run through tests/ui/run_with_keyring.sh");
    const QString secret = QStringLiteral("kafka-sasl-only-in-the-keychain-c41e");
    weir::testing::FakeSaslBroker broker;
    const QString brokers = QStringLiteral("127.0.0.1:%1").arg(broker.port());
    const QString ref = QStringLiteral("weir/kafka/%1/weir").arg(brokers);
    auto store = std::make_unique<weir::ui::KeychainSecretStore>();
    QVERIFY(keychainWrite(*store, ref, secret));

    QTemporaryDir dir;
    const QString workspacePath = dir.filePath(QStringLiteral("kafka-sasl.json"));
    writeFile(workspacePath, QStringLiteral(R"({"weirWorkspace": 1, "sources": [{"id": "app",
        "type": "kafka", "brokers": "%1", "topics": ["app-logs"], "format": "json",
        "user": "weir", "password": {"keychain": "%2"}}]})")
                                 .arg(brokers, ref)
                                 .toUtf8());
    QSettings settings(dir.filePath(QStringLiteral("weir.conf")), QSettings::IniFormat);
    const QString stderrPath = dir.filePath(QStringLiteral("stderr.txt"));
    StderrCapture capture(stderrPath);
    QVERIFY(capture.active());
    std::fprintf(stderr, "stderr captured\n");
    {
        weir::test::SessionUnderTest gui(settings, std::move(store));
        gui.session.setRecordRecent(true);
        gui.controller.start();
        QVERIFY(gui.session.openWorkspace(workspacePath, true));
        QTRY_VERIFY_WITH_TIMEOUT(!broker.tokens().empty(), 60000);
        QCOMPARE(gui.asked, 0);
        // SASL/PLAIN: authorization id (none), user, password.
        QCOMPARE(QByteArray::fromStdString(broker.tokens().front()),
                 QByteArray("\0weir\0", 6) + secret.toUtf8());
        // The refusal reaches the Sources panel, which names the problem, not the password.
        QTRY_VERIFY_WITH_TIMEOUT(
            sourcesLastError(gui.controller).contains(QLatin1String("authentication")), 30000);
        const QString panel = sourcesPanelText(gui.controller);
        QVERIFY2(!panel.contains(secret), qPrintable(panel));

        const QString saved = dir.filePath(QStringLiteral("saved.json"));
        QString error;
        QVERIFY2(gui.session.saveWorkspace(saved, &error), qPrintable(error));
        QFile f(saved);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QVERIFY(bytes.contains(ref.toUtf8()));
        QVERIFY2(!bytes.contains(secret.toUtf8()), bytes.constData());
    }
    capture.restore();
    settings.sync();
    for (const QString &path : {stderrPath, settings.fileName()}) {
        QFile f(path);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
        const QByteArray bytes = f.readAll();
        if (path == stderrPath)
            QVERIFY(bytes.contains("stderr captured"));
        QVERIFY2(!bytes.contains(secret.toUtf8()), bytes.constData());
    }
}

void TestDesktopSession::kafkaTlsKeyPassphraseFromTheKeychain_data() {
    QTest::addColumn<bool>("right");
    QTest::newRow("the key's passphrase") << true;
    QTest::newRow("a wrong passphrase") << false;
}

// A workspace's Kafka input with an encrypted TLS client key whose passphrase is in the
// keychain: DesktopSession reads it, the controller's source hands it to librdkafka, which
// needs it to load the key when the client is created. With the right passphrase the client
// is created and tries its TLS handshake (which fails: the mock cluster's listener is
// plaintext); with a wrong one, creating the client fails on the key. Either way the
// passphrase is not shown.
void TestDesktopSession::kafkaTlsKeyPassphraseFromTheKeychain() {
    QFETCH(bool, right);
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
             "run through tests/ui/run_with_keyring.sh");
    weir::testing::TlsClientCerts certs;
    QVERIFY2(certs.create(), certs.error().c_str());
    weir::testing::KafkaMock mock(WEIR_KAFKA_MOCK_PATH, {"logs:1"}, 1);
    const QString brokers = QString::fromStdString(mock.bootstrap());
    const QString ref = QStringLiteral("weir/kafka/%1/tls-key").arg(brokers);
    const QString passphrase = right
                                   ? QString::fromLatin1(weir::testing::TlsClientCerts::kPassphrase)
                                   : QStringLiteral("not-the-passphrase-52b7");
    auto store = std::make_unique<weir::ui::KeychainSecretStore>();
    QVERIFY(keychainWrite(*store, ref, passphrase));

    QTemporaryDir dir;
    const QString workspacePath = dir.filePath(QStringLiteral("kafka-tls.json"));
    writeFile(workspacePath, QStringLiteral(R"({"weirWorkspace": 1, "sources": [{"id": "logs",
        "type": "kafka", "brokers": "%1", "topics": ["logs"], "format": "json",
        "tls": {"ca": "%2", "cert": "%3", "key": "%4", "keyPassphrase": {"keychain": "%5"}}}]})")
                                 .arg(brokers, QString::fromStdString(certs.file("ca.pem")),
                                      QString::fromStdString(certs.file("client.pem")),
                                      QString::fromStdString(certs.file("client.key")), ref)
                                 .toUtf8());
    QSettings settings(dir.filePath(QStringLiteral("weir.conf")), QSettings::IniFormat);
    weir::test::SessionUnderTest gui(settings, std::move(store));
    gui.controller.start();
    QVERIFY(gui.session.openWorkspace(workspacePath, true));
    // The keychain answers asynchronously; the source starts once it has, and fails for good
    // (after passing problems such as "all brokers down").
    const auto failed = [&gui] {
        const QString e = sourcesLastError(gui.controller);
        return e.contains(QLatin1String("TLS")) ||
               e.contains(QLatin1String("cannot create the consumer"));
    };
    QTRY_VERIFY_WITH_TIMEOUT(failed(), 60000);
    QCOMPARE(gui.asked, 0);
    const QString error = sourcesLastError(gui.controller);
    if (right) {
        QVERIFY2(!error.contains(QLatin1String("cannot create the consumer")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("TLS")), qPrintable(error));
    } else {
        QVERIFY2(error.contains(QLatin1String("cannot create the consumer")), qPrintable(error));
    }
    const QString panel = sourcesPanelText(gui.controller);
    QVERIFY2(!panel.contains(passphrase), qPrintable(panel));
}

namespace {

bool sameSetup(const weir::window::WindowSetupText &a, const weir::window::WindowSetupText &b) {
    return a.window == b.window && a.keys == b.keys && a.aggs == b.aggs &&
           a.lateness == b.lateness && a.outOfOrder == b.outOfOrder &&
           a.idleTimeout == b.idleTimeout && a.early == b.early && a.mode == b.mode &&
           a.dedup == b.dedup && a.dedupTtl == b.dedupTtl;
}

// Both pipelines of the windows workspace have run over all of hosts.csv.
bool windowsFinished(const weir::app::GuiController &controller) {
    const auto snap = controller.snapshot();
    if (!snap || snap->windows.size() != 2)
        return false;
    for (const auto &w : snap->windows) {
        if (w->watermark != weir::kMaxTimestamp || w->stats.events != 100)
            return false;
    }
    return true;
}

} // namespace

// A workspace's "windows" are the window pipelines it opens with: every option (kind, size,
// slide, lateness, out-of-orderness, idle timeout, early panes, mode, keys, aggregates, dedup
// fields and TTL) reaches the engine, a saved workspace holds them all as typed, and opening it
// in a new session runs the same pipelines with the same results.
void TestDesktopSession::workspaceWindowsAreRunSavedAndRestored() {
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("hosts.csv"));
    writeFile(csv, QByteArray::fromStdString(weir::test::hostsCsv()));
    const QString workspacePath = dir.filePath(QStringLiteral("windows.json"));
    writeFile(workspacePath, QStringLiteral(R"j({"weirWorkspace": 1, "sources": [{"type": "file",
        "path": "%1"}], "windows": [
        {"window": "fixed:10s", "key": ["host"], "agg": "count,max(value)", "lateness": "30s",
         "outOfOrder": "2s", "idleTimeout": "5s", "early": "0", "mode": "accumulating"},
        {"window": "sliding:20s/10s", "key": "host", "agg": "count,sum(value)",
         "mode": "discarding", "early": "2s", "dedup": ["host", "value"], "dedupTtl": "1m"}]})j")
                                 .arg(csv)
                                 .toUtf8());
    const QString savedPath = dir.filePath(QStringLiteral("saved.json"));

    QSettings settings(dir.filePath(QStringLiteral("weir.conf")), QSettings::IniFormat);
    std::vector<weir::window::WindowSetupText> opened;
    for (const QString &path : {workspacePath, savedPath}) {
        weir::test::SessionUnderTest gui(settings);
        gui.controller.start();
        QVERIFY(gui.session.openWorkspace(path, true));

        const std::vector<weir::window::WindowSetupText> setups = gui.controller.windowSetups();
        QCOMPARE(setups.size(), size_t{2});
        QCOMPARE(setups[0].keys, std::string("host"));
        QCOMPARE(setups[0].lateness, std::string("30s"));
        QCOMPARE(setups[0].idleTimeout, std::string("5s"));
        QCOMPARE(setups[1].mode, std::string("discarding"));
        QCOMPARE(setups[1].early, std::string("2s"));
        QCOMPARE(setups[1].dedup, std::string("host,value"));
        QCOMPARE(setups[1].dedupTtl, std::string("1m"));
        if (path == savedPath) {
            for (size_t i = 0; i < setups.size(); ++i)
                QVERIFY2(sameSetup(setups[i], opened[i]), qPrintable(QString::number(i)));
        }
        opened = setups;

        // The engine runs both: 50 s of hosts a and b, one event each per second.
        QTRY_VERIFY_WITH_TIMEOUT(windowsFinished(gui.controller), 60000);
        const auto snap = gui.controller.snapshot();
        const weir::window::WindowResults &fixed = *snap->windows[0];
        QCOMPARE(fixed.spec.kind, weir::window::WindowKind::Fixed);
        QCOMPARE(fixed.spec.size, 10 * weir::kNsPerSecond);
        QCOMPARE(fixed.keyFields, std::vector<std::string>{"host"});
        QCOMPARE(fixed.aggregates, (std::vector<std::string>{"count", "max(value)"}));
        QCOMPARE(fixed.finals.size(), size_t{10}); // 5 windows x 2 hosts
        double hottest = 0;
        for (const weir::window::Pane &p : fixed.finals) {
            QCOMPARE(p.values[0].number, 10.0);
            if (p.key == "b" &&
                p.window.start.value == (weir::test::kHostsBase + 10) * weir::kNsPerSecond)
                hottest = p.values[1].number;
        }
        QCOMPARE(hottest, 95.0);
        QCOMPARE(fixed.stats.duplicates, uint64_t{0});

        const weir::window::WindowResults &sliding = *snap->windows[1];
        QCOMPARE(sliding.spec.kind, weir::window::WindowKind::Sliding);
        QCOMPARE(sliding.spec.size, 20 * weir::kNsPerSecond);
        QCOMPARE(sliding.spec.period, 10 * weir::kNsPerSecond);
        QCOMPARE(sliding.aggregates, (std::vector<std::string>{"count", "sum(value)"}));
        // Deduplicated on host and value within a minute: a's 10 only once, b's 20 and 95 once.
        QCOMPARE(sliding.stats.duplicates, uint64_t{97});
        QCOMPARE(sliding.stats.accepted, uint64_t{3});
        if (path == savedPath)
            break;

        QString error;
        QVERIFY2(gui.session.saveWorkspace(savedPath, &error), qPrintable(error));
        QFile f(savedPath);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray saved =
            QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("windows")).toArray();
        QCOMPARE(saved.size(), 2);
        QCOMPARE(saved[0].toObject().value(QLatin1String("window")).toString(),
                 QStringLiteral("fixed:10s"));
        QCOMPARE(saved[0].toObject().value(QLatin1String("outOfOrder")).toString(),
                 QStringLiteral("2s"));
        QCOMPARE(saved[1].toObject().value(QLatin1String("window")).toString(),
                 QStringLiteral("sliding:20s/10s"));
        QCOMPARE(saved[1].toObject().value(QLatin1String("dedup")).toString(),
                 QStringLiteral("host,value"));
    }
}

// A pipeline that does not parse is refused with the entry and field named; the pipelines in
// force stay.
void TestDesktopSession::workspaceWindowErrorsNameTheField() {
    std::vector<weir::window::WindowSetupText> out;
    QString error;
    QVERIFY(!weir::app::windowSetupsFromJson(
        QJsonDocument::fromJson(R"([{"window": "fixed:10s"}, {"window": "fixed:10s",
            "lateness": "soon"}])")
            .array(),
        &out, &error));
    QVERIFY2(error.startsWith(QStringLiteral("windows[1].lateness:")), qPrintable(error));
    QVERIFY(out.empty());
    QVERIFY(!weir::app::windowSetupsFromJson(
        QJsonDocument::fromJson(R"([{"window": "fixed:10s", "outOfOrder": 5}])").array(), &out,
        &error));
    QCOMPARE(error, QStringLiteral("windows[0].outOfOrder: expected a string"));
    QVERIFY(!weir::app::windowSetupsFromJson(
        QJsonDocument::fromJson(R"([{"key": "host"}])").array(), &out, &error));
    QVERIFY2(error.startsWith(QStringLiteral("windows[0].window:")), qPrintable(error));
    QVERIFY(weir::app::windowSetupsFromJson(
        QJsonDocument::fromJson(
            R"j([{"window": "session:30s", "key": ["a", "b"], "agg": "count,topk(path,3)"}])j")
            .array(),
        &out, &error));
    QCOMPARE(out.size(), size_t{1});
    QCOMPARE(out[0].keys, std::string("a,b"));
    QCOMPARE(out[0].aggs, std::string("count,topk(path,3)"));
    QCOMPARE(out[0].lateness, std::string("0")); // the defaults
}

// The example workspace shipped in the package: its window pipelines are read and checked as
// a workspace's always are, with every option as written there.
void TestDesktopSession::shippedExampleWorkspaceWindowsParse() {
    weir::ui::Workspace w;
    QString error;
    QVERIFY2(weir::ui::loadWorkspaceFile(
                 QStringLiteral(WEIR_PACKAGING_DIR "/examples/workspace.example.json"), &w, &error),
             qPrintable(error));
    std::vector<weir::window::WindowSetupText> texts;
    QVERIFY2(
        weir::app::windowSetupsFromJson(w.extra.value(QLatin1String("windows")), &texts, &error),
        qPrintable(error));
    QCOMPARE(texts.size(), size_t{3});
    std::vector<weir::window::WindowSetup> setups(texts.size());
    for (size_t i = 0; i < texts.size(); ++i) {
        std::string why;
        QVERIFY2(weir::window::parseWindowSetup(texts[i], setups[i], &why), why.c_str());
    }
    using weir::kNsPerMinute;
    using weir::kNsPerSecond;
    const auto aggNames = [](const weir::window::WindowSetup &s) {
        std::vector<std::string> names;
        for (const auto &a : s.op.aggregates)
            names.push_back(a.name);
        return names;
    };
    // Status per minute from the access log.
    QCOMPARE(setups[0].op.window.kind, weir::window::WindowKind::Fixed);
    QCOMPARE(setups[0].op.window.size, kNsPerMinute);
    QCOMPARE(setups[0].keyFields, std::vector<std::string>{"status"});
    QCOMPARE(aggNames(setups[0]), (std::vector<std::string>{"count", "sum(bytes)", "p95(bytes)"}));
    QCOMPARE(setups[0].op.allowedLatenessNs, 5 * kNsPerMinute);
    QCOMPARE(setups[0].op.outOfOrderNs, 10 * kNsPerSecond);
    QCOMPARE(setups[0].op.idleTimeoutNs, 30 * kNsPerSecond);
    QVERIFY(setups[0].dedupFields.empty());
    // Per sensor (the MQTT topic's second level), sliding, early panes, QoS 1 redeliveries
    // dropped.
    QCOMPARE(setups[1].op.window.kind, weir::window::WindowKind::Sliding);
    QCOMPARE(setups[1].op.window.size, 5 * kNsPerMinute);
    QCOMPARE(setups[1].op.window.period, kNsPerMinute);
    QCOMPARE(setups[1].keyFields, std::vector<std::string>{"topic.1"});
    QCOMPARE(aggNames(setups[1]),
             (std::vector<std::string>{"count", "mean(value)", "max(value)", "p95(value)"}));
    QCOMPARE(setups[1].op.earlyIntervalNs, 10 * kNsPerSecond);
    QCOMPARE(setups[1].op.mode, weir::window::AccumulationMode::Accumulating);
    QCOMPARE(setups[1].dedupFields, std::vector<std::string>{"raw"});
    QCOMPARE(setups[1].op.dedupTtlNs, 10 * kNsPerMinute);
    // Log levels from Kafka, deduplicated on partition and offset.
    QCOMPARE(setups[2].keyFields, std::vector<std::string>{"level"});
    QCOMPARE(aggNames(setups[2]), (std::vector<std::string>{"count", "distinct(host)"}));
    QCOMPARE(setups[2].dedupFields, (std::vector<std::string>{"topic", "partition", "offset"}));
    QCOMPARE(setups[2].op.dedupTtlNs, 60 * kNsPerMinute);
}

QTEST_MAIN(TestDesktopSession)
#include "test_desktop_session.moc"
