// SPDX-License-Identifier: GPL-3.0-or-later
#include "desktop/secret_store.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusReply>
#include <QFileInfo>
#include <QPointer>
#include <QtGlobal>
#include <qt5keychain/keychain.h>

namespace weir::ui {

SessionSecretStore::~SessionSecretStore() {
    // Overwrite before the memory goes back to the allocator (best effort: QString may have
    // copied the text elsewhere, but nothing here keeps it longer than needed).
    for (auto it = m_secrets.begin(); it != m_secrets.end(); ++it)
        it.value().fill(QLatin1Char('\0'));
}

QString SessionSecretStore::backendName() const {
    return tr("this session only (no system keychain found)");
}

void SessionSecretStore::read(const QString &key, Callback done) {
    const auto it = m_secrets.constFind(key);
    Result r;
    if (it != m_secrets.constEnd()) {
        r.ok = true;
        r.secret = *it;
    }
    done(r);
}

void SessionSecretStore::write(const QString &key, const QString &secret, Callback done) {
    m_secrets.insert(key, secret);
    done(Result{true, {}, {}});
}

void SessionSecretStore::remove(const QString &key, Callback done) {
    m_secrets.remove(key);
    done(Result{true, {}, {}});
}

const QString KeychainSecretStore::kService = QStringLiteral("weir");

KeychainSecretStore::KeychainSecretStore(QObject *parent)
    : SecretStore(parent) {}

QString KeychainSecretStore::backendName() const {
    return tr("the system keychain");
}

namespace {

// Runs `job` and calls `done` once with its outcome; the job deletes itself when finished.
template<typename Job>
void runJob(Job *job, QObject *owner, const SecretStore::Callback &done,
            const std::function<void(Job *, SecretStore::Result &)> &onSuccess) {
    job->setAutoDelete(true);
    QPointer<QObject> guard(owner);
    QObject::connect(job, &QKeychain::Job::finished, owner, [job, guard, done, onSuccess] {
        if (!guard)
            return;
        SecretStore::Result r;
        if (job->error() == QKeychain::NoError) {
            r.ok = true;
            if (onSuccess)
                onSuccess(job, r);
        } else if (job->error() != QKeychain::EntryNotFound) {
            r.error = job->errorString();
        }
        done(r);
    });
    job->start();
}

} // namespace

void KeychainSecretStore::read(const QString &key, Callback done) {
    auto *job = new QKeychain::ReadPasswordJob(kService);
    job->setKey(key);
    runJob<QKeychain::ReadPasswordJob>(
        job, this, done,
        [](QKeychain::ReadPasswordJob *j, Result &r) { r.secret = j->textData(); });
}

void KeychainSecretStore::write(const QString &key, const QString &secret, Callback done) {
    auto *job = new QKeychain::WritePasswordJob(kService);
    job->setKey(key);
    job->setTextData(secret);
    runJob<QKeychain::WritePasswordJob>(job, this, done, {});
}

void KeychainSecretStore::remove(const QString &key, Callback done) {
    auto *job = new QKeychain::DeletePasswordJob(kService);
    job->setKey(key);
    runJob<QKeychain::DeletePasswordJob>(job, this, done, {});
}

SecretBackend chooseSecretBackend(const QString &override, const SecretBusState &bus) {
    if (override.compare(QLatin1String("keychain"), Qt::CaseInsensitive) == 0)
        return SecretBackend::Keychain;
    if (override.compare(QLatin1String("session"), Qt::CaseInsensitive) == 0)
        return SecretBackend::Session;
    if (!bus.connected)
        return SecretBackend::Session;
    static const char *const kKeychains[] = {"org.freedesktop.secrets", "org.kde.kwalletd5",
                                             "org.kde.kwalletd6", "org.kde.kwalletd"};
    for (const char *name : kKeychains) {
        if (bus.services.contains(QLatin1String(name)))
            return SecretBackend::Keychain;
    }
    return SecretBackend::Session;
}

SecretBusState currentSecretBusState() {
    SecretBusState state;
    const QByteArray address = qgetenv("DBUS_SESSION_BUS_ADDRESS");
    const QString runtimeBus = qEnvironmentVariable("XDG_RUNTIME_DIR") + QStringLiteral("/bus");
    if (address.isEmpty() &&
        !(qEnvironmentVariableIsSet("XDG_RUNTIME_DIR") && QFileInfo::exists(runtimeBus)))
        return state;
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected() || !bus.interface())
        return state;
    state.connected = true;
    const QDBusReply<QStringList> registered = bus.interface()->registeredServiceNames();
    if (registered.isValid())
        state.services += registered.value();
    // Activatable services start on first use (gnome-keyring is usually started this way).
    const QDBusReply<QStringList> activatable = bus.interface()->activatableServiceNames();
    if (activatable.isValid())
        state.services += activatable.value();
    return state;
}

SecretBackend chooseSecretBackend() {
    const QString override = qEnvironmentVariable("WEIR_SECRET_STORE");
    if (!override.isEmpty()) {
        const SecretBackend forced = chooseSecretBackend(override, SecretBusState{});
        if (override.compare(QLatin1String("keychain"), Qt::CaseInsensitive) == 0 ||
            override.compare(QLatin1String("session"), Qt::CaseInsensitive) == 0)
            return forced;
    }
    return chooseSecretBackend(QString(), currentSecretBusState());
}

std::unique_ptr<SecretStore> createSecretStore(SecretBackend backend, QObject *parent) {
    if (backend == SecretBackend::Keychain)
        return std::make_unique<KeychainSecretStore>(parent);
    return std::make_unique<SessionSecretStore>(parent);
}

} // namespace weir::ui
