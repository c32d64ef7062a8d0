// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/parse/parser.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace weir::store {

// Per-message transport attributes (MQTT topic, Kafka topic/partition/key/headers/timestamp),
// packed back to back: [u8 name length][name][u32 value length, little endian][value]. Values
// may hold any bytes (Kafka keys and headers are binary). Sources fill them per message
// (RawBatch::attributes); the store keeps them with the event (EventRef::attributes) and they
// become the event's provenance fields (appendAttributeFields).
namespace attr {
constexpr std::string_view kTopic = "topic";
constexpr std::string_view kPartition = "partition";
constexpr std::string_view kOffset = "offset";
constexpr std::string_view kKey = "key";
constexpr std::string_view kTimestamp = "kafka.timestamp"; // broker time, RFC 3339 UTC, ms
constexpr std::string_view kRetained = "retained";         // MQTT: "true" or "false"
constexpr std::string_view kHeaderPrefix = "header.";      // "header.<name>" per Kafka header
// Field names of the levels of the topic: "topic.0" is the first level.
constexpr size_t kMaxTopicLevels = 16;
std::string_view topicLevelName(size_t index); // "topic.<index>", index < kMaxTopicLevels
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

// Appends the provenance fields of `attrs` to `out`: every attribute under its name (type
// inferred: partition and offset are Int, kafka.timestamp a Time, retained a Bool), plus one
// "topic.<i>" field per level of the topic. Fields view into `attrs` and static names (no
// allocation beyond the field vector): `attrs` must outlive `out`'s use. Fields already in
// `out` (from the payload) keep precedence in FieldList::find.
void appendAttributeFields(std::string_view attrs, parse::FieldList &out);

// Adds to `names` the field names appendAttributeFields gives for `attrs`, if missing.
// Returns true when it added any.
bool addAttributeFieldNames(std::string_view attrs, std::vector<std::string> &names);

} // namespace weir::store
