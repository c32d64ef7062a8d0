// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

namespace weir::ui {

// Where Weir keeps passwords (Kafka SASL, MQTT, TLS key passphrases) between uses. Secrets are
// looked up by a key such as "weir/mqtt/host:1883/alice"; workspace files hold only that key.
// GUI thread only. Callbacks run on the GUI thread, either before the call returns (session
// store) or later from the event loop (keychain); the store outlives every pending callback
// only while it exists: a destroyed store drops them.
class SecretStore : public QObject {
    Q_OBJECT

public:
    struct Result {
        bool ok = false; // found (read) or done (write, remove)
        QString secret;  // read only
        QString error;   // empty with ok == false on read: no such entry
    };
    using Callback = std::function<void(const Result &)>;

    using QObject::QObject;

    virtual QString backendName() const = 0;
    // True when a secret written now is still there after Weir restarts.
    virtual bool isPersistent() const = 0;
    virtual void read(const QString &key, Callback done) = 0;
    virtual void write(const QString &key, const QString &secret, Callback done) = 0;
    virtual void remove(const QString &key, Callback done) = 0;
};

// The fallback when no keychain answers: secrets live in this process's memory only, and only
// those the user chose to keep until Weir quits; nothing is ever written to disk. Empty at
// start, so Weir asks again on each run.
class SessionSecretStore final : public SecretStore {
    Q_OBJECT

public:
    using SecretStore::SecretStore;
    ~SessionSecretStore() override;

    QString backendName() const override;
    bool isPersistent() const override { return false; }
    void read(const QString &key, Callback done) override;
    void write(const QString &key, const QString &secret, Callback done) override;
    void remove(const QString &key, Callback done) override;

private:
    QHash<QString, QString> m_secrets;
};

// The system keychain (Secret Service such as GNOME Keyring or KWallet) through QtKeychain,
// under the service name "weir". Jobs are asynchronous; each callback runs once.
class KeychainSecretStore final : public SecretStore {
    Q_OBJECT

public:
    explicit KeychainSecretStore(QObject *parent = nullptr);

    QString backendName() const override;
    bool isPersistent() const override { return true; }
    void read(const QString &key, Callback done) override;
    void write(const QString &key, const QString &secret, Callback done) override;
    void remove(const QString &key, Callback done) override;

    static const QString kService;
};

enum class SecretBackend { Keychain, Session };

// What answers on the session D-Bus, for chooseSecretBackend().
struct SecretBusState {
    bool connected = false;
    QStringList services; // registered and activatable names
};

// The keychain when a Secret Service (org.freedesktop.secrets) or KWallet answers on the
// session bus, else the session store. `override` is WEIR_SECRET_STORE: "keychain" or
// "session" force a backend (anything else is ignored).
SecretBackend chooseSecretBackend(const QString &override, const SecretBusState &bus);
// The same from this process's environment and session bus. Does not start a bus: without
// DBUS_SESSION_BUS_ADDRESS (or $XDG_RUNTIME_DIR/bus) it answers Session at once.
SecretBackend chooseSecretBackend();
SecretBusState currentSecretBusState();
std::unique_ptr<SecretStore> createSecretStore(SecretBackend backend, QObject *parent = nullptr);

} // namespace weir::ui
