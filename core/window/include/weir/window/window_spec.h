// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/common/types.h"

#include <string>
#include <string_view>
#include <vector>

namespace weir::window {

// A half-open event-time interval [start, end). The global window is [kMinTimestamp,
// kMaxTimestamp).
struct Window {
    TimestampNs start;
    TimestampNs end;

    friend bool operator==(const Window &a, const Window &b) {
        return a.start == b.start && a.end == b.end;
    }
    friend bool operator!=(const Window &a, const Window &b) { return !(a == b); }
    friend bool operator<(const Window &a, const Window &b) {
        return a.end != b.end ? a.end < b.end : a.start < b.start;
    }
};

enum class WindowKind : uint8_t { Global, Fixed, Sliding, Session };

// How events are assigned to windows. Fixed windows are aligned to the Unix epoch
// ([k*size, (k+1)*size)); sliding windows start at every multiple of `period` and last `size`;
// a session is a run of a key's events where each is less than `gap` after the previous one
// (each event's proto-window is [t, t + gap); overlapping ones merge).
struct WindowSpec {
    WindowKind kind = WindowKind::Global;
    int64_t size = 0;   // Fixed, Sliding (ns)
    int64_t period = 0; // Sliding (ns)
    int64_t gap = 0;    // Session (ns)

    static WindowSpec global() { return {}; }
    static WindowSpec fixed(int64_t sizeNs) { return {WindowKind::Fixed, sizeNs, sizeNs, 0}; }
    static WindowSpec sliding(int64_t sizeNs, int64_t periodNs) {
        return {WindowKind::Sliding, sizeNs, periodNs, 0};
    }
    static WindowSpec session(int64_t gapNs) { return {WindowKind::Session, 0, 0, gapNs}; }

    // Windows that contain t (for sessions: the proto-window [t, t + gap)), in ascending start
    // order. `out` is cleared first.
    void assign(TimestampNs t, std::vector<Window> &out) const;
    // Longest window length (ns); the global window reports 0.
    int64_t maxLength() const;
};

// Parses "global", "fixed:60s", "sliding:60s/10s", "session:30s" (durations as in
// parseDuration). Returns false with a message in `error` on bad input.
bool parseWindowSpec(std::string_view text, WindowSpec &out, std::string *error = nullptr);
std::string describe(const WindowSpec &spec);

// Floor division for event times before 1970.
constexpr int64_t floorDiv(int64_t a, int64_t b) {
    const int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// a + b without overflow (clamped to the int64 range).
constexpr int64_t saturatingAdd(int64_t a, int64_t b) {
    if (b > 0 && a > kMaxTimestamp.value - b)
        return kMaxTimestamp.value;
    if (b < 0 && a < kMinTimestamp.value - b)
        return kMinTimestamp.value;
    return a + b;
}

} // namespace weir::window
