// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// weir-cli wiring for event-time windows: --window, --key, --agg, --lateness, --out-of-order,
// --dedup, --emit, --out. Results are written as they fire (CSV or JSON lines).
#include "weir/engine/engine.h"
#include "weir/engine/window_processor.h"

#include <cstdio>
#include <functional>
#include <memory>
#include <string>

namespace weir::cli {

extern const char kWindowUsage[];

struct WindowCliOptions {
    std::string window; // empty: no windowing
    std::string keys;
    std::string aggs = "count";
    std::string lateness = "0";
    std::string outOfOrder = "0";
    std::string idleTimeout = "0";
    std::string early = "0";
    std::string mode = "accumulating";
    std::string dedup;
    std::string dedupTtl = "10m";
    std::string emit = "all";
    std::string out;

    bool any() const { return !window.empty(); }
};

bool parseWindowOption(const std::string &arg, const std::function<const char *()> &next,
                       WindowCliOptions &o);

// Writes panes of one WindowProcessor to a file. The sink runs on the engine thread; finish()
// is called from main() after Engine::stop() (the engine thread is joined by then).
class WindowOutput {
public:
    // Validates the options and opens the output; returns an error or empty.
    std::string init(const WindowCliOptions &o);
    std::shared_ptr<engine::WindowProcessor> processor() const { return m_processor; }
    // Flushes windows still open (unbounded input stopped early) and closes the file.
    std::string finish();
    // ,"late_dropped":N,"late_updates":N,"duplicates":N,"windows":N
    void appendStats(std::string &json) const;

private:
    void write(std::vector<window::Pane> &panes);

    std::shared_ptr<engine::WindowProcessor> m_processor;
    std::FILE *m_file = nullptr;
    std::string m_path;
    bool m_jsonl = false;
    bool m_finalOnly = false;
    bool m_writeError = false;
    std::vector<std::string> m_aggNames;
    std::string m_line;
};

} // namespace weir::cli
