// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui_controller.h"

#include "charts/rate_chart_view.h"
#include "dialogs/rule_editor_dialog.h"
#include "dialogs/window_dialog.h"
#include "models/event_table_model.h"
#include "views/active_alerts_model.h"
#include "views/alert_command_runner.h"
#include "views/alerts_panel.h"
#include "views/analysis_docks.h"
#include "views/main_window.h"
#include "views/window_results_panel.h"
#include "weir/alert/command_runner.h"
#include "weir/alert/rule.h"
#include "weir/common/text.h"
#include "weir/engine/alert_processor.h"
#include "weir/engine/window_processor.h"
#include "weir/parse/format_registry.h"
#include "weir/source/demo_source.h"
#include "weir/source/file_source.h"
#include "weir_version.h"

#include <QApplication>
#include <QFileInfo>
#include <QMessageBox>
#include <QPixmap>
#include <QStatusBar>
#include <QThreadPool>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

namespace weir::app {

GuiController::GuiController(GuiOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options)) {
    m_window = std::make_unique<ui::MainWindow>();
    m_window->setVersionText(QStringLiteral(WEIR_VERSION));
    m_window->setTableUpdateShare(0.25); // row insertions: at most ~1/4 of the GUI thread
    if (m_options.maxRows > 0)
        m_window->model()->setMaxRows(m_options.maxRows);
    connect(m_window.get(), &ui::MainWindow::openFilesRequested, this, &GuiController::openFiles);
    m_sources = std::make_unique<SourceControls>(
        m_window.get(), [this](SourceFactory make, const std::string &title) {
            addSource(std::move(make), title);
        });
    connect(m_window.get(), &ui::MainWindow::reparseDeadLettersRequested, this,
            [this](int source, const QString &format) {
                if (!m_engine)
                    return;
                std::optional<SourceId> id;
                if (source >= 0)
                    id = SourceId{static_cast<uint16_t>(source)};
                m_engine->reparseDeadLetters(id, format.toStdString());
            });
    connect(m_window.get(), &ui::MainWindow::applyFormatRequested, this,
            &GuiController::applyFormat);
    ui::AnalysisDocks *docks = m_window->analysisDocks();
    connect(docks, &ui::AnalysisDocks::configureWindowsRequested, this,
            &GuiController::configureWindows);
    connect(docks, &ui::AnalysisDocks::editRulesRequested, this, &GuiController::editRules);
    connect(docks, &ui::AnalysisDocks::alertsNotified, this, &GuiController::runAlertCommand);

    if (!m_options.analysis.rulesPath.empty()) {
        std::ifstream in(m_options.analysis.rulesPath, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        m_rulesJson = text.str();
        useRulesStateFile();
    }
    m_demo = m_options.files.empty() && !m_options.noDemo;

    m_commands = std::make_unique<ui::AlertCommandRunner>(m_options.analysis.alertCommand,
                                                          m_options.analysis.alertCommandTimeoutMs);
    docks->alertsPanel()->watchCommands(m_commands.get());
    connect(m_commands.get(), &ui::AlertCommandRunner::commandFinished, this,
            [](const QByteArray &, bool ok, const QString &reason) {
                if (!ok)
                    std::fprintf(stderr, "weir: alert command: %s\n", qPrintable(reason));
            });

    m_timer.setSingleShot(true);
    m_timer.setInterval(kTickMs);
    connect(&m_timer, &QTimer::timeout, this, &GuiController::tick);
}

GuiController::~GuiController() {
    m_timer.stop();
    if (m_engine)
        m_engine->stop();
    // Alert commands still queued get one command timeout (at least 10 s) to run, then the
    // ones not started are dropped; running ones end by their own timeout at the latest.
    m_commands.reset();
}

void GuiController::useRulesStateFile() {
    // Silences and acknowledgements of a rules file survive a restart.
    const std::string &path = m_options.analysis.rulesPath;
    QString error;
    if (!m_window->analysisDocks()->alertsPanel()->activeModel()->setStateFile(
            path.empty() ? QString()
                         : ui::ActiveAlertsModel::defaultStateFile(QString::fromStdString(path)),
            &error))
        std::fprintf(stderr, "weir: alert state not restored: %s\n", qPrintable(error));
}

bool GuiController::setRules(const std::string &json, const std::string &path, std::string *error) {
    if (!json.empty()) {
        auto rules = alert::loadRules(json, error);
        if (!rules || !alert::AlertEngine::create(std::move(*rules), error))
            return false;
    }
    m_rulesJson = json;
    m_options.analysis.rulesPath = path;
    useRulesStateFile();
    if (m_engine)
        restartPipeline();
    return true;
}

void GuiController::buildEngine() {
    engine::Engine::Options eo;
    if (m_options.memoryBudgetMb > 0)
        eo.store.memoryBudgetBytes = m_options.memoryBudgetMb << 20;
    eo.publishInterval = std::chrono::milliseconds(kTickMs);
    m_engine = std::make_unique<engine::Engine>(eo);

    QStringList problems;
    const std::vector<window::WindowSetupText> pipelines = windowPipelines(m_options.analysis);
    m_windowProcessors.clear();
    m_alertProcessor.reset();
    for (size_t i = 0; i < pipelines.size(); ++i) {
        std::string error;
        m_windowProcessors.push_back(makeWindowProcessor(pipelines[i], &error));
        if (m_windowProcessors.back())
            m_engine->addProcessor(m_windowProcessors.back());
        else
            problems << tr("Window setup %1: %2").arg(i + 1).arg(QString::fromStdString(error));
    }
    std::map<std::string, std::vector<std::string>> ruleKeys;
    if (!m_rulesJson.empty()) {
        std::string error;
        auto rules = alert::loadRules(m_rulesJson, &error);
        std::unique_ptr<alert::AlertEngine> alerts;
        if (rules) {
            for (const auto &r : *rules)
                ruleKeys[r.name] = r.key;
            alerts = alert::AlertEngine::create(std::move(*rules), &error);
        }
        if (alerts) {
            m_alertProcessor = std::make_shared<engine::AlertProcessor>(std::move(alerts));
            m_engine->addProcessor(m_alertProcessor);
        } else
            problems << tr("Alert rules: %1").arg(QString::fromStdString(error));
    }
    m_window->analysisDocks()->setRuleKeys(std::move(ruleKeys));
    if (!problems.isEmpty())
        m_window->statusBar()->showMessage(problems.join(QStringLiteral("; ")), 30000);

    if (m_demo) {
        source::DemoSource::Options d;
        d.seed = m_options.seed;
        d.eventsPerSecond = m_options.demoRate;
        m_engine->addSource(std::make_unique<source::DemoSource>(d));
    }
    for (const Input &input : m_inputs)
        m_engine->addSource(input.make());
}

std::shared_ptr<engine::EventProcessor>
GuiController::makeWindowProcessor(const window::WindowSetupText &text, std::string *error) {
    window::WindowSetup setup;
    if (!window::parseWindowSetup(text, setup, error))
        return nullptr;
    engine::WindowProcessor::Options po;
    po.name = setup.name;
    po.window = std::move(setup.op);
    po.keyFields = std::move(setup.keyFields);
    po.dedupFields = std::move(setup.dedupFields);
    return std::make_shared<engine::WindowProcessor>(std::move(po));
}

void GuiController::start() {
    for (const auto &path : m_options.files)
        addFile(path, m_options.format, m_options.follow);
    buildEngine();
    updateTitle();
    m_engine->start();

    m_window->show();
    m_clock.start();
    if (m_options.printStats)
        m_stallProbe.start();
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

void GuiController::restartPipeline() {
    m_timer.stop();
    m_engine->stop();
    m_engine.reset();
    m_window->model()->clear();
    m_window->analysisDocks()->reset();
    m_appliedVersion = 0;
    buildEngine();
    m_engine->start();
    if (!m_finished)
        m_timer.start();
}

void GuiController::configureWindows(int pipeline) {
    std::vector<window::WindowSetupText> pipelines = windowPipelines(m_options.analysis);
    m_windowProcessors.resize(pipelines.size());
    // `pipeline` indexes Snapshot::windows, which lists only the setups the engine accepted.
    if (pipeline >= 0) {
        int seen = -1;
        size_t i = 0;
        while (i < m_windowProcessors.size() && !(m_windowProcessors[i] && ++seen == pipeline))
            ++i;
        pipeline = i < m_windowProcessors.size() ? static_cast<int>(i) : -1;
    }
    const bool adding = pipeline < 0 || static_cast<size_t>(pipeline) >= pipelines.size();
    window::WindowSetupText setup;
    if (!adding)
        setup = pipelines[static_cast<size_t>(pipeline)];
    if (setup.window.empty())
        setup.window = "fixed:60s";
    ui::WindowDialog dialog(m_window.get());
    dialog.setSetup(setup);
    if (dialog.exec() != QDialog::Accepted)
        return;
    std::string error;
    auto processor = makeWindowProcessor(dialog.setup(), &error);
    if (!processor) { // the dialog validated it: not expected
        m_window->statusBar()->showMessage(QString::fromStdString(error), 30000);
        return;
    }
    if (adding) {
        pipelines.push_back(dialog.setup());
        m_windowProcessors.push_back(std::move(processor));
        pipeline = static_cast<int>(pipelines.size()) - 1;
    } else {
        pipelines[static_cast<size_t>(pipeline)] = dialog.setup();
        m_windowProcessors[static_cast<size_t>(pipeline)] = std::move(processor);
    }
    setWindowPipelines(m_options.analysis, std::move(pipelines));
    replaceEngineProcessors();
    // Snapshot::windows lists the pipelines that were accepted, in order.
    int shown = 0;
    for (int i = 0; i < pipeline; ++i)
        shown += m_windowProcessors[static_cast<size_t>(i)] ? 1 : 0;
    m_window->analysisDocks()->windowPanel()->setPipeline(shown);
}

void GuiController::replaceEngineProcessors() {
    std::vector<std::shared_ptr<engine::EventProcessor>> all;
    for (const auto &p : m_windowProcessors) {
        if (p)
            all.push_back(p);
    }
    if (m_alertProcessor)
        all.push_back(m_alertProcessor);
    m_engine->replaceProcessors(std::move(all));
}

std::vector<window::WindowSetupText> GuiController::windowSetups() const {
    return windowPipelines(m_options.analysis);
}

bool GuiController::setWindowSetups(std::vector<window::WindowSetupText> setups,
                                    std::string *error) {
    std::vector<std::shared_ptr<engine::EventProcessor>> processors;
    for (size_t i = 0; i < setups.size(); ++i) {
        std::string why;
        processors.push_back(makeWindowProcessor(setups[i], &why));
        if (!processors.back()) {
            if (error)
                *error = "window " + std::to_string(i + 1) + ": " + why;
            return false;
        }
    }
    setWindowPipelines(m_options.analysis, std::move(setups));
    if (!m_engine)
        return true; // buildEngine() creates them
    m_windowProcessors = std::move(processors);
    replaceEngineProcessors();
    m_window->analysisDocks()->windowPanel()->setPipeline(0);
    return true;
}

std::shared_ptr<const engine::Snapshot> GuiController::snapshot() const {
    return m_engine ? m_engine->snapshot() : nullptr;
}

void GuiController::editRules() {
    ui::RuleEditorDialog dialog(m_window.get());
    dialog.setRulesText(QString::fromStdString(
        m_rulesJson.empty()
            ? std::string("{\"rules\": [\n  {\"name\": \"5xx ratio\", \"window\": \"fixed:1m\",\n"
                          "   \"condition\": \"count(status>=500) / count() > 0.05\"}\n]}\n")
            : m_rulesJson));
    dialog.setSnapshot(m_engine->snapshot());
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_rulesJson = dialog.rulesText().toStdString();
    const std::string &path = m_options.analysis.rulesPath;
    if (!path.empty()) {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << m_rulesJson;
        out.close();
        if (!out) {
            QMessageBox box(QMessageBox::Warning, tr("Alert rules"),
                            tr("Cannot save the rules to %1.").arg(QString::fromStdString(path)),
                            QMessageBox::Ok, m_window.get());
            box.setTextFormat(Qt::PlainText); // a path is not markup
            box.exec();
        }
    }
    restartPipeline();
}

void GuiController::runAlertCommand(const QByteArrayList &alerts) {
    m_notified += static_cast<uint64_t>(alerts.size());
    m_commands->run(alerts);
}

GuiController::SourceFactory
GuiController::fileSource(const std::string &path, const std::string &format, bool follow) const {
    source::FileSource::Options fo;
    fo.path = path;
    fo.format = format;
    fo.follow = follow;
    fo.speed = m_options.speed;
    fo.zeroCopy = true; // map, as weir-cli does; truncation is survived (MappedRegionGuard)
    return [fo] {
        auto src = std::make_unique<source::FileSource>(fo);
        if (fo.speed > 0) {
            // Pacing reads event times with the parser the engine will use (as weir-cli
            // does).
            src->setPacingParser(parse::makeParser(fo.format == "auto" ? "combined" : fo.format));
        }
        return src;
    };
}

void GuiController::addFile(const std::string &path, const std::string &format, bool follow) {
    addSource(fileSource(path, format, follow),
              QFileInfo(QString::fromStdString(path)).fileName().toStdString());
    m_inputs.back().path = path;
    m_inputs.back().follow = follow;
}

void GuiController::applyFormat(const QString &source, const QString &format) {
    const std::string path = source.toStdString();
    for (Input &input : m_inputs) {
        if (!input.path.empty() && input.path == path) {
            input.make = fileSource(path, format.trimmed().toStdString(), input.follow);
            restartPipeline();
            m_window->statusBar()->showMessage(tr("Reading %1 again as %2").arg(source, format),
                                               10000);
            return;
        }
    }
    m_window->statusBar()->showMessage(tr("Only files can be read again with another format"),
                                       10000);
}

void GuiController::addSource(SourceFactory make, const std::string &title) {
    if (m_engine) // else buildEngine() adds it
        m_engine->addSource(make());
    m_inputs.push_back(Input{title, std::move(make), {}, false});
    updateTitle();
}

void GuiController::updateTitle() {
    std::string text = m_demo ? "live demo" : "";
    for (const Input &input : m_inputs)
        text += (text.empty() ? "" : ", ") + input.title;
    m_window->setWindowTitle(tr("Weir — %1").arg(QString::fromStdString(text)));
}

void GuiController::openFiles(const QStringList &paths) {
    for (const QString &p : paths)
        addFile(p.toStdString(), m_options.format);
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
        m_sources->applySnapshot(snap);
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
    out += ",\"window_results\":" +
           std::to_string(snap->windows.empty()
                              ? 0
                              : snap->windows[0]->finals.size() + snap->windows[0]->live.size());
    out += ",\"window_pipelines\":" + std::to_string(snap->windows.size());
    out += ",\"alerts_active\":" + std::to_string(snap->alerts ? snap->alerts->active.size() : 0);
    out += ",\"alert_transitions\":" + std::to_string(snap->alerts ? snap->alerts->transitions : 0);
    out += ",\"alerts_notified\":" + std::to_string(m_notified);
    out += ",\"alert_commands_skipped\":" + std::to_string(m_commands->skipped());
    out += ",\"alert_command_failures\":" + std::to_string(m_commands->failed());
    // How late a 10 ms timer on the GUI thread fired: the event loop's longest stalls.
    out += ",\"loop_samples\":" + std::to_string(m_stallProbe.samples());
    out += ",\"loop_stall_ms_max\":";
    appendDouble(out, m_stallProbe.maxMs());
    out += ",\"loop_stall_ms_p99\":";
    appendDouble(out, m_stallProbe.percentileMs(0.99));
    // The GUI thread's own CPU time between two of those timeouts (its work, not the load).
    out += ",\"loop_busy_ms_max\":";
    appendDouble(out, m_stallProbe.busyMaxMs());
    out += ",\"loop_busy_ms_p99\":";
    appendDouble(out, m_stallProbe.busyPercentileMs(0.99));
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
    m_stallProbe.stop();
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
