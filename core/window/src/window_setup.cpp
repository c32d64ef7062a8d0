// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/window/window_setup.h"

#include "weir/common/time_util.h"
#include "weir/window/event_builder.h"

namespace weir::window {

namespace {

bool fail(std::string *error, const char *field, const std::string &reason) {
    if (error)
        *error = std::string(field) + ": " + reason;
    return false;
}

} // namespace

bool parseWindowSetup(const WindowSetupText &text, WindowSetup &out, std::string *error) {
    WindowSetup s;
    std::string reason;
    if (text.window.empty())
        return fail(error, "window", "a window is required (e.g. fixed:60s)");
    if (!parseWindowSpec(text.window, s.op.window, &reason))
        return fail(error, "window", reason);
    if (!parseAggregates(text.aggs.empty() ? std::string("count") : text.aggs, s.op.aggregates,
                         &reason))
        return fail(error, "aggs", reason);
    const struct {
        const char *field;
        const std::string &text;
        int64_t &value;
    } durations[] = {
        {"lateness", text.lateness, s.op.allowedLatenessNs},
        {"out-of-order", text.outOfOrder, s.op.outOfOrderNs},
        {"idle-timeout", text.idleTimeout, s.op.idleTimeoutNs},
        {"early", text.early, s.op.earlyIntervalNs},
        {"dedup-ttl", text.dedupTtl, s.op.dedupTtlNs},
    };
    for (const auto &d : durations) {
        const std::string &t = d.text.empty() ? std::string("0") : d.text;
        if (!parseDuration(t, d.value) || d.value < 0)
            return fail(error, d.field, "expected a duration such as 10s or 5m, not '" + t + "'");
    }
    if (text.mode == "discarding")
        s.op.mode = AccumulationMode::Discarding;
    else if (!text.mode.empty() && text.mode != "accumulating")
        return fail(error, "mode", "expected accumulating or discarding");
    s.keyFields = EventBuilder::splitList(text.keys);
    s.dedupFields = EventBuilder::splitList(text.dedup);
    if (!s.dedupFields.empty() && s.op.dedupTtlNs <= 0)
        return fail(error, "dedup-ttl", "deduplication needs a positive TTL");
    s.name = text.window;
    if (!s.keyFields.empty()) {
        s.name += " by ";
        for (size_t i = 0; i < s.keyFields.size(); ++i)
            s.name += (i ? "," : "") + s.keyFields[i];
    }
    out = std::move(s);
    return true;
}

} // namespace weir::window
