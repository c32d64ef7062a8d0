// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/engine/engine.h"
#include "weir/query/visible_rows.h"

#include <QDialog>
#include <QTimer>
#include <atomic>
#include <memory>
#include <thread>

class QButtonGroup;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;

namespace weir::ui {

// Exports what the user sees: the table's visible rows (the current filter) to CSV or JSON
// lines through core/export (written on a background thread, atomically: a temporary file
// renamed into place, so a cancelled or failed export leaves the target as it was), or the
// chart to PNG or SVG. The dialog stays responsive with a progress bar and Cancel.
//
// Thread contract: GUI thread, except the export thread, which only reads the immutable
// snapshot and visible rows it was given and writes atomics; the destructor cancels it and
// joins it.
class ExportDialog final : public QDialog {
    Q_OBJECT

public:
    ExportDialog(std::shared_ptr<const engine::Snapshot> snapshot,
                 std::shared_ptr<const query::VisibleRows> rows, QWidget *chart,
                 QWidget *parent = nullptr);
    ~ExportDialog() override;

    enum class What { Rows, Chart };
    // The export the Export button starts; the format follows the file name's extension
    // (.csv, .jsonl/.ndjson/.json, .png, .svg) and the format box otherwise.
    void setTarget(What what, const QString &path);
    // Starts exporting; rows run in the background (finished() tells the end), charts are
    // written at once. False when it could not start (message in statusText()).
    bool startExport();
    void cancelExport();
    bool isRunning() const { return m_thread.joinable(); }
    QString statusText() const;

    QProgressBar *progressBar() const { return m_progress; }
    QPushButton *exportButton() const { return m_exportButton; }

    // Writes a widget to PNG or SVG (by extension); false with *error on failure.
    static bool saveWidgetImage(QWidget *widget, const QString &path, QString *error);

Q_SIGNALS:
    void finished(bool ok, const QString &message);

private:
    void browse();
    void updateFormats();
    void poll();
    void done(bool ok, const QString &message);

    std::shared_ptr<const engine::Snapshot> m_snapshot;
    std::shared_ptr<const query::VisibleRows> m_rows;
    QWidget *m_chart;
    QRadioButton *m_rowsChoice;
    QRadioButton *m_chartChoice;
    QComboBox *m_format;
    QLineEdit *m_path;
    QProgressBar *m_progress;
    QLabel *m_status;
    QPushButton *m_exportButton;
    QPushButton *m_cancelButton;
    QTimer m_poll;

    std::thread m_thread;
    std::atomic<bool> m_cancel{false};
    std::atomic<bool> m_done{false};
    std::atomic<uint64_t> m_rowsDone{0};
    std::atomic<uint64_t> m_rowsTotal{0};
    bool m_ok = false;        // written by the thread before m_done
    std::string m_error;      // likewise
    uint64_t m_written = 0;   // likewise
    bool m_cancelled = false; // likewise
};

} // namespace weir::ui
