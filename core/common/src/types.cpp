// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/common/types.h"

#include "weir/common/text.h"

#include <array>

namespace weir {

std::string_view severityName(Severity s) {
    static constexpr std::array<std::string_view, 10> kNames = {
        "",        "trace", "debug",    "info",  "notice",
        "warning", "error", "critical", "alert", "emergency"};
    const auto i = static_cast<size_t>(s);
    return i < kNames.size() ? kNames[i] : std::string_view{};
}

Severity severityFromName(std::string_view name) {
    struct Entry {
        std::string_view name;
        Severity severity;
    };
    static constexpr Entry kEntries[] = {
        {"trace", Severity::Trace},         {"finest", Severity::Trace},
        {"debug", Severity::Debug},         {"fine", Severity::Debug},
        {"finer", Severity::Trace},         {"dbg", Severity::Debug},
        {"info", Severity::Info},           {"information", Severity::Info},
        {"informational", Severity::Info},  {"inf", Severity::Info},
        {"notice", Severity::Notice},       {"warn", Severity::Warning},
        {"warning", Severity::Warning},     {"wrn", Severity::Warning},
        {"error", Severity::Error},         {"err", Severity::Error},
        {"severe", Severity::Error},        {"crit", Severity::Critical},
        {"critical", Severity::Critical},   {"fatal", Severity::Critical},
        {"alert", Severity::Alert},         {"emerg", Severity::Emergency},
        {"emergency", Severity::Emergency}, {"panic", Severity::Emergency},
    };
    for (const auto &e : kEntries) {
        if (iequals(name, e.name))
            return e.severity;
    }
    return Severity::Unknown;
}

} // namespace weir
