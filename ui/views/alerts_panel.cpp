// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/alerts_panel.h"

#include "views/active_alerts_model.h"
#include "views/alert_command_runner.h"
#include "views/alert_history_model.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace weir::ui {

namespace {

void setUpTable(QTableView *view) {
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setDefaultSectionSize(90);
    view->horizontalHeader()->resizeSection(
        0, view->fontMetrics().horizontalAdvance(QStringLiteral("2021-11-22T10:17:00.000Z")) + 16);
}

} // namespace

AlertsPanel::AlertsPanel(QWidget *parent)
    : QWidget(parent)
    , m_active(new ActiveAlertsModel(this))
    , m_history(new AlertHistoryModel(this))
    , m_activeView(new QTableView(this))
    , m_historyView(new QTableView(this))
    , m_silenceFor(new QComboBox(this))
    , m_summary(new QLabel(this))
    , m_commandStatus(new QLabel(this)) {
    m_activeView->setModel(m_active);
    m_historyView->setModel(m_history);
    setUpTable(m_activeView);
    setUpTable(m_historyView);
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setText(summaryText());

    m_silenceFor->addItem(tr("15 minutes"), 15 * 60 * 1000);
    m_silenceFor->addItem(tr("1 hour"), 60 * 60 * 1000);
    m_silenceFor->addItem(tr("4 hours"), 4 * 60 * 60 * 1000);
    m_silenceFor->addItem(tr("1 day"), 24 * 60 * 60 * 1000);
    m_silenceFor->setCurrentIndex(1);

    auto *ack = new QPushButton(tr("Acknowledge"), this);
    auto *silence = new QPushButton(tr("Silence for"), this);
    auto *unsilence = new QPushButton(tr("Unsilence"), this);
    auto *evidence = new QPushButton(tr("Jump to evidence"), this);
    auto *rules = new QPushButton(tr("Edit rules…"), this);
    evidence->setToolTip(tr("Select the window's events in the log table and mark the window "
                            "on the chart"));
    auto *controls = new QHBoxLayout();
    controls->addWidget(ack);
    controls->addWidget(silence);
    controls->addWidget(m_silenceFor);
    controls->addWidget(unsilence);
    controls->addStretch(1);
    auto *controls2 = new QHBoxLayout();
    controls2->addWidget(evidence);
    controls2->addWidget(m_summary, 1);
    controls2->addWidget(rules);
    // The summary is clipped rather than widening the dock.
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_activeView);
    split->addWidget(m_historyView);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(controls);
    layout->addLayout(controls2);
    // Alert-command failures: hidden until the first one.
    m_commandStatus->setTextFormat(Qt::PlainText);
    m_commandStatus->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_commandStatus->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_commandStatus->hide();
    layout->addWidget(m_commandStatus);
    layout->addWidget(split, 1);

    connect(ack, &QPushButton::clicked, this, &AlertsPanel::acknowledgeCurrent);
    connect(silence, &QPushButton::clicked, this, &AlertsPanel::silenceCurrent);
    connect(unsilence, &QPushButton::clicked, this, &AlertsPanel::unsilenceCurrent);
    // The button acts on the table the user touched last.
    connect(m_activeView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this] { m_evidenceFromHistory = false; });
    connect(m_historyView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this] { m_evidenceFromHistory = true; });
    connect(evidence, &QPushButton::clicked, this,
            [this] { jumpToEvidence(m_evidenceFromHistory); });
    connect(m_activeView, &QTableView::doubleClicked, this, [this] { jumpToEvidence(false); });
    connect(m_historyView, &QTableView::doubleClicked, this, [this] { jumpToEvidence(true); });
    connect(rules, &QPushButton::clicked, this, &AlertsPanel::editRulesRequested);
}

void AlertsPanel::applySnapshot(const engine::Snapshot &snapshot) {
    m_active->refresh(); // expired silences
    if (snapshot.alerts == m_results)
        return;
    // Keep the selected alert selected across the reset.
    const QModelIndex cur = m_activeView->currentIndex();
    const QString rule = cur.data(ActiveAlertsModel::RuleRole).toString();
    const QString key = cur.data(ActiveAlertsModel::KeyRole).toString();
    m_results = snapshot.alerts;
    m_active->setResults(m_results);
    m_history->setResults(m_results);
    if (cur.isValid()) {
        for (int r = 0; r < m_active->rowCount(); ++r) {
            const QModelIndex i = m_active->index(r, 0);
            if (i.data(ActiveAlertsModel::RuleRole).toString() == rule &&
                i.data(ActiveAlertsModel::KeyRole).toString() == key) {
                m_activeView->selectionModel()->setCurrentIndex(
                    i, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
                break;
            }
        }
    }
    m_summary->setText(summaryText());
}

void AlertsPanel::clear() {
    m_results.reset();
    m_active->setResults(nullptr);
    m_history->setResults(nullptr);
    m_summary->setText(summaryText());
}

QString AlertsPanel::summaryText() const {
    if (!m_results)
        return tr("No alert rules: use Edit rules… or weir --rules FILE");
    int firing = 0;
    for (const auto &a : m_results->active)
        firing += a.state == alert::AlertState::Firing ? 1 : 0;
    return tr("%1 firing · %2 active · %3 transitions · %4 evaluations")
        .arg(firing)
        .arg(m_results->active.size())
        .arg(m_results->transitions)
        .arg(m_results->evaluations);
}

int AlertsPanel::currentActiveRow() const {
    const QModelIndex i = m_activeView->currentIndex();
    return i.isValid() ? i.row() : -1;
}

void AlertsPanel::acknowledgeCurrent() {
    m_active->acknowledge(currentActiveRow());
}

void AlertsPanel::silenceCurrent() {
    m_active->silence(currentActiveRow(), m_silenceFor->currentData().toLongLong());
}

void AlertsPanel::unsilenceCurrent() {
    m_active->unsilence(currentActiveRow());
}

void AlertsPanel::jumpToEvidence(bool fromHistory) {
    if (!m_results)
        return;
    const alert::Transition *evidence = nullptr;
    if (fromHistory) {
        evidence = m_history->transitionAt(m_historyView->currentIndex().row());
    } else if (const alert::ActiveAlert *a = m_active->alertAt(currentActiveRow())) {
        // The latest transition of this rule and key carries the window evaluated.
        for (auto it = m_results->recent.rbegin(); it != m_results->recent.rend(); ++it) {
            if (it->rule() == a->rule && it->key == a->key) {
                evidence = &*it;
                break;
            }
        }
        if (!evidence) {
            Q_EMIT evidenceRequested(a->since.value, a->since.value,
                                     QString::fromStdString(a->rule),
                                     QString::fromStdString(a->key));
            return;
        }
    }
    if (!evidence)
        return;
    const bool hasWindow = evidence->window.start != evidence->window.end;
    const int64_t start = hasWindow ? evidence->window.start.value : evidence->time.value;
    const int64_t end = hasWindow ? evidence->window.end.value : evidence->time.value;
    Q_EMIT evidenceRequested(start, end, QString::fromStdString(evidence->rule()),
                             QString::fromStdString(evidence->key));
}

void AlertsPanel::reportCommandFailure(const QByteArray &alertJson, const QString &reason) {
    const QJsonObject alert = QJsonDocument::fromJson(alertJson).object();
    const QString what = QStringLiteral("%1 / %2 (%3)")
                             .arg(alert.value(QStringLiteral("rule")).toString(),
                                  alert.value(QStringLiteral("key")).toString(),
                                  alert.value(QStringLiteral("time")).toString());
    ++m_commandFailures;
    m_recentFailures.append(
        QStringLiteral("%1 %2: %3")
            .arg(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss")), what, reason));
    constexpr int kRecent = 10;
    while (m_recentFailures.size() > kRecent)
        m_recentFailures.removeFirst();
    m_commandStatus->setText(commandStatusText());
    m_commandStatus->setToolTip(m_recentFailures.join(QLatin1Char('\n')));
    m_commandStatus->show();
}

void AlertsPanel::watchCommands(AlertCommandRunner *runner) {
    connect(runner, &AlertCommandRunner::commandFinished, this,
            [this](const QByteArray &json, bool ok, const QString &reason) {
                if (!ok)
                    reportCommandFailure(json, reason);
            });
}

void AlertsPanel::clearCommandFailures() {
    m_commandFailures = 0;
    m_recentFailures.clear();
    m_commandStatus->clear();
    m_commandStatus->hide();
}

QString AlertsPanel::commandStatusText() const {
    if (m_commandFailures == 0)
        return {};
    const QString last = m_recentFailures.isEmpty() ? QString() : m_recentFailures.last();
    return tr("Alert command failed %n time(s); last: %1", nullptr, m_commandFailures).arg(last);
}

} // namespace weir::ui
