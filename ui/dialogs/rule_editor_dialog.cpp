// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/rule_editor_dialog.h"

#include "weir/alert/alert_engine.h"
#include "weir/alert/rule.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace weir::ui {

RuleEditorDialog::RuleEditorDialog(QWidget *parent)
    : QDialog(parent)
    , m_editor(new QPlainTextEdit(this))
    , m_status(new QLabel(this))
    , m_previewLabel(new QLabel(this))
    , m_previewButton(new QPushButton(tr("&Preview on loaded data"), this)) {
    setWindowTitle(tr("Alert rules"));
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_editor->setTabChangesFocus(false);
    for (QLabel *l : {m_status, m_previewLabel}) {
        l->setTextFormat(Qt::PlainText);
        l->setWordWrap(true);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    QPushButton *apply = buttons->addButton(tr("&Apply"), QDialogButtonBox::AcceptRole);
    apply->setToolTip(tr("Use these rules (the inputs are replayed through them) and save them "
                         "to the rules file, if one was given"));
    connect(buttons, &QDialogButtonBox::accepted, this, &RuleEditorDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &RuleEditorDialog::reject);
    auto *previewRow = new QHBoxLayout();
    previewRow->addWidget(m_previewButton);
    previewRow->addWidget(m_previewLabel, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_editor, 1);
    layout->addWidget(m_status);
    layout->addLayout(previewRow);
    layout->addWidget(buttons);
    resize(760, 560);

    m_validateTimer.setSingleShot(true);
    m_validateTimer.setInterval(300);
    connect(&m_validateTimer, &QTimer::timeout, this, &RuleEditorDialog::validate);
    connect(m_editor, &QPlainTextEdit::textChanged, this, [this] { m_validateTimer.start(); });
    connect(m_previewButton, &QPushButton::clicked, this, &RuleEditorDialog::startPreview);
}

RuleEditorDialog::~RuleEditorDialog() {
    stopWorker();
}

void RuleEditorDialog::setRulesText(const QString &json) {
    m_editor->setPlainText(json);
    validate();
}

QString RuleEditorDialog::rulesText() const {
    return m_editor->toPlainText();
}

void RuleEditorDialog::setSnapshot(std::shared_ptr<const engine::Snapshot> snapshot) {
    m_snapshot = std::move(snapshot);
}

QString RuleEditorDialog::validate() {
    m_validateTimer.stop();
    std::string error;
    const std::string text = rulesText().toStdString();
    auto rules = alert::loadRules(text, &error);
    size_t count = 0;
    if (rules) {
        count = rules->size();
        if (!alert::AlertEngine::create(std::move(*rules), &error))
            rules.reset();
    }
    const QString message = rules ? QString() : QString::fromStdString(error);
    m_status->setText(rules ? tr("Valid: %n rule(s).", nullptr, static_cast<int>(count)) : message);
    m_status->setStyleSheet(rules ? QString() : QStringLiteral("color: #b00020;"));
    return message;
}

QString RuleEditorDialog::statusText() const {
    return m_status->text();
}
QString RuleEditorDialog::previewText() const {
    return m_previewLabel->text();
}

void RuleEditorDialog::stopWorker() {
    if (!m_worker.joinable())
        return;
    m_cancel.store(true);
    m_worker.join();
    ++m_generation; // its queued result, if any, is stale now
    m_running = false;
    m_previewButton->setEnabled(true);
}

void RuleEditorDialog::startPreview() {
    stopWorker();
    if (!validate().isEmpty()) {
        m_previewLabel->setText(tr("Fix the rules first."));
        return;
    }
    if (!m_snapshot || m_snapshot->events.empty()) {
        m_previewLabel->setText(tr("No data loaded to preview on."));
        return;
    }
    query::SourceCatalog catalog;
    for (const engine::ChannelInfo &ch : m_snapshot->channels)
        catalog.push_back({ch.name, ch.decoder, ch.fieldNames});
    m_cancel.store(false);
    m_running = true;
    m_previewButton->setEnabled(false);
    m_previewLabel->setText(
        tr("Evaluating %n event(s)…", nullptr, static_cast<int>(m_snapshot->events.size())));
    // The worker owns copies of everything it reads; it reports back with a queued call,
    // which Qt drops if the dialog is gone (the destructor joins the worker first anyway).
    const uint64_t generation = ++m_generation;
    m_worker = std::thread([this, generation, json = rulesText().toStdString(),
                            events = m_snapshot->events, catalog = std::move(catalog)] {
        alert::RulePreview result = alert::previewRules(json, events, catalog, &m_cancel);
        QMetaObject::invokeMethod(
            this,
            [this, generation, result = std::move(result)] {
                if (generation == m_generation)
                    showPreview(result);
            },
            Qt::QueuedConnection);
    });
}

void RuleEditorDialog::showPreview(const alert::RulePreview &preview) {
    if (m_worker.joinable())
        m_worker.join(); // it has finished: this call was its last act
    m_running = false;
    m_previewButton->setEnabled(true);
    m_preview = preview;
    if (preview.cancelled) {
        m_previewLabel->setText(tr("Preview cancelled."));
    } else if (!preview.ok) {
        m_previewLabel->setText(QString::fromStdString(preview.error));
    } else {
        QStringList perRule;
        for (const auto &r : preview.rules)
            perRule << tr("%1: %2").arg(QString::fromStdString(r.name)).arg(r.firing);
        m_previewLabel->setText(tr("Would have fired %1 times on the %2 events loaded (%3).")
                                    .arg(preview.firing)
                                    .arg(preview.events)
                                    .arg(perRule.join(QStringLiteral(", "))));
    }
    Q_EMIT previewFinished();
}

void RuleEditorDialog::accept() {
    if (validate().isEmpty()) {
        stopWorker();
        QDialog::accept();
    }
}

} // namespace weir::ui
