// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "gui_analysis_options.h"
#include "loop_stall_probe.h"
#include "source_controls.h"
#include "weir/engine/engine.h"

#include <QByteArrayList>
#include <QElapsedTimer>
#include <QObject>
#include <QThreadPool>
#include <QTimer>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace weir::ui {
class AlertCommandRunner;
class MainWindow;
} // namespace weir::ui

namespace weir::app {

struct GuiOptions {
    std::vector<std::string> files; // none: the live demo
    bool noDemo = false;            // no live demo even without files (a workspace brings sources)
    std::string format = "auto";
    double speed = 0;    // file pacing factor; 0 = as fast as possible
    bool follow = false; // keep reading what is appended to the files (tail -F)
    uint64_t seed = 42;
    double demoRate = 400;     // demo events per second
    size_t memoryBudgetMb = 0; // 0: the engine's default
    int maxRows = 0;           // 0: the table model's default
    // Automation (tests, screenshots): quit after a time, or when enough rows arrived, or when
    // every bounded source is replayed; then optionally print one JSON line and save a PNG.
    int exitAfterMs = 0;
    int exitWhenRows = 0;
    bool exitWhenFinished = false;
    bool printStats = false;
    std::string screenshotPath;
    AnalysisOptions analysis; // windows and alerts
};

// Wires the engine to the main window: owns both, adds sources, and pulls a snapshot on a
// re-armed single-shot timer (at most one UI update per 50 ms, whatever the input rate). The
// engine thread never calls into the GUI thread. GUI thread only.
class GuiController final : public QObject {
    Q_OBJECT

public:
    static constexpr int kTickMs = 50;

    explicit GuiController(GuiOptions options, QObject *parent = nullptr);
    // Stops and joins the engine (and its sources) before the window goes.
    ~GuiController() override;

    void start();
    ui::MainWindow *window() const { return m_window.get(); }
    // The Sources panel and the Kafka/MQTT dialogs; switchable() wraps a live source's factory
    // so the panel can disconnect and connect it.
    SourceControls *sourceControls() const { return m_sources.get(); }
    const GuiOptions &options() const { return m_options; }
    // Adds sources to the running pipeline (and their names to the window title).
    void openFiles(const QStringList &paths);
    // `follow`: keep reading what is appended (tail -F); the file shows as a live source.
    void addFile(const std::string &path, const std::string &format, bool follow = false);
    // Parser workbench "Apply to source": the file input named `source` (its path) is read
    // with `format` from now on, and every input is replayed (restartPipeline).
    void applyFormat(const QString &source, const QString &format);
    // Creates a source now and again whenever the pipeline restarts (a new rule set or
    // workspace replays every input through a new engine), so live sources reconnect.
    using SourceFactory = std::function<std::unique_ptr<source::Source>()>;
    void addSource(SourceFactory make, const std::string &title);
    // Replays every input through a new engine, as a new rule set does: files are read
    // again, live sources reconnect (with the secrets they were given). A new window setup
    // does not restart anything (configureWindows).
    void restartPipeline();
    // Puts a rule set in force (the JSON of a rules file; empty: none) and, once started,
    // replays every input through a new engine. `path` is the rules file the text came from
    // (the rule editor saves there; silences and acknowledgements are kept next to it), empty
    // for rules held in a workspace. False with `error` naming the rule and field when the
    // rules do not load or compile: nothing changes then.
    bool setRules(const std::string &json, const std::string &path, std::string *error);
    const std::string &rulesJson() const { return m_rulesJson; }
    // The window pipelines as typed (--window options, the window dialog, a workspace).
    std::vector<window::WindowSetupText> windowSetups() const;
    // Replaces every window pipeline (a workspace's "windows"). Each setup is checked first:
    // false with `error` ("window 2: lateness: ...") and nothing changes. Once started, the
    // engine runs the new pipelines over the stored events and continues live, as for the
    // window dialog (no restart; the alerts go on).
    bool setWindowSetups(std::vector<window::WindowSetupText> setups, std::string *error);
    // The engine's latest snapshot (null before start()).
    std::shared_ptr<const engine::Snapshot> snapshot() const;
    const std::string &rulesPath() const { return m_options.analysis.rulesPath; }
    // 0, or 3 when an --exit-when-* condition was not met before --exit-after.
    int exitCode() const { return m_exitCode; }

private:
    // Creates the engine with its window and alert processors and adds every input. A new
    // rule set replays the inputs through a new engine (restartPipeline).
    void buildEngine();
    // Edits window pipeline `pipeline` (an index into windowPipelines), or adds one (-1). The
    // engine keeps running (live sources are not restarted): the new pipeline is run over the
    // events already stored, then continues live (engine::Engine::replaceProcessors); the
    // other pipelines and the alerts go on untouched.
    void configureWindows(int pipeline);
    // Hands the engine m_windowProcessors (those not null), then the alert processor.
    void replaceEngineProcessors();
    // The window processor of one setup, or null with the parser's message in `error`.
    static std::shared_ptr<engine::EventProcessor>
    makeWindowProcessor(const window::WindowSetupText &setup, std::string *error);
    SourceFactory fileSource(const std::string &path, const std::string &format, bool follow) const;
    void editRules();
    void useRulesStateFile(); // silences and acknowledgements of the rules file, if any
    void runAlertCommand(const QByteArrayList &alerts);
    void tick();
    void updateTitle();
    void finish(const char *reason);
    std::string statsJson(const char *reason) const;

    GuiOptions m_options;
    std::unique_ptr<engine::Engine> m_engine;
    std::unique_ptr<ui::MainWindow> m_window;
    std::unique_ptr<SourceControls> m_sources; // after m_window: its panel lives in the window
    QTimer m_timer;
    struct Input {
        std::string title;
        SourceFactory make;
        std::string path; // file inputs: the file (the source's name)
        bool follow = false;
    };
    std::vector<Input> m_inputs; // every input but the demo, in order (recreated on restart)
    std::string m_rulesJson;     // the rules in force; empty: none
    // The engine's processors: one per window pipeline (null where the setup was refused),
    // then the alert processor (null: none).
    std::vector<std::shared_ptr<engine::EventProcessor>> m_windowProcessors;
    std::shared_ptr<engine::EventProcessor> m_alertProcessor;
    bool m_demo = false; // the built-in demo is an input
    // Runs the user's alert command; failures are shown in the Alerts panel.
    std::unique_ptr<ui::AlertCommandRunner> m_commands;
    uint64_t m_notified = 0; // Firing alerts notified (not silenced)
    uint64_t m_appliedVersion = 0;
    bool m_finished = false;
    int m_exitCode = 0;

    // Update costs, for --print-stats.
    QElapsedTimer m_clock;
    qint64 m_lastTickMs = -1;
    qint64 m_maxTickGapMs = 0;
    uint64_t m_ticks = 0;
    uint64_t m_updates = 0;
    double m_updateMsTotal = 0;
    double m_updateMsMax = 0;
    LoopStallProbe m_stallProbe; // event-loop lateness, for --print-stats
};

} // namespace weir::app
