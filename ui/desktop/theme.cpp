// SPDX-License-Identifier: GPL-3.0-or-later
#include "desktop/theme.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QStyle>
#include <QStyleFactory>

namespace weir::ui {

QString themeChoiceName(ThemeChoice choice) {
    switch (choice) {
    case ThemeChoice::Light:
        return QStringLiteral("light");
    case ThemeChoice::Dark:
        return QStringLiteral("dark");
    case ThemeChoice::System:
        break;
    }
    return QStringLiteral("system");
}

ThemeChoice themeChoiceFromName(const QString &name) {
    if (name == QLatin1String("light"))
        return ThemeChoice::Light;
    if (name == QLatin1String("dark"))
        return ThemeChoice::Dark;
    return ThemeChoice::System;
}

ColorScheme colorSchemeFromGsettings(const QString &output) {
    const QString v = output.trimmed().remove(QLatin1Char('\''));
    if (v == QLatin1String("prefer-dark"))
        return ColorScheme::Dark;
    if (v == QLatin1String("prefer-light") || v == QLatin1String("default"))
        return ColorScheme::Light;
    return ColorScheme::Unknown;
}

ColorScheme colorSchemeFromGtkTheme(const QString &theme) {
    if (theme.isEmpty())
        return ColorScheme::Unknown;
    const QString t = theme.toLower();
    if (t.endsWith(QLatin1String(":dark")) || t.endsWith(QLatin1String("-dark")) ||
        t.endsWith(QLatin1String("_dark")) || t.endsWith(QLatin1String("dark")))
        return ColorScheme::Dark;
    return ColorScheme::Light;
}

ColorScheme colorSchemeFromKdeGlobals(const QString &path) {
    if (!QFile::exists(path))
        return ColorScheme::Unknown;
    QSettings kde(path, QSettings::IniFormat);
    // BackgroundNormal=R,G,B is what KDE applications actually paint with.
    const QStringList rgb =
        kde.value(QStringLiteral("Colors:Window/BackgroundNormal")).toStringList();
    if (rgb.size() >= 3) {
        const QColor c(rgb[0].trimmed().toInt(), rgb[1].trimmed().toInt(),
                       rgb[2].trimmed().toInt());
        return c.lightnessF() < 0.5 ? ColorScheme::Dark : ColorScheme::Light;
    }
    // QSettings reads an INI file's [General] group as top-level keys.
    const QString scheme =
        kde.value(QStringLiteral("ColorScheme"), kde.value(QStringLiteral("General/ColorScheme")))
            .toString();
    if (scheme.isEmpty())
        return ColorScheme::Unknown;
    return scheme.contains(QLatin1String("dark"), Qt::CaseInsensitive) ? ColorScheme::Dark
                                                                       : ColorScheme::Light;
}

namespace {

ColorScheme fromGsettingsProcess() {
    const QString gsettings = QStandardPaths::findExecutable(QStringLiteral("gsettings"));
    if (gsettings.isEmpty())
        return ColorScheme::Unknown;
    QProcess p;
    p.setProcessChannelMode(QProcess::SeparateChannels);
    p.start(gsettings, {QStringLiteral("get"), QStringLiteral("org.gnome.desktop.interface"),
                        QStringLiteral("color-scheme")});
    if (!p.waitForFinished(1500)) {
        p.kill();
        p.waitForFinished(1000);
        return ColorScheme::Unknown;
    }
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return ColorScheme::Unknown;
    return colorSchemeFromGsettings(QString::fromUtf8(p.readAllStandardOutput()));
}

struct StartupLook {
    bool saved = false;
    QString styleName;
    QPalette palette;
};

StartupLook &startupLook() {
    static StartupLook look;
    return look;
}

} // namespace

ColorScheme detectDesktopColorScheme() {
    const QString forced = qEnvironmentVariable("WEIR_COLOR_SCHEME").toLower();
    if (forced == QLatin1String("dark"))
        return ColorScheme::Dark;
    if (forced == QLatin1String("light"))
        return ColorScheme::Light;
    if (const ColorScheme gtk = colorSchemeFromGtkTheme(qEnvironmentVariable("GTK_THEME"));
        gtk != ColorScheme::Unknown)
        return gtk;
    const QString desktop = qEnvironmentVariable("XDG_CURRENT_DESKTOP");
    if (desktop.contains(QLatin1String("KDE"), Qt::CaseInsensitive)) {
        const QString config =
            QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
        const ColorScheme kde = colorSchemeFromKdeGlobals(config + QStringLiteral("/kdeglobals"));
        if (kde != ColorScheme::Unknown)
            return kde;
    }
    // gsettings needs a session (it reads dconf); without a display there is none to follow.
    if (QGuiApplication::platformName() == QLatin1String("offscreen") ||
        QGuiApplication::platformName() == QLatin1String("minimal"))
        return ColorScheme::Unknown;
    return fromGsettingsProcess();
}

QPalette darkPalette() {
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x30);
    const QColor base(0x1e, 0x1f, 0x22);
    const QColor text(0xdf, 0xe1, 0xe5);
    const QColor disabled(0x7f, 0x84, 0x8b);
    const QColor highlight(0x35, 0x74, 0xf0);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2b));
    p.setColor(QPalette::ToolTipBase, QColor(0x3c, 0x3f, 0x41));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x36, 0x39, 0x3d));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x68));
    p.setColor(QPalette::Light, QColor(0x45, 0x48, 0x4d));
    p.setColor(QPalette::Midlight, QColor(0x3a, 0x3d, 0x41));
    p.setColor(QPalette::Mid, QColor(0x25, 0x27, 0x2a));
    p.setColor(QPalette::Dark, QColor(0x1a, 0x1b, 0x1d));
    p.setColor(QPalette::Shadow, QColor(0x0d, 0x0d, 0x0e));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xa8, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xb3, 0x8c, 0xff));
    for (const QPalette::ColorRole role :
         {QPalette::WindowText, QPalette::Text, QPalette::ButtonText, QPalette::HighlightedText}) {
        p.setColor(QPalette::Disabled, role, disabled);
    }
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x4a, 0x4d, 0x52));
    return p;
}

ColorScheme applyTheme(ThemeChoice choice) {
    return applyTheme(choice, choice == ThemeChoice::System ? detectDesktopColorScheme()
                                                            : ColorScheme::Unknown);
}

ColorScheme applyTheme(ThemeChoice choice, ColorScheme desktop) {
    StartupLook &look = startupLook();
    if (!look.saved) {
        look.saved = true;
        look.styleName = QApplication::style()->objectName();
        look.palette = QApplication::palette();
    }
    const bool dark = choice == ThemeChoice::Dark ||
                      (choice == ThemeChoice::System && desktop == ColorScheme::Dark);
    if (dark) {
        // Native styles (GTK, Breeze) ignore parts of the palette; Fusion paints with all of it.
        if (QApplication::style()->objectName().compare(QLatin1String("fusion"),
                                                        Qt::CaseInsensitive) != 0)
            QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(darkPalette());
        return ColorScheme::Dark;
    }
    // Light on a desktop that started Weir dark: Fusion's own (light) palette.
    const bool startedDark = look.palette.color(QPalette::Window).lightnessF() < 0.5;
    const QString styleName =
        choice == ThemeChoice::Light && startedDark ? QStringLiteral("fusion") : look.styleName;
    if (QApplication::style()->objectName().compare(styleName, Qt::CaseInsensitive) != 0) {
        if (QStyle *s = QStyleFactory::create(styleName))
            QApplication::setStyle(s);
    }
    QApplication::setPalette(choice == ThemeChoice::Light && startedDark
                                 ? QApplication::style()->standardPalette()
                                 : look.palette);
    return ColorScheme::Light;
}

} // namespace weir::ui
