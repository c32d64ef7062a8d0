// SPDX-License-Identifier: GPL-3.0-or-later
#include "alert_output.h"

#include "weir/alert/alert_engine.h"

namespace weir::cli {

const char kAlertUsage[] =
    "\n"
    "Alerts:\n"
    "  --rules FILE          alert rules (JSON), evaluated in event time over the input\n"
    "  --alerts-out FILE     write every alert transition as one JSON object per line\n"
    "                        ('-' for standard output; the default with --rules)\n";

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

namespace {

std::unique_ptr<alert::AlertEngine> compile(const AlertOptions &o, std::string &error) {
    auto rules = alert::loadRulesFile(o.rulesPath, &error);
    if (!rules) {
        error = o.rulesPath + ": " + error;
        return nullptr;
    }
    auto engine = alert::AlertEngine::create(std::move(*rules), &error);
    if (!engine)
        error = o.rulesPath + ": " + error;
    return engine;
}

} // namespace

std::string checkAlertOptions(const AlertOptions &o) {
    // The rules themselves are read and compiled once, by attach(), before any input is read.
    if (o.rulesPath.empty() && !o.outPath.empty())
        return "--alerts-out needs --rules";
    return {};
}

AlertWriter::~AlertWriter() {
    if (m_file && m_file != stdout)
        std::fclose(m_file);
}

std::string AlertWriter::attach(const AlertOptions &o, engine::Engine &engine) {
    std::string error;
    auto alerts = compile(o, error);
    if (!alerts)
        return error;
    m_path = o.outPath.empty() ? "-" : o.outPath;
    m_file = m_path == "-" ? stdout : std::fopen(m_path.c_str(), "wb");
    if (!m_file)
        return "cannot write " + m_path;
    m_processor = std::make_shared<engine::AlertProcessor>(std::move(alerts));
    m_processor->setTransitionSink([this](const std::vector<alert::Transition> &batch) {
        std::string line;
        for (const auto &t : batch) {
            line = alert::transitionJson(t);
            line += '\n';
            if (std::fwrite(line.data(), 1, line.size(), m_file) != line.size())
                m_writeFailed = true;
        }
    });
    engine.addProcessor(m_processor);
    return {};
}

std::string AlertWriter::finish() {
    if (!m_processor)
        return {};
    m_processor->onInputFinished(); // the engine is stopped: safe here; no-op if already done
    bool ok = !m_writeFailed && std::fflush(m_file) == 0;
    if (m_file != stdout)
        ok = std::fclose(m_file) == 0 && ok;
    m_file = nullptr;
    return ok ? std::string() : "cannot write " + m_path;
}

} // namespace weir::cli
