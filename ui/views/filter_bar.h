// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>
#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QToolButton;
class QStringListModel;

namespace weir::ui {

class TableFilter;

// Wireshark's display-filter bar over the log table: the expression turns green when it
// compiles and red when it does not, with the position and reason as plain text beside it;
// Enter applies it (the scan runs on TableFilter's worker, with a progress bar and Cancel);
// a history of applied expressions (menu and completion, kept in QSettings); an On box that
// switches the applied filter off and on without rescanning. GUI thread only.
class FilterBar final : public QWidget {
    Q_OBJECT

public:
    enum class State { Empty, Valid, Invalid };
    static constexpr int kHistorySize = 20;

    explicit FilterBar(TableFilter *filter, QWidget *parent = nullptr);

    // Applies the expression in the line edit (what Enter does). False on a syntax error.
    bool applyText();
    State state() const { return m_state; }
    QStringList history() const { return m_history; }
    // Where the history is kept in QSettings; empty: not kept.
    void setSettingsKey(const QString &key);

    QLineEdit *lineEdit() const { return m_edit; }
    QLabel *messageLabel() const { return m_message; }
    QProgressBar *progressBar() const { return m_progress; }
    QToolButton *cancelButton() const { return m_cancel; }
    QCheckBox *enabledBox() const { return m_enabled; }

    // Base colours of the two states (Wireshark's), for tests.
    static QColor validColor();
    static QColor invalidColor();

public Q_SLOTS:
    void focusFilter();

private:
    void validate(const QString &text);
    void setMessage(const QString &text);
    void addToHistory(const QString &text);
    void showHistoryMenu();
    void onBusyChanged(bool busy);
    void onProgress(qulonglong done, qulonglong total);

    TableFilter *m_filter;
    QLineEdit *m_edit;
    QToolButton *m_historyButton;
    QToolButton *m_apply;
    QCheckBox *m_enabled;
    QProgressBar *m_progress;
    QToolButton *m_cancel;
    QLabel *m_message;
    QStringListModel *m_completions;
    QStringList m_history;
    QString m_settingsKey;
    State m_state = State::Empty;
};

} // namespace weir::ui
