// SPDX-License-Identifier: GPL-3.0-or-later
#include "desktop/app_icon.h"

#include <QFile>

// Q_INIT_RESOURCE must be used outside any namespace; weir_ui is a static library, so its
// resources are registered on first use rather than at load time.
static void initWeirResources() {
    Q_INIT_RESOURCE(weir);
}

namespace weir::ui {

QIcon applicationIcon() {
    static bool initialized = false;
    if (!initialized) {
        initWeirResources();
        initialized = true;
    }
    const QString path = QStringLiteral(":/weir/icons/weir.svg");
    if (QFile::exists(path)) {
        QIcon icon(path);
        if (!icon.isNull())
            return icon;
    }
    return QIcon::fromTheme(QStringLiteral("weir"));
}

} // namespace weir::ui
