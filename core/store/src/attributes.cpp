// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/store/attributes.h"

#include "weir/parse/field_types.h"

#include <algorithm>
#include <array>

namespace weir::store {

namespace attr {
std::string_view topicLevelName(size_t index) {
    static constexpr std::array<std::string_view, kMaxTopicLevels> kNames = {
        "topic.0",  "topic.1",  "topic.2",  "topic.3", "topic.4",  "topic.5",
        "topic.6",  "topic.7",  "topic.8",  "topic.9", "topic.10", "topic.11",
        "topic.12", "topic.13", "topic.14", "topic.15"};
    return index < kNames.size() ? kNames[index] : std::string_view();
}
} // namespace attr

void appendAttribute(std::string &out, std::string_view name, std::string_view value) {
    name = name.substr(0, std::min<size_t>(name.size(), 255));
    out += static_cast<char>(static_cast<uint8_t>(name.size()));
    out += name;
    const auto len = static_cast<uint32_t>(value.size());
    for (int i = 0; i < 4; ++i)
        out += static_cast<char>(static_cast<uint8_t>(len >> (8 * i)));
    out += value;
}

std::string_view findAttribute(std::string_view attrs, std::string_view name, bool *found) {
    std::string_view result;
    bool hit = false;
    forEachAttribute(attrs, [&](std::string_view n, std::string_view v) {
        if (!hit && n == name) {
            result = v;
            hit = true;
        }
    });
    if (found)
        *found = hit;
    return result;
}

std::string_view topicLevel(std::string_view topic, size_t index) {
    size_t start = 0;
    for (size_t i = 0; i < index; ++i) {
        const size_t slash = topic.find('/', start);
        if (slash == std::string_view::npos)
            return {};
        start = slash + 1;
    }
    const size_t end = topic.find('/', start);
    return topic.substr(start,
                        end == std::string_view::npos ? std::string_view::npos : end - start);
}

namespace {

// Calls f(level index, level text) for each level of `topic` (at most kMaxTopicLevels).
template<typename F>
void forEachLevel(std::string_view topic, F &&f) {
    size_t start = 0;
    for (size_t i = 0; i < attr::kMaxTopicLevels; ++i) {
        const size_t slash = topic.find('/', start);
        f(i, topic.substr(start, slash == std::string_view::npos ? std::string_view::npos
                                                                 : slash - start));
        if (slash == std::string_view::npos)
            return;
        start = slash + 1;
    }
}

} // namespace

void appendAttributeFields(std::string_view attrs, parse::FieldList &out) {
    forEachAttribute(attrs, [&](std::string_view name, std::string_view value) {
        if (name == attr::kTopic) {
            parse::Field f;
            f.name = attr::kTopic;
            f.type = parse::FieldType::String;
            f.text = value;
            out.fields.push_back(f);
            forEachLevel(value, [&](size_t i, std::string_view level) {
                parse::addInferred(out, attr::topicLevelName(i), level);
            });
        } else {
            parse::addInferred(out, name, value);
        }
    });
}

bool addAttributeFieldNames(std::string_view attrs, std::vector<std::string> &names) {
    bool added = false;
    const auto add = [&](std::string_view name) {
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            names.emplace_back(name);
            added = true;
        }
    };
    forEachAttribute(attrs, [&](std::string_view name, std::string_view value) {
        add(name);
        if (name == attr::kTopic)
            forEachLevel(value, [&](size_t i, std::string_view) { add(attr::topicLevelName(i)); });
    });
    return added;
}

} // namespace weir::store
