// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/common/types.h"
#include "weir/window/sketches.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace weir::window {

enum class AggKind : uint8_t {
    Count, // events (count) or events where the field is present (count(F))
    Sum,   // exact, order-independent (see ExactSum)
    Mean,  // sum / number of numeric values
    Min,
    Max,
    Quantile, // p50, p90, p95, p99, or pNN: DdSketch, <= 1 % relative error
    Distinct, // DistinctCounter: exact below 512 values, then HyperLogLog (1.6 % std. error)
    TopK,     // SpaceSaving with max(4k, 64) counters; "item=count;item=count"
    First,    // value at the earliest event time (ties: smallest text)
    Last,     // value at the latest event time (ties: largest text)
};

struct AggregateSpec {
    AggKind kind = AggKind::Count;
    std::string field;   // empty for plain count
    double quantile = 0; // Quantile: 0..1
    size_t k = 10;       // TopK
    std::string name;    // exactly as written, e.g. "p95(latency)"
    size_t input = 0;    // index into the operator's input field list (set by the operator)
};

// Parses a comma list such as "count,sum(bytes),p95(latency),topk(path,10)". Commas inside
// parentheses belong to the aggregate. False with a message in `error` on bad input.
bool parseAggregates(std::string_view text, std::vector<AggregateSpec> &out,
                     std::string *error = nullptr);

// One input value as the caller extracted it from an event.
struct FieldValue {
    std::string_view text;
    double number = 0;
    bool numeric = false; // number is valid
    bool present = false;
};

// A computed aggregate: a number, a text (top-k, first/last of text fields) or nothing (an
// aggregate that saw no values, e.g. the min of an empty pane).
struct AggValue {
    enum class Type : uint8_t { Null, Number, Text };
    Type type = Type::Null;
    double number = 0;
    std::string text;

    static AggValue null() { return {}; }
    static AggValue of(double v) { return {Type::Number, v, {}}; }
    static AggValue ofText(std::string s) { return {Type::Text, 0, std::move(s)}; }
    bool isNull() const { return type == Type::Null; }
    // CSV / JSON cell text: numbers in shortest round-trip form, Null as empty.
    std::string toString() const;
};

// The numeric part of sum, mean, min and max: how many numeric values, their min, max and exact
// sum. Shared by AggState and the window operator's packed cells, so both compute alike.
struct NumericState {
    uint64_t count = 0;
    double min = 0;
    double max = 0;
    ExactSum sum;

    void add(double v) {
        if (count++ == 0) {
            min = max = v;
        } else {
            min = v < min ? v : min;
            max = v > max ? v : max;
        }
        sum.add(v);
    }
    void merge(const NumericState &o);
    AggValue result(AggKind kind) const; // kind: Sum, Mean, Min or Max
};

// Accumulator state of one aggregate in one window and key. Mergeable: merge(a, b) equals the
// state of the union of their inputs. Not thread-safe; owned by one operator.
class AggState {
public:
    void add(const AggregateSpec &spec, const FieldValue &v, TimestampNs t);
    void merge(const AggregateSpec &spec, const AggState &other);
    AggValue result(const AggregateSpec &spec) const;
    void reset() { *this = AggState{}; }
    bool empty() const { return m_num.count == 0; }

private:
    // Rarely used parts live behind one pointer so the common state stays at 64 bytes.
    struct Extra {
        TimestampNs time{}; // First/Last
        std::string text;   // First/Last
        std::unique_ptr<DistinctCounter> distinct;
        std::unique_ptr<SpaceSaving> topk;
    };
    Extra &x() {
        if (!m_extra)
            m_extra = std::make_unique<Extra>();
        return *m_extra;
    }
    const Extra &ex() const;

    // count: inputs taken (events, present values, or numeric values); min, max and sum only
    // for sum, mean, min and max.
    NumericState m_num;
    std::unique_ptr<DdSketch> m_sketch;
    std::unique_ptr<Extra> m_extra;

public:
    AggState() = default;
    AggState(AggState &&) = default;
    AggState &operator=(AggState &&) = default;
    AggState(const AggState &o);
    AggState &operator=(const AggState &o);
};

} // namespace weir::window
