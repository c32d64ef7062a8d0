// SPDX-License-Identifier: GPL-3.0-or-later
#include "desktop/single_instance.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalServer>
#include <QLocalSocket>
#include <cstdio>

namespace weir::ui {

namespace {

constexpr qint64 kMaxRequestBytes = qint64{1} << 20;

} // namespace

SingleInstance::SingleInstance(QString name, QObject *parent)
    : QObject(parent)
    , m_name(std::move(name)) {}

SingleInstance::~SingleInstance() {
    if (m_server)
        m_server->close(); // removes the socket file
}

QString SingleInstance::defaultName() {
    const QString forced = qEnvironmentVariable("WEIR_INSTANCE_SOCKET");
    if (!forced.isEmpty())
        return forced;
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!runtime.isEmpty() && QFileInfo(runtime).isDir() && QFileInfo(runtime).isWritable())
        return QDir(runtime).filePath(QStringLiteral("weir-instance"));
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("LOGNAME");
    user.remove(QLatin1Char('/'));
    return QStringLiteral("weir-instance-%1").arg(user.isEmpty() ? QStringLiteral("user") : user);
}

bool SingleInstance::sendToRunning(const QStringList &files, const QString &workspace,
                                   int timeoutMs) const {
    const QDeadlineTimer deadline(timeoutMs);
    QLocalSocket socket;
    socket.connectToServer(m_name);
    if (!socket.waitForConnected(static_cast<int>(deadline.remainingTime())))
        return false;
    QJsonArray list;
    for (const QString &f : files)
        list.append(QFileInfo(f).absoluteFilePath());
    QJsonObject request{{QStringLiteral("files"), list}, {QStringLiteral("activate"), true}};
    if (!workspace.isEmpty())
        request.insert(QStringLiteral("workspace"), QFileInfo(workspace).absoluteFilePath());
    socket.write(QJsonDocument(request).toJson(QJsonDocument::Compact) + '\n');
    if (!socket.waitForBytesWritten(static_cast<int>(deadline.remainingTime())))
        return false;
    QByteArray reply;
    while (!reply.contains('\n') && !deadline.hasExpired()) {
        if (!socket.waitForReadyRead(static_cast<int>(deadline.remainingTime())))
            break;
        reply += socket.readAll();
    }
    return reply.startsWith("ok\n");
}

bool SingleInstance::listen() {
    if (m_server)
        return m_server->isListening();
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    connect(m_server, &QLocalServer::newConnection, this, &SingleInstance::acceptConnections);
    if (m_server->listen(m_name))
        return true;
    if (m_server->serverError() == QAbstractSocket::AddressInUseError) {
        // Nobody answered sendToRunning(), so the socket is left over from a crash.
        QLocalServer::removeServer(m_name);
        if (m_server->listen(m_name))
            return true;
    }
    std::fprintf(stderr, "weir: cannot listen on %s (%s); files opened later start a new window\n",
                 qPrintable(m_name), qPrintable(m_server->errorString()));
    return false;
}

bool SingleInstance::isListening() const {
    return m_server && m_server->isListening();
}

void SingleInstance::acceptConnections() {
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            if (!socket->canReadLine()) {
                if (socket->bytesAvailable() > kMaxRequestBytes)
                    socket->abort();
                return;
            }
            const QJsonObject request =
                QJsonDocument::fromJson(socket->readLine(kMaxRequestBytes)).object();
            QStringList files;
            for (const QJsonValue &v : request.value(QLatin1String("files")).toArray()) {
                if (v.isString() && !v.toString().isEmpty())
                    files << v.toString();
            }
            socket->write("ok\n");
            socket->flush();
            socket->disconnectFromServer();
            if (request.value(QLatin1String("activate")).toBool())
                Q_EMIT activationRequested();
            if (!files.isEmpty())
                Q_EMIT filesReceived(files);
            const QString workspace = request.value(QLatin1String("workspace")).toString();
            if (!workspace.isEmpty())
                Q_EMIT workspaceReceived(workspace);
        });
    }
}

} // namespace weir::ui
