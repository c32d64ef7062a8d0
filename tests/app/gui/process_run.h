// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Runs one of the project's executables to completion for the app tests (bounded waits).
#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>

namespace weir::test {

struct ProcessRun {
    int exitCode = -1; // -1 when it did not start, crashed or was killed at the time limit
    QByteArray out;
    QByteArray err;
    QJsonObject stats; // the last stdout line that is a JSON object (--print-stats, --stats)
};

inline ProcessRun runProcess(const QString &program, const QStringList &args,
                             const QProcessEnvironment &env = {}) {
    QProcess p;
    if (!env.isEmpty())
        p.setProcessEnvironment(env);
    p.start(program, args);
    ProcessRun r;
    if (!p.waitForStarted(30000))
        return r;
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished(10000);
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    for (const QByteArray &line : r.out.split('\n')) {
        if (line.startsWith('{'))
            r.stats = QJsonDocument::fromJson(line).object();
    }
    return r;
}

} // namespace weir::test
