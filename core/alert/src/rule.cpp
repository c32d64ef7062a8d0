// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/alert/rule.h"

#include "weir/common/time_util.h"

#include <fstream>
#include <simdjson.h>
#include <sstream>

namespace weir::alert {

std::string_view ruleKindName(RuleKind k) {
    switch (k) {
    case RuleKind::Threshold:
        return "threshold";
    case RuleKind::Pattern:
        return "pattern";
    case RuleKind::Absence:
        return "absence";
    case RuleKind::Anomaly:
        return "anomaly";
    }
    return "threshold";
}

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

struct Loader {
    std::string *error;
    std::string path;

    bool fail(const std::string &field, const std::string &message) {
        if (error)
            *error = path + (field.empty() ? "" : "." + field) + ": " + message;
        return false;
    }
    bool string(element e, const std::string &field, std::string &out) {
        if (e.type() != element_type::STRING)
            return fail(field, "expected a string");
        out = std::string(std::string_view(e));
        return true;
    }
    bool duration(element e, const std::string &field, int64_t &out) {
        if (e.type() == element_type::STRING) {
            if (!parseDuration(std::string_view(e), out) || out < 0)
                return fail(field, "'" + std::string(std::string_view(e)) +
                                       "' is not a duration (e.g. 30s, 5m, 1h)");
            return true;
        }
        if (e.is_number()) {
            const double s = double(e);
            if (s < 0)
                return fail(field, "must not be negative");
            out = static_cast<int64_t>(s * kNsPerSecond);
            return true;
        }
        return fail(field, "expected a duration such as \"5m\"");
    }
    bool number(element e, const std::string &field, double &out) {
        if (!e.is_number())
            return fail(field, "expected a number");
        out = double(e);
        return true;
    }
    bool fieldList(element e, const std::string &field, std::vector<std::string> &out) {
        out.clear();
        if (e.type() == element_type::STRING) {
            std::string_view s(e);
            size_t pos = 0;
            while (pos <= s.size()) {
                size_t comma = s.find(',', pos);
                if (comma == std::string_view::npos)
                    comma = s.size();
                std::string_view part = s.substr(pos, comma - pos);
                while (!part.empty() && part.front() == ' ')
                    part.remove_prefix(1);
                while (!part.empty() && part.back() == ' ')
                    part.remove_suffix(1);
                if (!part.empty())
                    out.emplace_back(part);
                pos = comma + 1;
            }
            return true;
        }
        if (e.type() != element_type::ARRAY)
            return fail(field, "expected a list of field names");
        size_t i = 0;
        for (element item : simdjson::dom::array(e)) {
            if (item.type() != element_type::STRING)
                return fail(field + "[" + std::to_string(i) + "]", "expected a field name");
            out.emplace_back(std::string_view(item));
            ++i;
        }
        return true;
    }

    bool rule(element e, RuleSpec &r) {
        if (e.type() != element_type::OBJECT)
            return fail("", "expected an object");
        for (auto [keyView, value] : simdjson::dom::object(e)) {
            const std::string key(keyView);
            bool ok = true;
            if (key == "name") {
                ok = string(value, key, r.name);
            } else if (key == "kind") {
                std::string k;
                ok = string(value, key, k);
                if (ok) {
                    if (k == "threshold" || k == "ratio" || k == "comparison")
                        r.kind = RuleKind::Threshold;
                    else if (k == "pattern")
                        r.kind = RuleKind::Pattern;
                    else if (k == "absence" || k == "nodata" || k == "heartbeat")
                        r.kind = RuleKind::Absence;
                    else if (k == "anomaly")
                        r.kind = RuleKind::Anomaly;
                    else
                        ok = fail(key, "unknown kind '" + k +
                                           "' (threshold, ratio, comparison, pattern, "
                                           "absence, anomaly)");
                }
            } else if (key == "severity") {
                ok = string(value, key, r.severity);
            } else if (key == "window") {
                ok = string(value, key, r.window);
            } else if (key == "key") {
                ok = fieldList(value, key, r.key);
            } else if (key == "reference_key") {
                ok = fieldList(value, key, r.referenceKey);
            } else if (key == "filter") {
                ok = string(value, key, r.filter);
            } else if (key == "condition") {
                ok = string(value, key, r.condition);
            } else if (key == "for") {
                if (value.is_number()) {
                    const double n = double(value);
                    if (n < 0 || n != static_cast<double>(static_cast<uint32_t>(n)))
                        ok = fail(key, "a number of evaluations must be a whole number");
                    else
                        r.stateOptions.forEvaluations = static_cast<uint32_t>(n);
                } else if (value.type() == element_type::STRING) {
                    std::string_view s(value);
                    const size_t sp = s.find(' ');
                    if (sp != std::string_view::npos &&
                        (s.substr(sp + 1) == "windows" || s.substr(sp + 1) == "window" ||
                         s.substr(sp + 1) == "evaluations")) {
                        int64_t n = 0;
                        double d = 0;
                        if (!parseDuration(s.substr(0, sp), n) || (d = n / 1e9) < 0 ||
                            d != static_cast<double>(static_cast<uint32_t>(d)))
                            ok = fail(key, "expected e.g. \"3 windows\"");
                        else
                            r.stateOptions.forEvaluations = static_cast<uint32_t>(d);
                    } else {
                        ok = duration(value, key, r.stateOptions.forNs);
                    }
                } else {
                    ok = fail(key, "expected a duration (\"3m\") or a count (3, \"3 windows\")");
                }
            } else if (key == "keep_firing_for") {
                ok = duration(value, key, r.stateOptions.keepFiringForNs);
            } else if (key == "out_of_order") {
                ok = duration(value, key, r.outOfOrderNs);
            } else if (key == "lateness") {
                ok = duration(value, key, r.latenessNs);
            } else if (key == "pattern") {
                ok = string(value, key, r.pattern);
            } else if (key == "min_count") {
                double n = 0;
                ok = number(value, key, n);
                if (ok && (n < 1 || n != static_cast<double>(static_cast<uint64_t>(n))))
                    ok = fail(key, "expected a whole number >= 1");
                r.minCount = static_cast<uint64_t>(n);
            } else if (key == "silent_for") {
                ok = duration(value, key, r.silentForNs);
            } else if (key == "value") {
                ok = string(value, key, r.value);
            } else if (key == "method") {
                std::string m;
                ok = string(value, key, m);
                if (ok) {
                    if (m == "zscore" || m == "rolling")
                        r.method = AnomalyMethod::ZScore;
                    else if (m == "ewma")
                        r.method = AnomalyMethod::Ewma;
                    else
                        ok = fail(key, "unknown method '" + m + "' (zscore, ewma)");
                }
            } else if (key == "history" || key == "min_history") {
                double n = 0;
                ok = number(value, key, n);
                if (ok &&
                    (n < 1 || n > 100000 || n != static_cast<double>(static_cast<uint32_t>(n))))
                    ok = fail(key, "expected a whole number from 1 to 100000");
                (key == "history" ? r.history : r.minHistory) = static_cast<uint32_t>(n);
            } else if (key == "k") {
                ok = number(value, key, r.k);
                if (ok && !(r.k > 0))
                    ok = fail(key, "must be positive");
            } else if (key == "alpha") {
                ok = number(value, key, r.alpha);
                if (ok && !(r.alpha > 0 && r.alpha <= 1))
                    ok = fail(key, "must be in (0, 1]");
            } else if (key == "description" || key == "comment") {
                // free text, ignored
            } else {
                ok = fail(key, "unknown field");
            }
            if (!ok)
                return false;
        }
        return validateRule(r, path, error);
    }
};

} // namespace

bool validateRule(RuleSpec &r, const std::string &path, std::string *error) {
    const auto fail = [&](const std::string &field, const std::string &message) {
        if (error)
            *error = path + "." + field + ": " + message;
        return false;
    };
    if (r.name.empty())
        return fail("name", "missing");
    if (r.kind != RuleKind::Absence && r.window.empty())
        return fail("window", "missing (e.g. \"fixed:1m\")");
    switch (r.kind) {
    case RuleKind::Threshold:
        if (r.condition.empty())
            return fail("condition", "missing (e.g. \"p95(latency) > 800\")");
        break;
    case RuleKind::Pattern:
        if (r.pattern.empty())
            return fail("pattern", "missing (a filter expression)");
        if (!r.condition.empty())
            return fail("condition", "not used by pattern rules (use pattern and min_count)");
        break;
    case RuleKind::Absence:
        if (r.silentForNs <= 0)
            return fail("silent_for", "missing (e.g. \"5m\")");
        break;
    case RuleKind::Anomaly:
        if (r.value.empty())
            return fail("value", "missing (e.g. \"mean(latency)\")");
        if (!r.condition.empty())
            return fail("condition", "not used by anomaly rules (use value, method and k)");
        break;
    }
    std::string condError;
    bool usesReference = false;
    if (r.kind == RuleKind::Threshold) {
        const auto condition = Condition::parse(r.condition, &condError);
        if (!condition)
            return fail("condition", condError);
        for (const auto &a : condition->aggregates())
            usesReference |= a.reference;
    }
    if (r.kind == RuleKind::Anomaly) {
        auto value = Condition::parse(r.value, &condError);
        if (!value)
            return fail("value", condError);
        if (value->aggregates().size() != 1 ||
            value->text().find_first_of("<>=") != std::string::npos)
            return fail("value", "expected one aggregate such as \"mean(latency)\"");
    }
    if (usesReference) {
        if (r.referenceKey.empty())
            return fail("reference_key", "missing: the condition uses ref.* aggregates");
        if (r.referenceKey.size() >= r.key.size() ||
            !std::equal(r.referenceKey.begin(), r.referenceKey.end(), r.key.begin()))
            return fail("reference_key", "must be a strict prefix of key");
    } else if (!r.referenceKey.empty()) {
        return fail("reference_key", "set, but the condition uses no ref.* aggregate");
    }
    return true;
}

std::optional<std::vector<RuleSpec>> loadRules(std::string_view json, std::string *error) {
    simdjson::dom::parser parser;
    simdjson::padded_string padded(json);
    element root;
    if (auto err = parser.parse(padded).get(root); err) {
        if (error)
            *error = std::string("rules: not valid JSON (") + simdjson::error_message(err) + ")";
        return std::nullopt;
    }
    element list = root;
    std::string base = "rules";
    if (root.type() == element_type::OBJECT) {
        if (root["rules"].get(list)) {
            if (error)
                *error = "rules: missing \"rules\" array";
            return std::nullopt;
        }
    }
    if (list.type() != element_type::ARRAY) {
        if (error)
            *error = "rules: expected an array of rules";
        return std::nullopt;
    }
    std::vector<RuleSpec> rules;
    size_t i = 0;
    for (element e : simdjson::dom::array(list)) {
        Loader loader{error, base + "[" + std::to_string(i) + "]"};
        RuleSpec r;
        if (!loader.rule(e, r))
            return std::nullopt;
        for (const auto &other : rules) {
            if (other.name == r.name) {
                if (error)
                    *error = loader.path + ".name: duplicate rule name '" + r.name + "'";
                return std::nullopt;
            }
        }
        rules.push_back(std::move(r));
        ++i;
    }
    return rules;
}

std::optional<std::vector<RuleSpec>> loadRulesFile(const std::string &path, std::string *error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (error)
            *error = "cannot open rules file " + path;
        return std::nullopt;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return loadRules(ss.str(), error);
}

} // namespace weir::alert
