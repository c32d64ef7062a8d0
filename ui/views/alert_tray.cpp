// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/alert_tray.h"

#include "views/active_alerts_model.h"

#include <QApplication>
#include <QIcon>
#include <QStyle>
#include <QSystemTrayIcon>
#include <algorithm>

namespace weir::ui {

AlertNotifier::Decision AlertNotifier::update(const alert::AlertResults *results,
                                              const SilencedFn &silenced) {
    Decision d;
    if (!results)
        return d;
    for (const auto &a : results->active)
        d.firing += a.state == alert::AlertState::Firing ? 1 : 0;
    d.trayVisible = d.firing > 0;
    if (results->transitions < m_seen)
        m_seen = 0; // a new pipeline
    const uint64_t fresh =
        std::min<uint64_t>(results->transitions - m_seen, results->recent.size());
    m_seen = results->transitions;
    for (size_t i = results->recent.size() - static_cast<size_t>(fresh); i < results->recent.size();
         ++i) {
        const alert::Transition &t = results->recent[i];
        if (t.state != alert::AlertState::Firing)
            continue;
        if (silenced && silenced(t.rule(), t.key))
            ++d.silenced;
        else
            d.notify.push_back(t);
    }
    return d;
}

AlertTray::AlertTray(bool trayAvailable, QObject *parent)
    : QObject(parent) {
    if (!trayAvailable)
        return;
    m_icon = new QSystemTrayIcon(this);
    m_icon->setIcon(QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning));
    m_icon->setToolTip(tr("Weir: alerts firing"));
}

AlertTray::AlertTray(QObject *parent)
    : AlertTray(QSystemTrayIcon::isSystemTrayAvailable(), parent) {}

bool AlertTray::iconVisible() const {
    return m_icon && m_icon->isVisible();
}

QString AlertTray::plainNotificationText(const QString &untrusted) {
    QString s = untrusted;
    s.replace(QLatin1Char('&'), QChar(0xFF06)); // fullwidth ampersand
    s.replace(QLatin1Char('<'), QChar(0x2039));
    s.replace(QLatin1Char('>'), QChar(0x203A));
    return s;
}

void AlertTray::apply(const alert::AlertResults *results,
                      const AlertNotifier::SilencedFn &silenced) {
    m_last = m_notifier.update(results, silenced);
    if (m_icon) {
        m_icon->setVisible(m_last.trayVisible);
        m_icon->setToolTip(tr("Weir: %n alert(s) firing", nullptr, m_last.firing));
    }
    if (m_last.notify.empty())
        return;
    if (m_icon && m_icon->isVisible()) {
        QString title;
        QString body;
        if (m_last.notify.size() == 1) {
            const alert::Transition &t = m_last.notify.front();
            title = tr("Alert firing: %1").arg(QString::fromStdString(t.rule()));
            body =
                (t.key.empty() ? QString() : QString::fromStdString(t.key) + QStringLiteral(": ")) +
                tr("value %1 (%2)")
                    .arg(alertValueText(t.value), QString::fromStdString(t.severity()));
        } else {
            title = tr("%n alerts firing", nullptr, static_cast<int>(m_last.notify.size()));
            QStringList rules;
            for (const auto &t : m_last.notify) {
                const QString r = QString::fromStdString(t.rule());
                if (!rules.contains(r) && rules.size() < 5)
                    rules << r;
            }
            body = rules.join(QStringLiteral(", "));
        }
        m_icon->showMessage(plainNotificationText(title), plainNotificationText(body),
                            QSystemTrayIcon::Warning, 10000);
        ++m_messages;
    }
    QByteArrayList json;
    for (const auto &t : m_last.notify)
        json << QByteArray::fromStdString(alert::transitionJson(t));
    Q_EMIT notified(json);
}

} // namespace weir::ui
