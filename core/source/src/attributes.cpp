// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/source/attributes.h"

#include <algorithm>

namespace weir::source {

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

} // namespace weir::source
