// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/query/query.h"
#include "weir/store/event_store.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace weir::alert {

// What a rules file would have done on events already stored.
struct RulePreview {
    bool ok = false;
    std::string error; // the loader's or compiler's message, naming the rule and field
    bool cancelled = false;
    uint64_t events = 0;      // events evaluated
    uint64_t firing = 0;      // transitions to Firing, over every rule and key
    uint64_t transitions = 0; // every reported transition
    struct PerRule {
        std::string name;
        uint64_t firing = 0;
        uint64_t transitions = 0;
    };
    std::vector<PerRule> rules; // in file order
};

// Loads `rulesJson` and runs a fresh AlertEngine over every event of `events` in store order
// (the order the engine saw them), parsing fields with each channel's decoder from `catalog`,
// then ends the input so open windows are evaluated. Runs on the calling thread (a worker:
// it may take seconds on millions of events); `cancel`, if given, is polled every few thousand
// events and stops the run with cancelled = true. Thread contract: the snapshot and catalog
// decoders are immutable and safe to read from any thread.
RulePreview previewRules(std::string_view rulesJson, const store::StoreSnapshot &events,
                         const query::SourceCatalog &catalog,
                         const std::atomic<bool> *cancel = nullptr);

} // namespace weir::alert
