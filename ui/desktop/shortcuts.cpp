// SPDX-License-Identifier: GPL-3.0-or-later
#include "desktop/shortcuts.h"

#include <QAction>

namespace weir::ui {

QList<QKeySequence> standardShortcutsOr(QKeySequence::StandardKey key,
                                        const QKeySequence &fallback) {
    QList<QKeySequence> keys = QKeySequence::keyBindings(key);
    keys.removeAll(QKeySequence());
    if (keys.isEmpty() && !fallback.isEmpty())
        keys << fallback;
    return keys;
}

void setStandardShortcut(QAction *action, QKeySequence::StandardKey key,
                         const QKeySequence &fallback) {
    action->setShortcuts(standardShortcutsOr(key, fallback));
}

} // namespace weir::ui
