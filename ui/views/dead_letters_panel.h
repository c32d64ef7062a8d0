// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/engine/engine.h"

#include <QWidget>
#include <memory>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace weir::ui {

class DeadLetterModel;

// The Dead Letters panel: counts per reason, the dead letters (reason, source, position, raw
// bytes as plain text), the selected one's raw text, "Go to position", and a format trial: the
// user picks or edits a format and the core (parse::tryFormat) re-parses the kept dead
// letters of the selected source with it, showing how many now parse. Thread contract: GUI
// thread only; the trial runs on the GUI thread over at most kMaxTrialLines lines.
class DeadLettersPanel final : public QWidget {
    Q_OBJECT

public:
    static constexpr size_t kMaxTrialLines = 20000;

    explicit DeadLettersPanel(QWidget *parent = nullptr);

    void applySnapshot(const std::shared_ptr<const engine::Snapshot> &snapshot);

    DeadLetterModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QComboBox *formatBox() const { return m_format; }
    QString summaryText() const;
    QString rawText() const;
    QString trialText() const;

    // Re-parses the kept dead letters of the selected row's source (every source when nothing
    // is selected) with the format in the format box; returns the trial's summary.
    QString tryFormat();
    // Opens the parser workbench on the kept dead letters of the selected source; an accepted
    // format goes into the format box and is tried at once.
    void openWorkbench();
    // Asks (reparseRequested) for the kept dead letters of the selected row's source (every
    // source when nothing is selected) to be re-parsed with the format in the format box, the
    // ones that parse becoming events. False (and a message) when the format does not compile.
    bool reparseIntoEvents();

Q_SIGNALS:
    // "Go to position": the selected dead letter's source and line (or offset).
    void positionRequested(int sourceId, qulonglong position, const QString &text);
    // "Re-parse into events": source -1 means every source (Engine::reparseDeadLetters).
    void reparseRequested(int sourceId, const QString &format);

private:
    void updateSummary();
    void showSelected();
    void goToSelected();

    DeadLetterModel *m_model;
    QLabel *m_summary;
    QComboBox *m_reason;
    QTableView *m_table;
    QPlainTextEdit *m_raw;
    QComboBox *m_format;
    QPushButton *m_try;
    QPushButton *m_goTo;
    QPushButton *m_workbench;
    QPushButton *m_reparse;
    QLabel *m_trial;
    uint64_t m_resolved = 0; // resolved dead letters in the last snapshot
};

} // namespace weir::ui
