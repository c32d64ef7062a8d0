// SPDX-License-Identifier: GPL-3.0-or-later
#include "desktop/recent_files.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace weir::ui {

namespace {
const QString kKey = QStringLiteral("recent/entries");
const QString kWorkspacePrefix = QStringLiteral("workspace:");
const QString kFilePrefix = QStringLiteral("file:");
} // namespace

RecentFiles::RecentFiles(QSettings &settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings) {}

QList<RecentFiles::Entry> RecentFiles::entries() const {
    QList<Entry> out;
    for (const QString &s : m_settings.value(kKey).toStringList()) {
        Entry e;
        if (s.startsWith(kWorkspacePrefix)) {
            e.kind = Kind::Workspace;
            e.path = s.mid(kWorkspacePrefix.size());
        } else if (s.startsWith(kFilePrefix)) {
            e.path = s.mid(kFilePrefix.size());
        } else {
            continue;
        }
        if (!e.path.isEmpty() && out.size() < kMaxEntries)
            out << e;
    }
    return out;
}

void RecentFiles::add(const QString &path, Kind kind) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QList<Entry> list = entries();
    for (int i = list.size() - 1; i >= 0; --i) {
        if (list[i].path == absolute)
            list.removeAt(i);
    }
    list.prepend(Entry{absolute, kind});
    while (list.size() > kMaxEntries)
        list.removeLast();
    save(list);
}

void RecentFiles::clear() {
    save({});
}

void RecentFiles::save(const QList<Entry> &list) {
    QStringList raw;
    for (const Entry &e : list)
        raw << (e.kind == Kind::Workspace ? kWorkspacePrefix : kFilePrefix) + e.path;
    m_settings.setValue(kKey, raw);
    m_settings.sync();
}

void RecentFiles::attach(QMenu *menu) {
    fill(menu);
    connect(menu, &QMenu::aboutToShow, this, [this, menu] { fill(menu); });
}

void RecentFiles::fill(QMenu *menu) {
    menu->clear();
    const QList<Entry> list = entries();
    int n = 0;
    for (const Entry &e : list) {
        ++n;
        QString name = QDir::toNativeSeparators(e.path);
        name.replace(QLatin1Char('&'), QLatin1String("&&")); // not a mnemonic
        QString text = n < 10 ? QStringLiteral("&%1 %2").arg(n).arg(name) : name;
        if (e.kind == Kind::Workspace)
            text += tr(" (workspace)");
        QAction *a = menu->addAction(text);
        a->setEnabled(QFileInfo::exists(e.path));
        const Entry entry = e;
        connect(a, &QAction::triggered, this,
                [this, entry] { Q_EMIT openRequested(entry.path, entry.kind); });
    }
    if (list.isEmpty())
        menu->addAction(tr("No recent files"))->setEnabled(false);
    menu->addSeparator();
    QAction *clearAction = menu->addAction(tr("Clear Recent"));
    clearAction->setEnabled(!list.isEmpty());
    connect(clearAction, &QAction::triggered, this, &RecentFiles::clear);
}

} // namespace weir::ui
