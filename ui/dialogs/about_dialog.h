// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>
#include <QList>
#include <QPair>
#include <QString>

namespace weir::ui {

// Help → About: name, version, licence and the versions of the libraries Weir runs with (for
// bug reports: the list can be selected and copied). Plain text only.
class AboutDialog final : public QDialog {
    Q_OBJECT

public:
    explicit AboutDialog(const QString &version, QWidget *parent = nullptr);

    // {library, version}: Qt at run time and at build time, then every library the core links
    // that reports a version (librdkafka, libmosquitto, RE2, simdjson, libmaxminddb). QtKeychain is left out:
    // its header's version macro is stale (0.1.0 in 0.13) and it has no run-time one.
    static QList<QPair<QString, QString>> libraryVersions();
    // The same as text, one "name  version" line each.
    static QString libraryVersionsText();
    static QString licenceText();
};

} // namespace weir::ui
