// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/about_dialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QVBoxLayout>

namespace weir::ui {

AboutDialog::AboutDialog(const QString &version, QWidget *parent)
    : QDialog(parent) {
    setWindowTitle(tr("About Weir"));
    auto *layout = new QVBoxLayout(this);
    auto *title = new QLabel(tr("Weir %1").arg(version), this);
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
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(title);
    layout->addWidget(text);
    layout->addWidget(buttons);
    setMinimumWidth(380);
}

} // namespace weir::ui
