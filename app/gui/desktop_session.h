// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "desktop/recent_files.h"
#include "desktop/secret_prompt.h"
#include "desktop/theme.h"
#include "desktop/workspace.h"
#include "weir/source/kafka_source.h"
#include "weir/source/mqtt_source.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <memory>

class QAction;
class QJsonValue;
class QSettings;

namespace weir::ui {
class SecretStore;
}

namespace weir::app {

class GuiController;

// Desktop habits around the controller: workspaces (open, save, reopen on start), File → Open
// Recent, View → Theme, and secrets for live sources (the system keychain, else asked each
// time). Owns the secret store; the controller and settings must outlive it. GUI thread only.
class DesktopSession final : public QObject {
    Q_OBJECT

public:
    DesktopSession(GuiController &controller, QSettings &settings,
                   std::unique_ptr<ui::SecretStore> secrets, ui::AskSecret ask,
                   QObject *parent = nullptr);
    ~DesktopSession() override;

    // Adds the File and View menu entries to the controller's window.
    void installMenus();
    // Opens a workspace: puts its alert rules in force, adds its sources (asking for secrets
    // as needed) and remembers it. False with a message (on stderr, and in a message box
    // unless `quiet`) when unreadable; rules that do not load are reported the same way, and
    // the sources are opened all the same.
    bool openWorkspace(const QString &path, bool quiet = false);
    // Writes the current sources and rules as a workspace: references to secrets only. The
    // rules are written as the path of their rules file (relative to the workspace when it is
    // in the workspace's folder), else inline as a list.
    bool saveWorkspace(const QString &path, QString *error);
    // Whether opened files and workspaces go to Open Recent and the settings (not in
    // automated runs). On by default.
    void setRecordRecent(bool on) { m_recordRecent = on; }
    // Files added through File → Open, a drop or another `weir FILE`.
    void noteFilesOpened(const QStringList &paths);
    // File → Follow File: adds the files as followed inputs (tail -F) and to the workspace.
    void followFiles(const QStringList &paths);

    const ui::Workspace &workspace() const { return m_workspace; }
    ui::SecretStore *secretStore() const { return m_secrets.get(); }

    // Settings keys.
    static bool restoreLastWorkspaceEnabled(const QSettings &settings);
    static QString lastWorkspace(const QSettings &settings);
    // The last workspace when "reopen on start" is on and the file still exists, else empty.
    static QString workspaceToRestore(const QSettings &settings);
    static ui::ThemeChoice themeChoice(const QSettings &settings);

private:
    // A source added from a Kafka/MQTT dialog joins the workspace: its settings, and its
    // secrets written to the secret store with references in the workspace.
    void recordKafkaSource(const source::KafkaSource::Options &options);
    void recordMqttSource(const source::MqttSource::Options &options);
    void keepSecret(const QString &key, const QString &secret);
    void addWorkspaceSource(const ui::WorkspaceSource &source);
    // "rules": a rules file's path (relative to `folder`) or a list of rules.
    bool applyWorkspaceRules(const QJsonValue &rules, const QString &folder, QString *error);
    QJsonValue workspaceRules(const QString &folder) const;
    // "windows": the window pipelines (workspace_windows.h); they replace those in force.
    bool applyWorkspaceWindows(const QJsonValue &windows, QString *error);
    void startLiveSource(const ui::WorkspaceSource &source, const QString &password,
                         const QString &keyPassphrase);
    void reportError(const QString &message, bool quiet);
    void saveWorkspaceAs();
    void openWorkspaceDialog();
    void setTheme(ui::ThemeChoice choice);

    GuiController &m_controller;
    QSettings &m_settings;
    std::unique_ptr<ui::SecretStore> m_secrets;
    ui::SecretResolver m_resolver;
    ui::RecentFiles m_recent;
    ui::Workspace m_workspace;
    bool m_recordRecent = true;
};

} // namespace weir::app
