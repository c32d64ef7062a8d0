// SPDX-License-Identifier: GPL-3.0-or-later
// weir: the desktop monitor. `weir` alone shows the live demo; `weir FILE...` replays files.
#include "common/arg_util.h"
#include "desktop/app_icon.h"
#include "desktop/secret_prompt.h"
#include "desktop/secret_store.h"
#include "desktop/single_instance.h"
#include "desktop/theme.h"
#include "desktop_session.h"
#include "gui_controller.h"
#include "views/main_window.h"
#include "weir/common/text.h"
#include "weir/parse/format_registry.h"
#include "weir_version.h"

#include <QApplication>
#include <QFileInfo>
#include <QSettings>
#include <algorithm>
#include <clocale>
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
    "  --follow              keep reading what is appended to the files, like tail -F\n"
    "                        (also File > Follow File)\n"
    "  --seed N              demo generator seed (default 42)\n"
    "  --demo-rate N         demo events per second (default 400)\n"
    "  --memory-budget MB    event store budget; the oldest events are evicted beyond it\n"
    "  --max-rows N          rows kept in the log table (default: every stored event)\n"
    "  --workspace F         open a workspace file (sources; passwords stay in the system\n"
    "                        keychain, or are asked for)\n"
    "  --new-instance        open a new window even if Weir already runs (by default\n"
    "                        `weir FILE` hands FILE to the running window and exits)\n"
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
    "  --single-instance     hand over to / act as the running window even with the options\n"
    "                        above (which otherwise imply --new-instance)\n"
    "  --restore-session     reopen the last workspace when the setting asks for it, even\n"
    "                        with the options above (which otherwise skip it)\n"
    "\n"
    "Environment: WEIR_SECRET_STORE=keychain|session chooses where passwords are kept;\n"
    "WEIR_COLOR_SCHEME=dark|light overrides the desktop's colour scheme;\n"
    "WEIR_INSTANCE_SOCKET names the single-instance socket.\n"
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

struct Args {
    weir::app::GuiOptions options;
    std::string workspace;
    bool newInstance = false;
    bool singleInstance = false;
    bool restoreSession = false;
    bool automated() const {
        const auto &o = options;
        return o.exitAfterMs > 0 || o.exitWhenRows > 0 || o.exitWhenFinished || o.printStats ||
               !o.screenshotPath.empty();
    }
};

// Runs before QApplication exists, so --help and --version work without a display.
Args parseArgs(int argc, char **argv) {
    Args args;
    weir::app::GuiOptions &o = args.options;
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
        } else if (a == "--follow") {
            o.follow = true;
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
        } else if (a == "--workspace") {
            args.workspace = next();
        } else if (a == "--new-instance") {
            args.newInstance = true;
        } else if (a == "--single-instance") {
            args.singleInstance = true;
        } else if (a == "--restore-session") {
            args.restoreSession = true;
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
    return args;
}

} // namespace

int main(int argc, char **argv) {
    Args args = parseArgs(argc, argv);
    weir::app::GuiOptions &options = args.options;

    QApplication app(argc, argv);
    // QApplication took the user's locale for the C library too; numbers in logs, rules and
    // library settings (librdkafka's, mosquitto's) are written with a '.' whatever it is.
    std::setlocale(LC_NUMERIC, "C");
    QApplication::setOrganizationName(QStringLiteral("weir"));
    QApplication::setApplicationName(QStringLiteral("weir"));
    QApplication::setApplicationDisplayName(QStringLiteral("Weir"));
    QApplication::setApplicationVersion(QStringLiteral(WEIR_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("weir"));
    QApplication::setWindowIcon(weir::ui::applicationIcon());

    // One window per user: `weir FILE` while Weir runs hands FILE over and exits. Automated
    // runs (tests, screenshots) stay apart unless --single-instance says otherwise.
    const bool automated = args.automated();
    weir::ui::SingleInstance instance(weir::ui::SingleInstance::defaultName());
    if (args.singleInstance || (!args.newInstance && !automated)) {
        QStringList files;
        for (const auto &f : options.files)
            files << QString::fromStdString(f);
        const QString workspace =
            args.workspace.empty()
                ? QString()
                : QFileInfo(QString::fromStdString(args.workspace)).absoluteFilePath();
        if (instance.sendToRunning(files, workspace))
            return 0;
        instance.listen();
    }

    QSettings settings;
    weir::ui::applyTheme(weir::app::DesktopSession::themeChoice(settings));
    // Optionally reopen the last workspace when started without inputs.
    if (args.workspace.empty() && options.files.empty() && (!automated || args.restoreSession))
        args.workspace = weir::app::DesktopSession::workspaceToRestore(settings).toStdString();
    if (!args.workspace.empty())
        options.noDemo = true;

    weir::app::GuiController controller(std::move(options));
    weir::ui::MainWindow *window = controller.window();
    weir::app::DesktopSession session(
        controller, settings, weir::ui::createSecretStore(weir::ui::chooseSecretBackend()),
        [window](const weir::ui::SecretRequest &request, bool persistent) {
            return weir::ui::askSecretWithDialog(window, request, persistent);
        });
    session.setRecordRecent(!automated);
    session.installMenus();
    if (!automated) {
        QStringList files;
        for (const auto &f : controller.options().files)
            files << QString::fromStdString(f);
        for (const QString &f : files)
            weir::ui::RecentFiles(settings).add(f, weir::ui::RecentFiles::Kind::LogFile);
    }
    QObject::connect(&instance, &weir::ui::SingleInstance::filesReceived, &controller,
                     [&controller, &session](const QStringList &files) {
                         controller.openFiles(files);
                         session.noteFilesOpened(files);
                     });
    QObject::connect(&instance, &weir::ui::SingleInstance::workspaceReceived, &session,
                     [&session](const QString &path) { session.openWorkspace(path); });
    QObject::connect(&instance, &weir::ui::SingleInstance::activationRequested, window, [window] {
        if (window->isMinimized())
            window->showNormal();
        window->raise();
        window->activateWindow();
    });

    controller.start();
    if (!args.workspace.empty())
        session.openWorkspace(QString::fromStdString(args.workspace), automated);
    const int rc = QApplication::exec();
    return rc != 0 ? rc : controller.exitCode();
}
