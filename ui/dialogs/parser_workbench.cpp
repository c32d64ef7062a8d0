// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/parser_workbench.h"

#include "models/dead_letter_model.h"
#include "weir/common/time_util.h"
#include "weir/parse/format_registry.h"
#include "weir/parse/format_trial.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace weir::ui {

namespace {

QString latin1(std::string_view s) {
    return QString::fromLatin1(s.data(), static_cast<int>(s.size()));
}

QStandardItem *item(const QString &text) {
    auto *i = new QStandardItem(text);
    i->setEditable(false);
    return i;
}

QString percent(size_t part, size_t whole) {
    return whole ? QString::number(100.0 * static_cast<double>(part) / static_cast<double>(whole),
                                   'f', 1) +
                       QStringLiteral(" %")
                 : QStringLiteral("–");
}

} // namespace

ParserWorkbenchDialog::ParserWorkbenchDialog(QWidget *parent)
    : QDialog(parent)
    , m_source(new QComboBox(this))
    , m_apply(new QPushButton(tr("Apply to source"), this))
    , m_sourceLabel(new QLabel(tr("Source:"), this))
    , m_inUse(new QLabel(this))
    , m_inUseLabel(new QLabel(tr("In use:"), this))
    , m_sample(new QPlainTextEdit(this))
    , m_format(new QComboBox(this))
    , m_rate(new QLabel(this))
    , m_lines(new QStandardItemModel(0, 5, this))
    , m_fields(new QStandardItemModel(0, 4, this))
    , m_lineView(new QTableView(this))
    , m_fieldView(new QTableView(this)) {
    setWindowTitle(tr("Parser Workbench"));
    m_sample->setPlaceholderText(tr("Paste sample lines here"));
    m_sample->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_format->setEditable(true);
    m_format->setInsertPolicy(QComboBox::NoInsert);
    m_format->addItem(QStringLiteral("auto"));
    for (const auto &f : parse::knownFormats())
        m_format->addItem(QString::fromStdString(f));
    m_format->addItem(QStringLiteral("regex:^(?P<time>\\S+ \\S+) (?P<level>\\w+) (?P<msg>.*)"));
    m_format->addItem(QStringLiteral("logformat:%h %l %u %t \"%r\" %>s %b"));
    m_rate->setTextFormat(Qt::PlainText);
    m_lines->setHorizontalHeaderLabels(
        {tr("Line"), tr("Result"), tr("Time"), tr("Level"), tr("Fields")});
    m_fields->setHorizontalHeaderLabels({tr("Field"), tr("Present"), tr("Null"), tr("Type")});
    for (QTableView *v : {m_lineView, m_fieldView}) {
        v->verticalHeader()->hide();
        v->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
        v->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
        v->horizontalHeader()->setStretchLastSection(true);
        v->setWordWrap(false);
        v->setSelectionBehavior(QAbstractItemView::SelectRows);
    }
    m_lineView->setModel(m_lines);
    m_fieldView->setModel(m_fields);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Use this format"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_apply->setObjectName(QStringLiteral("applyFormat"));
    m_apply->setToolTip(tr("Read the source again from its start with this format"));
    buttons->addButton(m_apply, QDialogButtonBox::ActionRole);
    m_source->setObjectName(QStringLiteral("workbenchSource"));
    m_sourceLabel->setTextFormat(Qt::PlainText);
    m_inUse->setObjectName(QStringLiteral("workbenchInUse"));
    m_inUse->setTextFormat(Qt::PlainText);
    m_inUseLabel->setTextFormat(Qt::PlainText);
    m_source->hide();
    m_sourceLabel->hide();
    m_inUse->hide();
    m_inUseLabel->hide();
    m_apply->hide();
    connect(m_source, qOverload<int>(&QComboBox::activated), this,
            &ParserWorkbenchDialog::selectSource);
    connect(m_apply, &QPushButton::clicked, this, [this] {
        if (m_source->currentIndex() < 0)
            return;
        Q_EMIT applyRequested(m_source->currentText(), format());
        accept();
    });

    auto *form = new QFormLayout;
    const auto plainLabel = [this](const QString &text) {
        auto *label = new QLabel(text, this);
        label->setTextFormat(Qt::PlainText);
        return label;
    };
    form->addRow(m_sourceLabel, m_source);
    form->addRow(m_inUseLabel, m_inUse);
    form->addRow(plainLabel(tr("Format:")), m_format);
    form->addRow(plainLabel(tr("Match rate:")), m_rate);
    auto *results = new QSplitter(Qt::Horizontal, this);
    results->addWidget(m_lineView);
    results->addWidget(m_fieldView);
    results->setStretchFactor(0, 3);
    results->setStretchFactor(1, 2);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_sample);
    split->addWidget(results);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(split, 1);
    layout->addWidget(buttons);
    resize(960, 640);

    m_timer.setSingleShot(true);
    m_timer.setInterval(200);
    connect(&m_timer, &QTimer::timeout, this, &ParserWorkbenchDialog::refresh);
    connect(m_sample, &QPlainTextEdit::textChanged, &m_timer, qOverload<>(&QTimer::start));
    connect(m_format, &QComboBox::currentTextChanged, &m_timer, qOverload<>(&QTimer::start));
    refresh();
}

void ParserWorkbenchDialog::setSampleLines(const QStringList &lines) {
    m_sample->setPlainText(lines.mid(0, kMaxLines).join(QLatin1Char('\n')));
    refresh();
}

void ParserWorkbenchDialog::setFormat(const QString &format) {
    m_format->setCurrentText(format);
    refresh();
}

void ParserWorkbenchDialog::setSources(const QStringList &names, const QStringList &formats,
                                       const QList<QStringList> &samples,
                                       const QStringList &inUse) {
    m_source->clear();
    m_source->addItems(names);
    m_sourceFormats = formats;
    m_sourceInUse = inUse;
    m_samples = samples;
    const bool any = !names.isEmpty();
    m_source->setVisible(any);
    m_sourceLabel->setVisible(any);
    m_inUse->setVisible(any && !inUse.isEmpty());
    m_inUseLabel->setVisible(any && !inUse.isEmpty());
    m_apply->setVisible(any);
    if (any)
        selectSource(0);
}

QString ParserWorkbenchDialog::currentSource() const {
    return m_source->currentText();
}

QString ParserWorkbenchDialog::inUseText() const {
    return m_inUse->text();
}

void ParserWorkbenchDialog::selectSource(int index) {
    if (index < 0 || index >= m_source->count())
        return;
    m_source->setCurrentIndex(index);
    m_inUse->setText(index < m_sourceInUse.size() ? m_sourceInUse[index] : QString());
    // The resolved format names a complete format for the built-in ones only.
    if (index < m_sourceFormats.size() && parse::makeParser(m_sourceFormats[index].toStdString()))
        m_format->setCurrentText(m_sourceFormats[index]);
    setSampleLines(index < m_samples.size() ? m_samples[index] : QStringList());
}

QString ParserWorkbenchDialog::format() const {
    return m_format->currentText().trimmed();
}

QString ParserWorkbenchDialog::matchRateText() const {
    return m_rate->text();
}

void ParserWorkbenchDialog::refresh() {
    m_timer.stop();
    const QStringList texts = m_sample->toPlainText().split(QLatin1Char('\n')).mid(0, kMaxLines);
    std::vector<std::string> owned;
    owned.reserve(static_cast<size_t>(texts.size()));
    for (const QString &t : texts)
        owned.push_back(t.toStdString());
    if (owned.size() == 1 && owned.front().empty())
        owned.clear();
    const std::vector<std::string_view> lines(owned.begin(), owned.end());
    const parse::FormatTrial trial = parse::tryFormat(format().toStdString(), lines, kMaxLines);

    m_lines->removeRows(0, m_lines->rowCount());
    m_fields->removeRows(0, m_fields->rowCount());
    if (!trial.error.empty()) {
        m_rate->setText(tr("Format error: %1").arg(QString::fromStdString(trial.error)));
        return;
    }
    m_rate->setText(tr("%1 (%2 of %3 lines) as %4")
                        .arg(percent(trial.events, trial.events + trial.deadLetters))
                        .arg(trial.events)
                        .arg(trial.events + trial.deadLetters)
                        .arg(QString::fromStdString(trial.format)));
    for (size_t i = 0; i < trial.lines.size(); ++i) {
        const parse::LineTrial &l = trial.lines[i];
        QString result = l.status == parse::ParseStatus::Event ? tr("event")
                         : l.status == parse::ParseStatus::Header
                             ? tr("header")
                             : latin1(parse::reasonName(l.reason));
        QStringList fields;
        for (const auto &f : l.fields)
            fields << QString::fromStdString(f.name) + QLatin1Char('=') +
                          DeadLetterModel::displayText(f.text, 200);
        const bool event = l.status == parse::ParseStatus::Event;
        m_lines->appendRow(
            {item(QString::number(i + 1)), item(result),
             item(event && l.header.hasTime ? QString::fromStdString(formatRfc3339Ms(l.header.time))
                                            : QString()),
             item(event ? latin1(severityName(l.header.severity)) : QString()),
             item(fields.join(QStringLiteral(" · ")))});
    }
    for (const parse::FieldTrial &f : trial.fields) {
        m_fields->appendRow({item(QString::fromStdString(f.name)),
                             item(percent(f.present, trial.events)),
                             item(percent(f.nulls, f.present)),
                             item(latin1(parse::fieldTypeName(f.dominantType())))});
    }
}

} // namespace weir::ui
