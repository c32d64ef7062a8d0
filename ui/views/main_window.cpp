// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/main_window.h"

#include "charts/breakdown_chart_view.h"
#include "charts/rate_chart_view.h"
#include "desktop/shortcuts.h"
#include "dialogs/about_dialog.h"
#include "dialogs/export_dialog.h"
#include "dialogs/highlight_rules_dialog.h"
#include "dialogs/open_files_dialog.h"
#include "dialogs/parser_workbench.h"
#include "models/event_table_model.h"
#include "models/table_filter.h"
#include "views/analysis_docks.h"
#include "views/dead_letters_panel.h"
#include "views/engine_status_bar.h"
#include "views/event_details_view.h"
#include "views/filter_bar.h"
#include "views/log_table_view.h"
#include "weir/common/time_util.h"

#include <QAction>
#include <QApplication>
#include <QDateTime>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QKeySequence>
#include <QLineEdit>
#include <QMenuBar>
#include <QMimeData>
#include <QSplitter>
#include <QStyle>
#include <QToolBar>
#include <QUrl>
#include <QVBoxLayout>

namespace weir::ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_model(new EventTableModel(this))
    , m_filter(new TableFilter(m_model, this))
    , m_filterBar(new FilterBar(m_filter, this))
    , m_table(new LogTableView(this))
    , m_chart(new RateChartView(this))
    , m_breakdown(new BreakdownChartView(this))
    , m_details(new EventDetailsView(this))
    , m_status(new EngineStatusBar(this))
    , m_splitter(new QSplitter(Qt::Vertical, this)) {
    setWindowTitle(tr("Weir"));
    setAcceptDrops(true);
    m_table->setModel(m_model);

    m_filterBar->setSettingsKey(QStringLiteral("filterBar/history"));
    auto *tablePane = new QWidget(this);
    auto *tableLayout = new QVBoxLayout(tablePane);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->setSpacing(0);
    tableLayout->addWidget(m_filterBar);
    tableLayout->addWidget(m_table);

    auto *charts = new QSplitter(Qt::Horizontal, this);
    charts->addWidget(m_chart);
    charts->addWidget(m_breakdown);
    charts->setStretchFactor(0, 4);
    charts->setStretchFactor(1, 1);
    charts->setSizes({960, 300});
    m_splitter->addWidget(charts);
    m_splitter->addWidget(tablePane);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 5);
    m_splitter->setStretchFactor(2, 1);
    m_splitter->setChildrenCollapsible(true);
    m_splitter->setSizes({260, 520, 90});
    setCentralWidget(m_splitter);
    setStatusBar(m_status);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                m_details->setCurrentEvent(current);
                // Linked brushing, table -> charts: the selected row's time on every chart.
                m_chart->setMarkerTime(
                    current.isValid()
                        ? TimestampNs{current.data(EventTableModel::TimeNsRole).toLongLong()}
                        : kMinTimestamp);
            });
    // Linked brushing, chart -> table: a dragged time range filters the table.
    connect(m_chart, &RateChartView::timeRangeSelected, this, [this](qint64 from, qint64 to) {
        m_filter->setTimeRange(TimestampNs{from}, TimestampNs{to});
    });
    connect(m_chart, &RateChartView::timeRangeCleared, m_filter, &TableFilter::clearTimeRange);
    connect(m_filter, &TableFilter::applied, this, [this] {
        if (m_model->snapshot())
            m_status->applyStats(m_model->snapshot()->stats, m_model->rowCount());
        refreshBreakdown(true);
    });
    connect(m_model, &QAbstractItemModel::columnsInserted, this,
            [this] { m_breakdown->setFieldNames(m_model->fieldColumns()); });
    // A row that scrolled away by eviction takes its details with it.
    connect(m_model, &QAbstractItemModel::modelReset, m_details,
            [this] { m_details->setCurrentEvent(QModelIndex()); });

    m_chartTimer.setSingleShot(true);
    connect(&m_chartTimer, &QTimer::timeout, this, &MainWindow::updateChart);
    m_tableTimer.setSingleShot(true);
    connect(&m_tableTimer, &QTimer::timeout, this, &MainWindow::updateTable);
    m_tableClock.start();

    // Dead Letters panel (issue 3), hidden until asked for from the View menu.
    m_deadLetters = new DeadLettersPanel(this);
    m_deadDock = new QDockWidget(tr("Dead Letters"), this);
    m_deadDock->setObjectName(QStringLiteral("deadLettersDock"));
    m_deadDock->setWidget(m_deadLetters);
    addDockWidget(Qt::BottomDockWidgetArea, m_deadDock);
    m_deadDock->hide();
    connect(m_deadLetters, &DeadLettersPanel::positionRequested, this,
            [this](int source, qulonglong position, const QString &where) {
                const QString text = goToPosition(source, position)
                                         ? tr("Dead letter at %1: nearest event selected")
                                         : tr("Dead letter at %1: no event of that source");
                statusBar()->showMessage(text.arg(where), 10000);
            });
    connect(m_deadLetters, &DeadLettersPanel::reparseRequested, this,
            &MainWindow::reparseDeadLettersRequested);

    createActions();
    resize(1280, 860);
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions() {
    auto *open =
        new QAction(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open…"), this);
    setStandardShortcut(open, QKeySequence::Open, QKeySequence(Qt::CTRL | Qt::Key_O));
    open->setStatusTip(tr("Replay log files through the pipeline"));
    connect(open, &QAction::triggered, this, &MainWindow::openFiles);

    auto *quit = new QAction(tr("&Quit"), this);
    setStandardShortcut(quit, QKeySequence::Quit, QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    m_followAction =
        new QAction(style()->standardIcon(QStyle::SP_ArrowDown), tr("&Follow tail"), this);
    m_followAction->setCheckable(true);
    m_followAction->setChecked(m_table->followTail());
    m_followAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_End));
    m_followAction->setToolTip(tr("Keep the newest events in view (pauses when you scroll up)"));
    connect(m_followAction, &QAction::toggled, m_table, &LogTableView::setFollowTail);
    connect(m_table, &LogTableView::followTailChanged, m_followAction, &QAction::setChecked);

    auto *findFilter = new QAction(tr("&Filter…"), this);
    findFilter->setShortcut(QKeySequence::Find);
    findFilter->setToolTip(tr("Type a filter expression for the table"));
    connect(findFilter, &QAction::triggered, m_filterBar, &FilterBar::focusFilter);
    addAction(findFilter);

    auto *exportAction = new QAction(tr("&Export…"), this);
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportAction->setToolTip(
        tr("Export the visible rows (CSV, JSON lines) or the chart (PNG, SVG)"));
    connect(exportAction, &QAction::triggered, this, &MainWindow::openExportDialog);

    auto *stacked = new QAction(tr("&Stacked chart"), this);
    stacked->setCheckable(true);
    stacked->setToolTip(tr("Stack the classes in the events-per-second chart"));
    connect(stacked, &QAction::toggled, m_chart, &RateChartView::setStacked);
    m_chartBySeverityAction = new QAction(tr("Chart by se&verity"), this);
    m_chartBySeverityAction->setCheckable(true);
    m_chartBySeverityAction->setToolTip(
        tr("Class the events-per-second chart by severity instead of HTTP status class"));
    connect(m_chartBySeverityAction, &QAction::toggled, this, &MainWindow::setChartBySeverity);
    auto *openGl = new QAction(tr("Chart with &OpenGL"), this);
    openGl->setCheckable(true);
    openGl->setEnabled(RateChartView::openGlAvailable());
    openGl->setToolTip(openGl->isEnabled()
                           ? tr("Draw large chart lines with OpenGL (not in stacked mode)")
                           : tr("OpenGL is not available on this display"));
    connect(openGl, &QAction::toggled, m_chart, &RateChartView::setOpenGlAllowed);
    auto *pauseChart =
        new QAction(style()->standardIcon(QStyle::SP_MediaPause), tr("&Pause chart"), this);
    pauseChart->setCheckable(true);
    pauseChart->setShortcut(QKeySequence(Qt::Key_Pause));
    pauseChart->setToolTip(tr("Stop the time axis following live data (zooming and panning "
                              "pause it too)"));
    connect(pauseChart, &QAction::toggled, m_chart, &RateChartView::setPaused);
    connect(m_chart, &RateChartView::pausedChanged, pauseChart, &QAction::setChecked);

    auto *about = new QAction(tr("&About Weir"), this);
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->setObjectName(QStringLiteral("fileMenu")); // others add their entries by name
    file->addAction(open);
    file->addAction(exportAction);
    file->addSeparator();
    file->addAction(quit);
    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
    QMenu *go = menuBar()->addMenu(tr("&Go"));
    createWorkbenchActions(edit, go);
    view->addAction(m_followAction);
    view->addAction(findFilter);
    view->addSeparator();
    view->addAction(stacked);
    view->addAction(m_chartBySeverityAction);
    view->addAction(openGl);
    view->addAction(pauseChart);
    m_analysis = new AnalysisDocks(this, view, m_table, m_model);
    m_analysis->setRateChart(m_chart);
    view->addAction(m_deadDock->toggleViewAction());
    QMenu *tools = menuBar()->addMenu(tr("&Tools"));
    tools->addAction(tr("Parser &Workbench…"), this, [this] { openParserWorkbench(); });
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->setObjectName(QStringLiteral("helpMenu"));
    help->addAction(about);

    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(open);
    bar->addAction(m_followAction);
    bar->addAction(pauseChart);
    bar->addAction(stacked);
    bar->addAction(exportAction);
}

void MainWindow::createWorkbenchActions(QMenu *edit, QMenu *go) {
    edit->addAction(tr("&Copy row"), m_table, &LogTableView::copyRow, QKeySequence::Copy);
    edit->addAction(tr("Copy c&ell"), m_table, &LogTableView::copyCell);
    edit->addAction(tr("Copy &raw line"), m_table, &LogTableView::copyRaw,
                    QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    edit->addSeparator();
    edit->addAction(tr("&Highlight rules…"), this, &MainWindow::editHighlightRules);

    auto add = [&](const QString &text, const QKeySequence &key, auto slot) {
        QAction *a = go->addAction(text, this, slot);
        a->setShortcut(key);
        addAction(a);
        return a;
    };
    add(tr("Toggle &bookmark"), QKeySequence(Qt::CTRL | Qt::Key_B), [this] { toggleBookmark(); });
    add(tr("&Next bookmark"), QKeySequence(Qt::Key_F2), [this] { goToBookmark(true); });
    add(tr("&Previous bookmark"), QKeySequence(Qt::SHIFT | Qt::Key_F2),
        [this] { goToBookmark(false); });
    go->addSeparator();
    add(tr("Go to &time…"), QKeySequence(Qt::CTRL | Qt::Key_G), [this] { askGoToTime(); });
    connect(m_table, &LogTableView::toggleBookmarkRequested, this, &MainWindow::toggleBookmark);
}

bool MainWindow::goToTime(TimestampNs t) {
    const int row = m_model->rowAtOrAfterTime(t);
    if (row < 0 || row >= m_model->rowCount())
        return false;
    m_table->goToRow(row);
    return true;
}

bool MainWindow::goToPosition(int sourceId, uint64_t position) {
    const engine::Snapshot *snap = m_model->snapshot();
    const int rows = m_model->rowCount();
    if (!snap || rows == 0)
        return false;
    // The source's own events and those re-parsed from its dead letters.
    std::vector<char> wanted(snap->channels.size(), 0);
    for (const auto &c : snap->channels) {
        if (c.id.value == sourceId || (c.reparsed && c.reparsedFrom.value == sourceId))
            wanted[c.id.value] = 1;
    }
    // One pass over the rows (positions are in order per source, but re-parsed events come
    // after the rest).
    const query::VisibleRows &visible = m_model->visibleRows();
    const uint64_t firstRow = visible.rank(m_model->firstIndex());
    int row = 0, best = -1;
    uint64_t bestDistance = ~uint64_t{0};
    visible.forEach(firstRow, firstRow + static_cast<uint64_t>(rows), [&](uint64_t index) {
        const store::EventRef e = snap->events.at(index);
        if (e && e.record().source.value < wanted.size() && wanted[e.record().source.value]) {
            const uint64_t p = e.record().position();
            const uint64_t d = p > position ? p - position : position - p;
            if (d < bestDistance) {
                bestDistance = d;
                best = row;
            }
        }
        ++row;
    });
    if (best < 0)
        return false;
    m_table->goToRow(best);
    return true;
}

QDialog *MainWindow::openParserWorkbench() {
    auto *dialog = new ParserWorkbenchDialog(this);
    dialog->setObjectName(QStringLiteral("parserWorkbench"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QStringList names, formats, inUse;
    QList<QStringList> samples;
    if (const engine::Snapshot *snap = m_model->snapshot()) {
        // Per source: its kept dead letters first (what the format must fix), then its first
        // events, up to the workbench's line limit (looking at a bounded number of events).
        constexpr uint64_t kMaxScanned = 200000;
        const int limit = ParserWorkbenchDialog::kMaxLines;
        for (const auto &c : snap->channels) {
            if (c.reparsed)
                continue;
            QStringList lines;
            const auto &dead = snap->deadLetters;
            for (size_t i = 0; i < dead.size() && lines.size() < limit / 2; ++i) {
                if (dead[i].source == c.id && !dead[i].resolved)
                    lines << QString::fromUtf8(dead[i].raw.data(), int(dead[i].raw.size()));
            }
            const uint64_t first = snap->events.firstIndex();
            const uint64_t end = std::min(snap->events.endIndex(), first + kMaxScanned);
            snap->events.forEach(first, end, [&](const store::EventRef &e) {
                if (lines.size() < limit && e.record().source == c.id) {
                    const std::string_view raw = e.raw();
                    lines << QString::fromUtf8(raw.data(), int(raw.size()));
                }
            });
            names << QString::fromStdString(c.name);
            formats << QString::fromStdString(c.format);
            samples << lines;
            // Auto-detection's choice and its match rate on the lines it sampled.
            inUse << (c.detected ? tr("%1, auto-detected (%2 % of the first lines matched)")
                                       .arg(QString::fromStdString(c.format))
                                       .arg(c.matchRate * 100.0, 0, 'f', 1)
                                 : tr("%1, as chosen").arg(QString::fromStdString(c.format)));
        }
    }
    dialog->setSources(names, formats, samples, inUse);
    connect(dialog, &ParserWorkbenchDialog::applyRequested, this,
            &MainWindow::applyFormatRequested);
    dialog->open();
    return dialog;
}

void MainWindow::askGoToTime() {
    const QModelIndex current = m_table->currentIndex();
    const QString start =
        current.isValid() ? current.siblingAtColumn(EventTableModel::TimeColumn).data().toString()
                          : QString();
    bool ok = false;
    const QString text = QInputDialog::getText(
        this, tr("Go to time"), tr("Event time (ISO 8601, UTC unless a zone is given):"),
        QLineEdit::Normal, start, &ok);
    if (!ok || text.trimmed().isEmpty())
        return;
    TimestampNs t;
    if (!parseIso8601(text.trimmed().toStdString(), t)) {
        m_status->showMessage(tr("Not a time: %1").arg(text), 8000);
        return;
    }
    if (!goToTime(t))
        m_status->showMessage(tr("No event at or after %1").arg(text), 8000);
}

void MainWindow::toggleBookmark() {
    const QModelIndex current = m_table->currentIndex();
    if (current.isValid())
        m_model->toggleBookmark(m_model->rowToIndex(current.row()));
}

void MainWindow::goToBookmark(bool forward) {
    const QModelIndex current = m_table->currentIndex();
    const int row = m_model->nextBookmarkRow(
        current.isValid() ? current.row() : (forward ? -1 : m_model->rowCount()), forward);
    if (row >= 0)
        m_table->goToRow(row);
}

void MainWindow::setHighlightRules(std::vector<HighlightRule> rules) {
    m_model->setHighlightRules(std::move(rules));
}

void MainWindow::editHighlightRules() {
    HighlightRulesDialog dialog(m_model->highlightRules(), this);
    if (dialog.exec() == QDialog::Accepted)
        setHighlightRules(dialog.rules());
}

void MainWindow::applySnapshot(const std::shared_ptr<const engine::Snapshot> &snapshot) {
    if (!snapshot)
        return;
    m_tablePending = snapshot;
    if (const qint64 wait = m_tablePacer.delayMs(m_tableClock.elapsed()); wait <= 0)
        updateTable();
    else if (!m_tableTimer.isActive())
        m_tableTimer.start(static_cast<int>(wait));
    m_deadLetters->applySnapshot(snapshot);
    // Column layouts are kept per log format (of the first input).
    if (!snapshot->channels.empty() && !snapshot->channels.front().format.empty())
        m_table->setColumnsKey(QString::fromStdString(snapshot->channels.front().format));
    m_status->applyStats(snapshot->stats, m_model->rowCount());
    m_status->applySources(snapshot->sources);
    reportSourceErrors(*snapshot);
    m_analysis->applySnapshot(snapshot);
    // The chart's buckets are a second wide: a few redraws per second are plenty, and the
    // last snapshot always gets drawn.
    m_chartPending = snapshot;
    if (!m_chartClock.isValid() || m_chartClock.elapsed() >= kChartIntervalMs)
        updateChart();
    else if (!m_chartTimer.isActive())
        m_chartTimer.start(static_cast<int>(kChartIntervalMs - m_chartClock.elapsed()));
}

void MainWindow::updateTable() {
    m_tableTimer.stop();
    if (!m_tablePending)
        return;
    const qint64 start = m_tableClock.elapsed();
    const double t0 = UpdatePacer::threadCpuMs();
    m_model->applySnapshot(m_tablePending);
    m_filter->applySnapshot(m_tablePending);
    m_tablePending.reset();
    // Filtered rows arrive later, from the worker; their insertions since the last update
    // count as this update's cost too.
    const double cpuMs = UpdatePacer::threadCpuMs() - t0 + m_filter->takeApplyCpuMs();
    m_tablePacer.recordUpdate(start, cpuMs);
}

void MainWindow::setChartBySeverity(bool bySeverity) {
    if (bySeverity == m_chartBySeverity)
        return;
    m_chartBySeverity = bySeverity;
    m_chart->clearSeries();
    if (!m_chartPending)
        m_chartPending = m_chartShown;
    updateChart();
    if (m_chartBySeverityAction)
        m_chartBySeverityAction->setChecked(bySeverity);
}

void MainWindow::updateChart() {
    m_chartTimer.stop();
    if (!m_chartPending)
        return;
    m_chart->applyTimeline(
        m_chartBySeverity ? m_chartPending->severityTimeline : m_chartPending->timeline, wallNow());
    m_chartShown = std::move(m_chartPending);
    m_chartPending.reset();
    refreshBreakdown(!m_breakdownClock.isValid() ||
                     m_breakdownClock.elapsed() >= kBreakdownIntervalMs);
    m_chartClock.start();
}

void MainWindow::refreshBreakdown(bool rowsToo) {
    const engine::Snapshot *snap = m_model->snapshot();
    if (!snap)
        return;
    // Status breakdown over the chart's time range (at most RateTimeline::kMaxBuckets sums).
    const engine::RateTimeline &timeline = snap->timeline;
    const qint64 shift = qint64{QDateTime::currentDateTime().offsetFromUtc()} * 1000;
    const int64_t lo = (m_chart->xMinMs() - shift) * kNsPerMs;
    const int64_t hi = (m_chart->xMaxMs() - shift) * kNsPerMs;
    std::array<uint64_t, engine::RateTimeline::kClasses> totals{};
    for (size_t i = 0; i < timeline.size(); ++i) {
        const int64_t start = timeline.bucketStart(i).value;
        if (start + timeline.bucketNs() <= lo || start >= hi)
            continue;
        for (size_t c = 0; c < totals.size(); ++c)
            totals[c] += timeline.bucket(i)[c];
    }
    m_breakdown->setClassTotals(totals);
    if (rowsToo && !m_breakdown->mode().isEmpty()) {
        m_breakdown->setRows(m_model->snapshotShared(), m_model->visibleRowsShared());
        m_breakdownClock.start();
    }
}

void MainWindow::openExportDialog() {
    ExportDialog dialog(m_model->snapshotShared(), m_model->visibleRowsShared(), m_chart, this);
    dialog.exec();
}

void MainWindow::reportSourceErrors(const engine::Snapshot &snapshot) {
    for (const auto &s : snapshot.sources) {
        if (s.error.empty())
            continue;
        const QString text = QString::fromStdString(s.name + ": " + s.error);
        if (m_reportedErrors.contains(text))
            continue;
        m_reportedErrors.insert(text);
        m_status->showMessage(text, 15000);
    }
}

void MainWindow::openFiles() {
    const QStringList files = askForLogFiles(this);
    if (!files.isEmpty())
        Q_EMIT openFilesRequested(files);
}

void MainWindow::showAbout() {
    AboutDialog dialog(m_version, this);
    dialog.exec();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event) {
    const QMimeData *mime = event->mimeData();
    if (!mime->hasUrls())
        return;
    for (const QUrl &url : mime->urls()) {
        if (url.isLocalFile()) {
            event->acceptProposedAction();
            return;
        }
    }
}

void MainWindow::dropEvent(QDropEvent *event) {
    QStringList files;
    for (const QUrl &url : event->mimeData()->urls()) {
        if (url.isLocalFile())
            files.push_back(url.toLocalFile());
    }
    if (files.isEmpty())
        return;
    event->acceptProposedAction();
    Q_EMIT openFilesRequested(files);
}

} // namespace weir::ui
