// SPDX-License-Identifier: GPL-3.0-or-later
// Single-instance behaviour with two real `weir` processes, offscreen: the second `weir FILE`
// hands FILE to the first, which adds it as a source, and exits 0 at once. And the start of a
// real `weir` with "reopen the last workspace on start" on, off, or with a file given.
#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

namespace {

const QString kSample = QStringLiteral(WEIR_RESOURCES_DIR "/samples/access.log");
constexpr int kSampleRows = 298; // 300 lines, 2 dead letters

QJsonObject statsLine(const QByteArray &out) {
    QJsonObject stats;
    for (const QByteArray &line : out.split('\n')) {
        if (line.startsWith('{'))
            stats = QJsonDocument::fromJson(line).object();
    }
    return stats;
}

} // namespace

class TestSingleInstance : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void secondWeirHandsItsFileToTheFirst();
    void staleSocketDoesNotStopWeir();
    void newInstanceStaysApart();
    void restoresTheLastWorkspaceOnStart();

private:
    QProcessEnvironment environment() const;

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestSingleInstance::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

// A private socket and settings directory per test: nothing shared with a user's real Weir or
// with tests running in parallel.
QProcessEnvironment TestSingleInstance::environment() const {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("WEIR_INSTANCE_SOCKET"), m_dir->filePath(QStringLiteral("sock")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir->filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("WEIR_SECRET_STORE"), QStringLiteral("session"));
    return env;
}

void TestSingleInstance::secondWeirHandsItsFileToTheFirst() {
    const QString first = m_dir->filePath(QStringLiteral("first.log"));
    const QString second = m_dir->filePath(QStringLiteral("second.log"));
    QVERIFY(QFile::copy(kSample, first));
    QVERIFY(QFile::copy(kSample, second));

    QProcess a;
    a.setProcessEnvironment(environment());
    a.start(QStringLiteral(WEIR_GUI_PATH),
            {QStringLiteral("--single-instance"), QStringLiteral("--exit-when-rows"),
             QString::number(2 * kSampleRows), QStringLiteral("--exit-after"),
             QStringLiteral("120000"), QStringLiteral("--print-stats"), first});
    QVERIFY(a.waitForStarted(30000));
    // The first Weir listens once its socket exists (bounded: 60 s).
    const QString socket = m_dir->filePath(QStringLiteral("sock"));
    QDeadlineTimer listening(60000);
    while (!QFileInfo::exists(socket) && !listening.hasExpired() && a.state() == QProcess::Running)
        a.waitForFinished(50);
    QVERIFY2(QFileInfo::exists(socket), a.readAllStandardError().constData());

    QProcess b;
    b.setProcessEnvironment(environment());
    b.start(QStringLiteral(WEIR_GUI_PATH), {second});
    QVERIFY(b.waitForStarted(30000));
    QVERIFY2(b.waitForFinished(60000), "the second weir did not exit");
    QCOMPARE(b.exitStatus(), QProcess::NormalExit);
    QVERIFY2(b.exitCode() == 0, b.readAllStandardError().constData());
    QVERIFY(b.readAllStandardOutput().isEmpty());

    // The first one now replays both files: it reaches both files' rows and quits.
    if (!a.waitForFinished(120000)) {
        a.kill();
        a.waitForFinished(10000);
        QFAIL("the first weir did not reach the rows of both files");
    }
    QCOMPARE(a.exitStatus(), QProcess::NormalExit);
    const QByteArray err = a.readAllStandardError();
    QVERIFY2(a.exitCode() == 0, err.constData());
    const QJsonObject stats = statsLine(a.readAllStandardOutput());
    QCOMPARE(stats.value(QStringLiteral("exit")).toString(), QStringLiteral("rows"));
    QCOMPARE(stats.value(QStringLiteral("rows")).toInt(), 2 * kSampleRows);
    QVERIFY(!QFileInfo::exists(socket)); // removed on exit
}

// A socket left behind by a crash: nobody answers, so Weir removes it and listens itself.
void TestSingleInstance::staleSocketDoesNotStopWeir() {
    QFile stale(m_dir->filePath(QStringLiteral("sock")));
    QVERIFY(stale.open(QIODevice::WriteOnly));
    stale.close();
    QProcess a;
    a.setProcessEnvironment(environment());
    a.start(QStringLiteral(WEIR_GUI_PATH),
            {QStringLiteral("--single-instance"), QStringLiteral("--exit-when-finished"),
             QStringLiteral("--exit-after"), QStringLiteral("120000"),
             QStringLiteral("--print-stats"), kSample});
    QVERIFY(a.waitForStarted(30000));
    QVERIFY(a.waitForFinished(120000));
    QVERIFY2(a.exitCode() == 0, a.readAllStandardError().constData());
    const QJsonObject stats = statsLine(a.readAllStandardOutput());
    QCOMPARE(stats.value(QStringLiteral("rows")).toInt(), kSampleRows);
}

// --new-instance never hands over: with a first Weir listening, it runs its own window.
void TestSingleInstance::newInstanceStaysApart() {
    QProcess a;
    a.setProcessEnvironment(environment());
    a.start(QStringLiteral(WEIR_GUI_PATH),
            {QStringLiteral("--single-instance"), QStringLiteral("--exit-after"),
             QStringLiteral("120000"), QStringLiteral("--exit-when-rows"),
             QStringLiteral("1000000000"), kSample});
    QVERIFY(a.waitForStarted(30000));
    const QString socket = m_dir->filePath(QStringLiteral("sock"));
    QDeadlineTimer listening(60000);
    while (!QFileInfo::exists(socket) && !listening.hasExpired() && a.state() == QProcess::Running)
        a.waitForFinished(50);
    QVERIFY(QFileInfo::exists(socket));

    QProcess b;
    b.setProcessEnvironment(environment());
    b.start(QStringLiteral(WEIR_GUI_PATH),
            {QStringLiteral("--new-instance"), QStringLiteral("--exit-when-finished"),
             QStringLiteral("--exit-after"), QStringLiteral("120000"),
             QStringLiteral("--print-stats"), kSample});
    QVERIFY(b.waitForStarted(30000));
    const bool bDone = b.waitForFinished(120000);
    a.kill();
    a.waitForFinished(10000);
    QVERIFY(bDone);
    QVERIFY2(b.exitCode() == 0, b.readAllStandardError().constData());
    QCOMPARE(statsLine(b.readAllStandardOutput()).value(QStringLiteral("rows")).toInt(),
             kSampleRows);
}

void TestSingleInstance::restoresTheLastWorkspaceOnStart() {
    // A workspace with one file input, remembered as the last one in Weir's own settings file
    // (QSettings: $XDG_CONFIG_HOME/weir/weir.conf).
    const QString log = m_dir->filePath(QStringLiteral("restored.log"));
    QVERIFY(QFile::copy(kSample, log));
    const QString workspace = m_dir->filePath(QStringLiteral("last.json"));
    {
        QFile f(workspace);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral(R"({"weirWorkspace": 1, "sources": [{"id": "web", "type": "file",
            "path": "%1", "format": "combined"}]})")
                    .arg(log)
                    .toUtf8());
    }
    const auto setRestore = [&](bool on) {
        QSettings settings(m_dir->filePath(QStringLiteral("config/weir/weir.conf")),
                           QSettings::IniFormat);
        settings.setValue(QStringLiteral("session/restoreLastWorkspace"), on);
        settings.setValue(QStringLiteral("session/lastWorkspace"), workspace);
        settings.sync();
        return settings.status() == QSettings::NoError;
    };
    const auto run = [&](const QStringList &args) {
        QProcess p;
        p.setProcessEnvironment(environment());
        p.start(QStringLiteral(WEIR_GUI_PATH),
                QStringList{QStringLiteral("--restore-session"), QStringLiteral("--print-stats"),
                            QStringLiteral("--demo-rate"), QStringLiteral("1")} +
                    args);
        if (!p.waitForStarted(30000) || !p.waitForFinished(150000)) {
            p.kill();
            p.waitForFinished(10000);
            return QJsonObject{{QStringLiteral("error"), QStringLiteral("did not finish")}};
        }
        QJsonObject stats = statsLine(p.readAllStandardOutput());
        stats.insert(QStringLiteral("status"), p.exitCode());
        stats.insert(QStringLiteral("stderr"), QString::fromLocal8Bit(p.readAllStandardError()));
        return stats;
    };

    // On: no input on the command line, so the workspace's file is replayed (not the demo).
    QVERIFY(setRestore(true));
    QJsonObject stats = run({QStringLiteral("--exit-when-finished"), QStringLiteral("--exit-after"),
                             QStringLiteral("120000")});
    QVERIFY2(stats.value(QStringLiteral("status")).toInt() == 0,
             qPrintable(stats.value(QStringLiteral("stderr")).toString()));
    QCOMPARE(stats.value(QStringLiteral("exit")).toString(), QStringLiteral("finished"));
    QCOMPARE(stats.value(QStringLiteral("rows")).toInt(), kSampleRows);

    // A file on the command line wins over the setting: only that file is replayed.
    const QString other = m_dir->filePath(QStringLiteral("other.log"));
    QVERIFY(QFile::copy(kSample, other));
    stats = run({QStringLiteral("--exit-when-finished"), QStringLiteral("--exit-after"),
                 QStringLiteral("120000"), other});
    QCOMPARE(stats.value(QStringLiteral("exit")).toString(), QStringLiteral("finished"));
    QCOMPARE(stats.value(QStringLiteral("rows")).toInt(), kSampleRows);

    // Off (the default): the live demo at one event per second, nowhere near the file's rows
    // in the time given; --exit-when-rows is not met, so the exit is a timeout (3).
    QVERIFY(setRestore(false));
    stats = run({QStringLiteral("--exit-when-rows"), QString::number(kSampleRows),
                 QStringLiteral("--exit-after"), QStringLiteral("3000")});
    QCOMPARE(stats.value(QStringLiteral("exit")).toString(), QStringLiteral("timeout"));
    QCOMPARE(stats.value(QStringLiteral("status")).toInt(), 3);
    QVERIFY(stats.value(QStringLiteral("rows")).toInt() < kSampleRows);
}

QTEST_GUILESS_MAIN(TestSingleInstance)
#include "test_single_instance.moc"
