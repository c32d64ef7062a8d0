// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

namespace weir::ui {

// Help → About: name, version and one line on what Weir is. Plain text only.
class AboutDialog final : public QDialog {
    Q_OBJECT

public:
    explicit AboutDialog(const QString &version, QWidget *parent = nullptr);
};

} // namespace weir::ui
