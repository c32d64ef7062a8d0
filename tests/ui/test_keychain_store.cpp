// SPDX-License-Identifier: GPL-3.0-or-later
// The keychain backend against a real Secret Service: run_with_keyring.sh starts a private
// D-Bus session and gnome-keyring-daemon (unlocked, in a temporary HOME), so Weir's backend
// selection must find it, and a secret written through QtKeychain comes back from a new store,
// is deleted, and never lies in clear in any file.
#include "desktop/secret_store.h"

#include <QDirIterator>
#include <QFile>
#include <QSignalSpy>
#include <QtTest>
#include <memory>

using namespace weir::ui;

namespace {

const QString kKey = QStringLiteral("weir/mqtt/127.0.0.1:1883/alice");
const QString kSecret = QStringLiteral("keyring-only-5e1c9b");

// Runs one store call and waits (bounded: 30 s) for its callback.
SecretStore::Result await(const std::function<void(SecretStore::Callback)> &call) {
    SecretStore::Result result;
    bool done = false;
    call([&](const SecretStore::Result &r) {
        result = r;
        done = true;
    });
    QDeadlineTimer deadline(30000);
    while (!done && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    if (!done)
        result.error = QStringLiteral("timed out");
    return result;
}

} // namespace

class TestKeychainStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void secretServiceIsChosen();
    void writeReadDelete();
};

void TestKeychainStore::secretServiceIsChosen() {
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
             "run through tests/ui/run_with_keyring.sh");
    qunsetenv("WEIR_SECRET_STORE");
    const SecretBusState bus = currentSecretBusState();
    QVERIFY(bus.connected);
    QVERIFY2(bus.services.contains(QStringLiteral("org.freedesktop.secrets")),
             qPrintable(bus.services.join(QLatin1Char(' '))));
    QCOMPARE(chooseSecretBackend(), SecretBackend::Keychain);
}

void TestKeychainStore::writeReadDelete() {
    {
        KeychainSecretStore store;
        const SecretStore::Result w =
            await([&](SecretStore::Callback cb) { store.write(kKey, kSecret, cb); });
        QVERIFY2(w.ok, qPrintable(w.error));
    }
    // A new store (as after a restart) finds it.
    KeychainSecretStore store;
    SecretStore::Result r = await([&](SecretStore::Callback cb) { store.read(kKey, cb); });
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.secret, kSecret);
    r = await([&](SecretStore::Callback cb) { store.read(kKey + QStringLiteral("/other"), cb); });
    QVERIFY(!r.ok);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error)); // missing is not an error

    // Stored encrypted: no file under HOME holds it in clear.
    QDirIterator it(QDir::homePath(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    int files = 0;
    while (it.hasNext()) {
        QFile f(it.next());
        if (!f.open(QIODevice::ReadOnly))
            continue;
        ++files;
        const QByteArray bytes = f.readAll();
        QVERIFY2(!bytes.contains(kSecret.toUtf8()), qPrintable(f.fileName()));
    }
    QVERIFY(files > 0); // the keyring file itself

    const SecretStore::Result d = await([&](SecretStore::Callback cb) { store.remove(kKey, cb); });
    QVERIFY2(d.ok, qPrintable(d.error));
    r = await([&](SecretStore::Callback cb) { store.read(kKey, cb); });
    QVERIFY(!r.ok);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
}

QTEST_GUILESS_MAIN(TestKeychainStore)
#include "test_keychain_store.moc"
