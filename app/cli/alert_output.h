// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// weir-cli wiring for alert rules: --rules FILE --alerts-out FILE.jsonl.
#include "weir/engine/alert_processor.h"
#include "weir/engine/engine.h"

#include <cstdio>
#include <functional>
#include <memory>
#include <string>

namespace weir::cli {

extern const char kAlertUsage[];

struct AlertOptions {
    std::string rulesPath;
    std::string outPath; // "-" for stdout

    bool any() const { return !rulesPath.empty(); }
};

bool parseAlertOption(const std::string &arg, const std::function<const char *()> &next,
                      AlertOptions &o);
// Checks the option combination; returns an error or empty.
std::string checkAlertOptions(const AlertOptions &o);

// Runs the rules inside the engine (an AlertProcessor) and writes one JSON object per
// transition as they happen.
class AlertWriter {
public:
    ~AlertWriter();
    // Before Engine::start: loads and compiles the rules, opens the output. Returns an error
    // naming the rule and field, or empty.
    std::string attach(const AlertOptions &o, engine::Engine &engine);
    // After Engine::stop: closes the windows still open (live input) and the file.
    std::string finish();

private:
    std::shared_ptr<engine::AlertProcessor> m_processor;
    std::FILE *m_file = nullptr;
    std::string m_path;
    bool m_writeFailed = false;
};

} // namespace weir::cli
