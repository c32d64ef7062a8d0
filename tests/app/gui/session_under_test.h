// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The app as the GUI tests drive it: a controller without the demo source and a desktop
// session over it that records no recent files.
#include "desktop/secret_store.h"
#include "desktop_session.h"
#include "gui_controller.h"

#include <QSettings>
#include <memory>

namespace weir::test {

inline app::GuiOptions withoutDemo() {
    app::GuiOptions options;
    options.noDemo = true;
    return options;
}

// GUI thread only; `settings` must outlive it. Without `ask`, a secret request is never
// answered and only counted in `asked`.
struct SessionUnderTest {
    explicit SessionUnderTest(
        QSettings &settings,
        std::unique_ptr<ui::SecretStore> secrets = std::make_unique<ui::SessionSecretStore>(),
        ui::AskSecret ask = {})
        : controller(withoutDemo())
        , session(
              controller, settings, std::move(secrets),
              ask ? std::move(ask) : [this](const ui::SecretRequest &, bool) {
                  ++asked;
                  return ui::SecretAnswer{};
              }) {
        session.setRecordRecent(false);
    }

    app::GuiController controller;
    int asked = 0;
    app::DesktopSession session;
};

} // namespace weir::test
