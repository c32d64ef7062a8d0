// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <functional>

class QWidget;

namespace weir::ui {

class SecretStore;

struct SecretRequest {
    QString key;     // the keychain reference, e.g. "weir/mqtt/broker:1883/alice"
    QString what;    // e.g. "MQTT password"
    QString account; // e.g. "alice at broker:1883" (shown as plain text)
};

struct SecretAnswer {
    bool given = false; // false: cancelled
    QString secret;
    bool remember = false; // keep it in the store
};

// Asks the user for a secret. `persistentStore` says whether "remember" survives a restart
// (keychain) or lasts until Weir quits (session store).
using AskSecret = std::function<SecretAnswer(const SecretRequest &, bool persistentStore)>;

// A modal dialog with a masked line edit and a "remember" check box; labels are plain text.
SecretAnswer askSecretWithDialog(QWidget *parent, const SecretRequest &request,
                                 bool persistentStore);

// Gets secrets for sources: from the store, else by asking (a store error is shown in the
// question and asked past); the answer is written to the store only when the user ticks
// "remember". GUI thread only; `store` must outlive the resolver.
class SecretResolver final : public QObject {
    Q_OBJECT

public:
    using Done = std::function<void(bool ok, const QString &secret)>;

    SecretResolver(SecretStore *store, AskSecret ask, QObject *parent = nullptr);

    SecretStore *store() const { return m_store; }
    // Calls done once: ok with the secret, or !ok when the user cancelled.
    void resolve(const SecretRequest &request, Done done);
    // Forgets a secret that turned out wrong (a refused login), so the next resolve() asks.
    void forget(const QString &key);

private:
    void ask(const SecretRequest &request, const QString &storeError, const Done &done);

    SecretStore *m_store;
    AskSecret m_ask;
};

} // namespace weir::ui
