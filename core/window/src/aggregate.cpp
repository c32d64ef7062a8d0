// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/window/aggregate.h"

#include "weir/common/text.h"

#include <algorithm>
#include <cmath>

namespace weir::window {

namespace {

bool failWith(std::string *error, const std::string &m) {
    if (error)
        *error = m;
    return false;
}

bool parseOne(std::string_view item, AggregateSpec &spec, std::string *error) {
    item = trim(item);
    spec = AggregateSpec{};
    spec.name = std::string(item);
    std::string_view fn = item;
    std::string_view args;
    const size_t open = item.find('(');
    if (open != std::string_view::npos) {
        if (item.back() != ')')
            return failWith(error, "aggregate '" + spec.name + "' lacks a closing parenthesis");
        fn = trim(item.substr(0, open));
        args = trim(item.substr(open + 1, item.size() - open - 2));
    }
    std::string_view extra;
    const size_t comma = args.find(',');
    if (comma != std::string_view::npos) {
        extra = trim(args.substr(comma + 1));
        args = trim(args.substr(0, comma));
    }
    spec.field = std::string(args);
    const bool needsField = fn != "count";
    if (needsField && spec.field.empty())
        return failWith(error, "aggregate '" + spec.name + "' needs a field, e.g. " +
                                   std::string(fn) + "(F)");
    if (fn == "count") {
        spec.kind = AggKind::Count;
    } else if (fn == "sum") {
        spec.kind = AggKind::Sum;
    } else if (fn == "mean" || fn == "avg") {
        spec.kind = AggKind::Mean;
    } else if (fn == "min") {
        spec.kind = AggKind::Min;
    } else if (fn == "max") {
        spec.kind = AggKind::Max;
    } else if (fn == "distinct") {
        spec.kind = AggKind::Distinct;
    } else if (fn == "first") {
        spec.kind = AggKind::First;
    } else if (fn == "last") {
        spec.kind = AggKind::Last;
    } else if (fn == "topk") {
        spec.kind = AggKind::TopK;
        if (!extra.empty()) {
            double k = 0;
            if (!parseDouble(extra, k) || k < 1 || k > 10000 || k != std::floor(k))
                return failWith(error, "topk needs a whole k in 1..10000: '" + spec.name + "'");
            spec.k = static_cast<size_t>(k);
        }
    } else if (fn.size() >= 2 && (fn[0] == 'p' || fn[0] == 'P')) {
        double p = 0;
        if (!parseDouble(fn.substr(1), p) || p < 0 || p > 100)
            return failWith(error, "unknown aggregate '" + spec.name + "'");
        spec.kind = AggKind::Quantile;
        spec.quantile = p / 100.0;
    } else {
        return failWith(error, "unknown aggregate '" + spec.name + "'");
    }
    if (!extra.empty() && spec.kind != AggKind::TopK)
        return failWith(error, "aggregate '" + spec.name + "' takes one field");
    return true;
}

} // namespace

bool parseAggregates(std::string_view text, std::vector<AggregateSpec> &out, std::string *error) {
    out.clear();
    int depth = 0;
    size_t start = 0;
    for (size_t i = 0; i <= text.size(); ++i) {
        const char c = i < text.size() ? text[i] : ',';
        if (c == '(')
            ++depth;
        else if (c == ')')
            --depth;
        if (c == ',' && depth == 0) {
            const std::string_view item = trim(text.substr(start, i - start));
            if (item.empty())
                return failWith(error, "empty aggregate in '" + std::string(text) + "'");
            AggregateSpec spec;
            if (!parseOne(item, spec, error))
                return false;
            out.push_back(std::move(spec));
            start = i + 1;
        }
    }
    if (depth != 0)
        return failWith(error, "unbalanced parentheses in '" + std::string(text) + "'");
    return !out.empty() || failWith(error, "no aggregate given");
}

std::string AggValue::toString() const {
    std::string s;
    if (type == Type::Number && !text.empty())
        s = text; // first/last keep the value as written
    else if (type == Type::Number)
        appendDouble(s, number);
    else if (type == Type::Text)
        s = text;
    return s;
}

const AggState::Extra &AggState::ex() const {
    static const Extra kEmpty;
    return m_extra ? *m_extra : kEmpty;
}

void NumericState::merge(const NumericState &o) {
    if (o.count == 0)
        return;
    if (count == 0) {
        min = o.min;
        max = o.max;
    } else {
        min = std::min(min, o.min);
        max = std::max(max, o.max);
    }
    sum.merge(o.sum);
    count += o.count;
}

AggValue NumericState::result(AggKind kind) const {
    switch (kind) {
    case AggKind::Sum:
        return AggValue::of(count ? sum.value() : 0.0);
    case AggKind::Mean:
        return count ? AggValue::of(sum.value() / static_cast<double>(count)) : AggValue::null();
    case AggKind::Min:
        return count ? AggValue::of(min) : AggValue::null();
    case AggKind::Max:
        return count ? AggValue::of(max) : AggValue::null();
    default:
        return AggValue::null();
    }
}

AggState::AggState(const AggState &o)
    : m_num(o.m_num)
    , m_sketch(o.m_sketch ? std::make_unique<DdSketch>(*o.m_sketch) : nullptr) {
    if (o.m_extra) {
        Extra &e = x();
        e.time = o.m_extra->time;
        e.text = o.m_extra->text;
        if (o.m_extra->distinct)
            e.distinct = std::make_unique<DistinctCounter>(*o.m_extra->distinct);
        if (o.m_extra->topk)
            e.topk = std::make_unique<SpaceSaving>(*o.m_extra->topk);
    }
}

AggState &AggState::operator=(const AggState &o) {
    if (this != &o) {
        AggState copy(o);
        *this = std::move(copy);
    }
    return *this;
}

void AggState::add(const AggregateSpec &spec, const FieldValue &v, TimestampNs t) {
    switch (spec.kind) {
    case AggKind::Count:
        if (spec.field.empty() || v.present)
            ++m_num.count;
        return;
    case AggKind::Sum:
    case AggKind::Mean:
    case AggKind::Min:
    case AggKind::Max:
        if (v.numeric && !std::isnan(v.number))
            m_num.add(v.number);
        return;
    case AggKind::Quantile:
        if (!v.numeric || std::isnan(v.number))
            return;
        ++m_num.count;
        if (!m_sketch)
            m_sketch = std::make_unique<DdSketch>();
        m_sketch->add(v.number);
        return;
    case AggKind::Distinct:
        if (!v.present)
            return;
        ++m_num.count;
        if (!x().distinct)
            x().distinct = std::make_unique<DistinctCounter>();
        x().distinct->add(v.text);
        return;
    case AggKind::TopK:
        if (!v.present)
            return;
        ++m_num.count;
        if (!x().topk)
            x().topk = std::make_unique<SpaceSaving>(std::max<size_t>(4 * spec.k, 64));
        x().topk->add(v.text);
        return;
    case AggKind::First:
    case AggKind::Last: {
        if (!v.present)
            return;
        const bool first = spec.kind == AggKind::First;
        bool take = m_num.count == 0;
        if (!take) {
            if (first)
                take = t < x().time || (t == x().time && v.text < x().text);
            else
                take = t > x().time || (t == x().time && v.text > x().text);
        }
        ++m_num.count;
        if (take) {
            x().time = t;
            x().text.assign(v.text.data(), v.text.size());
        }
        return;
    }
    }
}

void AggState::merge(const AggregateSpec &spec, const AggState &o) {
    if (o.m_num.count == 0)
        return;
    switch (spec.kind) {
    case AggKind::Count:
        break;
    case AggKind::Sum:
    case AggKind::Mean:
    case AggKind::Min:
    case AggKind::Max:
        m_num.merge(o.m_num);
        return; // merge added the count
    case AggKind::Quantile:
        if (o.m_sketch) {
            if (!m_sketch)
                m_sketch = std::make_unique<DdSketch>();
            m_sketch->merge(*o.m_sketch);
        }
        break;
    case AggKind::Distinct:
        if (o.ex().distinct) {
            if (!x().distinct)
                x().distinct = std::make_unique<DistinctCounter>();
            x().distinct->merge(*o.ex().distinct);
        }
        break;
    case AggKind::TopK:
        if (o.ex().topk) {
            if (!x().topk)
                x().topk = std::make_unique<SpaceSaving>(o.ex().topk->capacity());
            x().topk->merge(*o.ex().topk);
        }
        break;
    case AggKind::First:
    case AggKind::Last: {
        const bool first = spec.kind == AggKind::First;
        bool take = m_num.count == 0;
        if (!take) {
            if (first)
                take =
                    o.ex().time < x().time || (o.ex().time == x().time && o.ex().text < x().text);
            else
                take =
                    o.ex().time > x().time || (o.ex().time == x().time && o.ex().text > x().text);
        }
        if (take) {
            x().time = o.ex().time;
            x().text = o.ex().text;
        }
        break;
    }
    }
    m_num.count += o.m_num.count;
}

AggValue AggState::result(const AggregateSpec &spec) const {
    switch (spec.kind) {
    case AggKind::Count:
        return AggValue::of(static_cast<double>(m_num.count));
    case AggKind::Sum:
    case AggKind::Mean:
    case AggKind::Min:
    case AggKind::Max:
        return m_num.result(spec.kind);
    case AggKind::Quantile:
        return m_sketch ? AggValue::of(m_sketch->quantile(spec.quantile)) : AggValue::null();
    case AggKind::Distinct:
        return AggValue::of(ex().distinct ? std::round(ex().distinct->estimate()) : 0.0);
    case AggKind::TopK: {
        if (!ex().topk)
            return AggValue::ofText({});
        std::string s;
        for (const auto &e : ex().topk->top(spec.k)) {
            if (!s.empty())
                s += ';';
            s += e.item;
            s += '=';
            s += std::to_string(e.count);
        }
        return AggValue::ofText(std::move(s));
    }
    case AggKind::First:
    case AggKind::Last: {
        if (m_num.count == 0)
            return AggValue::null();
        double d = 0;
        if (parseDouble(ex().text, d))
            return AggValue{AggValue::Type::Number, d, ex().text};
        return AggValue::ofText(ex().text);
    }
    }
    return AggValue::null();
}

} // namespace weir::window
