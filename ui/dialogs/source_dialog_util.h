// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <string>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QWidget;

namespace weir::ui::sourcedialog {

// Widgets and conversions shared by the Kafka and MQTT source dialogs. GUI thread only.

// The non-empty trimmed lines of a text box.
std::vector<std::string> lines(const QPlainTextEdit *edit);
void setLines(QPlainTextEdit *edit, const std::vector<std::string> &lines);
// A line edit with a "Browse…" button that picks an existing file (or a directory).
QWidget *fileRow(QLineEdit *edit, const QString &title, bool directory = false);
// An editable combo box of parse formats, "auto" first.
QComboBox *formatBox(QWidget *parent);
std::string text(const QLineEdit *edit); // trimmed, UTF-8
// Shows a test or validation outcome as plain text, coloured by success.
void showResult(QLabel *label, bool ok, const QString &message);

} // namespace weir::ui::sourcedialog
