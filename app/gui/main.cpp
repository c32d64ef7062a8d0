// SPDX-License-Identifier: GPL-3.0-or-later
// weir: the desktop monitor. `weir` alone shows the live demo; `weir FILE...` replays files.
#include "common/arg_util.h"
#include "gui_controller.h"
#include "weir/common/text.h"
#include "weir/parse/format_registry.h"
#include "weir_version.h"

#include <QApplication>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

const char kUsage[] =
    "Usage: weir [FILE...] [options]\n"
    "Desktop monitor for live log and sensor streams. Without FILE, shows the built-in live\n"
    "demo stream; with FILE..., replays the files through the pipeline. More files can be\n"
    "added with File > Open or by dropping them on the window.\n"
    "\n"
    "Options:\n"
    "  --format F            input format for files: auto (default), combined, common, seed,\n"
    "                        vhost-combined, apache-error, syslog, log4j, generic, json,\n"
    "                        logfmt, csv, tsv, regex:EXPR or logformat:STR (as in weir-cli)\n"
    "  --speed X             pace file replay by event time at X times real time (default: as\n"
    "                        fast as possible)\n"
    "  --seed N              demo generator seed (default 42)\n"
    "  --demo-rate N         demo events per second (default 400)\n"
    "  --memory-budget MB    event store budget; the oldest events are evicted beyond it\n"
    "  --max-rows N          rows kept in the log table (default 20000000)\n"
    "  -h, --help            this help\n"
    "  --version             print the version\n"
    "\n"
    "Automation (tests, screenshots):\n"
    "  --exit-after MS       quit after MS milliseconds (exit code 3 if an --exit-when-*\n"
    "                        condition was given and not met)\n"
    "  --exit-when-rows N    quit once the log table holds N rows\n"
    "  --exit-when-finished  quit once every file is replayed and shown\n"
    "  --print-stats         print one JSON line (rows, events, update costs) on exit\n"
    "  --screenshot FILE     save the main window as PNG on exit\n"
    "\n"
    "Qt options such as -platform offscreen are passed through.\n";

[[noreturn]] void fail(const std::string &message) {
    weir::app::usageError("weir", message);
}

double numberArg(const std::string &name, const char *value) {
    return weir::app::nonNegativeArg(name, value, fail);
}

bool isQtOptionWithValue(const std::string &a) {
    static const char *const kOptions[] = {
        "-platform",        "-style",        "-stylesheet",    "-display",           "-geometry",
        "-qwindowgeometry", "-qwindowtitle", "-platformtheme", "-platformpluginpath"};
    return std::any_of(std::begin(kOptions), std::end(kOptions),
                       [&](const char *o) { return a == o; });
}

// Runs before QApplication exists, so --help and --version work without a display.
weir::app::GuiOptions parseArgs(int argc, char **argv) {
    weir::app::GuiOptions o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto next = [&]() -> const char * {
            if (i + 1 >= argc)
                fail("option " + a + " needs a value");
            return argv[++i];
        };
        if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            std::fputs(weir::app::kAnalysisUsage, stdout);
            std::exit(0);
        } else if (a == "--version") {
            std::printf("weir %s\n", WEIR_VERSION);
            std::exit(0);
        } else if (a == "--format") {
            o.format = next();
            // The same names as weir-cli, user formats (regex:, logformat:) included.
            std::string error;
            if (!weir::parse::isAutoFormat(o.format) && !weir::parse::makeParser(o.format, &error))
                fail(error);
        } else if (a == "--speed") {
            o.speed = numberArg(a, next());
        } else if (a == "--seed") {
            o.seed = static_cast<uint64_t>(numberArg(a, next()));
        } else if (a == "--demo-rate") {
            o.demoRate = std::max(1.0, numberArg(a, next()));
        } else if (a == "--memory-budget") {
            o.memoryBudgetMb = static_cast<size_t>(numberArg(a, next()));
        } else if (a == "--max-rows") {
            o.maxRows = static_cast<int>(std::min(numberArg(a, next()), 2.0e9));
        } else if (a == "--exit-after") {
            o.exitAfterMs = static_cast<int>(std::min(numberArg(a, next()), 2.0e9));
        } else if (a == "--exit-when-rows") {
            o.exitWhenRows = static_cast<int>(std::min(numberArg(a, next()), 2.0e9));
        } else if (a == "--exit-when-finished") {
            o.exitWhenFinished = true;
        } else if (a == "--print-stats") {
            o.printStats = true;
        } else if (a == "--screenshot") {
            o.screenshotPath = next();
        } else if (weir::app::parseAnalysisOption(a, next, o.analysis)) {
        } else if (isQtOptionWithValue(a)) {
            ++i; // QApplication takes it
        } else if (a == "-reverse" || a == "-nograb" || a == "-dograb" || a == "-sync") {
            // QApplication takes it
        } else if (a.size() > 1 && a[0] == '-') {
            fail("unknown option " + a);
        } else {
            o.files.push_back(a);
        }
    }
    if (const std::string err = weir::app::checkAnalysisOptions(o.analysis); !err.empty())
        fail(err);
    return o;
}

} // namespace

int main(int argc, char **argv) {
    weir::app::GuiOptions options = parseArgs(argc, argv);

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("weir"));
    QApplication::setApplicationDisplayName(QStringLiteral("Weir"));
    QApplication::setApplicationVersion(QStringLiteral(WEIR_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("weir"));

    weir::app::GuiController controller(std::move(options));
    controller.start();
    const int rc = QApplication::exec();
    return rc != 0 ? rc : controller.exitCode();
}
