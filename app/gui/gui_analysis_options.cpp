// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui_analysis_options.h"

#include "weir/alert/alert_engine.h"
#include "weir/alert/rule.h"
#include "weir/common/text.h"

#include <algorithm>

namespace weir::app {

const char kAnalysisUsage[] =
    "\n"
    "Event-time windows (as in weir-cli; shown in the Window results dock):\n"
    "  --window W            fixed:60s | sliding:60s/10s | session:30s | global\n"
    "  --key F1,F2           group by these fields\n"
    "  --agg LIST            count,sum(F),mean(F),min(F),max(F),p95(F),distinct(F),topk(F,10)\n"
    "  --out-of-order D      watermark = max event time - D (default 0)\n"
    "  --lateness D          late data within D updates windows (default 0)\n"
    "  --idle-timeout D, --early D, --mode accumulating|discarding, --dedup EXPR,\n"
    "  --dedup-ttl D         as in weir-cli\n"
    "  Repeat --window for another pipeline; the options after it apply to it.\n"
    "\n"
    "Alerts (shown in the Alerts dock, the system tray when there is one):\n"
    "  --rules FILE          alert rules (JSON, see weir-cli); Edit rules… saves back to it\n"
    "  --alert-command CMD   run `sh -c CMD` with each new Firing alert as JSON on stdin\n"
    "                        (not for silenced alerts)\n"
    "  --alert-command-timeout MS  kill the command after MS milliseconds (default 10000)\n";

bool parseAnalysisOption(const std::string &a, const std::function<const char *()> &next,
                         AnalysisOptions &o) {
    if (a == "--window" && !o.window.window.empty()) {
        o.windows.push_back(std::move(o.window));
        o.window = {};
    }
    window::WindowSetupText &w = o.window;
    std::string *target = a == "--window"          ? &w.window
                          : a == "--key"           ? &w.keys
                          : a == "--agg"           ? &w.aggs
                          : a == "--lateness"      ? &w.lateness
                          : a == "--out-of-order"  ? &w.outOfOrder
                          : a == "--idle-timeout"  ? &w.idleTimeout
                          : a == "--early"         ? &w.early
                          : a == "--mode"          ? &w.mode
                          : a == "--dedup"         ? &w.dedup
                          : a == "--dedup-ttl"     ? &w.dedupTtl
                          : a == "--rules"         ? &o.rulesPath
                          : a == "--alert-command" ? &o.alertCommand
                                                   : nullptr;
    if (target) {
        *target = next();
        return true;
    }
    if (a == "--alert-command-timeout") {
        double ms = 0;
        const char *v = next();
        o.alertCommandTimeoutMs =
            parseDouble(v, ms) && ms >= 1 ? static_cast<int>(std::min(ms, 3600000.0)) : -1;
        return true;
    }
    return false;
}

std::vector<window::WindowSetupText> windowPipelines(const AnalysisOptions &o) {
    std::vector<window::WindowSetupText> all = o.windows;
    if (!o.window.window.empty())
        all.push_back(o.window);
    return all;
}

void setWindowPipelines(AnalysisOptions &o, std::vector<window::WindowSetupText> pipelines) {
    o.window = {};
    if (!pipelines.empty()) {
        o.window = std::move(pipelines.back());
        pipelines.pop_back();
    }
    o.windows = std::move(pipelines);
}

std::string checkAnalysisOptions(const AnalysisOptions &o) {
    for (const window::WindowSetupText &w : windowPipelines(o)) {
        window::WindowSetup setup;
        std::string error;
        if (!window::parseWindowSetup(w, setup, &error)) {
            // The setup names its fields after the options, except these two.
            if (error.rfind("aggs:", 0) == 0)
                error.replace(0, 4, "agg");
            else if (error.rfind("keys:", 0) == 0)
                error.replace(0, 4, "key");
            return "--" + error;
        }
    }
    if (o.alertCommandTimeoutMs < 1)
        return "--alert-command-timeout needs a number of milliseconds";
    if (!o.rulesPath.empty()) {
        std::string error;
        auto rules = alert::loadRulesFile(o.rulesPath, &error);
        if (!rules || !alert::AlertEngine::create(std::move(*rules), &error))
            return o.rulesPath + ": " + error;
    }
    return {};
}

} // namespace weir::app
