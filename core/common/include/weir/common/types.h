// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string_view>

namespace weir {

// A strong typedef: a value that does not silently convert to or from other quantities.
template<typename Tag, typename Rep>
struct Strong {
    Rep value{};

    constexpr Strong() = default;
    constexpr explicit Strong(Rep v)
        : value(v) {}

    friend constexpr bool operator==(Strong a, Strong b) { return a.value == b.value; }
    friend constexpr bool operator!=(Strong a, Strong b) { return a.value != b.value; }
    friend constexpr bool operator<(Strong a, Strong b) { return a.value < b.value; }
    friend constexpr bool operator<=(Strong a, Strong b) { return a.value <= b.value; }
    friend constexpr bool operator>(Strong a, Strong b) { return a.value > b.value; }
    friend constexpr bool operator>=(Strong a, Strong b) { return a.value >= b.value; }
};

// Nanoseconds since the Unix epoch, UTC.
struct TimestampTag;
using TimestampNs = Strong<TimestampTag, int64_t>;

constexpr int64_t kNsPerUs = 1000;
constexpr int64_t kNsPerMs = 1000 * kNsPerUs;
constexpr int64_t kNsPerSecond = 1000 * kNsPerMs;
constexpr int64_t kNsPerMinute = 60 * kNsPerSecond;
constexpr int64_t kNsPerHour = 60 * kNsPerMinute;
constexpr int64_t kNsPerDay = 24 * kNsPerHour;

constexpr TimestampNs kMinTimestamp{std::numeric_limits<int64_t>::min()};
constexpr TimestampNs kMaxTimestamp{std::numeric_limits<int64_t>::max()};

// Identifies one input channel (a file, a demo stream, a topic) inside one engine run.
struct SourceTag;
using SourceId = Strong<SourceTag, uint16_t>;

// Index of an event in the store since the engine started; never reused, survives eviction.
struct EventIndexTag;
using EventIndex = Strong<EventIndexTag, uint64_t>;

enum class Severity : uint8_t {
    Unknown = 0,
    Trace,
    Debug,
    Info,
    Notice,
    Warning,
    Error,
    Critical,
    Alert,
    Emergency,
};

std::string_view severityName(Severity s);
// Parses names and common abbreviations (warn, err, crit, fatal, emerg, ...), case-insensitively.
Severity severityFromName(std::string_view name);

} // namespace weir

template<typename Tag, typename Rep>
struct std::hash<weir::Strong<Tag, Rep>> {
    size_t operator()(weir::Strong<Tag, Rep> s) const noexcept { return std::hash<Rep>{}(s.value); }
};
