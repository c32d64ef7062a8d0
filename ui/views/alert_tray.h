// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/alert/alert_engine.h"

#include <QByteArrayList>
#include <QObject>
#include <QString>
#include <functional>
#include <vector>

class QSystemTrayIcon;

namespace weir::ui {

// Decides what the desktop is told about alerts, with no platform in sight (so it is testable
// offscreen): the tray icon is shown while any alert is Firing; every transition to Firing
// seen for the first time is notified unless its rule and key are silenced. Transitions are
// recognised by the engine's running total (AlertResults::transitions), so a snapshot seen
// twice notifies nothing new.
class AlertNotifier {
public:
    using SilencedFn = std::function<bool(const std::string &rule, const std::string &key)>;
    struct Decision {
        bool trayVisible = false;
        int firing = 0;   // active alerts in Firing
        int silenced = 0; // new Firing transitions held back by a silence
        std::vector<alert::Transition> notify;
    };

    Decision update(const alert::AlertResults *results, const SilencedFn &silenced);
    // Forget what was seen (the pipeline restarted and counts from zero).
    void reset() { m_seen = 0; }

private:
    uint64_t m_seen = 0;
};

// The system-tray side of AlertNotifier. Without a system tray (offscreen, CI, some
// desktops) it creates no icon and only reports decisions. Untrusted text in notifications
// has markup characters replaced, since some notification servers interpret markup.
// GUI thread only.
class AlertTray final : public QObject {
    Q_OBJECT

public:
    explicit AlertTray(bool trayAvailable, QObject *parent = nullptr);
    // Uses QSystemTrayIcon::isSystemTrayAvailable().
    explicit AlertTray(QObject *parent = nullptr);

    void apply(const alert::AlertResults *results, const AlertNotifier::SilencedFn &silenced);
    void reset() { m_notifier.reset(); }

    bool hasIcon() const { return m_icon != nullptr; }
    bool iconVisible() const;
    int messagesShown() const { return m_messages; }
    const AlertNotifier::Decision &lastDecision() const { return m_last; }

    static QString plainNotificationText(const QString &untrusted);

Q_SIGNALS:
    // New, not silenced Firing transitions, one JSON object each (the --alerts-out format).
    void notified(const QByteArrayList &alerts);

private:
    AlertNotifier m_notifier;
    AlertNotifier::Decision m_last;
    QSystemTrayIcon *m_icon = nullptr;
    int m_messages = 0;
};

} // namespace weir::ui
