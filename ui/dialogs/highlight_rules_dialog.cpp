// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/highlight_rules_dialog.h"

#include <QColorDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace weir::ui {

namespace {

const QColor kPalette[] = {QColor(255, 230, 0, 110), QColor(0, 200, 120, 90),
                           QColor(255, 120, 200, 100), QColor(120, 180, 255, 110),
                           QColor(255, 150, 50, 110)};

} // namespace

HighlightRulesDialog::HighlightRulesDialog(const std::vector<HighlightRule> &rules, QWidget *parent)
    : QDialog(parent)
    , m_table(new QTableWidget(0, 2, this))
    , m_error(new QLabel(this))
    , m_rules(rules) {
    setWindowTitle(tr("Highlight rules"));
    auto *layout = new QVBoxLayout(this);
    auto *hint = new QLabel(
        tr("Rows matching an expression get its colour (the first rule that matches wins). "
           "Any filter works: error, status>=500, level>=warn, path:/api/*."),
        this);
    hint->setTextFormat(Qt::PlainText);
    hint->setWordWrap(true);
    layout->addWidget(hint);

    m_table->setHorizontalHeaderLabels({tr("Expression"), tr("Colour")});
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    layout->addWidget(m_table);
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row, int column) {
        if (column == 1)
            chooseColor(row);
    });

    auto *buttons = new QHBoxLayout;
    auto *add = new QPushButton(tr("Add"), this);
    auto *remove = new QPushButton(tr("Remove"), this);
    auto *color = new QPushButton(tr("Colour…"), this);
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addWidget(color);
    buttons->addStretch();
    layout->addLayout(buttons);
    connect(add, &QPushButton::clicked, this, [this] {
        addRule(QString(), kPalette[m_table->rowCount() % std::size(kPalette)]);
        m_table->editItem(m_table->item(m_table->rowCount() - 1, 0));
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (m_table->currentRow() >= 0)
            m_table->removeRow(m_table->currentRow());
    });
    connect(color, &QPushButton::clicked, this, [this] {
        if (m_table->currentRow() >= 0)
            chooseColor(m_table->currentRow());
    });

    m_error->setTextFormat(Qt::PlainText);
    m_error->setStyleSheet(QStringLiteral("color: #b01c1c;"));
    layout->addWidget(m_error);
    auto *box = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(box, &QDialogButtonBox::accepted, this, &HighlightRulesDialog::accept);
    connect(box, &QDialogButtonBox::rejected, this, &HighlightRulesDialog::reject);
    layout->addWidget(box);

    for (const auto &r : rules)
        addRule(r.text, r.color);
    resize(560, 320);
}

void HighlightRulesDialog::addRule(const QString &text, const QColor &color) {
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    m_table->setItem(row, 0, new QTableWidgetItem(text));
    auto *swatch = new QTableWidgetItem;
    swatch->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    m_table->setItem(row, 1, swatch);
    setRowColor(row, color);
}

void HighlightRulesDialog::setRowColor(int row, const QColor &color) {
    QTableWidgetItem *swatch = m_table->item(row, 1);
    swatch->setData(Qt::UserRole, color);
    swatch->setBackground(color);
    swatch->setText(color.name(QColor::HexArgb));
}

void HighlightRulesDialog::chooseColor(int row) {
    const QColor current = m_table->item(row, 1)->data(Qt::UserRole).value<QColor>();
    const QColor c = QColorDialog::getColor(current, this, tr("Highlight colour"),
                                            QColorDialog::ShowAlphaChannel);
    if (c.isValid())
        setRowColor(row, c);
}

void HighlightRulesDialog::accept() {
    std::vector<HighlightRule> rules;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const QString text = m_table->item(row, 0)->text().trimmed();
        if (text.isEmpty())
            continue;
        query::QueryError err;
        auto q = query::Query::compile(text.toStdString(), {}, &err);
        if (!q) {
            m_error->setText(
                tr("Rule %1: %2").arg(row + 1).arg(QString::fromStdString(err.toString())));
            m_table->setCurrentCell(row, 0);
            return;
        }
        rules.push_back({text, *q, m_table->item(row, 1)->data(Qt::UserRole).value<QColor>()});
    }
    m_rules = std::move(rules);
    QDialog::accept();
}

} // namespace weir::ui
