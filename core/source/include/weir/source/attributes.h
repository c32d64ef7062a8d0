// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace weir::source {

// Per-message transport attributes (MQTT topic, Kafka topic/partition/key/headers/timestamp)
// packed back to back in RawBatch::attributes: [u8 name length][name][u32 value length, little
// endian][value]. Values may hold any bytes (Kafka keys and headers are binary).
// Well-known names, so that consumers need not guess.
namespace attr {
constexpr std::string_view kTopic = "topic";
constexpr std::string_view kPartition = "partition";
constexpr std::string_view kOffset = "offset";
constexpr std::string_view kKey = "key";
constexpr std::string_view kTimestamp = "timestamp";  // broker time, ns since epoch (decimal)
constexpr std::string_view kHeaderPrefix = "header."; // "header.<name>" per Kafka header
} // namespace attr

// Appends one attribute; names longer than 255 bytes are cut.
void appendAttribute(std::string &out, std::string_view name, std::string_view value);

// Calls f(name, value) for every attribute in `attrs`; stops early at malformed input.
template<typename F>
void forEachAttribute(std::string_view attrs, F &&f) {
    size_t pos = 0;
    while (pos < attrs.size()) {
        const size_t nameLen = static_cast<uint8_t>(attrs[pos]);
        if (pos + 1 + nameLen + 4 > attrs.size())
            return;
        const std::string_view name = attrs.substr(pos + 1, nameLen);
        pos += 1 + nameLen;
        uint32_t valueLen = 0;
        for (int i = 3; i >= 0; --i)
            valueLen = valueLen << 8 | static_cast<uint8_t>(attrs[pos + static_cast<size_t>(i)]);
        pos += 4;
        if (valueLen > attrs.size() - pos)
            return;
        f(name, attrs.substr(pos, valueLen));
        pos += valueLen;
    }
}

// The first value named `name`; `found` (optional) tells an empty value from a missing one.
std::string_view findAttribute(std::string_view attrs, std::string_view name,
                               bool *found = nullptr);

// Level `index` (0-based) of an MQTT topic ("sensors/dev7/temp", 1 -> "dev7"); empty if none.
std::string_view topicLevel(std::string_view topic, size_t index);

} // namespace weir::source
