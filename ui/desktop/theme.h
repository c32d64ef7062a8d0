// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QPalette>
#include <QString>

namespace weir::ui {

// View → Theme: follow the desktop, or force light or dark.
enum class ThemeChoice { System, Light, Dark };
// What the desktop asks for, when it can be read (Qt 5.15 cannot tell by itself).
enum class ColorScheme { Unknown, Light, Dark };

QString themeChoiceName(ThemeChoice choice);          // "system", "light", "dark"
ThemeChoice themeChoiceFromName(const QString &name); // anything unknown: System

// Parsers for each place the desktop keeps its preference (pure, for tests):
// `gsettings get org.gnome.desktop.interface color-scheme` prints 'prefer-dark' or 'default'.
ColorScheme colorSchemeFromGsettings(const QString &output);
// GTK_THEME=Adwaita:dark, or a theme named like "Breeze-Dark".
ColorScheme colorSchemeFromGtkTheme(const QString &theme);
// KDE's kdeglobals: [General] ColorScheme=BreezeDark, or the window background's lightness.
ColorScheme colorSchemeFromKdeGlobals(const QString &path);

// The desktop's preference, first answer wins: WEIR_COLOR_SCHEME (dark|light), GTK_THEME,
// KDE's kdeglobals (on a KDE session), gsettings (GNOME and friends; a process bounded by a
// short timeout). GUI thread; call once at start and when the user picks System again.
ColorScheme detectDesktopColorScheme();

// A dark palette for the Fusion style, with readable disabled, link and highlight colours.
QPalette darkPalette();

// Applies a choice to the application: Dark (or System on a dark desktop) switches to Fusion
// with darkPalette(); Light and System on a light desktop restore the style and palette Weir
// started with. Returns the scheme applied. GUI thread, after QApplication exists.
ColorScheme applyTheme(ThemeChoice choice);
ColorScheme applyTheme(ThemeChoice choice, ColorScheme desktop);

} // namespace weir::ui
