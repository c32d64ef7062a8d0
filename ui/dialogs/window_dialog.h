// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/window/window_setup.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace weir::ui {

// Edits an event-time window setup: kind, size, period, gap, keys, aggregates, allowed
// lateness, out-of-orderness, idle timeout, early-pane period, accumulation mode and dedup
// (fields + TTL). Every edit re-validates with the core parser (window::parseWindowSetup):
// its message, naming the field, is shown as plain text and OK stays disabled (and accept()
// refuses) until the setup parses. GUI thread only.
class WindowDialog final : public QDialog {
    Q_OBJECT

public:
    explicit WindowDialog(QWidget *parent = nullptr);

    void setSetup(const window::WindowSetupText &setup);
    // The setup as edited (valid once the dialog was accepted).
    window::WindowSetupText setup() const;
    // Empty when the current fields parse, else the error shown.
    QString validate();
    QString errorText() const;

    QComboBox *kindBox() const { return m_kind; }
    QLineEdit *sizeEdit() const { return m_size; }
    QLineEdit *periodEdit() const { return m_period; }
    QLineEdit *gapEdit() const { return m_gap; }
    QLineEdit *keysEdit() const { return m_keys; }
    QLineEdit *aggsEdit() const { return m_aggs; }
    QLineEdit *latenessEdit() const { return m_lateness; }
    QLineEdit *outOfOrderEdit() const { return m_outOfOrder; }
    QLineEdit *idleTimeoutEdit() const { return m_idleTimeout; }
    QLineEdit *earlyEdit() const { return m_early; }
    QComboBox *modeBox() const { return m_mode; }
    QLineEdit *dedupEdit() const { return m_dedup; }
    QLineEdit *dedupTtlEdit() const { return m_dedupTtl; }
    QPushButton *okButton() const { return m_ok; }

    void accept() override;

private:
    void updateEnabled();

    QComboBox *m_kind;
    QLineEdit *m_size;
    QLineEdit *m_period;
    QLineEdit *m_gap;
    QLineEdit *m_keys;
    QLineEdit *m_aggs;
    QLineEdit *m_lateness;
    QLineEdit *m_outOfOrder;
    QLineEdit *m_idleTimeout;
    QLineEdit *m_early;
    QComboBox *m_mode;
    QLineEdit *m_dedup;
    QLineEdit *m_dedupTtl;
    QLabel *m_error;
    QPushButton *m_ok = nullptr;
    window::WindowSetupText m_base; // fields the dialog does not edit, kept as given
};

} // namespace weir::ui
