// SPDX-License-Identifier: GPL-3.0-or-later
#include "desktop/secret_prompt.h"

#include "desktop/secret_store.h"

#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace weir::ui {

SecretAnswer askSecretWithDialog(QWidget *parent, const SecretRequest &request,
                                 bool persistentStore) {
    QDialog dialog(parent);
    dialog.setWindowTitle(QObject::tr("Weir: %1").arg(request.what));
    auto *layout = new QVBoxLayout(&dialog);
    auto *text = new QLabel(QObject::tr("%1 for %2").arg(request.what, request.account), &dialog);
    text->setTextFormat(Qt::PlainText); // account names come from workspace files
    text->setWordWrap(true);
    auto *edit = new QLineEdit(&dialog);
    edit->setObjectName(QStringLiteral("secretEdit"));
    edit->setEchoMode(QLineEdit::Password);
    auto *remember = new QCheckBox(persistentStore ? QObject::tr("Remember in the system keychain")
                                                   : QObject::tr("Remember until Weir quits"),
                                   &dialog);
    remember->setObjectName(QStringLiteral("rememberBox"));
    if (!persistentStore) {
        remember->setToolTip(QObject::tr("No system keychain was found: Weir asks again on "
                                         "its next start and never writes the password."));
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(text);
    layout->addWidget(edit);
    layout->addWidget(remember);
    layout->addWidget(buttons);
    edit->setFocus();

    SecretAnswer answer;
    if (dialog.exec() == QDialog::Accepted) {
        answer.given = true;
        answer.secret = edit->text();
        answer.remember = remember->isChecked();
    }
    edit->clear();
    return answer;
}

SecretResolver::SecretResolver(SecretStore *store, AskSecret ask, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_ask(std::move(ask)) {}

void SecretResolver::resolve(const SecretRequest &request, Done done) {
    QPointer<SecretResolver> self(this);
    m_store->read(request.key, [self, request, done](const SecretStore::Result &r) {
        if (!self)
            return;
        if (r.ok) {
            done(true, r.secret);
            return;
        }
        self->ask(request, r.error, done);
    });
}

void SecretResolver::ask(const SecretRequest &request, const QString &storeError,
                         const Done &done) {
    SecretRequest shown = request;
    if (!storeError.isEmpty())
        shown.account += tr(" (the keychain said: %1)").arg(storeError);
    const SecretAnswer answer = m_ask(shown, m_store->isPersistent());
    if (!answer.given) {
        done(false, QString());
        return;
    }
    if (answer.remember)
        m_store->write(request.key, answer.secret, [](const SecretStore::Result &) {});
    done(true, answer.secret);
}

void SecretResolver::forget(const QString &key) {
    m_store->remove(key, [](const SecretStore::Result &) {});
}

} // namespace weir::ui
