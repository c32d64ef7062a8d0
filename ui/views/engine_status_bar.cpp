// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/engine_status_bar.h"

#include <QLabel>
#include <QLocale>

namespace weir::ui {

namespace {

QString count(uint64_t n) {
    return QLocale::system().toString(static_cast<qulonglong>(n));
}

QString bytes(size_t n) {
    const double mb = static_cast<double>(n) / (1024.0 * 1024.0);
    if (mb >= 1024)
        return QStringLiteral("%1 GiB").arg(mb / 1024.0, 0, 'f', 2);
    return QStringLiteral("%1 MiB").arg(mb, 0, 'f', 1);
}

} // namespace

EngineStatusBar::EngineStatusBar(QWidget *parent)
    : QStatusBar(parent) {
    m_sources = new QLabel(this);
    m_sources->setTextFormat(Qt::PlainText);
    m_sources->setToolTip(tr("Inputs and their state"));
    m_sources->setContentsMargins(6, 0, 6, 0);
    m_sources->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); // counters first
    addWidget(m_sources, 1);
    m_rate = addLabel(tr("Events stored per second, recent"));
    m_events = addLabel(tr("Events stored since start"));
    m_rows = addLabel(tr("Rows in the log table"));
    m_dead = addLabel(tr("Lines that did not parse (dead letters)"));
    m_dropped = addLabel(tr("Messages refused by full queues"));
    m_evicted = addLabel(tr("Events evicted by the memory budget"));
    m_memory = addLabel(tr("Memory held by the event store and dead letters"));
    applyStats(engine::EngineStats{}, 0);
}

QLabel *EngineStatusBar::addLabel(const QString &toolTip) {
    auto *label = new QLabel(this);
    label->setTextFormat(Qt::PlainText);
    label->setToolTip(toolTip);
    label->setContentsMargins(6, 0, 6, 0);
    addPermanentWidget(label);
    return label;
}

void EngineStatusBar::applyStats(const engine::EngineStats &st, int rows) {
    m_rate->setText(tr("%1 events/s").arg(st.eventsPerSecond, 0, 'f', 0));
    m_events->setText(tr("%1 events").arg(count(st.events)));
    m_rows->setText(tr("%1 rows").arg(count(static_cast<uint64_t>(rows))));
    m_dead->setText(tr("%1 dead letters").arg(count(st.deadLetters)));
    m_dropped->setText(tr("%1 dropped").arg(count(st.droppedMessages)));
    m_evicted->setText(tr("%1 evicted").arg(count(st.evictedEvents)));
    m_memory->setText(tr("memory %1").arg(bytes(st.memoryBytes)));
}

void EngineStatusBar::applySources(const std::vector<engine::SourceStatus> &sources) {
    QStringList parts;
    for (const auto &s : sources) {
        QString state;
        if (!s.error.empty())
            state = tr("error");
        else if (!s.status.empty())
            state = QString::fromStdString(s.status);
        else if (!s.bounded)
            state = tr("live");
        else
            state = s.ended ? tr("done") : tr("replaying");
        parts << tr("%1: %2").arg(QString::fromStdString(s.name), state);
    }
    const QString text = parts.join(QStringLiteral(", "));
    if (text != m_sources->text())
        m_sources->setText(text);
}

QString EngineStatusBar::sourcesText() const {
    return m_sources->text();
}

QString EngineStatusBar::summaryText() const {
    return QStringList{m_rate->text(),    m_events->text(),  m_rows->text(),  m_dead->text(),
                       m_dropped->text(), m_evicted->text(), m_memory->text()}
        .join(QStringLiteral(" | "));
}

} // namespace weir::ui
