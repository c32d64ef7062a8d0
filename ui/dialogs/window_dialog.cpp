// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/window_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace weir::ui {

namespace {

QString fromStd(const std::string &s) {
    return QString::fromStdString(s);
}

} // namespace

WindowDialog::WindowDialog(QWidget *parent)
    : QDialog(parent)
    , m_kind(new QComboBox(this))
    , m_size(new QLineEdit(QStringLiteral("60s"), this))
    , m_period(new QLineEdit(QStringLiteral("10s"), this))
    , m_gap(new QLineEdit(QStringLiteral("30s"), this))
    , m_keys(new QLineEdit(this))
    , m_aggs(new QLineEdit(QStringLiteral("count"), this))
    , m_lateness(new QLineEdit(QStringLiteral("0"), this))
    , m_outOfOrder(new QLineEdit(QStringLiteral("0"), this))
    , m_idleTimeout(new QLineEdit(QStringLiteral("0"), this))
    , m_early(new QLineEdit(QStringLiteral("0"), this))
    , m_mode(new QComboBox(this))
    , m_dedup(new QLineEdit(this))
    , m_dedupTtl(new QLineEdit(QStringLiteral("10m"), this))
    , m_error(new QLabel(this)) {
    setWindowTitle(tr("Event-time windows"));
    m_kind->addItem(tr("Fixed (tumbling)"), QStringLiteral("fixed"));
    m_kind->addItem(tr("Sliding"), QStringLiteral("sliding"));
    m_kind->addItem(tr("Session"), QStringLiteral("session"));
    m_kind->addItem(tr("Global (totals)"), QStringLiteral("global"));
    m_keys->setPlaceholderText(tr("e.g. status  or  host,path (empty: one key)"));
    m_aggs->setPlaceholderText(tr("count,sum(bytes),p95(latency),distinct(ip),topk(path,10)"));
    m_mode->addItem(tr("Accumulating (each pane: everything so far)"),
                    QStringLiteral("accumulating"));
    m_mode->addItem(tr("Discarding (each pane: only what is new)"), QStringLiteral("discarding"));
    m_dedup->setPlaceholderText(
        tr("e.g. request_id  or  topic,partition,offset  or  raw (empty: no dedup)"));
    m_lateness->setToolTip(tr("Data this far behind the watermark still updates its window "
                              "(LATE panes); later data is dropped and counted."));
    m_outOfOrder->setToolTip(tr("Watermark = newest event time minus this bound."));
    m_idleTimeout->setToolTip(tr("A source silent this long (processing time) stops holding "
                                 "the watermark back. 0: never."));
    m_early->setToolTip(tr("Speculative EARLY panes of open windows this often (processing "
                           "time). 0: none."));
    m_dedupTtl->setToolTip(tr("How long (event time) a dedup key is remembered."));
    m_error->setTextFormat(Qt::PlainText);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));

    auto *form = new QFormLayout();
    form->addRow(tr("&Window:"), m_kind);
    form->addRow(tr("&Size:"), m_size);
    form->addRow(tr("&Period:"), m_period);
    form->addRow(tr("&Gap:"), m_gap);
    form->addRow(tr("&Keys:"), m_keys);
    form->addRow(tr("&Aggregates:"), m_aggs);
    form->addRow(tr("Allowed &lateness:"), m_lateness);
    form->addRow(tr("&Out-of-orderness:"), m_outOfOrder);
    form->addRow(tr("&Idle timeout:"), m_idleTimeout);
    form->addRow(tr("&Early panes every:"), m_early);
    form->addRow(tr("Pane &mode:"), m_mode);
    form->addRow(tr("&Dedup by:"), m_dedup);
    form->addRow(tr("Dedup &TTL:"), m_dedupTtl);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &WindowDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &WindowDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    auto *hint = new QLabel(tr("Durations: 500ms, 10s, 5m, 2h. Applying runs the new windows "
                               "over the events loaded so far, then on new ones as they come "
                               "(live sources keep running)."),
                            this);
    hint->setTextFormat(Qt::PlainText);
    hint->setWordWrap(true);
    layout->addWidget(hint);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    connect(m_kind, QOverload<int>::of(&QComboBox::currentIndexChanged), this, [this] {
        updateEnabled();
        validate();
    });
    connect(m_mode, QOverload<int>::of(&QComboBox::currentIndexChanged), this,
            [this] { validate(); });
    for (QLineEdit *edit : {m_size, m_period, m_gap, m_keys, m_aggs, m_lateness, m_outOfOrder,
                            m_idleTimeout, m_early, m_dedup, m_dedupTtl})
        connect(edit, &QLineEdit::textChanged, this, [this] { validate(); });
    updateEnabled();
    validate();
}

void WindowDialog::updateEnabled() {
    const QString kind = m_kind->currentData().toString();
    m_size->setEnabled(kind == QLatin1String("fixed") || kind == QLatin1String("sliding"));
    m_period->setEnabled(kind == QLatin1String("sliding"));
    m_gap->setEnabled(kind == QLatin1String("session"));
    m_dedupTtl->setEnabled(!m_dedup->text().trimmed().isEmpty());
}

void WindowDialog::setSetup(const window::WindowSetupText &s) {
    m_base = s;
    const std::string &w = s.window;
    const size_t colon = w.find(':');
    const QString kind = fromStd(w.substr(0, colon));
    const int i = m_kind->findData(kind.isEmpty() ? QStringLiteral("fixed") : kind);
    m_kind->setCurrentIndex(i >= 0 ? i : 0);
    if (colon != std::string::npos) {
        const std::string arg = w.substr(colon + 1);
        if (kind == QLatin1String("sliding")) {
            const size_t slash = arg.find('/');
            m_size->setText(fromStd(arg.substr(0, slash)));
            if (slash != std::string::npos)
                m_period->setText(fromStd(arg.substr(slash + 1)));
        } else if (kind == QLatin1String("session")) {
            m_gap->setText(fromStd(arg));
        } else {
            m_size->setText(fromStd(arg));
        }
    }
    m_keys->setText(fromStd(s.keys));
    m_aggs->setText(fromStd(s.aggs));
    m_lateness->setText(fromStd(s.lateness));
    m_outOfOrder->setText(fromStd(s.outOfOrder));
    m_idleTimeout->setText(fromStd(s.idleTimeout));
    m_early->setText(fromStd(s.early));
    const int mode = m_mode->findData(fromStd(s.mode));
    m_mode->setCurrentIndex(mode >= 0 ? mode : 0);
    m_dedup->setText(fromStd(s.dedup));
    m_dedupTtl->setText(fromStd(s.dedupTtl));
    updateEnabled();
    validate();
}

window::WindowSetupText WindowDialog::setup() const {
    window::WindowSetupText s = m_base;
    const QString kind = m_kind->currentData().toString();
    QString w = kind;
    if (kind == QLatin1String("fixed"))
        w += QLatin1Char(':') + m_size->text().trimmed();
    else if (kind == QLatin1String("sliding"))
        w += QLatin1Char(':') + m_size->text().trimmed() + QLatin1Char('/') +
             m_period->text().trimmed();
    else if (kind == QLatin1String("session"))
        w += QLatin1Char(':') + m_gap->text().trimmed();
    s.window = w.toStdString();
    s.keys = m_keys->text().trimmed().toStdString();
    s.aggs = m_aggs->text().trimmed().toStdString();
    s.lateness = m_lateness->text().trimmed().toStdString();
    s.outOfOrder = m_outOfOrder->text().trimmed().toStdString();
    s.idleTimeout = m_idleTimeout->text().trimmed().toStdString();
    s.early = m_early->text().trimmed().toStdString();
    s.mode = m_mode->currentData().toString().toStdString();
    s.dedup = m_dedup->text().trimmed().toStdString();
    s.dedupTtl = m_dedupTtl->text().trimmed().toStdString();
    return s;
}

QString WindowDialog::validate() {
    window::WindowSetup parsed;
    std::string error;
    const QString text =
        window::parseWindowSetup(setup(), parsed, &error) ? QString() : fromStd(error);
    m_error->setText(text);
    if (m_ok)
        m_ok->setEnabled(text.isEmpty());
    m_dedupTtl->setEnabled(!m_dedup->text().trimmed().isEmpty());
    return text;
}

QString WindowDialog::errorText() const {
    return m_error->text();
}

void WindowDialog::accept() {
    if (validate().isEmpty())
        QDialog::accept();
}

} // namespace weir::ui
