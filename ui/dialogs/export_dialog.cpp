// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/export_dialog.h"

#include "models/event_table_model.h"
#include "weir/export/event_export.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QVBoxLayout>

namespace weir::ui {

ExportDialog::ExportDialog(std::shared_ptr<const engine::Snapshot> snapshot,
                           std::shared_ptr<const query::VisibleRows> rows, QWidget *chart,
                           QWidget *parent)
    : QDialog(parent)
    , m_snapshot(std::move(snapshot))
    , m_rows(std::move(rows))
    , m_chart(chart)
    , m_rowsChoice(new QRadioButton(this))
    , m_chartChoice(new QRadioButton(tr("The chart, as an image"), this))
    , m_format(new QComboBox(this))
    , m_path(new QLineEdit(this))
    , m_progress(new QProgressBar(this))
    , m_status(new QLabel(this))
    , m_exportButton(new QPushButton(tr("Export"), this))
    , m_cancelButton(new QPushButton(tr("Cancel"), this)) {
    setWindowTitle(tr("Export"));
    const qulonglong count = m_rows ? m_rows->size() : 0;
    m_rowsChoice->setText(
        tr("Visible rows of the table (%L1, with the current filter)").arg(count));
    m_rowsChoice->setChecked(true);
    m_chartChoice->setEnabled(m_chart != nullptr);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_rowsChoice);
    layout->addWidget(m_chartChoice);
    auto *form = new QFormLayout;
    form->addRow(tr("Format:"), m_format);
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    auto *browseButton = new QPushButton(tr("Browse…"), this);
    pathRow->addWidget(browseButton);
    form->addRow(tr("File:"), pathRow);
    layout->addLayout(form);
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    layout->addWidget(m_progress);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_exportButton);
    buttons->addWidget(m_cancelButton);
    auto *close = new QPushButton(tr("Close"), this);
    buttons->addWidget(close);
    layout->addLayout(buttons);
    m_cancelButton->setEnabled(false);
    m_exportButton->setDefault(true);

    connect(m_rowsChoice, &QRadioButton::toggled, this, &ExportDialog::updateFormats);
    connect(browseButton, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(m_exportButton, &QPushButton::clicked, this, [this] { startExport(); });
    connect(m_cancelButton, &QPushButton::clicked, this, &ExportDialog::cancelExport);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    m_poll.setInterval(100);
    connect(&m_poll, &QTimer::timeout, this, &ExportDialog::poll);
    updateFormats();
    resize(560, sizeHint().height());
}

ExportDialog::~ExportDialog() {
    m_cancel = true;
    if (m_thread.joinable())
        m_thread.join();
}

void ExportDialog::updateFormats() {
    m_format->clear();
    if (m_rowsChoice->isChecked()) {
        m_format->addItem(tr("CSV (RFC 4180)"), QStringLiteral("csv"));
        m_format->addItem(tr("JSON lines"), QStringLiteral("jsonl"));
    } else {
        m_format->addItem(tr("PNG image"), QStringLiteral("png"));
        m_format->addItem(tr("SVG drawing"), QStringLiteral("svg"));
    }
}

void ExportDialog::setTarget(What what, const QString &path) {
    (what == What::Rows ? m_rowsChoice : m_chartChoice)->setChecked(true);
    updateFormats();
    m_path->setText(path);
    const int i = m_format->findData(QFileInfo(path).suffix().toLower());
    if (i >= 0)
        m_format->setCurrentIndex(i);
}

void ExportDialog::browse() {
    const QString ext = m_format->currentData().toString();
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export to"), m_path->text(), tr("%1 files (*.%2)").arg(ext.toUpper(), ext));
    if (!path.isEmpty())
        m_path->setText(QFileInfo(path).suffix().isEmpty() ? path + QLatin1Char('.') + ext : path);
}

QString ExportDialog::statusText() const {
    return m_status->text();
}

bool ExportDialog::saveWidgetImage(QWidget *widget, const QString &path, QString *error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = file.errorString();
        return false;
    }
    if (QFileInfo(path).suffix().compare(QLatin1String("svg"), Qt::CaseInsensitive) == 0) {
        QSvgGenerator svg;
        svg.setOutputDevice(&file);
        svg.setSize(widget->size());
        svg.setViewBox(QRect(QPoint(0, 0), widget->size()));
        svg.setTitle(QStringLiteral("Weir chart"));
        QPainter painter(&svg);
        widget->render(&painter);
        painter.end();
    } else if (!widget->grab().save(&file, "PNG")) {
        *error = QObject::tr("cannot encode the image");
        file.cancelWriting();
        return false;
    }
    if (!file.commit()) {
        *error = file.errorString();
        return false;
    }
    return true;
}

bool ExportDialog::startExport() {
    if (isRunning())
        return false;
    QString path = m_path->text().trimmed();
    if (path.isEmpty()) {
        m_status->setText(tr("Choose a file first."));
        return false;
    }
    const QString ext = m_format->currentData().toString();
    if (QFileInfo(path).suffix().isEmpty())
        path += QLatin1Char('.') + ext;

    if (m_chartChoice->isChecked()) {
        QString error;
        if (!m_chart || !saveWidgetImage(m_chart, path, &error)) {
            done(false, tr("Could not write %1: %2").arg(path, error));
            return false;
        }
        m_progress->setValue(1000);
        done(true, tr("Chart written to %1").arg(path));
        return true;
    }
    if (!m_snapshot || !m_rows) {
        m_status->setText(tr("Nothing to export yet."));
        return false;
    }
    exporter::ExportOptions options;
    options.format =
        ext == QLatin1String("csv") ? exporter::Format::Csv : exporter::Format::JsonLines;
    options.cancel = &m_cancel;
    options.progress = [this](uint64_t done, uint64_t total) {
        m_rowsDone.store(done, std::memory_order_relaxed);
        m_rowsTotal.store(total, std::memory_order_relaxed);
    };
    m_cancel = false;
    m_done = false;
    m_progress->setValue(0);
    m_status->setText(tr("Exporting…"));
    m_exportButton->setEnabled(false);
    m_cancelButton->setEnabled(true);
    const std::string target = path.toStdString();
    m_thread = std::thread([this, target, options] {
        const query::SourceCatalog catalog = catalogOf(*m_snapshot);
        const exporter::ExportResult r =
            exporter::exportEvents(target, m_snapshot->events, catalog, *m_rows, options);
        m_ok = r.ok;
        m_cancelled = r.cancelled;
        m_error = r.error;
        m_written = r.rows;
        m_done.store(true, std::memory_order_release);
    });
    m_poll.start();
    return true;
}

void ExportDialog::cancelExport() {
    m_cancel = true;
}

void ExportDialog::poll() {
    const uint64_t total = m_rowsTotal.load(std::memory_order_relaxed);
    if (total > 0)
        m_progress->setValue(static_cast<int>(
            std::min<uint64_t>(1000, m_rowsDone.load(std::memory_order_relaxed) * 1000 / total)));
    if (!m_done.load(std::memory_order_acquire))
        return;
    m_poll.stop();
    m_thread.join();
    const QString path = m_path->text();
    if (m_ok) {
        m_progress->setValue(1000);
        done(true, tr("%L1 rows written to %2").arg(m_written).arg(path));
    } else if (m_cancelled) {
        done(false, tr("Cancelled; %1 was left as it was").arg(path));
    } else {
        done(false, tr("Export failed: %1").arg(QString::fromStdString(m_error)));
    }
}

void ExportDialog::done(bool ok, const QString &message) {
    m_status->setText(message);
    m_exportButton->setEnabled(true);
    m_cancelButton->setEnabled(false);
    Q_EMIT finished(ok, message);
}

} // namespace weir::ui
