// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/window/window_spec.h"

#include "weir/common/time_util.h"

namespace weir::window {

void WindowSpec::assign(TimestampNs t, std::vector<Window> &out) const {
    out.clear();
    switch (kind) {
    case WindowKind::Global:
        out.push_back({kMinTimestamp, kMaxTimestamp});
        break;
    case WindowKind::Fixed: {
        const int64_t start = floorDiv(t.value, size) * size;
        out.push_back({TimestampNs{start}, TimestampNs{saturatingAdd(start, size)}});
        break;
    }
    case WindowKind::Sliding: {
        // Starts s = k * period with s <= t < s + size.
        const int64_t last = floorDiv(t.value, period) * period;
        int64_t first = last;
        while (first - period > t.value - size)
            first -= period;
        for (int64_t s = first; s <= last; s += period)
            out.push_back({TimestampNs{s}, TimestampNs{saturatingAdd(s, size)}});
        break;
    }
    case WindowKind::Session:
        out.push_back({t, TimestampNs{saturatingAdd(t.value, gap)}});
        break;
    }
}

int64_t WindowSpec::maxLength() const {
    switch (kind) {
    case WindowKind::Fixed:
    case WindowKind::Sliding:
        return size;
    case WindowKind::Session:
        return gap;
    case WindowKind::Global:
        break;
    }
    return 0;
}

bool parseWindowSpec(std::string_view text, WindowSpec &out, std::string *error) {
    const auto failWith = [&](const std::string &m) {
        if (error)
            *error = m;
        return false;
    };
    if (text == "global") {
        out = WindowSpec::global();
        return true;
    }
    const size_t colon = text.find(':');
    if (colon == std::string_view::npos)
        return failWith("window must be global, fixed:SIZE, sliding:SIZE/PERIOD or session:GAP");
    const std::string_view kind = text.substr(0, colon);
    const std::string_view arg = text.substr(colon + 1);
    int64_t a = 0;
    int64_t b = 0;
    if (kind == "fixed" || kind == "tumbling") {
        if (!parseDuration(arg, a) || a <= 0)
            return failWith("bad window size '" + std::string(arg) + "'");
        out = WindowSpec::fixed(a);
        return true;
    }
    if (kind == "sliding") {
        const size_t slash = arg.find('/');
        if (slash == std::string_view::npos || !parseDuration(arg.substr(0, slash), a) ||
            !parseDuration(arg.substr(slash + 1), b) || a <= 0 || b <= 0)
            return failWith("sliding window needs SIZE/PERIOD, e.g. sliding:60s/10s");
        if (b > a)
            return failWith("sliding window period must not exceed its size");
        out = WindowSpec::sliding(a, b);
        return true;
    }
    if (kind == "session") {
        if (!parseDuration(arg, a) || a <= 0)
            return failWith("bad session gap '" + std::string(arg) + "'");
        out = WindowSpec::session(a);
        return true;
    }
    return failWith("unknown window kind '" + std::string(kind) + "'");
}

std::string describe(const WindowSpec &spec) {
    const auto dur = [](int64_t ns) {
        if (ns % kNsPerHour == 0)
            return std::to_string(ns / kNsPerHour) + "h";
        if (ns % kNsPerMinute == 0)
            return std::to_string(ns / kNsPerMinute) + "m";
        if (ns % kNsPerSecond == 0)
            return std::to_string(ns / kNsPerSecond) + "s";
        if (ns % kNsPerMs == 0)
            return std::to_string(ns / kNsPerMs) + "ms";
        return std::to_string(ns) + "ns";
    };
    switch (spec.kind) {
    case WindowKind::Fixed:
        return "fixed:" + dur(spec.size);
    case WindowKind::Sliding:
        return "sliding:" + dur(spec.size) + "/" + dur(spec.period);
    case WindowKind::Session:
        return "session:" + dur(spec.gap);
    case WindowKind::Global:
        break;
    }
    return "global";
}

} // namespace weir::window
