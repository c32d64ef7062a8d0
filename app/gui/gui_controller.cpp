// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui_controller.h"

#include "charts/rate_chart_view.h"
#include "models/event_table_model.h"
#include "views/main_window.h"
#include "weir/common/text.h"
#include "weir/parse/format_registry.h"
#include "weir/source/demo_source.h"
#include "weir/source/file_source.h"
#include "weir_version.h"

#include <QApplication>
#include <QFileInfo>
#include <QPixmap>
#include <cstdio>

namespace weir::app {

GuiController::GuiController(GuiOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options)) {
    engine::Engine::Options eo;
    if (m_options.memoryBudgetMb > 0)
        eo.store.memoryBudgetBytes = m_options.memoryBudgetMb << 20;
    eo.publishInterval = std::chrono::milliseconds(kTickMs);
    m_engine = std::make_unique<engine::Engine>(eo);

    m_window = std::make_unique<ui::MainWindow>();
    m_window->setVersionText(QStringLiteral(WEIR_VERSION));
    if (m_options.maxRows > 0)
        m_window->model()->setMaxRows(m_options.maxRows);
    connect(m_window.get(), &ui::MainWindow::openFilesRequested, this, &GuiController::openFiles);

    m_timer.setSingleShot(true);
    m_timer.setInterval(kTickMs);
    connect(&m_timer, &QTimer::timeout, this, &GuiController::tick);
}

GuiController::~GuiController() {
    m_timer.stop();
    m_engine->stop();
}

void GuiController::start() {
    if (m_options.files.empty()) {
        source::DemoSource::Options d;
        d.seed = m_options.seed;
        d.eventsPerSecond = m_options.demoRate;
        m_engine->addSource(std::make_unique<source::DemoSource>(d));
        m_titles.push_back("live demo");
    }
    for (const auto &path : m_options.files)
        addFile(path);
    m_engine->start();

    m_window->show();
    m_clock.start();
    if (m_options.exitAfterMs > 0) {
        QTimer::singleShot(m_options.exitAfterMs, this, [this] {
            const bool waiting = m_options.exitWhenRows > 0 || m_options.exitWhenFinished;
            if (waiting)
                m_exitCode = 3;
            finish(waiting ? "timeout" : "time");
        });
    }
    m_timer.start();
}

void GuiController::addFile(const std::string &path) {
    source::FileSource::Options fo;
    fo.path = path;
    fo.format = m_options.format;
    fo.speed = m_options.speed;
    auto src = std::make_unique<source::FileSource>(fo);
    if (m_options.speed > 0) {
        // Pacing reads event times with the parser the engine will use (as weir-cli does).
        src->setPacingParser(
            parse::makeParser(m_options.format == "auto" ? "combined" : m_options.format));
    }
    m_engine->addSource(std::move(src));
    m_titles.push_back(QFileInfo(QString::fromStdString(path)).fileName().toStdString());
    std::string title;
    for (const auto &t : m_titles)
        title += (title.empty() ? "" : ", ") + t;
    m_window->setWindowTitle(tr("Weir — %1").arg(QString::fromStdString(title)));
}

void GuiController::openFiles(const QStringList &paths) {
    for (const QString &p : paths)
        addFile(p.toStdString());
}

void GuiController::tick() {
    if (m_finished)
        return;
    const qint64 now = m_clock.elapsed();
    if (m_lastTickMs >= 0)
        m_maxTickGapMs = std::max(m_maxTickGapMs, now - m_lastTickMs);
    m_lastTickMs = now;
    ++m_ticks;

    const std::shared_ptr<const engine::Snapshot> snap = m_engine->snapshot();
    if (snap->version != m_appliedVersion) {
        QElapsedTimer t;
        t.start();
        m_window->applySnapshot(snap);
        const double ms = static_cast<double>(t.nsecsElapsed()) / 1e6;
        m_appliedVersion = snap->version;
        ++m_updates;
        m_updateMsTotal += ms;
        m_updateMsMax = std::max(m_updateMsMax, ms);
    }

    const ui::EventTableModel *model = m_window->model();
    if (m_options.exitWhenRows > 0 && model->rowCount() >= m_options.exitWhenRows) {
        finish("rows");
        return;
    }
    if (m_options.exitWhenFinished && snap->stats.finished &&
        model->endIndex() == snap->events.endIndex()) {
        finish("finished");
        return;
    }
    m_timer.start(); // re-armed only after the work: updates never pile up
}

std::string GuiController::statsJson(const char *reason) const {
    const auto snap = m_engine->snapshot();
    const ui::EventTableModel *model = m_window->model();
    const ui::RateChartView *chart = m_window->chartView();
    std::string out = "{\"rows\":" + std::to_string(model->rowCount());
    out += ",\"first_index\":" + std::to_string(model->firstIndex());
    out += ",\"events\":" + std::to_string(snap->stats.events);
    out += ",\"lines\":" + std::to_string(snap->stats.lines);
    out += ",\"dead_letters\":" + std::to_string(snap->stats.deadLetters);
    out += ",\"dropped\":" + std::to_string(snap->stats.droppedMessages);
    out += ",\"evicted\":" + std::to_string(snap->stats.evictedEvents);
    out += ",\"memory_bytes\":" + std::to_string(snap->stats.memoryBytes);
    out += ",\"chart_series\":" + std::to_string(chart->seriesCount());
    out += ",\"chart_points\":" + std::to_string(chart->pointCount());
    out += ",\"ticks\":" + std::to_string(m_ticks);
    out += ",\"updates\":" + std::to_string(m_updates);
    out += ",\"update_ms_mean\":";
    appendDouble(out, m_updates ? m_updateMsTotal / static_cast<double>(m_updates) : 0.0);
    out += ",\"update_ms_max\":";
    appendDouble(out, m_updateMsMax);
    out += ",\"tick_gap_ms_max\":" + std::to_string(m_maxTickGapMs);
    out += ",\"finished\":";
    out += snap->stats.finished ? "true" : "false";
    out += ",\"exit\":";
    appendJsonString(out, reason);
    out += "}";
    return out;
}

void GuiController::finish(const char *reason) {
    if (m_finished)
        return;
    m_finished = true;
    m_timer.stop();
    m_window->flushChart();
    // One more event-loop turn so pending layouts settle before the window is grabbed.
    QTimer::singleShot(100, this, [this, reason] {
        if (!m_options.screenshotPath.empty()) {
            const QString path = QString::fromStdString(m_options.screenshotPath);
            if (!m_window->grab().save(path, "PNG"))
                std::fprintf(stderr, "weir: cannot write screenshot %s\n",
                             path.toLocal8Bit().data());
        }
        if (m_options.printStats) {
            std::printf("%s\n", statsJson(reason).c_str());
            std::fflush(stdout);
        }
        QApplication::exit(m_exitCode);
    });
}

} // namespace weir::app
