// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/about_dialog.h"

#include "weir/parse/library_versions.h"
#include "weir/source/library_versions.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>
#include <QtGlobal>

namespace weir::ui {

QList<QPair<QString, QString>> AboutDialog::libraryVersions() {
    QList<QPair<QString, QString>> out;
    out.append({QStringLiteral("Qt"),
                tr("%1 (built with %2)")
                    .arg(QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR))});
    const auto add = [&out](const std::vector<std::pair<std::string, std::string>> &libs) {
        for (const auto &[name, version] : libs)
            out.append({QString::fromStdString(name), QString::fromStdString(version)});
    };
    add(source::linkedLibraryVersions());
    add(parse::linkedLibraryVersions());
    return out;
}

QString AboutDialog::libraryVersionsText() {
    const QList<QPair<QString, QString>> libs = libraryVersions();
    int width = 0;
    for (const auto &l : libs)
        width = std::max(width, l.first.size());
    QStringList lines;
    for (const auto &l : libs)
        lines << QStringLiteral("%1  %2").arg(l.first, -width).arg(l.second);
    return lines.join(QLatin1Char('\n'));
}

QString AboutDialog::licenceText() {
    return tr("Weir is free software: you can redistribute it and/or modify it under the terms "
              "of the GNU General Public License as published by the Free Software Foundation, "
              "either version 3 of the License, or (at your option) any later version "
              "(GPL-3.0-or-later). It comes with ABSOLUTELY NO WARRANTY. See "
              "https://www.gnu.org/licenses/ for the licence text.");
}

AboutDialog::AboutDialog(const QString &version, QWidget *parent)
    : QDialog(parent) {
    setWindowTitle(tr("About Weir"));
    auto *layout = new QVBoxLayout(this);
    auto *title = new QLabel(tr("Weir %1").arg(version), this);
    title->setObjectName(QStringLiteral("aboutTitle"));
    title->setTextFormat(Qt::PlainText);
    QFont f = title->font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
    f.setBold(true);
    title->setFont(f);
    auto *text = new QLabel(tr("A desktop monitor for live log and sensor streams: it parses every "
                               "message, keeps it in a bounded store and shows a live log table "
                               "and event-rate chart."),
                            this);
    text->setTextFormat(Qt::PlainText);
    text->setWordWrap(true);
    auto *licence = new QLabel(licenceText(), this);
    licence->setObjectName(QStringLiteral("aboutLicence"));
    licence->setTextFormat(Qt::PlainText);
    licence->setWordWrap(true);
    licence->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *libsTitle = new QLabel(tr("Libraries:"), this);
    libsTitle->setTextFormat(Qt::PlainText);
    auto *libs = new QPlainTextEdit(libraryVersionsText(), this);
    libs->setObjectName(QStringLiteral("aboutLibraries"));
    libs->setReadOnly(true);
    libs->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    libs->setLineWrapMode(QPlainTextEdit::NoWrap);
    libs->setMaximumHeight(libs->fontMetrics().lineSpacing() * 9);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(title);
    layout->addWidget(text);
    layout->addWidget(licence);
    layout->addWidget(libsTitle);
    layout->addWidget(libs);
    layout->addWidget(buttons);
    setMinimumWidth(460);
}

} // namespace weir::ui
