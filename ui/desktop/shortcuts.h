// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QKeySequence>
#include <QList>

class QAction;

namespace weir::ui {

// The platform's key bindings for `key`, or `fallback` when the platform theme defines none
// (Quit has no binding on Linux without a desktop theme, for example).
QList<QKeySequence> standardShortcutsOr(QKeySequence::StandardKey key,
                                        const QKeySequence &fallback);
// Sets the action's shortcuts that way.
void setStandardShortcut(QAction *action, QKeySequence::StandardKey key,
                         const QKeySequence &fallback);

} // namespace weir::ui
