// SPDX-License-Identifier: GPL-3.0-or-later
// Desktop habits in ui/desktop: where secrets go (keychain or this session only, asked each
// time), workspaces that hold references but never a secret, recent files, the colour scheme
// readers and palettes, shortcut fallbacks, the icon and the About box.
#include "desktop/app_icon.h"
#include "desktop/recent_files.h"
#include "desktop/secret_prompt.h"
#include "desktop/secret_store.h"
#include "desktop/shortcuts.h"
#include "desktop/theme.h"
#include "desktop/workspace.h"
#include "dialogs/about_dialog.h"
#include "views/main_window.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStyle>
#include <QTemporaryDir>
#include <QtTest>

using namespace weir::ui;

namespace {

const QString kSecret = QStringLiteral("s3cr3t-Pa55word!");

WorkspaceSource mqttSource() {
    WorkspaceSource s;
    s.type = WorkspaceSource::Type::Mqtt;
    s.id = QStringLiteral("sensors");
    s.host = QStringLiteral("127.0.0.1");
    s.port = 1883;
    s.topics = QStringList{QStringLiteral("sensors/#")};
    s.user = QStringLiteral("alice");
    s.passwordKey = s.defaultSecretKey();
    return s;
}

} // namespace

class TestDesktop : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void backendSelection();
    void backendWithoutSessionBusIsTheSessionStore();
    void sessionStoreKeepsOnlyWhatItIsGiven();
    void withoutKeychainWeirAsksEachTime();
    void rememberedForTheSessionIsNotAskedAgain();
    void cancelledQuestionGivesNoSecret();
    void workspaceRoundTripsReferencesOnly();
    void savedWorkspaceNeverContainsTheSecret();
    void workspaceRefusesPasswordsInClear();
    void shippedExampleWorkspaceLoads();
    void recentFiles();
    void colorSchemeReaders();
    void themesSwitchPalettes();
    void shortcutsHaveFallbacks();
    void iconComesFromResources();
    void aboutShowsVersionsAndLicence();
};

void TestDesktop::backendSelection() {
    SecretBusState none;
    QCOMPARE(chooseSecretBackend(QString(), none), SecretBackend::Session);
    SecretBusState bare{true, {QStringLiteral("org.freedesktop.DBus")}};
    QCOMPARE(chooseSecretBackend(QString(), bare), SecretBackend::Session);
    SecretBusState gnome{true, {QStringLiteral("org.freedesktop.secrets")}};
    QCOMPARE(chooseSecretBackend(QString(), gnome), SecretBackend::Keychain);
    SecretBusState kde{true, {QStringLiteral("org.kde.kwalletd5")}};
    QCOMPARE(chooseSecretBackend(QString(), kde), SecretBackend::Keychain);
    // The environment override wins both ways.
    QCOMPARE(chooseSecretBackend(QStringLiteral("session"), gnome), SecretBackend::Session);
    QCOMPARE(chooseSecretBackend(QStringLiteral("keychain"), none), SecretBackend::Keychain);
    QCOMPARE(chooseSecretBackend(QStringLiteral("bogus"), gnome), SecretBackend::Keychain);
    QVERIFY(createSecretStore(SecretBackend::Keychain)->isPersistent());
    QVERIFY(!createSecretStore(SecretBackend::Session)->isPersistent());
}

// As in CI: no session bus at all. The real selection must not hang or start one.
void TestDesktop::backendWithoutSessionBusIsTheSessionStore() {
    QTemporaryDir runtime;
    const QByteArray savedBus = qgetenv("DBUS_SESSION_BUS_ADDRESS");
    const QByteArray savedRuntime = qgetenv("XDG_RUNTIME_DIR");
    const QByteArray savedForce = qgetenv("WEIR_SECRET_STORE");
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    qunsetenv("WEIR_SECRET_STORE");
    qputenv("XDG_RUNTIME_DIR", runtime.path().toLocal8Bit()); // no "bus" socket in it
    QVERIFY(!currentSecretBusState().connected);
    QCOMPARE(chooseSecretBackend(), SecretBackend::Session);
    qputenv("WEIR_SECRET_STORE", "keychain");
    QCOMPARE(chooseSecretBackend(), SecretBackend::Keychain);
    const auto restore = [](const char *name, const QByteArray &value) {
        if (value.isNull())
            qunsetenv(name);
        else
            qputenv(name, value);
    };
    restore("DBUS_SESSION_BUS_ADDRESS", savedBus);
    restore("XDG_RUNTIME_DIR", savedRuntime);
    restore("WEIR_SECRET_STORE", savedForce);
}

void TestDesktop::sessionStoreKeepsOnlyWhatItIsGiven() {
    SessionSecretStore store;
    QVERIFY(!store.isPersistent());
    SecretStore::Result got{true, QStringLiteral("x"), {}};
    store.read(QStringLiteral("k"), [&](const SecretStore::Result &r) { got = r; });
    QVERIFY(!got.ok);
    QVERIFY(got.error.isEmpty()); // not found is not an error
    bool written = false;
    store.write(QStringLiteral("k"), kSecret,
                [&](const SecretStore::Result &r) { written = r.ok; });
    QVERIFY(written);
    store.read(QStringLiteral("k"), [&](const SecretStore::Result &r) { got = r; });
    QVERIFY(got.ok);
    QCOMPARE(got.secret, kSecret);
    store.remove(QStringLiteral("k"), [](const SecretStore::Result &) {});
    store.read(QStringLiteral("k"), [&](const SecretStore::Result &r) { got = r; });
    QVERIFY(!got.ok);
}

void TestDesktop::withoutKeychainWeirAsksEachTime() {
    SessionSecretStore store;
    int asked = 0;
    bool sawPersistent = true;
    QString lastKey;
    SecretResolver resolver(&store, [&](const SecretRequest &req, bool persistent) {
        ++asked;
        sawPersistent = persistent;
        lastKey = req.key;
        return SecretAnswer{true, kSecret, false};
    });
    const SecretRequest request{mqttSource().passwordKey, QStringLiteral("MQTT password"),
                                QStringLiteral("alice at 127.0.0.1:1883")};
    for (int i = 0; i < 3; ++i) {
        QString secret;
        bool ok = false;
        resolver.resolve(request, [&](bool o, const QString &s) {
            ok = o;
            secret = s;
        });
        QVERIFY(ok);
        QCOMPARE(secret, kSecret);
    }
    QCOMPARE(asked, 3);
    QCOMPARE(lastKey, request.key);
    QVERIFY(!sawPersistent); // the dialog offers "until Weir quits", not the keychain
}

void TestDesktop::rememberedForTheSessionIsNotAskedAgain() {
    SessionSecretStore store;
    int asked = 0;
    SecretResolver resolver(&store, [&](const SecretRequest &, bool) {
        ++asked;
        return SecretAnswer{true, kSecret, true};
    });
    const SecretRequest request{QStringLiteral("weir/kafka/b:9092/bob"), QStringLiteral("Kafka"),
                                QStringLiteral("bob")};
    QString secret;
    resolver.resolve(request, [&](bool, const QString &s) { secret = s; });
    resolver.resolve(request, [&](bool, const QString &s) { secret = s; });
    QCOMPARE(asked, 1);
    QCOMPARE(secret, kSecret);
    resolver.forget(request.key); // e.g. the broker refused it
    resolver.resolve(request, [&](bool, const QString &s) { secret = s; });
    QCOMPARE(asked, 2);
}

void TestDesktop::cancelledQuestionGivesNoSecret() {
    SessionSecretStore store;
    SecretResolver resolver(&store, [](const SecretRequest &, bool) { return SecretAnswer{}; });
    bool called = false, ok = true;
    resolver.resolve(SecretRequest{QStringLiteral("k"), {}, {}}, [&](bool o, const QString &) {
        called = true;
        ok = o;
    });
    QVERIFY(called);
    QVERIFY(!ok);
}

void TestDesktop::workspaceRoundTripsReferencesOnly() {
    Workspace w;
    WorkspaceSource file;
    file.path = QStringLiteral("/var/log/a.log");
    file.format = QStringLiteral("combined");
    w.sources << file << mqttSource();
    WorkspaceSource kafka;
    kafka.type = WorkspaceSource::Type::Kafka;
    kafka.brokers = QStringLiteral("127.0.0.1:9092");
    kafka.topics = QStringList{QStringLiteral("logs")};
    kafka.user = QStringLiteral("bob");
    kafka.passwordKey = kafka.defaultSecretKey();
    kafka.tlsCa = QStringLiteral("/etc/ca.pem");
    kafka.tlsKey = QStringLiteral("/etc/client.key");
    kafka.tlsKeyPassphraseKey = kafka.defaultSecretKey(QStringLiteral("tls-key"));
    w.sources << kafka;
    w.extra.insert(QStringLiteral("filters"), QJsonArray{QStringLiteral("status>=500")});

    const QByteArray json = serializeWorkspace(w);
    Workspace back;
    QString error;
    QVERIFY2(parseWorkspace(json, &back, &error), qPrintable(error));
    QCOMPARE(back.sources.size(), 3);
    QCOMPARE(back.sources[0].path, file.path);
    QCOMPARE(back.sources[1].passwordKey, QStringLiteral("weir/mqtt/127.0.0.1:1883/alice"));
    QCOMPARE(back.sources[2].passwordKey, QStringLiteral("weir/kafka/127.0.0.1:9092/bob"));
    QCOMPARE(back.sources[2].tlsKeyPassphraseKey,
             QStringLiteral("weir/kafka/127.0.0.1:9092/bob/tls-key"));
    QVERIFY(back.extra.contains(QStringLiteral("filters")));
    QVERIFY(json.contains("\"keychain\": \"weir/mqtt/127.0.0.1:1883/alice\""));
}

// The whole path: the secret is asked for, used, then the workspace is saved to disk.
void TestDesktop::savedWorkspaceNeverContainsTheSecret() {
    SessionSecretStore store;
    SecretResolver resolver(&store, [](const SecretRequest &, bool) {
        return SecretAnswer{true, kSecret, true};
    });
    Workspace w;
    w.sources << mqttSource();
    QString used;
    resolver.resolve(SecretRequest{w.sources[0].passwordKey, {}, {}},
                     [&](bool, const QString &s) { used = s; });
    QCOMPARE(used, kSecret);

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("w.json"));
    QString error;
    QVERIFY2(saveWorkspaceFile(path, w, &error), qPrintable(error));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    QVERIFY(bytes.contains("weir/mqtt/127.0.0.1:1883/alice"));
    QVERIFY2(!bytes.contains(kSecret.toUtf8()), bytes.constData());
    QVERIFY(!bytes.contains(kSecret.toUtf8().toBase64()));
    // Nothing else in the directory either (QSaveFile leaves no temporary behind).
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("w.json")});
}

void TestDesktop::workspaceRefusesPasswordsInClear() {
    Workspace w;
    QString error;
    QVERIFY(!parseWorkspace(R"({"weirWorkspace":1,"sources":[{"type":"file","path":"/a"},
        {"type":"mqtt","host":"h","topics":["t"],"user":"u","password":"hunter2"}]})",
                            &w, &error));
    QVERIFY2(error.startsWith(QStringLiteral("sources[1].password: ")), qPrintable(error));
    QVERIFY(!error.contains(QStringLiteral("hunter2")));
    QVERIFY(!parseWorkspace(R"({"weirWorkspace":1,"sources":[{"type":"kafka","brokers":"b",
        "topics":["t"],"user":"u","tls":{"key":"k","keyPassphrase":"pw"}}]})",
                            &w, &error));
    QVERIFY2(error.startsWith(QStringLiteral("sources[0].tls.keyPassphrase: ")), qPrintable(error));
    QVERIFY(!parseWorkspace(R"({"weirWorkspace":1,"sources":[{"type":"ftp"}]})", &w, &error));
    QVERIFY2(error.startsWith(QStringLiteral("sources[0].type: ")), qPrintable(error));
    QVERIFY(!parseWorkspace("[1,2]", &w, &error));
    QVERIFY(!parseWorkspace(R"({"weirWorkspace":99})", &w, &error));
}

void TestDesktop::shippedExampleWorkspaceLoads() {
    Workspace w;
    QString error;
    QVERIFY2(loadWorkspaceFile(
                 QStringLiteral(WEIR_PACKAGING_DIR "/examples/workspace.example.json"), &w, &error),
             qPrintable(error));
    QCOMPARE(w.sources.size(), 3);
    QCOMPARE(w.sources[1].type, WorkspaceSource::Type::Mqtt);
    QCOMPARE(w.sources[1].passwordKey, w.sources[1].defaultSecretKey());
    // Kafka with SASL and an encrypted TLS key: two keychain references, no secret.
    QCOMPARE(w.sources[2].type, WorkspaceSource::Type::Kafka);
    QCOMPARE(w.sources[2].passwordKey, w.sources[2].defaultSecretKey());
    QCOMPARE(w.sources[2].tlsKeyPassphraseKey,
             w.sources[2].defaultSecretKey(QStringLiteral("tls-key")));
    QCOMPARE(w.sources[1].cleanSession, false);
    QCOMPARE(w.sources[2].saslMechanism, QStringLiteral("SCRAM-SHA-512"));
    QCOMPARE(w.sources[2].properties.size(), 1);
    QVERIFY(w.sources[0].follow); // tail -F
    QVERIFY(w.extra.contains(QStringLiteral("windows")));
}

void TestDesktop::recentFiles() {
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("weir.conf")), QSettings::IniFormat);
    RecentFiles recent(settings);
    QVERIFY(recent.entries().isEmpty());
    const QString a = dir.filePath(QStringLiteral("a.log"));
    QFile(a).open(QIODevice::WriteOnly);
    for (int i = 0; i < RecentFiles::kMaxEntries + 3; ++i)
        recent.add(dir.filePath(QStringLiteral("f%1.log").arg(i)), RecentFiles::Kind::LogFile);
    recent.add(dir.filePath(QStringLiteral("w.json")), RecentFiles::Kind::Workspace);
    recent.add(a, RecentFiles::Kind::LogFile);
    recent.add(a, RecentFiles::Kind::LogFile); // no duplicates
    const auto list = recent.entries();
    QCOMPARE(list.size(), RecentFiles::kMaxEntries);
    QCOMPARE(list[0].path, a);
    QCOMPARE(list[1].kind, RecentFiles::Kind::Workspace);
    QCOMPARE(list[2].path, dir.filePath(QStringLiteral("f12.log")));

    // Another object on the same settings sees the same list (it is what survives a restart).
    QSettings again(dir.filePath(QStringLiteral("weir.conf")), QSettings::IniFormat);
    QCOMPARE(RecentFiles(again).entries().size(), RecentFiles::kMaxEntries);

    QMenu menu;
    recent.attach(&menu);
    qRegisterMetaType<RecentFiles::Kind>("weir::ui::RecentFiles::Kind");
    QSignalSpy spy(&recent, &RecentFiles::openRequested);
    const QList<QAction *> actions = menu.actions();
    QVERIFY(actions.size() >= RecentFiles::kMaxEntries + 2); // entries, separator, Clear
    QVERIFY(actions[0]->isEnabled());                        // a.log exists
    QVERIFY(!actions[1]->isEnabled());                       // w.json does not
    actions[0]->trigger();
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toString(), a);
    actions.last()->trigger(); // Clear Recent
    QVERIFY(recent.entries().isEmpty());
}

void TestDesktop::colorSchemeReaders() {
    QCOMPARE(colorSchemeFromGsettings(QStringLiteral("'prefer-dark'\n")), ColorScheme::Dark);
    QCOMPARE(colorSchemeFromGsettings(QStringLiteral("'default'\n")), ColorScheme::Light);
    QCOMPARE(colorSchemeFromGsettings(QStringLiteral("'prefer-light'")), ColorScheme::Light);
    QCOMPARE(colorSchemeFromGsettings(QStringLiteral("No such key")), ColorScheme::Unknown);
    QCOMPARE(colorSchemeFromGtkTheme(QStringLiteral("Adwaita:dark")), ColorScheme::Dark);
    QCOMPARE(colorSchemeFromGtkTheme(QStringLiteral("Breeze-Dark")), ColorScheme::Dark);
    QCOMPARE(colorSchemeFromGtkTheme(QStringLiteral("Adwaita")), ColorScheme::Light);
    QCOMPARE(colorSchemeFromGtkTheme(QString()), ColorScheme::Unknown);

    QTemporaryDir dir;
    const QString kde = dir.filePath(QStringLiteral("kdeglobals"));
    QCOMPARE(colorSchemeFromKdeGlobals(kde), ColorScheme::Unknown); // no file
    QFile f(kde);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("[Colors:Window]\nBackgroundNormal=32,35,38\n\n[General]\nColorScheme=Custom\n");
    f.close();
    QCOMPARE(colorSchemeFromKdeGlobals(kde), ColorScheme::Dark);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write("[General]\nColorScheme=BreezeLight\n");
    f.close();
    QCOMPARE(colorSchemeFromKdeGlobals(kde), ColorScheme::Light);

    qputenv("WEIR_COLOR_SCHEME", "dark");
    QCOMPARE(detectDesktopColorScheme(), ColorScheme::Dark);
    qputenv("WEIR_COLOR_SCHEME", "light");
    QCOMPARE(detectDesktopColorScheme(), ColorScheme::Light);
    qunsetenv("WEIR_COLOR_SCHEME");
    QCOMPARE(themeChoiceFromName(themeChoiceName(ThemeChoice::Dark)), ThemeChoice::Dark);
    QCOMPARE(themeChoiceFromName(QStringLiteral("nonsense")), ThemeChoice::System);
}

void TestDesktop::themesSwitchPalettes() {
    const QColor startWindow = QApplication::palette().color(QPalette::Window);
    QVERIFY(darkPalette().color(QPalette::Window).lightnessF() < 0.3);
    QVERIFY(darkPalette().color(QPalette::Text).lightnessF() > 0.7);

    QCOMPARE(applyTheme(ThemeChoice::Dark, ColorScheme::Unknown), ColorScheme::Dark);
    QCOMPARE(QApplication::palette().color(QPalette::Window),
             darkPalette().color(QPalette::Window));
    QCOMPARE(QApplication::style()->objectName().toLower(), QStringLiteral("fusion"));
    MainWindow window; // widgets created now get the dark palette
    QCOMPARE(window.palette().color(QPalette::Window), darkPalette().color(QPalette::Window));

    QCOMPARE(applyTheme(ThemeChoice::System, ColorScheme::Light), ColorScheme::Light);
    QCOMPARE(QApplication::palette().color(QPalette::Window), startWindow);
    QCOMPARE(applyTheme(ThemeChoice::System, ColorScheme::Dark), ColorScheme::Dark);
    QCOMPARE(applyTheme(ThemeChoice::Light, ColorScheme::Dark), ColorScheme::Light);
    QVERIFY(QApplication::palette().color(QPalette::Window).lightnessF() > 0.5);
}

void TestDesktop::shortcutsHaveFallbacks() {
    const QKeySequence ctrlQ(Qt::CTRL | Qt::Key_Q);
    const QList<QKeySequence> quit = standardShortcutsOr(QKeySequence::Quit, ctrlQ);
    QVERIFY(!quit.isEmpty());
    if (QKeySequence::keyBindings(QKeySequence::Quit).isEmpty())
        QCOMPARE(quit, QList<QKeySequence>{ctrlQ}); // offscreen has no platform theme
    // A key the platform does bind keeps the platform's binding.
    const QList<QKeySequence> copy =
        standardShortcutsOr(QKeySequence::Copy, QKeySequence(Qt::Key_F12));
    QVERIFY(!copy.contains(QKeySequence(Qt::Key_F12)));

    MainWindow window;
    QAction *quitAction = nullptr;
    for (QAction *a : window.findChildren<QAction *>()) {
        if (a->menuRole() == QAction::QuitRole)
            quitAction = a;
    }
    QVERIFY(quitAction);
    QVERIFY(!quitAction->shortcut().isEmpty());

    // Every key the window binds does one thing: an ambiguous shortcut triggers nothing.
    QHash<QKeySequence, QString> owners;
    QStringList clashes;
    int bound = 0;
    for (QAction *a : window.findChildren<QAction *>()) {
        for (const QKeySequence &k : a->shortcuts()) {
            if (k.isEmpty())
                continue;
            ++bound;
            const QString name = a->text().isEmpty() ? a->objectName() : a->text();
            if (owners.contains(k) && owners.value(k) != name)
                clashes << k.toString() + QStringLiteral(": ") + owners.value(k) +
                               QStringLiteral(" / ") + name;
            owners.insert(k, name);
        }
    }
    QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QStringLiteral("; "))));
    QVERIFY(bound >= 5);
}

void TestDesktop::iconComesFromResources() {
    QVERIFY(QFile::exists(QStringLiteral(":/weir/icons/weir.svg")) ||
            !applicationIcon().isNull()); // registers the resources on first use
    QVERIFY(QFile::exists(QStringLiteral(":/weir/icons/weir.svg")));
    const QIcon icon = applicationIcon();
    QVERIFY(!icon.isNull());
    const QPixmap pm = icon.pixmap(64, 64);
    QVERIFY(!pm.isNull());
    QVERIFY(pm.width() > 0);
}

void TestDesktop::aboutShowsVersionsAndLicence() {
    const auto libs = AboutDialog::libraryVersions();
    QStringList names;
    for (const auto &l : libs) {
        names << l.first;
        QVERIFY2(!l.second.isEmpty(), qPrintable(l.first));
    }
    for (const char *want : {"Qt", "librdkafka", "libmosquitto", "RE2", "simdjson", "libmaxminddb"})
        QVERIFY2(names.contains(QLatin1String(want)), qPrintable(names.join(QLatin1Char(','))));
    QVERIFY(libs[0].second.contains(QString::fromLatin1(qVersion())));
    QVERIFY(libs[0].second.contains(QStringLiteral(QT_VERSION_STR)));

    AboutDialog dialog(QStringLiteral("9.8.7"));
    auto *title = dialog.findChild<QLabel *>(QStringLiteral("aboutTitle"));
    QVERIFY(title && title->text().contains(QStringLiteral("9.8.7")));
    auto *licence = dialog.findChild<QLabel *>(QStringLiteral("aboutLicence"));
    QVERIFY(licence && licence->text().contains(QStringLiteral("GPL-3.0-or-later")));
    auto *versions = dialog.findChild<QPlainTextEdit *>(QStringLiteral("aboutLibraries"));
    QVERIFY(versions);
    QVERIFY(versions->toPlainText().contains(QStringLiteral("librdkafka")));
    for (QLabel *l : dialog.findChildren<QLabel *>())
        QCOMPARE(l->textFormat(), Qt::PlainText);
}

QTEST_MAIN(TestDesktop)
#include "test_desktop.moc"
