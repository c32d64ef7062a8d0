// SPDX-License-Identifier: GPL-3.0-or-later
#include "attributed_parser.h"

#include "weir/store/attributes.h"

#include <algorithm>

namespace weir::engine {

AttributedParser::AttributedParser(std::unique_ptr<parse::Parser> inner)
    : m_inner(std::move(inner)) {}

void AttributedParser::noteNames(std::string_view attrs) {
    if (m_names.size() < 256 && store::addAttributeFieldNames(attrs, m_names))
        ++m_namesVersion;
}

bool AttributedParser::parseFields(std::string_view line, parse::FieldList &out) const {
    const bool ok = m_inner->parseFields(line, out);
    if (!m_current.empty())
        store::appendAttributeFields(m_current, out);
    return ok;
}

std::vector<std::string> AttributedParser::fieldNames() const {
    std::vector<std::string> names = m_inner->fieldNames();
    for (const auto &n : m_names) {
        if (std::find(names.begin(), names.end(), n) == names.end())
            names.push_back(n);
    }
    return names;
}

std::unique_ptr<parse::Parser> AttributedParser::clone() const {
    auto copy = std::make_unique<AttributedParser>(m_inner->clone());
    copy->m_names = m_names;
    copy->m_namesVersion = m_namesVersion;
    return copy;
}

} // namespace weir::engine
