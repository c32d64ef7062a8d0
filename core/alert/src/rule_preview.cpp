// SPDX-License-Identifier: GPL-3.0-or-later
#include "weir/alert/rule_preview.h"

#include "weir/alert/alert_engine.h"
#include "weir/alert/rule.h"

#include <unordered_map>

namespace weir::alert {

RulePreview previewRules(std::string_view rulesJson, const store::StoreSnapshot &events,
                         const query::SourceCatalog &catalog, const std::atomic<bool> *cancel) {
    RulePreview out;
    std::optional<std::vector<RuleSpec>> rules = loadRules(rulesJson, &out.error);
    if (!rules)
        return out;
    std::unordered_map<std::string, size_t> byName;
    for (const RuleSpec &r : *rules) {
        byName.emplace(r.name, out.rules.size());
        out.rules.push_back({r.name, 0, 0});
    }
    std::unique_ptr<AlertEngine> engine = AlertEngine::create(std::move(*rules), &out.error);
    if (!engine)
        return out;
    engine->setCatalog(catalog);
    out.ok = true;

    std::vector<Transition> transitions;
    const auto count = [&] {
        engine->takeTransitions(transitions);
        for (const Transition &t : transitions) {
            ++out.transitions;
            const bool firing = t.state == AlertState::Firing;
            out.firing += firing ? 1 : 0;
            const auto it = byName.find(t.rule());
            if (it == byName.end())
                continue;
            ++out.rules[it->second].transitions;
            out.rules[it->second].firing += firing ? 1 : 0;
        }
        transitions.clear();
    };

    parse::FieldList fields;
    constexpr uint64_t kCancelEvery = 4096;
    events.forEach(events.firstIndex(), events.endIndex(), [&](const store::EventRef &ref) {
        if (out.cancelled)
            return;
        if (cancel && out.events % kCancelEvery == 0 && cancel->load(std::memory_order_relaxed)) {
            out.cancelled = true;
            return;
        }
        const store::EventRecord &record = ref.record();
        const std::string_view raw = ref.raw();
        fields.clear();
        const size_t channel = record.source.value;
        if (channel < catalog.size() && catalog[channel].decoder)
            catalog[channel].decoder->parseFields(raw, fields);
        engine->process(record, raw, fields, 0);
        ++out.events;
        if (out.events % kCancelEvery == 0)
            count(); // keeps the transition buffer small
    });
    if (out.cancelled)
        return out;
    engine->endAll();
    count();
    return out;
}

} // namespace weir::alert
