// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/window/window_operator.h"

#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace weir::window {

// Joins the panes of a detailed result stream (left, e.g. mean speed per lane with key
// "lat|lon|freeway|dir|lane") with the panes of a coarser one (right, e.g. mean speed per
// location "lat|lon|freeway|dir") on the same window and the first `prefixParts` parts of the
// left key. Each incoming pane produces a row for every match with the latest pane of the other
// side, so a derived comparison ("lane speed < 0.5 x location mean") can be checked as results
// evolve. Both operators must use the same window spec. Not thread-safe: one owner thread.
class ResultJoin {
public:
    struct Row {
        Window window;
        std::string leftKey;
        std::string rightKey;
        std::vector<AggValue> left;
        std::vector<AggValue> right;
        bool final = false; // both sides final
    };

    explicit ResultJoin(size_t prefixParts)
        : m_prefixParts(prefixParts) {}

    void addLeft(const Pane &pane);
    void addRight(const Pane &pane);
    // Frees windows whose end + lateness is at or below the watermark.
    void expire(TimestampNs watermark, int64_t latenessNs);
    void takeRows(std::vector<Row> &out);
    size_t windowCount() const { return m_windows.size(); }

    // The first `parts` '|'-separated parts of `key`.
    static std::string_view keyPrefix(std::string_view key, size_t parts);

private:
    struct Side {
        std::unordered_map<std::string, Pane> right;                       // by key
        std::unordered_map<std::string, std::map<std::string, Pane>> left; // prefix -> key
    };
    void emitRow(const Pane &left, const Pane &right);

    size_t m_prefixParts;
    std::map<Window, Side> m_windows;
    std::vector<Row> m_rows;
};

// "left[leftAgg] OP factor * right[rightAgg]", e.g. {0, Less, 0.5, 0} for lane speed below half
// the location mean. A row where either value is missing never matches.
struct Comparison {
    enum class Op : uint8_t { Less, LessEqual, Greater, GreaterEqual };
    size_t leftAgg = 0;
    Op op = Op::Less;
    double factor = 1.0;
    size_t rightAgg = 0;

    bool matches(const ResultJoin::Row &row) const;
};

} // namespace weir::window
