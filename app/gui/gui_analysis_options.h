// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// weir's window and alert options, mirroring weir-cli: --window/--key/--agg/--lateness/
// --out-of-order/--idle-timeout/--early/--mode/--dedup/--dedup-ttl, --rules FILE and
// --alert-command CMD.
#include "weir/window/window_setup.h"

#include <functional>
#include <string>
#include <vector>

namespace weir::app {

extern const char kAnalysisUsage[];

struct AnalysisOptions {
    // The window pipelines: `windows` holds the ones given before the last --window (each
    // --window after the first starts a new pipeline), `window` the last one (its `window`
    // empty: none). windowPipelines() lists them all in order.
    std::vector<window::WindowSetupText> windows;
    window::WindowSetupText window;
    std::string rulesPath;
    std::string alertCommand;          // run with each Firing alert as JSON on stdin
    int alertCommandTimeoutMs = 10000; // then the command's process group is killed
};

// Takes `arg` (and its value through next()) if it is one of these options.
bool parseAnalysisOption(const std::string &arg, const std::function<const char *()> &next,
                         AnalysisOptions &o);
std::vector<window::WindowSetupText> windowPipelines(const AnalysisOptions &o);
void setWindowPipelines(AnalysisOptions &o, std::vector<window::WindowSetupText> pipelines);
// Checks the window setups and loads and compiles the rules; returns an error or empty.
std::string checkAnalysisOptions(const AnalysisOptions &o);

} // namespace weir::app
