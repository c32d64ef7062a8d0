// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/alert/rule_preview.h"
#include "weir/engine/engine.h"

#include <QDialog>
#include <QTimer>
#include <atomic>
#include <memory>
#include <thread>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace weir::ui {

// Edits the alert rules JSON. Every edit is validated (after a short pause) by the core
// loader and compiler, whose message names the rule and field at fault; it is shown as plain
// text. Preview runs the core AlertEngine over the events of the given snapshot on a worker
// thread and shows "would have fired N times". The worker is cancelled and joined before the
// dialog goes. GUI thread only (except the worker, which touches only its own copies).
class RuleEditorDialog final : public QDialog {
    Q_OBJECT

public:
    explicit RuleEditorDialog(QWidget *parent = nullptr);
    ~RuleEditorDialog() override;

    void setRulesText(const QString &json);
    QString rulesText() const;
    // The data the preview runs on (the latest engine snapshot).
    void setSnapshot(std::shared_ptr<const engine::Snapshot> snapshot);

    // Validates now; returns the error shown, or empty when the rules compile.
    QString validate();
    QString statusText() const;
    void startPreview();
    bool previewRunning() const { return m_running; }
    QString previewText() const;
    const alert::RulePreview &lastPreview() const { return m_preview; }

    QPlainTextEdit *editor() const { return m_editor; }
    QPushButton *previewButton() const { return m_previewButton; }

    void accept() override;

Q_SIGNALS:
    void previewFinished();

private:
    void stopWorker();
    void showPreview(const alert::RulePreview &preview);

    QPlainTextEdit *m_editor;
    QLabel *m_status;
    QLabel *m_previewLabel;
    QPushButton *m_previewButton;
    QTimer m_validateTimer;
    std::shared_ptr<const engine::Snapshot> m_snapshot;
    std::thread m_worker;
    std::atomic<bool> m_cancel{false};
    bool m_running = false;
    uint64_t m_generation = 0; // of the latest preview; stale results are ignored
    alert::RulePreview m_preview;
};

} // namespace weir::ui
