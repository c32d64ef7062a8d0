// SPDX-License-Identifier: GPL-3.0-or-later
#include "desktop_session.h"

#include "desktop/secret_store.h"
#include "desktop/shortcuts.h"
#include "gui_controller.h"
#include "source_controls.h"
#include "views/main_window.h"
#include "weir/common/time_util.h"
#include "weir/source/kafka_source.h"
#include "weir/source/mqtt_source.h"
#include "workspace_windows.h"

#include <QAction>
#include <QActionGroup>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <cstdio>

namespace weir::app {

namespace {
const QString kRestoreKey = QStringLiteral("session/restoreLastWorkspace");
const QString kLastWorkspaceKey = QStringLiteral("session/lastWorkspace");
const QString kThemeKey = QStringLiteral("view/theme");
} // namespace

DesktopSession::DesktopSession(GuiController &controller, QSettings &settings,
                               std::unique_ptr<ui::SecretStore> secrets, ui::AskSecret ask,
                               QObject *parent)
    : QObject(parent)
    , m_controller(controller)
    , m_settings(settings)
    , m_secrets(std::move(secrets))
    , m_resolver(m_secrets.get(), std::move(ask))
    , m_recent(settings) {
    for (const std::string &f : controller.options().files) {
        ui::WorkspaceSource s;
        s.path = QFileInfo(QString::fromStdString(f)).absoluteFilePath();
        s.format = QString::fromStdString(controller.options().format);
        s.follow = controller.options().follow;
        m_workspace.sources << s;
    }
    connect(controller.window(), &ui::MainWindow::openFilesRequested, this,
            &DesktopSession::noteFilesOpened);
    if (SourceControls *sources = controller.sourceControls()) {
        connect(sources, &SourceControls::kafkaSourceAdded, this,
                &DesktopSession::recordKafkaSource);
        connect(sources, &SourceControls::mqttSourceAdded, this, &DesktopSession::recordMqttSource);
    }
    connect(&m_recent, &ui::RecentFiles::openRequested, this,
            [this](const QString &path, ui::RecentFiles::Kind kind) {
                if (kind == ui::RecentFiles::Kind::Workspace) {
                    openWorkspace(path);
                } else {
                    m_controller.openFiles({path});
                    noteFilesOpened({path});
                }
            });
}

DesktopSession::~DesktopSession() = default;

bool DesktopSession::restoreLastWorkspaceEnabled(const QSettings &settings) {
    return settings.value(kRestoreKey, false).toBool();
}

QString DesktopSession::lastWorkspace(const QSettings &settings) {
    return settings.value(kLastWorkspaceKey).toString();
}

QString DesktopSession::workspaceToRestore(const QSettings &settings) {
    if (!restoreLastWorkspaceEnabled(settings))
        return {};
    const QString last = lastWorkspace(settings);
    return !last.isEmpty() && QFileInfo::exists(last) ? last : QString();
}

ui::ThemeChoice DesktopSession::themeChoice(const QSettings &settings) {
    return ui::themeChoiceFromName(settings.value(kThemeKey).toString());
}

void DesktopSession::installMenus() {
    ui::MainWindow *window = m_controller.window();
    auto *openWorkspace = new QAction(tr("Open &Workspace…"), window);
    openWorkspace->setObjectName(QStringLiteral("openWorkspaceAction"));
    connect(openWorkspace, &QAction::triggered, this, &DesktopSession::openWorkspaceDialog);
    auto *saveWorkspace = new QAction(tr("&Save Workspace As…"), window);
    saveWorkspace->setObjectName(QStringLiteral("saveWorkspaceAction"));
    saveWorkspace->setShortcuts(ui::standardShortcutsOr(
        QKeySequence::SaveAs, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S)));
    connect(saveWorkspace, &QAction::triggered, this, &DesktopSession::saveWorkspaceAs);
    auto *followFile = new QAction(tr("&Follow File…"), window);
    followFile->setObjectName(QStringLiteral("followFileAction"));
    followFile->setToolTip(tr("Read a log file and keep reading what is appended, like tail -F"));
    connect(followFile, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(m_controller.window(), tr("Follow File"));
        if (!path.isEmpty())
            followFiles({path});
    });
    auto *recentMenu = new QMenu(tr("Open &Recent"), window);
    recentMenu->setObjectName(QStringLiteral("recentMenu"));
    m_recent.attach(recentMenu);
    auto *restore = new QAction(tr("Reopen the Last Workspace on Start"), window);
    restore->setObjectName(QStringLiteral("restoreWorkspaceAction"));
    restore->setCheckable(true);
    restore->setChecked(restoreLastWorkspaceEnabled(m_settings));
    connect(restore, &QAction::toggled, this, [this](bool on) {
        m_settings.setValue(kRestoreKey, on);
        m_settings.sync();
    });

    if (auto *file = window->findChild<QMenu *>(QStringLiteral("fileMenu"))) {
        QAction *before = nullptr; // the separator above Quit
        for (QAction *a : file->actions()) {
            if (a->isSeparator())
                before = a;
        }
        file->insertAction(before, followFile);
        file->insertMenu(before, recentMenu);
        file->insertSeparator(before);
        file->insertAction(before, openWorkspace);
        file->insertAction(before, saveWorkspace);
        file->insertAction(before, restore);
    }

    auto *themeMenu = new QMenu(tr("&Theme"), window);
    themeMenu->setObjectName(QStringLiteral("themeMenu"));
    auto *group = new QActionGroup(themeMenu);
    const ui::ThemeChoice current = themeChoice(m_settings);
    const std::pair<ui::ThemeChoice, QString> choices[] = {
        {ui::ThemeChoice::System, tr("Follow the &Desktop")},
        {ui::ThemeChoice::Light, tr("&Light")},
        {ui::ThemeChoice::Dark, tr("D&ark")}};
    for (const auto &[choice, label] : choices) {
        QAction *a = themeMenu->addAction(label);
        a->setObjectName(QStringLiteral("theme-") + ui::themeChoiceName(choice));
        a->setCheckable(true);
        a->setChecked(choice == current);
        group->addAction(a);
        const ui::ThemeChoice c = choice;
        connect(a, &QAction::triggered, this, [this, c] { setTheme(c); });
    }
    if (auto *view = window->findChild<QMenu *>(QStringLiteral("viewMenu"))) {
        view->addSeparator();
        view->addMenu(themeMenu);
    }
}

void DesktopSession::setTheme(ui::ThemeChoice choice) {
    m_settings.setValue(kThemeKey, ui::themeChoiceName(choice));
    m_settings.sync();
    ui::applyTheme(choice);
}

void DesktopSession::noteFilesOpened(const QStringList &paths) {
    for (const QString &p : paths) {
        ui::WorkspaceSource s;
        s.path = QFileInfo(p).absoluteFilePath();
        s.format = QString::fromStdString(m_controller.options().format);
        m_workspace.sources << s;
        if (m_recordRecent)
            m_recent.add(p, ui::RecentFiles::Kind::LogFile);
    }
}

void DesktopSession::followFiles(const QStringList &paths) {
    for (const QString &p : paths) {
        ui::WorkspaceSource s;
        s.path = QFileInfo(p).absoluteFilePath();
        s.format = QString::fromStdString(m_controller.options().format);
        s.follow = true;
        m_workspace.sources << s;
        m_controller.addFile(s.path.toStdString(), s.format.toStdString(), true);
    }
}

void DesktopSession::reportError(const QString &message, bool quiet) {
    std::fprintf(stderr, "weir: %s\n", qPrintable(message));
    if (quiet)
        return;
    QMessageBox box(QMessageBox::Warning, tr("Weir"), message, QMessageBox::Ok,
                    m_controller.window());
    box.setTextFormat(Qt::PlainText); // paths and parser messages are not markup
    box.exec();
}

void DesktopSession::openWorkspaceDialog() {
    const QString path = QFileDialog::getOpenFileName(
        m_controller.window(), tr("Open Workspace"), QFileInfo(lastWorkspace(m_settings)).path(),
        tr("Weir workspaces (*.json);;All files (*)"));
    if (!path.isEmpty())
        openWorkspace(path);
}

bool DesktopSession::openWorkspace(const QString &path, bool quiet) {
    ui::Workspace w;
    QString error;
    if (!ui::loadWorkspaceFile(path, &w, &error)) {
        reportError(tr("Cannot open the workspace %1: %2").arg(path, error), quiet);
        return false;
    }
    m_workspace.extra = w.extra;
    // The rules first: a new rule set restarts the pipeline, the sources then join the new one.
    const QJsonValue rules = w.extra.value(QLatin1String("rules"));
    if (!rules.isUndefined() && !applyWorkspaceRules(rules, QFileInfo(path).absolutePath(), &error))
        reportError(tr("The workspace %1: %2").arg(path, error), quiet);
    // The window pipelines replace those in force (without a restart: no order to keep).
    const QJsonValue windows = w.extra.value(QLatin1String("windows"));
    if (!windows.isUndefined() && !applyWorkspaceWindows(windows, &error))
        reportError(tr("The workspace %1: %2").arg(path, error), quiet);
    for (const ui::WorkspaceSource &s : w.sources) {
        m_workspace.sources << s;
        addWorkspaceSource(s);
    }
    if (m_recordRecent) {
        m_settings.setValue(kLastWorkspaceKey, QFileInfo(path).absoluteFilePath());
        m_recent.add(path, ui::RecentFiles::Kind::Workspace);
    }
    return true;
}

bool DesktopSession::applyWorkspaceRules(const QJsonValue &rules, const QString &folder,
                                         QString *error) {
    std::string json;
    std::string path;
    if (rules.isString()) {
        path = QDir(folder).absoluteFilePath(rules.toString()).toStdString();
        QFile f(QString::fromStdString(path));
        if (f.size() > (qint64{16} << 20)) {
            *error = tr("rules: %1 is larger than 16 MiB").arg(f.fileName());
            return false;
        }
        if (!f.open(QIODevice::ReadOnly)) {
            *error = tr("rules: cannot read %1: %2").arg(f.fileName(), f.errorString());
            return false;
        }
        json = f.readAll().toStdString();
    } else if (rules.isArray()) {
        json = QJsonDocument(QJsonObject{{QStringLiteral("rules"), rules}})
                   .toJson(QJsonDocument::Indented)
                   .toStdString();
    } else if (!rules.isNull()) {
        *error = tr("rules: expected the name of a rules file or a list of rules");
        return false;
    }
    std::string why;
    if (m_controller.setRules(json, path, &why))
        return true;
    *error = rules.isString()
                 ? tr("%1: %2").arg(QString::fromStdString(path), QString::fromStdString(why))
                 : QString::fromStdString(why);
    return false;
}

bool DesktopSession::applyWorkspaceWindows(const QJsonValue &windows, QString *error) {
    std::vector<window::WindowSetupText> setups;
    if (!windowSetupsFromJson(windows, &setups, error))
        return false;
    std::string why;
    if (m_controller.setWindowSetups(std::move(setups), &why))
        return true;
    *error = QStringLiteral("windows: ") + QString::fromStdString(why);
    return false;
}

QJsonValue DesktopSession::workspaceRules(const QString &folder) const {
    const QString path = QString::fromStdString(m_controller.rulesPath());
    if (!path.isEmpty()) {
        const QString relative = QDir(folder).relativeFilePath(path);
        return relative.startsWith(QLatin1String("..")) ? QFileInfo(path).absoluteFilePath()
                                                        : relative;
    }
    const std::string &json = m_controller.rulesJson();
    if (json.empty())
        return QJsonValue(QJsonValue::Undefined);
    // The rules in force were loaded from this text: {"rules": [...]} or a bare list.
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(json));
    return doc.isArray() ? QJsonValue(doc.array()) : doc.object().value(QLatin1String("rules"));
}

void DesktopSession::addWorkspaceSource(const ui::WorkspaceSource &s) {
    if (s.type == ui::WorkspaceSource::Type::File) {
        m_controller.addFile(s.path.toStdString(), s.format.toStdString(), s.follow);
        return;
    }
    // Secrets one after the other, then the source; a cancelled question skips the source.
    const QString what =
        s.type == ui::WorkspaceSource::Type::Mqtt ? tr("MQTT password") : tr("Kafka password");
    const QString account = tr("%1 at %2").arg(s.user, s.endpoint());
    auto withPassphrase = [this, s](const QString &password) {
        if (s.tlsKeyPassphraseKey.isEmpty()) {
            startLiveSource(s, password, QString());
            return;
        }
        m_resolver.resolve(
            ui::SecretRequest{s.tlsKeyPassphraseKey, tr("TLS key passphrase"), s.tlsKey},
            [this, s, password](bool ok, const QString &passphrase) {
                if (ok)
                    startLiveSource(s, password, passphrase);
                else
                    m_controller.window()->statusBar()->showMessage(
                        tr("%1 not started: no TLS key passphrase").arg(s.endpoint()), 15000);
            });
    };
    if (!s.needsPassword()) {
        withPassphrase(QString());
        return;
    }
    m_resolver.resolve(ui::SecretRequest{s.passwordKey, what, account},
                       [this, s, withPassphrase](bool ok, const QString &password) {
                           if (ok)
                               withPassphrase(password);
                           else
                               m_controller.window()->statusBar()->showMessage(
                                   tr("%1 not started: no password").arg(s.endpoint()), 15000);
                       });
}

void DesktopSession::startLiveSource(const ui::WorkspaceSource &s, const QString &password,
                                     const QString &keyPassphrase) {
    const std::string format = s.format.toStdString();
    std::vector<std::string> topics;
    for (const QString &t : s.topics)
        topics.push_back(t.toStdString());
    std::string error;
    if (s.type == ui::WorkspaceSource::Type::Mqtt) {
        source::MqttSource::Options m;
        m.host = s.host.toStdString();
        m.port = s.port > 0 ? s.port : (s.tlsCa.isEmpty() && s.tlsCaPath.isEmpty() ? 1883 : 8883);
        m.topics = topics;
        m.qos = s.qos;
        m.clientId = s.clientId.toStdString();
        m.cleanSession = s.cleanSession;
        if (s.mqttVersion == 5)
            m.protocolVersion = 5;
        if (s.keepAliveSeconds > 0)
            m.keepAliveSeconds = s.keepAliveSeconds;
        m.tlsCaPath = s.tlsCaPath.toStdString();
        m.username = s.user.toStdString();
        m.password = password.toStdString();
        m.tlsCaFile = s.tlsCa.toStdString();
        m.tlsCertFile = s.tlsCert.toStdString();
        m.tlsKeyFile = s.tlsKey.toStdString();
        m.tlsKeyPassphrase = keyPassphrase.toStdString();
        m.tlsInsecure = s.tlsInsecure;
        m.format = format;
        error = source::MqttSource::validate(m);
        if (error.empty()) {
            m_controller.addSource(m_controller.sourceControls()->switchable(
                                       [m] { return std::make_unique<source::MqttSource>(m); }),
                                   "mqtt " + s.endpoint().toStdString());
            return;
        }
    } else {
        source::KafkaSource::Options k;
        k.brokers = s.brokers.toStdString();
        k.topics = topics;
        k.groupId = s.group.toStdString();
        if (s.from == QLatin1String("earliest"))
            k.startAt = source::KafkaSource::StartAt::Earliest;
        else if (s.from == QLatin1String("offsets")) {
            k.startAt = source::KafkaSource::StartAt::Offsets;
            for (const ui::WorkspaceOffset &o : s.offsets)
                k.offsets.push_back({o.topic.toStdString(), o.partition, o.offset});
        } else if (!s.from.isEmpty() && s.from != QLatin1String("latest")) {
            k.startAt = source::KafkaSource::StartAt::Timestamp;
            if (!parseIso8601(s.from.toStdString(), k.startTime))
                error = "from: expected earliest, latest or an ISO 8601 time";
        }
        k.username = s.user.toStdString();
        k.password = password.toStdString();
        k.saslMechanism = s.saslMechanism.toStdString();
        for (const auto &[name, value] : s.properties)
            k.properties.emplace_back(name.toStdString(), value.toStdString());
        k.tlsCaFile = s.tlsCa.toStdString();
        k.tlsCertFile = s.tlsCert.toStdString();
        k.tlsKeyFile = s.tlsKey.toStdString();
        if (!keyPassphrase.isEmpty())
            k.properties.emplace_back("ssl.key.password", keyPassphrase.toStdString());
        k.format = format;
        if (error.empty())
            error = source::KafkaSource::validate(k);
        if (error.empty()) {
            m_controller.addSource(m_controller.sourceControls()->switchable(
                                       [k] { return std::make_unique<source::KafkaSource>(k); }),
                                   "kafka " + s.brokers.toStdString());
            return;
        }
    }
    reportError(tr("%1 not started: %2").arg(s.endpoint(), QString::fromStdString(error)), true);
    m_controller.window()->statusBar()->showMessage(
        tr("%1 not started: %2").arg(s.endpoint(), QString::fromStdString(error)), 15000);
}

void DesktopSession::keepSecret(const QString &key, const QString &secret) {
    if (!m_secrets)
        return;
    m_secrets->write(key, secret, [this, key](const ui::SecretStore::Result &r) {
        if (!r.ok)
            m_controller.window()->statusBar()->showMessage(
                tr("Could not keep a secret in %1 (%2): Weir will ask for it")
                    .arg(m_secrets ? m_secrets->backendName() : QString(), r.error),
                15000);
    });
}

void DesktopSession::recordKafkaSource(const source::KafkaSource::Options &k) {
    ui::WorkspaceSource s;
    s.type = ui::WorkspaceSource::Type::Kafka;
    s.format = QString::fromStdString(k.format);
    s.brokers = QString::fromStdString(k.brokers);
    for (const std::string &t : k.topics)
        s.topics << QString::fromStdString(t);
    s.group = QString::fromStdString(k.groupId);
    switch (k.startAt) {
    case source::KafkaSource::StartAt::Earliest:
        s.from = QStringLiteral("earliest");
        break;
    case source::KafkaSource::StartAt::Latest:
        break;
    case source::KafkaSource::StartAt::Timestamp:
        s.from = QString::fromStdString(formatRfc3339Ms(k.startTime));
        break;
    case source::KafkaSource::StartAt::Offsets:
        s.from = QStringLiteral("offsets");
        for (const auto &o : k.offsets)
            s.offsets << ui::WorkspaceOffset{QString::fromStdString(o.topic), o.partition,
                                             o.offset};
        break;
    }
    s.user = QString::fromStdString(k.username);
    s.saslMechanism = QString::fromStdString(k.saslMechanism);
    s.tlsCa = QString::fromStdString(k.tlsCaFile);
    s.tlsCert = QString::fromStdString(k.tlsCertFile);
    s.tlsKey = QString::fromStdString(k.tlsKeyFile);
    if (!k.password.empty() && !s.user.isEmpty()) {
        s.passwordKey = s.defaultSecretKey();
        keepSecret(s.passwordKey, QString::fromStdString(k.password));
    }
    QStringList dropped;
    for (const auto &[name, value] : k.properties) {
        const QString n = QString::fromStdString(name);
        if (n == QLatin1String("ssl.key.password")) {
            s.tlsKeyPassphraseKey = s.defaultSecretKey(QStringLiteral("tls-key"));
            keepSecret(s.tlsKeyPassphraseKey, QString::fromStdString(value));
        } else if (ui::isSecretProperty(n)) {
            dropped << n;
        } else {
            s.properties.append({n, QString::fromStdString(value)});
        }
    }
    if (!dropped.isEmpty())
        m_controller.window()->statusBar()->showMessage(
            tr("Not kept in the workspace (secrets): %1").arg(dropped.join(QStringLiteral(", "))),
            15000);
    m_workspace.sources << s;
}

void DesktopSession::recordMqttSource(const source::MqttSource::Options &m) {
    ui::WorkspaceSource s;
    s.type = ui::WorkspaceSource::Type::Mqtt;
    s.format = QString::fromStdString(m.format);
    s.host = QString::fromStdString(m.host);
    s.port = m.port;
    for (const std::string &t : m.topics)
        s.topics << QString::fromStdString(t);
    s.qos = m.qos;
    s.clientId = QString::fromStdString(m.clientId);
    s.cleanSession = m.cleanSession;
    s.mqttVersion = m.protocolVersion == 5 ? 5 : 0;
    s.user = QString::fromStdString(m.username);
    s.keepAliveSeconds = m.keepAliveSeconds;
    s.tlsCa = QString::fromStdString(m.tlsCaFile);
    s.tlsCaPath = QString::fromStdString(m.tlsCaPath);
    s.tlsCert = QString::fromStdString(m.tlsCertFile);
    s.tlsKey = QString::fromStdString(m.tlsKeyFile);
    s.tlsInsecure = m.tlsInsecure;
    if (!m.password.empty() && !s.user.isEmpty()) {
        s.passwordKey = s.defaultSecretKey();
        keepSecret(s.passwordKey, QString::fromStdString(m.password));
    }
    if (!m.tlsKeyPassphrase.empty() && !m.tlsKeyFile.empty()) {
        s.tlsKeyPassphraseKey = s.defaultSecretKey(QStringLiteral("tls-key"));
        keepSecret(s.tlsKeyPassphraseKey, QString::fromStdString(m.tlsKeyPassphrase));
    }
    m_workspace.sources << s;
}

bool DesktopSession::saveWorkspace(const QString &path, QString *error) {
    ui::Workspace w = m_workspace;
    const QJsonValue rules = workspaceRules(QFileInfo(path).absolutePath());
    if (rules.isUndefined())
        w.extra.remove(QStringLiteral("rules"));
    else
        w.extra.insert(QStringLiteral("rules"), rules);
    const QJsonArray windows = windowSetupsToJson(m_controller.windowSetups());
    if (windows.isEmpty())
        w.extra.remove(QStringLiteral("windows"));
    else
        w.extra.insert(QStringLiteral("windows"), windows);
    if (!ui::saveWorkspaceFile(path, w, error))
        return false;
    m_settings.setValue(kLastWorkspaceKey, QFileInfo(path).absoluteFilePath());
    m_recent.add(path, ui::RecentFiles::Kind::Workspace);
    return true;
}

void DesktopSession::saveWorkspaceAs() {
    QString path =
        QFileDialog::getSaveFileName(m_controller.window(), tr("Save Workspace"),
                                     lastWorkspace(m_settings), tr("Weir workspaces (*.json)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".json");
    QString error;
    if (!saveWorkspace(path, &error))
        reportError(error, false);
}

} // namespace weir::app
