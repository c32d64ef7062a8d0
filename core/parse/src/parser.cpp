// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/parse/parser.h"

#include <array>

namespace weir::parse {

std::string_view reasonName(DeadLetterReason r) {
    static constexpr std::array<std::string_view, static_cast<size_t>(DeadLetterReason::Count_)>
        kNames = {"none",  "malformed", "bad_timestamp", "invalid_utf8",
                  "empty", "late",      "too_long"};
    const auto i = static_cast<size_t>(r);
    return i < kNames.size() ? kNames[i] : "unknown";
}

std::string_view fieldTypeName(FieldType t) {
    switch (t) {
    case FieldType::Null:
        return "null";
    case FieldType::String:
        return "string";
    case FieldType::Int:
        return "int";
    case FieldType::Float:
        return "float";
    case FieldType::Time:
        return "time";
    case FieldType::Bool:
        return "bool";
    case FieldType::Ip:
        return "ip";
    }
    return "null";
}

} // namespace weir::parse
