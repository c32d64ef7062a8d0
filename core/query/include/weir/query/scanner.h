// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/query/match_bitmap.h"
#include "weir/query/matcher.h"
#include "weir/query/query.h"
#include "weir/store/event_store.h"

#include <atomic>
#include <cstdint>
#include <functional>

namespace weir::query {

// How a scan reports and stops. Both hooks are used from the scanning thread.
struct ScanControl {
    // Polled every kCancelCheckRows rows; the scan stops soon after it turns true.
    const std::atomic<bool> *cancel = nullptr;
    // Called with (rows done, rows total) about every progressStep rows and once at the end.
    std::function<void(uint64_t done, uint64_t total)> progress;
    uint64_t progressStep = uint64_t{1} << 20;

    static constexpr uint64_t kCancelCheckRows = 4096;
    bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
};

// Evaluates the matcher over the events [from, to) of the snapshot (clamped to it) and ORs the
// matches into `bits`, which must cover that range. Returns the index the scan reached: `to`
// (clamped) when complete, less when cancelled; bits below it are final. Runs on the calling
// thread (meant for a background worker); the snapshot keeps its chunks alive meanwhile.
uint64_t scanInto(Matcher &matcher, const store::StoreSnapshot &snapshot, uint64_t from,
                  uint64_t to, MatchBitmap &bits, const ScanControl &control = {});

struct ScanResult {
    MatchBitmap matches; // over [snapshot.firstIndex(), reached)
    bool cancelled = false;
};

// One-shot scan of a whole snapshot.
ScanResult scan(const Query &query, const SourceCatalog &catalog,
                const store::StoreSnapshot &snapshot, const ScanControl &control = {});

} // namespace weir::query
