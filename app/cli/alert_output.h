#pragma once

// weir-cli wiring for alert rules: --rules FILE --alerts-out FILE.jsonl.
#include "weir/engine/engine.h"

#include <functional>
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
// Loads and compiles the rules; returns an error naming the rule and field, or empty.
std::string checkAlertOptions(const AlertOptions &o);

// Evaluates the rules over every event of the finished run, in arrival order, and writes one
// JSON object per transition. Returns an error or empty.
std::string writeAlerts(const AlertOptions &o, const engine::Snapshot &snapshot);

} // namespace weir::cli
