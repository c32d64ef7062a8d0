// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/window/result_join.h"

#include "weir/window/window_spec.h"

namespace weir::window {

std::string_view ResultJoin::keyPrefix(std::string_view key, size_t parts) {
    size_t pos = 0;
    for (size_t i = 0; i < parts; ++i) {
        const size_t bar = key.find('|', pos);
        if (bar == std::string_view::npos)
            return key;
        if (i + 1 == parts)
            return key.substr(0, bar);
        pos = bar + 1;
    }
    return key.substr(0, 0);
}

void ResultJoin::emitRow(const Pane &left, const Pane &right) {
    Row r;
    r.window = left.window;
    r.leftKey = left.key;
    r.rightKey = right.key;
    r.left = left.values;
    r.right = right.values;
    r.final = left.final && right.final;
    m_rows.push_back(std::move(r));
}

void ResultJoin::addLeft(const Pane &pane) {
    Side &side = m_windows[pane.window];
    const std::string prefix(keyPrefix(pane.key, m_prefixParts));
    side.left[prefix][pane.key] = pane;
    const auto it = side.right.find(prefix);
    if (it != side.right.end())
        emitRow(pane, it->second);
}

void ResultJoin::addRight(const Pane &pane) {
    Side &side = m_windows[pane.window];
    side.right[pane.key] = pane;
    const auto it = side.left.find(pane.key);
    if (it == side.left.end())
        return;
    for (const auto &kv : it->second)
        emitRow(kv.second, pane);
}

void ResultJoin::expire(TimestampNs watermark, int64_t latenessNs) {
    while (!m_windows.empty() &&
           saturatingAdd(m_windows.begin()->first.end.value, latenessNs) <= watermark.value)
        m_windows.erase(m_windows.begin());
}

void ResultJoin::takeRows(std::vector<Row> &out) {
    for (auto &r : m_rows)
        out.push_back(std::move(r));
    m_rows.clear();
}

bool Comparison::matches(const ResultJoin::Row &row) const {
    if (leftAgg >= row.left.size() || rightAgg >= row.right.size())
        return false;
    const AggValue &l = row.left[leftAgg];
    const AggValue &r = row.right[rightAgg];
    if (l.type != AggValue::Type::Number || r.type != AggValue::Type::Number)
        return false;
    const double rhs = factor * r.number;
    switch (op) {
    case Op::Less:
        return l.number < rhs;
    case Op::LessEqual:
        return l.number <= rhs;
    case Op::Greater:
        return l.number > rhs;
    case Op::GreaterEqual:
        return l.number >= rhs;
    }
    return false;
}

} // namespace weir::window
