// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QIcon>

namespace weir::ui {

// Weir's icon from the compiled-in resources (":/weir/icons/weir.svg"), with the installed
// theme icon "weir" as a fallback. GUI thread, after QGuiApplication exists.
QIcon applicationIcon();

} // namespace weir::ui
