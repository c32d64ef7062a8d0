// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

class QWidget;

namespace weir::ui {

// File → Open: asks for one or more log files to replay. Empty when cancelled. Remembers the
// last directory for the session.
QStringList askForLogFiles(QWidget *parent);

} // namespace weir::ui
