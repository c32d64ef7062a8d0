// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/filter_bar.h"

#include "models/table_filter.h"
#include "weir/query/query.h"

#include <QCheckBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProgressBar>
#include <QSettings>
#include <QStringListModel>
#include <QStyle>
#include <QToolButton>

namespace weir::ui {

FilterBar::FilterBar(TableFilter *filter, QWidget *parent)
    : QWidget(parent)
    , m_filter(filter)
    , m_edit(new QLineEdit(this))
    , m_historyButton(new QToolButton(this))
    , m_apply(new QToolButton(this))
    , m_enabled(new QCheckBox(tr("On"), this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QToolButton(this))
    , m_message(new QLabel(this))
    , m_completions(new QStringListModel(this)) {
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->setSpacing(4);

    auto *label = new QLabel(tr("Filter:"), this);
    label->setTextFormat(Qt::PlainText);
    label->setBuddy(m_edit);
    layout->addWidget(label);

    m_edit->setObjectName(QStringLiteral("filterEdit"));
    m_edit->setClearButtonEnabled(true);
    m_edit->setPlaceholderText(tr(
        "status>=500 and path:/api/*   level>=warn   /time(d)?out/   last 5m   (Enter applies)"));
    auto *completer = new QCompleter(m_completions, this);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setCompletionMode(QCompleter::PopupCompletion);
    m_edit->setCompleter(completer);
    layout->addWidget(m_edit, 3);

    m_historyButton->setArrowType(Qt::DownArrow);
    m_historyButton->setToolTip(tr("Recent filters"));
    m_historyButton->setAutoRaise(true);
    layout->addWidget(m_historyButton);

    m_apply->setText(tr("Apply"));
    m_apply->setToolTip(tr("Apply the filter (Enter)"));
    layout->addWidget(m_apply);

    m_enabled->setChecked(true);
    m_enabled->setToolTip(tr("Switch the applied filter off and on (no rescan)"));
    layout->addWidget(m_enabled);

    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(140);
    m_progress->setTextVisible(true);
    m_progress->setFormat(tr("Filtering %p%"));
    m_progress->hide();
    layout->addWidget(m_progress);

    m_cancel->setText(tr("Cancel"));
    m_cancel->setIcon(style()->standardIcon(QStyle::SP_DialogCancelButton));
    m_cancel->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_cancel->setToolTip(tr("Stop filtering and keep the previous filter"));
    m_cancel->hide();
    layout->addWidget(m_cancel);

    // Error text comes from the expression, i.e. from the user or pasted log text: plain.
    m_message->setTextFormat(Qt::PlainText);
    m_message->setObjectName(QStringLiteral("filterMessage"));
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setMinimumWidth(120);
    layout->addWidget(m_message, 2);

    connect(m_edit, &QLineEdit::textChanged, this, &FilterBar::validate);
    connect(m_edit, &QLineEdit::returnPressed, this, &FilterBar::applyText);
    connect(m_apply, &QToolButton::clicked, this, &FilterBar::applyText);
    connect(m_historyButton, &QToolButton::clicked, this, &FilterBar::showHistoryMenu);
    connect(m_enabled, &QCheckBox::toggled, m_filter, &TableFilter::setExpressionEnabled);
    connect(m_cancel, &QToolButton::clicked, this, [this] {
        m_filter->cancel();
        m_edit->setText(m_filter->text());
        m_enabled->setChecked(m_filter->expressionEnabled());
        setMessage(tr("Filtering cancelled"));
    });
    connect(m_filter, &TableFilter::busyChanged, this, &FilterBar::onBusyChanged);
    connect(m_filter, &TableFilter::progress, this, &FilterBar::onProgress);
    validate(QString());
}

QColor FilterBar::validColor() {
    return QColor(0xaf, 0xff, 0xaf);
}

QColor FilterBar::invalidColor() {
    return QColor(0xff, 0xaf, 0xaf);
}

void FilterBar::setMessage(const QString &text) {
    m_message->setText(text);
    // Tooltips guess rich text from the content: escape it and say it is rich text.
    m_message->setToolTip(text.isEmpty() ? QString()
                                         : QStringLiteral("<qt>") + text.toHtmlEscaped() +
                                               QStringLiteral("</qt>"));
}

void FilterBar::setSettingsKey(const QString &key) {
    m_settingsKey = key;
    if (key.isEmpty())
        return;
    m_history = QSettings().value(key).toStringList().mid(0, kHistorySize);
    m_completions->setStringList(m_history);
}

void FilterBar::focusFilter() {
    m_edit->setFocus(Qt::ShortcutFocusReason);
    m_edit->selectAll();
}

void FilterBar::validate(const QString &text) {
    State state = State::Empty;
    QString message;
    if (!text.trimmed().isEmpty()) {
        weir::query::QueryError err;
        // The typed text as it is, so the error position counts the user's own spaces.
        if (weir::query::Query::compile(text.toStdString(), {}, &err)) {
            state = State::Valid;
        } else {
            state = State::Invalid;
            message = QString::fromStdString(err.toString());
        }
    }
    m_state = state;
    switch (state) {
    case State::Empty:
        m_edit->setStyleSheet(QString());
        break;
    case State::Valid:
        m_edit->setStyleSheet(
            QStringLiteral("QLineEdit { background: %1; color: black; }").arg(validColor().name()));
        break;
    case State::Invalid:
        m_edit->setStyleSheet(QStringLiteral("QLineEdit { background: %1; color: black; }")
                                  .arg(invalidColor().name()));
        break;
    }
    setMessage(message);
    m_apply->setEnabled(state != State::Invalid);
}

bool FilterBar::applyText() {
    QString error;
    if (!m_filter->apply(m_edit->text(), &error)) {
        setMessage(error);
        return false;
    }
    m_enabled->blockSignals(true);
    m_enabled->setChecked(true);
    m_enabled->blockSignals(false);
    addToHistory(m_filter->text());
    setMessage(m_filter->isBusy() ? tr("Filtering…") : QString());
    return true;
}

void FilterBar::addToHistory(const QString &text) {
    if (text.isEmpty())
        return;
    m_history.removeAll(text);
    m_history.prepend(text);
    while (m_history.size() > kHistorySize)
        m_history.removeLast();
    m_completions->setStringList(m_history);
    if (!m_settingsKey.isEmpty())
        QSettings().setValue(m_settingsKey, m_history);
}

void FilterBar::showHistoryMenu() {
    QMenu menu(this);
    if (m_history.isEmpty())
        menu.addAction(tr("No recent filters"))->setEnabled(false);
    for (const QString &h : m_history) {
        // QMenu treats '&' as a mnemonic marker; the text itself is never markup.
        QString label = h;
        label.replace(QLatin1Char('&'), QStringLiteral("&&"));
        QAction *a = menu.addAction(label);
        connect(a, &QAction::triggered, this, [this, h] {
            m_edit->setText(h);
            applyText();
        });
    }
    menu.exec(m_historyButton->mapToGlobal(QPoint(0, m_historyButton->height())));
}

void FilterBar::onBusyChanged(bool busy) {
    m_progress->setVisible(busy);
    m_cancel->setVisible(busy);
    m_progress->setValue(0);
    if (!busy && m_message->text() == tr("Filtering…"))
        m_message->clear();
}

void FilterBar::onProgress(qulonglong done, qulonglong total) {
    if (total == 0)
        return;
    m_progress->setValue(static_cast<int>(std::min<qulonglong>(1000, done * 1000 / total)));
}

} // namespace weir::ui
