// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Test helper: a small CSV replayed through a real engine with a window processor and alert
// rules, returning the final snapshot (the engine is stopped and joined).
#include "weir/alert/alert_engine.h"
#include "weir/alert/rule.h"
#include "weir/engine/alert_processor.h"
#include "weir/engine/engine.h"
#include "weir/engine/window_processor.h"
#include "weir/source/file_source.h"
#include "weir/window/window_setup.h"

#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <memory>
#include <string>

namespace weir::test {

constexpr int64_t kHostsBase = 1700000000; // seconds; 2023-11-14T22:13:20Z

// Host b is hot in [10,20) and [30,40) (two Firing, two Resolved for "hot"), a never is.
inline std::string hostsCsv() {
    std::string s = "time,host,value\n";
    for (int t = 0; t < 50; ++t) {
        const bool hot = (t >= 10 && t < 20) || (t >= 30 && t < 40);
        s += std::to_string(kHostsBase + t) + ",a,10\n";
        s += std::to_string(kHostsBase + t) + ",b," + (hot ? "95" : "20") + "\n";
    }
    return s;
}

inline const char *hostsRules() {
    return R"j({"rules":[{"name":"hot","window":"fixed:10s","key":["host"],
        "condition":"max(value) > 90","severity":"critical"}]})j";
}

// Runs `csv` through an engine with the given window setup (window empty: none) and rules
// (empty: none). Waits at most 60 s for the replay to finish.
inline std::shared_ptr<const engine::Snapshot> runPipeline(const QTemporaryDir &dir,
                                                           const std::string &csv,
                                                           const window::WindowSetupText &w,
                                                           const std::string &rules) {
    const std::string path = dir.filePath(QStringLiteral("hosts.csv")).toStdString();
    {
        std::ofstream out(path, std::ios::binary);
        out << csv;
    }
    engine::Engine engine;
    if (!w.window.empty()) {
        window::WindowSetup setup;
        std::string error;
        if (!window::parseWindowSetup(w, setup, &error))
            qFatal("window setup: %s", error.c_str());
        engine::WindowProcessor::Options po;
        po.name = setup.name;
        po.window = setup.op;
        po.keyFields = setup.keyFields;
        engine.addProcessor(std::make_shared<engine::WindowProcessor>(std::move(po)));
    }
    if (!rules.empty()) {
        std::string error;
        auto specs = alert::loadRules(rules, &error);
        auto alerts = specs ? alert::AlertEngine::create(std::move(*specs), &error) : nullptr;
        if (!alerts)
            qFatal("rules: %s", error.c_str());
        engine.addProcessor(std::make_shared<engine::AlertProcessor>(std::move(alerts)));
    }
    source::FileSource::Options fo;
    fo.path = path;
    engine.addSource(std::make_unique<source::FileSource>(fo));
    engine.start();
    if (!engine.waitFinished(std::chrono::seconds(60)))
        qFatal("replay did not finish");
    engine.stop();
    return engine.snapshot();
}

} // namespace weir::test
