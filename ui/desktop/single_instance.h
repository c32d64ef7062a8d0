// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

class QLocalServer;

namespace weir::ui {

// One Weir window per user: the first `weir` listens on a local socket only its user can open;
// a later `weir FILE...` hands the files over (the running window adds them as sources) and
// exits. Protocol: one JSON line {"files": [absolute paths], "workspace": path, "activate":
// true} answered by "ok\n". GUI thread only.
class SingleInstance final : public QObject {
    Q_OBJECT

public:
    // `name` is a QLocalServer name or an absolute socket path; see defaultName().
    explicit SingleInstance(QString name, QObject *parent = nullptr);
    ~SingleInstance() override;

    // $WEIR_INSTANCE_SOCKET if set, else $XDG_RUNTIME_DIR/weir-instance (a per-user directory),
    // else "weir-instance-<user>" in the temporary directory.
    static QString defaultName();

    // Hands `files` (and a workspace, if any) to a running instance; true when it acknowledged
    // them within `timeoutMs`. Blocks the calling thread (it runs before the window exists).
    bool sendToRunning(const QStringList &files, const QString &workspace = QString(),
                       int timeoutMs = 5000) const;
    // Becomes the running instance. A socket left by a crashed Weir is removed first. False
    // (with a warning on stderr) when listening fails: Weir then runs without the feature.
    bool listen();
    bool isListening() const;
    QString name() const { return m_name; }

Q_SIGNALS:
    // Another `weir` asked this one to open files (possibly none: just show the window).
    void filesReceived(const QStringList &files);
    void workspaceReceived(const QString &path);
    void activationRequested();

private:
    void acceptConnections();

    QString m_name;
    QLocalServer *m_server = nullptr;
};

} // namespace weir::ui
