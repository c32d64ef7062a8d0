// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "models/event_table_model.h"

#include <QDialog>
#include <vector>

class QLabel;
class QTableWidget;

namespace weir::ui {

// Edits the table's highlight rules: one filter expression (a plain term is a filter too)
// and a colour per line; the first matching rule colours a row. Expressions are compiled
// when OK is pressed; the first invalid one is reported (plain text) and keeps the dialog
// open. GUI thread only.
class HighlightRulesDialog final : public QDialog {
    Q_OBJECT

public:
    explicit HighlightRulesDialog(const std::vector<HighlightRule> &rules,
                                  QWidget *parent = nullptr);

    std::vector<HighlightRule> rules() const { return m_rules; }

    // Adds a row (expression, colour); the Add button uses the next palette colour.
    void addRule(const QString &text, const QColor &color);
    QTableWidget *table() const { return m_table; }
    QLabel *errorLabel() const { return m_error; }

    void accept() override;

private:
    void chooseColor(int row);
    void setRowColor(int row, const QColor &color);

    QTableWidget *m_table;
    QLabel *m_error;
    std::vector<HighlightRule> m_rules;
};

} // namespace weir::ui
