// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/source_dialog_util.h"

#include "weir/parse/format_registry.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>

namespace weir::ui::sourcedialog {

std::vector<std::string> lines(const QPlainTextEdit *edit) {
    std::vector<std::string> out;
    const QStringList parts = edit->toPlainText().split(QLatin1Char('\n'));
    for (const QString &p : parts) {
        const QString t = p.trimmed();
        if (!t.isEmpty())
            out.push_back(t.toStdString());
    }
    return out;
}

void setLines(QPlainTextEdit *edit, const std::vector<std::string> &lines) {
    QStringList parts;
    for (const auto &l : lines)
        parts << QString::fromStdString(l);
    edit->setPlainText(parts.join(QLatin1Char('\n')));
}

QWidget *fileRow(QLineEdit *edit, const QString &title, bool directory) {
    auto *row = new QWidget;
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto *browse = new QPushButton(QObject::tr("Browse…"), row);
    layout->addWidget(browse);
    QObject::connect(browse, &QPushButton::clicked, row, [edit, title, directory, row] {
        const QString path = directory ? QFileDialog::getExistingDirectory(row, title, edit->text())
                                       : QFileDialog::getOpenFileName(row, title, edit->text());
        if (!path.isEmpty())
            edit->setText(path);
    });
    return row;
}

QComboBox *formatBox(QWidget *parent) {
    auto *box = new QComboBox(parent);
    box->setEditable(true); // also regex:..., logformat:...
    box->addItem(QStringLiteral("auto"));
    for (const auto &f : parse::knownFormats()) {
        if (f != "auto")
            box->addItem(QString::fromStdString(f));
    }
    return box;
}

std::string text(const QLineEdit *edit) {
    return edit->text().trimmed().toStdString();
}

void showResult(QLabel *label, bool ok, const QString &message) {
    label->setTextFormat(Qt::PlainText); // broker messages are never markup
    label->setText(message);
    label->setStyleSheet(ok ? QStringLiteral("color: #2e7d32;")
                            : QStringLiteral("color: #c62828;"));
}

} // namespace weir::ui::sourcedialog
