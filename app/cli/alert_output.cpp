#include "alert_output.h"

#include "weir/alert/alert_engine.h"
#include "weir/common/time_util.h"

#include <cstdio>

namespace weir::cli {

const char kAlertUsage[] =
    "\n"
    "Alerts:\n"
    "  --rules FILE          alert rules (JSON), evaluated in event time over the input\n"
    "  --alerts-out FILE     write every alert transition as one JSON object per line\n"
    "                        ('-' for standard output; default with --rules)\n";

bool parseAlertOption(const std::string &arg, const std::function<const char *()> &next,
                      AlertOptions &o) {
    if (arg == "--rules") {
        o.rulesPath = next();
        return true;
    }
    if (arg == "--alerts-out") {
        o.outPath = next();
        return true;
    }
    return false;
}

std::string checkAlertOptions(const AlertOptions &o) {
    if (o.rulesPath.empty())
        return o.outPath.empty() ? std::string() : "--alerts-out needs --rules";
    std::string error;
    auto rules = alert::loadRulesFile(o.rulesPath, &error);
    if (!rules)
        return o.rulesPath + ": " + error;
    if (!alert::AlertEngine::create(std::move(*rules), &error))
        return o.rulesPath + ": " + error;
    return {};
}

std::string writeAlerts(const AlertOptions &o, const engine::Snapshot &snap) {
    std::string error;
    auto rules = alert::loadRulesFile(o.rulesPath, &error);
    if (!rules)
        return o.rulesPath + ": " + error;
    auto alerts = alert::AlertEngine::create(std::move(*rules), &error);
    if (!alerts)
        return o.rulesPath + ": " + error;
    query::SourceCatalog catalog;
    for (const auto &c : snap.channels)
        catalog.push_back({c.name, c.decoder, c.fieldNames});
    alerts->setCatalog(catalog);

    const std::string path = o.outPath.empty() ? "-" : o.outPath;
    std::FILE *f = path == "-" ? stdout : std::fopen(path.c_str(), "wb");
    if (!f)
        return "cannot write " + path;
    std::vector<alert::Transition> transitions;
    std::string line;
    const auto flush = [&] {
        alerts->takeTransitions(transitions);
        for (const auto &t : transitions) {
            line = alert::transitionJson(t);
            line += '\n';
            std::fwrite(line.data(), 1, line.size(), f);
        }
        transitions.clear();
    };
    // Arrival order is the store's order, so this is what a live evaluation would have seen.
    parse::FieldList fields;
    const int64_t now = monotonicNowNs();
    snap.events.forEach(snap.events.firstIndex(), snap.events.endIndex(),
                        [&](const store::EventRef &e) {
                            const store::EventRecord &rec = e.record();
                            fields.clear();
                            const auto &ch = snap.channels;
                            if (rec.source.value < ch.size() && ch[rec.source.value].decoder)
                                ch[rec.source.value].decoder->parseFields(e.raw(), fields);
                            alerts->process(rec, e.raw(), fields, now);
                            flush();
                        });
    alerts->endAll();
    flush();
    const bool ok = std::fflush(f) == 0;
    if (f != stdout && std::fclose(f) != 0)
        return "cannot write " + path;
    return ok ? std::string() : "cannot write " + path;
}

} // namespace weir::cli
