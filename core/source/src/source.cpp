// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/source/source.h"

namespace weir::source {

const char *sourceStateName(SourceState state) {
    switch (state) {
    case SourceState::None:
        return "";
    case SourceState::Connecting:
        return "connecting";
    case SourceState::Connected:
        return "connected";
    case SourceState::Reconnecting:
        return "reconnecting";
    case SourceState::Failed:
        return "failed";
    case SourceState::Stopped:
        return "stopped";
    }
    return "";
}

} // namespace weir::source
