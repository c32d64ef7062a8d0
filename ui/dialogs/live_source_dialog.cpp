// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/live_source_dialog.h"

#include "dialogs/source_dialog_util.h"
#include "dialogs/source_probe_runner.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace weir::ui {

LiveSourceDialog::LiveSourceDialog(QWidget *parent)
    : QDialog(parent)
    , m_test(new QPushButton(tr("Test connection"), this))
    , m_result(new QLabel(this))
    , m_runner(new SourceProbeRunner(this)) {
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    connect(m_test, &QPushButton::clicked, this, [this] { testConnection(); });
    connect(m_runner, &SourceProbeRunner::finished, this, [this](bool ok, const QString &msg) {
        m_test->setEnabled(true);
        m_testOk = ok;
        sourcedialog::showResult(m_result, ok, ok ? tr("OK: %1").arg(msg) : msg);
        Q_EMIT testFinished(ok, msg);
    });
}

LiveSourceDialog::~LiveSourceDialog() = default;

void LiveSourceDialog::finishLayout(std::initializer_list<QWidget *> groups) {
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->addButton(m_test, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::accepted, this, &LiveSourceDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &LiveSourceDialog::reject);
    auto *layout = new QVBoxLayout(this);
    for (QWidget *group : groups)
        layout->addWidget(group);
    layout->addWidget(m_result);
    layout->addWidget(buttons);
}

void LiveSourceDialog::showProblem(const QString &message) {
    sourcedialog::showResult(m_result, false, message);
}

bool LiveSourceDialog::testConnection() {
    if (!validate().isEmpty())
        return false;
    if (!m_runner->start(probe()))
        return false;
    m_testOk = false;
    m_test->setEnabled(false);
    sourcedialog::showResult(m_result, true, connectingText());
    return true;
}

bool LiveSourceDialog::isTesting() const {
    return m_runner->isRunning();
}

QString LiveSourceDialog::testResult() const {
    return m_result->text();
}

void LiveSourceDialog::accept() {
    if (validate().isEmpty())
        QDialog::accept();
}

} // namespace weir::ui
