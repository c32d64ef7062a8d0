// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/open_files_dialog.h"

#include <QFileDialog>
#include <QFileInfo>

namespace weir::ui {

QStringList askForLogFiles(QWidget *parent) {
    static QString lastDir;
    const QStringList files = QFileDialog::getOpenFileNames(
        parent, QObject::tr("Open log files"), lastDir,
        QObject::tr("Logs (*.log *.txt *.csv *.json *.jsonl *.ndjson);;All files (*)"));
    if (!files.isEmpty())
        lastDir = QFileInfo(files.front()).absolutePath();
    return files;
}

} // namespace weir::ui
