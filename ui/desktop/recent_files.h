// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QObject>
#include <QString>

class QMenu;
class QSettings;

namespace weir::ui {

// File → Open Recent: the last log files and workspaces opened, newest first, kept in QSettings
// ("recent/entries"). GUI thread only; `settings` must outlive the object.
class RecentFiles final : public QObject {
    Q_OBJECT

public:
    enum class Kind { LogFile, Workspace };
    Q_ENUM(Kind)
    struct Entry {
        QString path;
        Kind kind = Kind::LogFile;
    };
    static constexpr int kMaxEntries = 10;

    explicit RecentFiles(QSettings &settings, QObject *parent = nullptr);

    QList<Entry> entries() const;
    // Moves (or adds) `path` to the top; absolute paths, at most kMaxEntries.
    void add(const QString &path, Kind kind);
    void clear();
    // Fills `menu` with the entries (greyed out when the file is gone) and "Clear Recent",
    // now and each time the menu is about to show.
    void attach(QMenu *menu);

Q_SIGNALS:
    void openRequested(const QString &path, weir::ui::RecentFiles::Kind kind);

private:
    void save(const QList<Entry> &entries);
    void fill(QMenu *menu);

    QSettings &m_settings;
};

} // namespace weir::ui
