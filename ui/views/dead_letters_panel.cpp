// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/dead_letters_panel.h"

#include "dialogs/parser_workbench.h"
#include "models/dead_letter_model.h"
#include "weir/parse/format_registry.h"
#include "weir/parse/format_trial.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace weir::ui {

DeadLettersPanel::DeadLettersPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new DeadLetterModel(this))
    , m_summary(new QLabel(this))
    , m_reason(new QComboBox(this))
    , m_table(new QTableView(this))
    , m_raw(new QPlainTextEdit(this))
    , m_format(new QComboBox(this))
    , m_try(new QPushButton(tr("Try format"), this))
    , m_goTo(new QPushButton(tr("Go to position"), this))
    , m_workbench(new QPushButton(tr("Workbench…"), this))
    , m_reparse(new QPushButton(tr("Re-parse into events"), this))
    , m_trial(new QLabel(this)) {
    setObjectName(QStringLiteral("deadLettersPanel"));
    m_goTo->setObjectName(QStringLiteral("goToPosition"));
    m_try->setObjectName(QStringLiteral("tryFormat"));
    m_reparse->setObjectName(QStringLiteral("reparseIntoEvents"));
    m_reparse->setToolTip(tr("Dead letters that parse with this format become events at their "
                             "original position"));
    // Everything shown here may come from hostile input: plain text only.
    m_summary->setTextFormat(Qt::PlainText);
    m_trial->setTextFormat(Qt::PlainText);
    m_trial->setWordWrap(true);
    m_reason->addItem(tr("All reasons"), -1);
    for (int r = 1; r < static_cast<int>(parse::DeadLetterReason::Count_); ++r) {
        const std::string_view name = parse::reasonName(static_cast<parse::DeadLetterReason>(r));
        m_reason->addItem(QString::fromLatin1(name.data(), static_cast<int>(name.size())), r);
    }
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    m_raw->setReadOnly(true);
    m_raw->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_raw->setMaximumBlockCount(1);
    m_format->setEditable(true);
    m_format->setInsertPolicy(QComboBox::NoInsert);
    m_format->addItem(QStringLiteral("auto"));
    for (const auto &f : parse::knownFormats())
        m_format->addItem(QString::fromStdString(f));
    m_format->setToolTip(tr("A format name, regex:EXPR (RE2, named groups) or logformat:STR"));

    auto *top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_reason);
    auto *trial = new QHBoxLayout;
    auto *reparse = new QLabel(tr("Re-parse with:"), this);
    reparse->setTextFormat(Qt::PlainText);
    trial->addWidget(reparse);
    trial->addWidget(m_format, 1);
    trial->addWidget(m_try);
    trial->addWidget(m_workbench);
    trial->addWidget(m_reparse);
    trial->addWidget(m_goTo);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(m_table, 3);
    layout->addWidget(m_raw, 1);
    layout->addLayout(trial);
    layout->addWidget(m_trial);

    connect(m_reason, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        m_model->setReasonFilter(m_reason->currentData().toInt());
        showSelected();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this] { showSelected(); });
    connect(m_table, &QTableView::doubleClicked, this, [this] { goToSelected(); });
    connect(m_goTo, &QPushButton::clicked, this, [this] { goToSelected(); });
    connect(m_try, &QPushButton::clicked, this, [this] { tryFormat(); });
    connect(m_workbench, &QPushButton::clicked, this, [this] { openWorkbench(); });
    connect(m_reparse, &QPushButton::clicked, this, [this] { reparseIntoEvents(); });
    updateSummary();
}

void DeadLettersPanel::applySnapshot(const std::shared_ptr<const engine::Snapshot> &snapshot) {
    m_model->applySnapshot(snapshot);
    updateSummary();
    if (snapshot && snapshot->stats.resolvedDeadLetters != m_resolved) {
        m_resolved = snapshot->stats.resolvedDeadLetters;
        m_trial->setText(
            tr("%n dead letter(s) re-parsed into events", nullptr, static_cast<int>(m_resolved)));
    }
}

void DeadLettersPanel::updateSummary() {
    QStringList parts;
    for (const auto &[reason, n] : m_model->reasonCounts()) {
        const std::string_view name = parse::reasonName(reason);
        parts << QStringLiteral("%1 %2")
                     .arg(QString::fromLatin1(name.data(), static_cast<int>(name.size())))
                     .arg(n);
    }
    const uint64_t total = m_model->totalDeadLetters();
    m_summary->setText(total == 0 ? tr("No dead letters")
                                  : tr("%n dead letter(s): ", nullptr, static_cast<int>(total)) +
                                        parts.join(QStringLiteral(", ")));
}

QString DeadLettersPanel::summaryText() const {
    return m_summary->text();
}

QString DeadLettersPanel::rawText() const {
    return m_raw->toPlainText();
}

QString DeadLettersPanel::trialText() const {
    return m_trial->text();
}

void DeadLettersPanel::showSelected() {
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid()) {
        m_raw->clear();
        return;
    }
    const QByteArray raw = current.siblingAtColumn(0).data(DeadLetterModel::RawRole).toByteArray();
    // setPlainText: markup stays literal.
    m_raw->setPlainText(DeadLetterModel::displayText(
        std::string_view(raw.constData(), static_cast<size_t>(raw.size())), 1 << 16));
}

void DeadLettersPanel::goToSelected() {
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid())
        return;
    const QModelIndex first = current.siblingAtColumn(0);
    Q_EMIT positionRequested(first.data(DeadLetterModel::SourceIdRole).toInt(),
                             first.data(DeadLetterModel::PositionRole).toULongLong(),
                             m_model->positionText(current.row()));
}

QString DeadLettersPanel::tryFormat() {
    const QModelIndex current = m_table->currentIndex();
    const int source = current.isValid()
                           ? current.siblingAtColumn(0).data(DeadLetterModel::SourceIdRole).toInt()
                           : -1;
    const std::vector<std::string> lines = m_model->rawLines(source, kMaxTrialLines);
    std::vector<std::string_view> views(lines.begin(), lines.end());
    const std::string format = m_format->currentText().trimmed().toStdString();
    const parse::FormatTrial t = parse::tryFormat(format, views);
    QString text;
    if (!t.error.empty()) {
        text = tr("Format error: %1").arg(QString::fromStdString(t.error));
    } else if (views.empty()) {
        text = tr("No dead letters to re-parse");
    } else {
        text = tr("%1 of %2 dead letters parse as %3 (%4 %)")
                   .arg(t.events)
                   .arg(views.size())
                   .arg(QString::fromStdString(t.format))
                   .arg(t.matchRate() * 100.0, 0, 'f', 1);
    }
    m_trial->setText(text);
    return text;
}

bool DeadLettersPanel::reparseIntoEvents() {
    const QModelIndex current = m_table->currentIndex();
    const int source = current.isValid()
                           ? current.siblingAtColumn(0).data(DeadLetterModel::SourceIdRole).toInt()
                           : -1;
    const QString format = m_format->currentText().trimmed();
    std::string error;
    if (!parse::makeParser(format.toStdString(), &error)) {
        m_trial->setText(tr("Format error: %1").arg(QString::fromStdString(error)));
        return false;
    }
    m_trial->setText(tr("Re-parsing the dead letters as %1…").arg(format));
    Q_EMIT reparseRequested(source, format);
    return true;
}

void DeadLettersPanel::openWorkbench() {
    const QModelIndex current = m_table->currentIndex();
    const int source = current.isValid()
                           ? current.siblingAtColumn(0).data(DeadLetterModel::SourceIdRole).toInt()
                           : -1;
    QStringList sample;
    for (const std::string &line :
         m_model->rawLines(source, static_cast<size_t>(ParserWorkbenchDialog::kMaxLines)))
        sample << QString::fromUtf8(line.data(), static_cast<int>(line.size()));
    auto *dialog = new ParserWorkbenchDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setSampleLines(sample);
    dialog->setFormat(m_format->currentText());
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        m_format->setCurrentText(dialog->format());
        tryFormat();
    });
    dialog->open();
}

} // namespace weir::ui
